// Public reads: the leaderboard (served from a 60 s cache with a strong ETag; 304 on If-None-Match)
// and a trader's profile.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MARKET_CATEGORIES } from '../../../domain/market-categories.ts';
import {
  getLeaderboard,
  leaderboardGeneration,
  LEADERBOARD_SORTS,
  LEADERBOARD_WINDOWS,
} from '../../../services/leaderboard.ts';
import {
  etagMatches,
  memoryResponseCache,
  redisResponseCache,
  type ResponseCache,
} from '../../../services/response-cache.ts';
import { getTraderProfile } from '../../../services/trader-profile.ts';
import type { ApiDeps } from '../api-deps.ts';
import { CopiedWithSchema, FillDetectionSchema } from '../fill-detection-schema.ts';
import { decimalString, errors, Money, PageQuery, pageOf, WalletSchema } from '../schemas.ts';

export const LEADERBOARD_CACHE_TTL_MS = 60_000;

const LeaderboardEntrySchema = z
  .object({
    rank: z.number().int().describe('position in this sort and filter, from 1'),
    wallet: z.string(),
    displayName: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    isVerified: z.boolean(),
    pnl7d: Money,
    pnl7dPercent: z.string(),
    totalPnl: Money,
    totalPnlPercent: z.string(),
    window: z.enum(LEADERBOARD_WINDOWS).describe('the window `pnl` and `pnlPercent` are for'),
    pnl: Money.describe('realized + marked P&L over the requested window (7d: pnl7d; all: totalPnl)'),
    pnlPercent: z.string().describe("the window's P&L as a percentage of the trader's capital base"),
    maxDrawdown: z.string().nullable().describe('largest fall of the equity curve from a peak, in %'),
    categories: z
      .array(z.string())
      .describe("market categories holding at least a fifth of the trader's recorded volume"),
    winRate: z.string().describe('winning / closed positions × 100; 0 until a position has closed'),
    totalVolumeUsd: Money.describe('the notional of every recorded fill'),
    totalTrades: z
      .number()
      .int()
      .describe('closed positions (a position opened and not yet closed is not a trade yet)'),
    fills: z.number().int().describe('recorded fills, what the volume sums'),
    openPositions: z.number().int().describe('positions still open'),
    sharpeRatio: z.string().nullable(),
    followerCount: z.number().int(),
    lastTradeAt: z.string().nullable(),
    copyable: z
      .boolean()
      .nullable()
      .describe('false when the style is too fast or too small to copy (docs/analytics.md "Copyability")'),
    copyFillRate: z.string().nullable().describe("share of this platform's copies that executed, 0-1"),
    copyMedianSlippageBps: z.string().nullable().describe("copies' median price vs the trader's; + is worse"),
  })
  .meta({ id: 'LeaderboardEntry' });

export const LeaderboardSchema = pageOf(LeaderboardEntrySchema).meta({ id: 'LeaderboardPage' });

const LeaderFillSchema = z
  .object({
    fillKey: z.string(),
    transactionHash: z.string(),
    conditionId: z.string(),
    assetId: z.string(),
    marketTitle: z.string().nullable(),
    marketSlug: z.string().nullable(),
    outcome: z.string().nullable(),
    side: z.enum(['BUY', 'SELL']),
    price: z.string(),
    size: z.string(),
    filledAt: z.string(),
    detectedAt: z.string(),
    copiedWith: CopiedWithSchema,
    detection: FillDetectionSchema.nullable().describe(
      "which feed saw the fill first, each feed's arrival and lag (GET /leader-fills/{fillKey})",
    ),
  })
  .meta({ id: 'LeaderFill' });

// What copying the trader delivered on this platform (docs/analytics.md "Copyability").
const CopyabilitySchema = z
  .object({
    computedAt: z
      .string()
      .nullable()
      .describe('when the figures were refreshed; null before the first refresh'),
    followerCount: z.number().int(),
    copyable: z
      .boolean()
      .nullable()
      .describe(
        'false when the style is flagged too fast or too small to copy; null before the first refresh',
      ),
    tooFast: z.boolean().describe('median round trip (sell after the last buy of the token) under 5 minutes'),
    tooSmall: z
      .boolean()
      .describe(
        "half or more of its buys would copy below Polymarket's $1 minimum at the usual proportionality",
      ),
    fillRate: z
      .string()
      .nullable()
      .describe(
        'executed / (executed + failed at execution: slippage, liquidity, venue refusal, expiry), 0-1',
      ),
    executed: z.number().int(),
    failedExecution: z.number().int(),
    notCounted: z.number().int().describe("skips by the follower's own settings and limits"),
    pending: z.number().int(),
    medianSlippageBps: z
      .string()
      .nullable()
      .describe("median over executed copies of the copy's price against the trader's; + is worse"),
    slippageSamples: z.number().int(),
    latencyP50Ms: z.number().int().nullable().describe('detection of the trader fill → copy filled'),
    latencyP90Ms: z.number().int().nullable(),
    latencySamples: z.number().int(),
    copiedPositions: z.number().int(),
    followerCostUsd: Money,
    followerPnlUsd: Money.describe('what the copied positions made for followers (realized + marked)'),
    leaderCostUsd: Money,
    leaderPnlUsd: Money.describe("what the same shares made at the trader's own prices"),
    followerReturn: z.string().nullable(),
    leaderReturn: z.string().nullable(),
    roundTrips: z.number().int(),
    medianRoundTripSeconds: z.string().nullable(),
    buyFills: z.number().int(),
    usualProportionality: z.string().nullable(),
    belowMinimumShare: z.string().nullable(),
  })
  .describe('what copying this trader delivered on this platform; see docs/analytics.md')
  .meta({ id: 'Copyability' });

