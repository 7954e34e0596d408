// Following traders: create (with settings, a preset, and optionally copies of the trader's open
// positions), list, read, edit / pause / resume, stop, and close one position.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { closeFollowPosition } from '../../../services/close-follow-position.ts';
import { followTrader } from '../../../services/follow-trader.ts';
import { getFollow, listFollows } from '../../../services/list-follows.ts';
import { stopFollow } from '../../../services/stop-follow.ts';
import { updateFollow } from '../../../services/update-follow.ts';
import type { ApiDeps } from '../api-deps.ts';
import { CopyOpenPositionsField, SettingsFields, SettingsView } from '../copy-settings-schema.ts';
import { requireAuth } from '../request-auth.ts';
import { TOTP_HEADER } from '../../../services/two-factor.ts';
import {
  BearerSecurity,
  errors,
  IdParamSchema,
  PageQuery,
  pageOf,
  TotpHeaderSchema,
  WalletSchema,
} from '../schemas.ts';
import type { RouteApp } from './route-app.ts';

const Mode = z.enum(['live', 'paper']).describe('live: real orders with your credentials; paper: simulated');
const PresetId = z
  .string()
  .regex(/^[1-9]\d{0,17}$/, 'must be a numeric id')
  .describe('start from this preset of yours (the request’s own settings win over it)');

const FollowSchema = z
  .object({
    id: z.string(),
    traderWallet: z.string(),
    mode: z.enum(['live', 'paper']),
    status: z.enum(['active', 'paused', 'stopped']),
    ...SettingsView,
    pausedReason: z
      .enum(['user', 'circuit_breaker'])
      .nullable()
      .describe('who paused a paused follow: you, or the circuit breaker after consecutive failed copies'),
    pauseDetail: z.string().nullable(),
    consecutiveFailures: z.number().int().describe('failed copies in a row since the last executed one'),
    presetId: z.string().nullable(),
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

const OpenPositionDecisionSchema = z.object({
  assetId: z.string(),
  conditionId: z.string(),
  title: z.string().nullable(),
  outcome: z.string().nullable(),
  leaderShares: z.string(),
  price: z
    .string()
    .nullable()
    .describe('the best ask read from the book: the copy is priced within slippage of it'),
  decision: z.enum(['queued', 'skipped']),
  reason: z.string().nullable().describe('why it is not copied (a reason code as in /decisions)'),
  detail: z.string().nullable(),
  shares: z.string().nullable(),
  queueId: z.string().nullable(),
});

const CreatedFollowSchema = FollowSchema.extend({
  openPositions: z
    .array(OpenPositionDecisionSchema)
    .optional()
    .describe("with copyOpenPositions: one decision per open position of the trader's"),
}).meta({ id: 'CreatedFollow' });

const AssetParams = IdParamSchema.extend({
  assetId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be a token id'),
});

export function followRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    followCreateListRoutes(app, deps);
    followUpdateStopRoutes(app, deps);
    closePositionRoutes(app, deps);
  };
}

function followCreateListRoutes(app: RouteApp, deps: ApiDeps): void {
  app.post(
    '/follows',
    {
      schema: {
        tags: ['follows'],
        summary: 'Follow a trader with copy settings',
        description:
          "Counts against the tier's number of followed traders (active and paused). Live mode " +
          'needs active credentials and, with two-factor authentication on, a fresh code in the ' +
          'x-totp header. Unset settings take the preset’s (presetId), else the defaults shown. ' +
          "With copyOpenPositions the trader's open positions are read from the venue and copied " +
          '(503 and nothing written when the venue cannot be read).',
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        body: z.strictObject({
          traderWallet: WalletSchema,
          mode: Mode,
          presetId: PresetId.optional(),
          ...SettingsFields,
          ...CopyOpenPositionsField,
        }),
        response: { 201: CreatedFollowSchema, ...errors(400, 401, 404, 409, 422, 423, 503) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(
        await followTrader(
          {
            db: deps.db,
            clock: deps.clock,
            openPositions: deps.openPositions,
            sizingSnapshots: deps.sizingSnapshots,
            masterKey: deps.masterKey,
          },
          requireAuth(req).userId,
          req.body,
          req.headers[TOTP_HEADER],
        ),
      ),
  );

  app.get(
    '/follows',
    {
      schema: {
        tags: ['follows'],
        summary: "The user's relationships, newest first",
        security: BearerSecurity,
        querystring: z.strictObject({
          status: z.enum(['active', 'paused', 'stopped']).optional(),
          ...PageQuery,
        }),
        response: { 200: pageOf(FollowSchema), ...errors(400, 401) },
      },
    },
    async (req) => listFollows(deps, requireAuth(req).userId, req.query),
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
}

function followUpdateStopRoutes(app: RouteApp, deps: ApiDeps): void {
  app.patch(
    '/follows/:id',
    {
      schema: {
        tags: ['follows'],
        summary: 'Edit settings, switch mode, pause (status: paused) or resume (status: active)',
        description:
          'Resuming is the only way out of a pause, including one the circuit breaker made; it starts ' +
          'the count of consecutive failed copies again from zero.' +
          ' Switching to live mode with two-factor authentication on needs a fresh code in x-totp.',
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        params: IdParamSchema,
        body: z
          .strictObject({
            mode: Mode.optional(),
            status: z.enum(['active', 'paused']).optional(),
            ...SettingsFields,
          })
          .refine((b) => Object.keys(b).length > 0, 'nothing to change'),
        response: { 200: FollowSchema, ...errors(400, 401, 404, 409, 422, 423) },
      },
    },
    async (req) =>
      updateFollow(deps, requireAuth(req).userId, req.params.id, req.body, req.headers[TOTP_HEADER]),
  );

  app.delete(
    '/follows/:id',
    {
      schema: {
        tags: ['follows'],
        summary: 'Stop following; positions=keep leaves open positions, positions=close closes them',
        description:
          'To close only some positions, stop with keep and close each with POST …/positions/{assetId}/close.',
        security: BearerSecurity,
        params: IdParamSchema,
        querystring: z.strictObject({ positions: z.enum(['keep', 'close']).default('keep') }),
        response: { 200: FollowSchema, ...errors(400, 401, 404) },
      },
    },
    async (req) => stopFollow(deps, requireAuth(req).userId, req.params.id, req.query.positions),
  );
}

function closePositionRoutes(app: RouteApp, deps: ApiDeps): void {
  app.post(
    '/follows/:id/positions/:assetId/close',
    {
      schema: {
        tags: ['follows'],
        summary: "Close one of this follow's positions (sell every share, limited near its latest mark)",
        description:
          '409 when a close is already pending, or when the position is dust (fewer than one share: no ' +
          'order can sell it; it settles when the market resolves).',
        security: BearerSecurity,
        params: AssetParams,
        response: {
          202: z
            .object({
              relationshipId: z.string(),
              assetId: z.string(),
              shares: z.string(),
              limitedNear: z.string(),
              queueId: z.string(),
            })
            .meta({ id: 'PositionClose' }),
          ...errors(400, 401, 404, 409),
        },
      },
    },
    async (req, reply) =>
      reply
        .code(202)
        .send(await closeFollowPosition(deps, requireAuth(req).userId, req.params.id, req.params.assetId)),
  );
}
