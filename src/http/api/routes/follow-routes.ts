// Following traders: create, list, read, edit / pause / resume, stop.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { followTrader } from '../../../services/follow-trader.ts';
import { getFollow, listFollows } from '../../../services/list-follows.ts';
import { stopFollow } from '../../../services/stop-follow.ts';
import { updateFollow } from '../../../services/update-follow.ts';
import type { ApiDeps } from '../api-deps.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, decimalString, errors, IdParamSchema, WalletSchema } from '../schemas.ts';

const Usd = (min: string, minExclusive: boolean, example: string) =>
  decimalString({ scale: 2, min, minExclusive, max: '9999999999.99', example });
const Percent = (min: string, minExclusive: boolean, max: string, example: string) =>
  decimalString({ scale: 2, min, minExclusive, max, example });
const MarketList = z
  .array(z.string().regex(/^[A-Za-z0-9_:.-]{1,100}$/, 'must be a market id or slug (1-100 characters)'))
  .max(500)
  .nullable();

// Every copy_relationships setting, ranged as the table's columns and CHECKs allow.
const Settings = {
  proportionalityFactor: decimalString({ scale: 6, min: '0', minExclusive: true, max: '10', example: '0.05' })
    .describe("multiplier on the leader's size (0.01 = 1%); > 0 and ≤ 10")
    .optional(),
  maxInvestmentPerTradeUsd: Usd('0', true, '100').optional(),
  maxTotalExposureUsd: Usd('0', true, '500').optional(),
  minTradeSizeUsd: Usd('0', false, '5').nullable().optional(),
  maxSlippagePercent: Percent('0', false, '100', '1').optional(),
  stopLossPercent: Percent('0', true, '100', '20').nullable().optional(),
  takeProfitPercent: Percent('0', true, '999.99', '50').nullable().optional(),
  allowedMarkets: MarketList.optional().describe('copy only these markets (null: all)'),
  excludedMarkets: MarketList.optional().describe('never copy these markets'),
};

const Mode = z.enum(['live', 'paper']).describe('live: real orders with your credentials; paper: simulated');

const FollowSchema = z
  .object({
    id: z.string(),
    traderWallet: z.string(),
    mode: z.enum(['live', 'paper']),
    status: z.enum(['active', 'paused', 'stopped']),
    proportionalityFactor: z.string(),
    maxInvestmentPerTradeUsd: z.string(),
    maxTotalExposureUsd: z.string(),
    minTradeSizeUsd: z.string().nullable(),
    maxSlippagePercent: z.string(),
    stopLossPercent: z.string().nullable(),
    takeProfitPercent: z.string().nullable(),
    allowedMarkets: z.array(z.string()).nullable(),
    excludedMarkets: z.array(z.string()).nullable(),
    totalTradesCopied: z.number().int(),
    totalInvestedUsd: z.string(),
    totalPnlUsd: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    pausedAt: z.string().nullable(),
    stoppedAt: z.string().nullable(),
    stopPositions: z.enum(['keep', 'close']).nullable(),
    lastTradeCopiedAt: z.string().nullable(),
  })
  .meta({ id: 'Follow' });

export function followRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/follows',
      {
        schema: {
          tags: ['follows'],
          summary: 'Follow a trader with copy settings',
          description:
            "Counts against the tier's number of followed traders (active and paused). Live mode " +
            'needs active credentials. Unset settings take the defaults shown.',
          security: BearerSecurity,
          body: z.strictObject({ traderWallet: WalletSchema, mode: Mode, ...Settings }),
          response: { 201: FollowSchema, ...errors(400, 401, 409, 422) },
        },
      },
      async (req, reply) => reply.code(201).send(await followTrader(deps, requireAuth(req).userId, req.body)),
    );

    app.get(
      '/follows',
      {
        schema: {
          tags: ['follows'],
          summary: "The user's relationships",
          security: BearerSecurity,
          querystring: z.strictObject({ status: z.enum(['active', 'paused', 'stopped']).optional() }),
          response: { 200: z.object({ follows: z.array(FollowSchema) }), ...errors(400, 401) },
        },
      },
      async (req) => ({ follows: await listFollows(deps, requireAuth(req).userId, req.query) }),
    );

    app.get(
      '/follows/:id',
      {
        schema: {
          tags: ['follows'],
          summary: 'One relationship',
          security: BearerSecurity,
          params: IdParamSchema,
          response: { 200: FollowSchema, ...errors(400, 401, 404) },
        },
      },
      async (req) => getFollow(deps, requireAuth(req).userId, req.params.id),
    );

    app.patch(
      '/follows/:id',
      {
        schema: {
          tags: ['follows'],
          summary: 'Edit settings, switch mode, pause (status: paused) or resume (status: active)',
          security: BearerSecurity,
          params: IdParamSchema,
          body: z
            .strictObject({
              mode: Mode.optional(),
              status: z.enum(['active', 'paused']).optional(),
              ...Settings,
            })
            .refine((b) => Object.keys(b).length > 0, 'nothing to change'),
          response: { 200: FollowSchema, ...errors(400, 401, 404, 409, 422) },
        },
      },
      async (req) => updateFollow(deps, requireAuth(req).userId, req.params.id, req.body),
    );

    app.delete(
      '/follows/:id',
      {
        schema: {
          tags: ['follows'],
          summary: 'Stop following; positions=keep leaves open positions, positions=close closes them',
          security: BearerSecurity,
          params: IdParamSchema,
          querystring: z.strictObject({ positions: z.enum(['keep', 'close']).default('keep') }),
          response: { 200: FollowSchema, ...errors(400, 401, 404) },
        },
      },
      async (req) => stopFollow(deps, requireAuth(req).userId, req.params.id, req.query.positions),
    );
  };
}
