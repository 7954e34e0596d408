// The signed-in user's own reads: portfolio, positions (also as CSV), copy trades, copy decisions,
// queue. Every query is scoped to the caller; another user's rows never appear.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getPortfolio } from '../../../services/get-portfolio.ts';
import { listCopyTrades } from '../../../services/list-copy-trades.ts';
import { listDecisions } from '../../../services/list-decisions.ts';
import { listPositions, positionsCsv } from '../../../services/list-positions.ts';
import { listQueue } from '../../../services/list-queue.ts';
import type { ApiDeps } from '../api-deps.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, errors, Money, PageQuery, pageOf, WalletSchema } from '../schemas.ts';

const ConditionId = z
  .string()
  .regex(/^0x[0-9a-fA-F]{1,98}$/, 'must be a 0x-prefixed condition id')
  .describe('market condition id');

const PortfolioSchema = z
  .object({
    userId: z.string(),
    subscriptionTier: z.enum(['free', 'basic', 'pro', 'premium']),
    balanceUsd: Money,
    tradersFollowing: z.number().int().describe('active and paused relationships'),
    openPositions: z.number().int().describe('open copy lots'),
    totalExposureUsd: Money.describe('open copy lots at cost'),
    totalRealizedPnlUsd: Money,
    totalUnrealizedPnlUsd: Money,
  })
  .meta({ id: 'Portfolio' });

const PositionSchema = z
  .object({
    id: z.string(),
    relationshipId: z.string().nullable(),
    traderWallet: z.string(),
    marketId: z.string(),
    marketName: z.string().nullable(),
    assetId: z.string().nullable(),
    outcome: z.string().nullable(),
    position: z.string(),
    status: z.enum(['open', 'closed']),
    quantity: z.string(),
    entryPrice: z.string(),
    entryValueUsd: Money,
    feesUsd: Money,
    exitPrice: z.string().nullable(),
    exitValueUsd: Money.nullable(),
    currentValueUsd: Money.nullable(),
    unrealizedPnlUsd: Money.nullable(),
    realizedPnlUsd: Money.nullable(),
    realizedPnlPercent: z.string().nullable(),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'Position' });

const CopyTradeSchema = z
  .object({
    id: z.string(),
    relationshipId: z.string().nullable(),
    traderWallet: z.string(),
    marketId: z.string(),
    marketName: z.string().nullable(),
    assetId: z.string().nullable(),
    outcome: z.string().nullable(),
    status: z.string(),
    price: z.string(),
    quantity: z.string(),
    valueUsd: Money,
    feesUsd: Money,
    slippagePercent: z.string().nullable().describe("vs the leader's price; + is worse"),
    executionTimeMs: z.number().int().nullable().describe('leader fill detected → copy filled'),
    orderId: z.string().nullable(),
    executedAt: z.string(),
    leaderFill: z
      .object({
        fillKey: z.string(),
        side: z.enum(['BUY', 'SELL']),
        price: z.string(),
        size: z.string(),
        filledAt: z.string(),
        transactionHash: z.string(),
      })
      .nullable(),
  })
  .meta({ id: 'CopyTrade' });

const DecisionOutcome = z.enum(['queued', 'executed', 'failed', 'skipped']);

const DecisionSchema = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    outcome: DecisionOutcome,
    reason: z.string().nullable().describe('stable reason code (failed / skipped)'),
    reasonMessage: z.string().nullable(),
    detail: z.string().nullable(),
    queueId: z.string().nullable(),
    copyTradeId: z.string().nullable(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    fill: z.object({
      fillKey: z.string(),
      traderWallet: z.string(),
      conditionId: z.string(),
      assetId: z.string(),
      marketTitle: z.string().nullable(),
      marketSlug: z.string().nullable(),
      outcome: z.string().nullable(),
      side: z.enum(['BUY', 'SELL']),
      price: z.string(),
      size: z.string(),
      filledAt: z.string(),
    }),
  })
  .meta({ id: 'CopyDecision' });