const TraderProfileSchema = z
  .object({
    stats: z.object({
      wallet: z.string(),
      displayName: z.string().nullable(),
      bio: z.string().nullable(),
      avatarUrl: z.string().nullable(),
      isVerified: z.boolean(),
      isActive: z.boolean(),
      pnl7d: Money,
      pnl7dPercent: z.string(),
      totalPnl: Money,
      totalPnlPercent: z.string(),
      totalVolumeUsd: Money,
      totalTrades: z.number().int(),
      winningTrades: z.number().int(),
      losingTrades: z.number().int(),
      winRate: z.string(),
      avgTradeSizeUsd: Money,
      avgHoldingTimeHours: z.string(),
      sharpeRatio: z.string().nullable(),
      maxDrawdown: z.string().nullable(),
      volatility: z.string().nullable(),
      followerCount: z.number().int(),
      totalCopiedVolumeUsd: Money,
      rank7d: z.number().int().nullable(),
      rankAllTime: z.number().int().nullable(),
      rankVolume: z.number().int().nullable(),
      firstTradeAt: z.string().nullable(),
      lastTradeAt: z.string().nullable(),
    }),
    dailyPnl: z
      .object({
        basis: z.literal('recorded_fills_average_cost'),
        recordedSince: z.string().nullable().describe('first fill this platform recorded for the wallet'),
        unmatchedSellSize: z
          .string()
          .describe('shares sold in the window that were bought before recording began (left out)'),
        days: z.array(
          z.object({
            date: z.string().meta({ example: '2030-01-01' }),
            realizedPnlUsd: Money,
            buyVolumeUsd: Money,
            sellVolumeUsd: Money,
            fills: z.number().int(),
          }),
        ),
      })
      .describe(
        'Realized P&L per UTC day over the last 30 days, on the average-cost basis of the fills recorded ' +
          'here. Excludes fees, market resolutions and unrealized gains; see docs/api.md.',
      ),
    recentFills: pageOf(LeaderFillSchema),
    copyability: CopyabilitySchema,
  })
  .meta({ id: 'TraderProfile' });

/** The leaderboard's filters, sort and page. */
const LeaderboardQuery = z.strictObject({
  sort: z
    .enum(LEADERBOARD_SORTS)
    .default('pnl_7d')
    .describe("pnl: the window's P&L; pnl_7d and total_pnl whatever the window"),
  window: z
    .enum(LEADERBOARD_WINDOWS)
    .default('7d')
    .describe('the P&L window: 7, 30 or 90 days, or all time (`pnl` in each entry; sort=pnl)'),
  category: z
    .enum(MARKET_CATEGORIES)
    .optional()
    .describe(
      "only traders with at least a fifth of their volume in markets of this category (from the markets' tags)",
    ),
  minTrades: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a non-negative integer')
    .transform(Number)
    .optional()
    .describe('at least this many trades'),
  minVolume: decimalString({ scale: 2, min: '0', max: '99999999999999.99', example: '1000' })
    .optional()
    .describe('at least this volume (USD)'),
  q: z.string().trim().min(1).max(64).optional().describe('wallet prefix (0x…) or part of the name'),
  ...PageQuery,
});

export function leaderboardRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const ttlMs = deps.settings.leaderboardCacheTtlMs ?? LEADERBOARD_CACHE_TTL_MS;
  const cache: ResponseCache = deps.redis
    ? redisResponseCache({
        redis: deps.redis,
        clock: deps.clock,
        ttlMs,
        prefix: 'polycopy:leaderboard:',
        onError: (err) => deps.logger.warn({ err }, 'leaderboard cache unavailable; computing'),
      })
    : memoryResponseCache({ clock: deps.clock, ttlMs });

  return async (app) => {
    app.get(
      '/leaderboard',
      {
        schema: {
          tags: ['traders'],
          summary: 'Active traders ranked by a figure, with filters and search',
          description:
            'Largest first (traders without a Sharpe ratio last), ties by wallet ascending. Served from a ' +
            '60-second cache: send If-None-Match with the ETag to get 304 when unchanged.',
          querystring: LeaderboardQuery,
          response: { 200: LeaderboardSchema, 304: z.null().describe('not modified'), ...errors(400) },
        },
      },
      async (req, reply) => {
        const query = req.query;
        const key = JSON.stringify([
          await leaderboardGeneration(deps),
          query.sort,
          query.window,
          query.category ?? null,
          query.minTrades ?? null,
          query.minVolume ?? null,
          query.q?.toLowerCase() ?? null,
          query.limit,
          query.cursor ?? null,
        ]);
        const entry = await cache.getOrCompute(key, async () =>
          JSON.stringify(LeaderboardSchema.parse(await getLeaderboard(deps, query))),
        );
        reply.header('etag', entry.etag);
        reply.header('cache-control', `public, max-age=${Math.floor(ttlMs / 1000)}`);
        // 304 carries no body: sent without one (a serialized `null` would announce
        // content-length 4 that never arrives, and keep-alive clients would wait for it).
        if (etagMatches(req.headers['if-none-match'], entry.etag))
          return reply.code(304).send(undefined as never);
        // Already serialized (and checked against the schema) when cached: a JSON string goes out as is.
        return reply.type('application/json; charset=utf-8').send(entry.body as never);
      },
    );

    app.get(
      '/traders/:wallet',
      {
        schema: {
          tags: ['traders'],
          summary: "A trader's stats, daily P&L, recent fills and what followers got copying them",
          params: z.strictObject({ wallet: WalletSchema }),
          querystring: z.strictObject(PageQuery).describe('pages the recent fills'),
          response: { 200: TraderProfileSchema, ...errors(400, 404) },
        },
      },
      async (req) => getTraderProfile(deps, req.params.wallet, req.query),
    );
  };
}
