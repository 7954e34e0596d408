// The signed-in user's own reads: portfolio, positions (also as CSV), copy trades, copy decisions,
// queue. Every query is scoped to the caller; another user's rows never appear.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getPortfolio, type PortfolioView } from '../../../services/get-portfolio.ts';
import type { UserViewCache } from '../../../services/user-view-cache.ts';
import { copyTradesCsv, listCopyTrades } from '../../../services/list-copy-trades.ts';
import { listDecisions } from '../../../services/list-decisions.ts';
import { listPositions, positionsCsv } from '../../../services/list-positions.ts';
import { listQueue } from '../../../services/list-queue.ts';
import { paperStartingBalance, type ApiDeps } from '../api-deps.ts';
import { FillDetectionSchema, FillKeySchema } from '../fill-detection-schema.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, errors, Money, PageQuery, pageOf, WalletSchema } from '../schemas.ts';
import type { RouteApp } from './route-app.ts';

const ConditionId = z
  .string()
  .regex(/^0x[0-9a-fA-F]{1,98}$/, 'must be a 0x-prefixed condition id')
  .describe('market condition id');

const PortfolioSchema = z
  .object({
    userId: z.string(),
    subscriptionTier: z.enum(['free', 'basic', 'pro', 'premium']),
    balanceUsd: Money.describe(
      "the paper account's cash: PAPER_STARTING_BALANCE_USD (10,000 by default) less paper buys and fees, plus paper sells",
    ),
    liveBalanceUsd: Money.nullable().describe('pUSD at Polymarket as last read; null when never read'),
    tradersFollowing: z.number().int().describe('active and paused relationships'),
    openPositions: z.number().int().describe('open copy lots, dust left out'),
    dustPositions: z
      .number()
      .int()
      .describe(
        'positions of fewer than one share (dust): no order can sell them, they settle at resolution; ' +
          'not in openPositions or totalExposureUsd',
      ),
    totalExposureUsd: Money.describe('open copy lots at cost, dust left out (what the exposure caps count)'),
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
    dust: z
      .boolean()
      .describe(
        'an open lot of a position under one share: no order can sell it (never closed, never counted as ' +
          'exposure); it settles when the market resolves',
      ),
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
    source: z
      .enum(['fill', 'open_position'])
      .describe(
        'fill: a leader fill; open_position: a position the trader held when you followed (copyOpenPositions)',
      ),
    fill: z
      .object({
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
        detection: FillDetectionSchema.nullable().describe(
          "which feed saw the fill first and each feed's lag: why a copy came late",
        ),
      })
      .nullable()
      .describe('the leader fill (null for an open position)'),
    openPosition: z
      .object({
        traderWallet: z.string(),
        conditionId: z.string(),
        assetId: z.string(),
        marketTitle: z.string().nullable(),
        marketSlug: z.string().nullable(),
        outcome: z.string().nullable(),
        size: z.string().describe("the trader's shares when you followed"),
        avgPrice: z.string().nullable(),
        price: z.string().nullable().describe('the best ask the copy was priced from'),
        observedAt: z.string(),
      })
      .nullable()
      .describe('the trader’s position as read when you followed (null for a fill)'),
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
    status: QueueStatus.describe(
      "the queue's state; a copy that ended without an order is cancelled (see outcome for why)",
    ),
    outcome: z
      .enum(['queued', 'executed', 'failed', 'skipped', 'cancelled'])
      .describe(
        "what became of the copy, in its decision's words (/decisions); derived from status for exits",
      ),
    reason: z.string().nullable().describe("the decision's stable reason code (failed / skipped)"),
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

/** A page as JSON, or (format=csv) the same rows as text/csv: both declared in the OpenAPI document. */
function jsonOrCsv<T extends z.ZodType>(json: T, csvHeader: string) {
  return {
    description: 'a page; with format=csv, the same rows as CSV (next cursor in x-next-cursor)',
    content: {
      'application/json': { schema: json },
      'text/csv': {
        schema: z
          .string()
          .meta({ example: `${csvHeader}\r\n...` })
          .describe('RFC 4180, header row, CRLF'),
      },
    },
  };
}

/** Sends a CSV page: the next cursor in a header, a download file name. */
function sendCsv(reply: FastifyReply, name: string, nextCursor: string | null, body: string) {
  if (nextCursor !== null) reply.header('x-next-cursor', nextCursor);
  reply.header('content-disposition', `attachment; filename="${name}"`);
  return reply.type('text/csv; charset=utf-8').send(body as never);
}

/** @param portfolioCache per-user cache of /portfolio, kept correct by events (user-view-cache.ts) */
export function readRoutes(
  deps: ApiDeps,
  portfolioCache?: UserViewCache<PortfolioView>,
): FastifyPluginAsyncZod {
  return async (app) => {
    portfolioAndPositionRoutes(app, deps, portfolioCache);
    historyRoutes(app, deps);
  };
}

function portfolioAndPositionRoutes(
  app: RouteApp,
  deps: ApiDeps,
  portfolioCache?: UserViewCache<PortfolioView>,
): void {
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
    async (req) => {
      const userId = requireAuth(req).userId;
      const read = () =>
        getPortfolio({ db: deps.db, paperStartingBalanceUsd: paperStartingBalance(deps) }, userId);
      return portfolioCache ? portfolioCache.get(userId, read) : read();
    },
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
          status: z
            .enum(['open', 'closed', 'dust'])
            .optional()
            .describe(
              'open: open lots that are not dust; dust: open lots of dust positions; all when absent',
            ),
          traderWallet: WalletSchema.optional(),
          market: ConditionId.optional(),
          format: z.enum(['json', 'csv']).default('json'),
          ...PageQuery,
        }),
        response: {
          200: jsonOrCsv(pageOf(PositionSchema), 'id,status,trader_wallet,...'),
          ...errors(400, 401),
        },
      },
    },
    async (req, reply) => {
      const page = await listPositions(deps, requireAuth(req).userId, req.query);
      if (req.query.format === 'csv')
        return sendCsv(reply, 'positions.csv', page.nextCursor, positionsCsv(page.items));
      return page;
    },
  );
}

function historyRoutes(app: RouteApp, deps: ApiDeps): void {
  app.get(
    '/copy-trades',
    {
      schema: {
        tags: ['portfolio'],
        summary: 'Your executed copies, newest first, with how each was executed; format=csv for a CSV page',
        description:
          'With format=csv the page is text/csv (header row, RFC 4180 quoting, formula-like text prefixed ' +
          "with ') and the next page cursor is in the x-next-cursor header.",
        security: BearerSecurity,
        querystring: z.strictObject({
          traderWallet: WalletSchema.optional(),
          format: z.enum(['json', 'csv']).default('json'),
          ...PageQuery,
        }),
        response: {
          200: jsonOrCsv(pageOf(CopyTradeSchema), 'id,executed_at,status,trader_wallet,...'),
          ...errors(400, 401),
        },
      },
    },
    async (req, reply) => {
      const page = await listCopyTrades(deps, requireAuth(req).userId, req.query);
      if (req.query.format === 'csv')
        return sendCsv(reply, 'copy-history.csv', page.nextCursor, copyTradesCsv(page.items));
      return page;
    },
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
          fillKey: FillKeySchema.optional().describe(
            'only the decision about this leader fill; a leg copied together with the other legs of ' +
              "its order answers with the order's decision (its fill is the order's first leg)",
          ),
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
}