export const QueueStatus = z.enum(['pending', 'processing', 'completed', 'failed', 'cancelled']);

export const QueueItemSchema = z
  .object({
    id: z.string(),
    relationshipId: z.string(),
    traderWallet: z.string(),
    purpose: z.string(),
    mode: z.enum(['live', 'paper']),
    marketId: z.string(),
    assetId: z.string().nullable(),
    side: z.enum(['BUY', 'SELL']),
    quantity: z.string(),
    notionalUsd: Money.nullable(),
    targetPrice: z.string().nullable(),
    limitPrice: z.string().nullable(),
    status: QueueStatus,
    priority: z.number().int(),
    retryCount: z.number().int(),
    maxRetries: z.number().int(),
    error: z.string().nullable(),
    venueOrderId: z.string().nullable(),
    createdAt: z.string(),
    scheduledFor: z.string().nullable(),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'QueueItem' });

export function readRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/portfolio',
      {
        schema: {
          tags: ['portfolio'],
          summary: 'Your portfolio figures (v_user_portfolio)',
          security: BearerSecurity,
          querystring: z.strictObject({}),
          response: { 200: PortfolioSchema, ...errors(400, 401, 404) },
        },
      },
      async (req) => getPortfolio(deps, requireAuth(req).userId),
    );

    app.get(
      '/positions',
      {
        schema: {
          tags: ['portfolio'],
          summary: 'Your copy lots, open and closed; format=csv for a CSV page',
          description:
            'Newest entry first. With format=csv the page is text/csv (header row, RFC 4180 quoting) and ' +
            'the next page cursor is in the x-next-cursor header.',
          security: BearerSecurity,
          querystring: z.strictObject({
            status: z.enum(['open', 'closed']).optional(),
            traderWallet: WalletSchema.optional(),
            market: ConditionId.optional(),
            format: z.enum(['json', 'csv']).default('json'),
            ...PageQuery,
          }),
          response: {
            200: pageOf(PositionSchema).describe('JSON; with format=csv, text/csv'),
            ...errors(400, 401),
          },
        },
      },
      async (req, reply) => {
        const page = await listPositions(deps, requireAuth(req).userId, req.query);
        if (req.query.format === 'csv') {
          if (page.nextCursor !== null) reply.header('x-next-cursor', page.nextCursor);
          reply.header('content-disposition', 'attachment; filename="positions.csv"');
          return reply.type('text/csv; charset=utf-8').send(positionsCsv(page.items) as never);
        }
        return page;
      },
    );

    app.get(
      '/copy-trades',
      {
        schema: {
          tags: ['portfolio'],
          summary: 'Your executed copies, newest first, with how each was executed',
          security: BearerSecurity,
          querystring: z.strictObject({ traderWallet: WalletSchema.optional(), ...PageQuery }),
          response: { 200: pageOf(CopyTradeSchema), ...errors(400, 401) },
        },
      },
      async (req) => listCopyTrades(deps, requireAuth(req).userId, req.query),
    );

    app.get(
      '/decisions',
      {
        schema: {
          tags: ['portfolio'],
          summary: "What happened to your copy of each leader fill, with the reason when it wasn't copied",
          security: BearerSecurity,
          querystring: z.strictObject({
            outcome: DecisionOutcome.optional(),
            traderWallet: WalletSchema.optional(),
            ...PageQuery,
          }),
          response: { 200: pageOf(DecisionSchema), ...errors(400, 401) },
        },
      },
      async (req) => listDecisions(deps, requireAuth(req).userId, req.query),
    );

    app.get(
      '/queue',
      {
        schema: {
          tags: ['portfolio'],
          summary: 'Your execution queue: pending, processing and finished copies, newest first',
          security: BearerSecurity,
          querystring: z.strictObject({ status: QueueStatus.optional(), ...PageQuery }),
          response: { 200: pageOf(QueueItemSchema), ...errors(400, 401) },
        },
      },
      async (req) => listQueue(deps, requireAuth(req).userId, req.query),
    );
  };
}
