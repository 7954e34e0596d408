// Public chart series: a trader's cumulative realized P&L by window (the trader page), the
// leaderboard's sparklines for one page of wallets (fetched after the table, one request per page),
// and a trader's open positions at their marks (the trader page).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../../services/app-error.ts';
import { PNL_SERIES_WINDOWS, realizedByDay } from '../../../services/trader-pnl-series.ts';
import { getTraderPositions } from '../../../services/trader-positions.ts';
import type { ApiDeps } from '../api-deps.ts';
import { errors, Money, PageQuery, pageOf, WalletSchema } from '../schemas.ts';
import type { RouteApp } from './route-app.ts';

const WINDOW_DAYS = { '7d': 7, '30d': 30, '90d': 90, all: 'all' } as const;

const SeriesSchema = z
  .object({
    wallet: z.string(),
    window: z.enum(PNL_SERIES_WINDOWS),
    basis: z.literal('recorded_fills_average_cost'),
    recordedSince: z.string().nullable(),
    points: z.array(z.object({ date: z.string(), realizedPnlUsd: Money, cumulativePnlUsd: Money })),
  })
  .meta({ id: 'TraderPnlSeries' });

const TraderPositionSchema = z
  .object({
    assetId: z.string().describe('the outcome token (or market:outcome for fills recorded without one)'),
    conditionId: z.string(),
    marketTitle: z.string().nullable(),
    outcome: z.string(),
    shares: z.string().describe('held after every recorded fill (a sale never takes more than is held)'),
    avgPrice: z.string().describe('average cost per share'),
    costUsd: Money.describe('average-cost basis of the shares held'),
    markPrice: z.string().nullable().describe("the analytics job's mark (midpoint); null before the first"),
    markedAt: z.string().nullable(),
    currentValueUsd: Money.nullable().describe('shares × mark; null without a mark'),
    unrealizedPnlUsd: Money.nullable().describe('current value − cost; null without a mark'),
    openedAt: z.string().describe('the fill that opened this holding (from dust or flat)'),
    lastFillAt: z.string(),
  })
  .meta({ id: 'TraderPosition' });

const TraderPositionsSchema = pageOf(TraderPositionSchema)
  .extend({
    summary: z
      .object({
        openPositions: z.number().int(),
        costUsd: Money,
        currentValueUsd: Money.describe('of the marked positions'),
        unrealizedPnlUsd: Money.describe('of the marked positions'),
        unmarked: z.number().int().describe('positions without a mark yet, left out of value and P&L'),
      })
      .describe('every open position, not only this page'),
  })
  .meta({ id: 'TraderPositions' });

export function traderSeriesRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    traderSeriesReadRoutes(app, deps);
    leaderboardSparklinesRoutes(app, deps);
  };
}

function traderSeriesReadRoutes(app: RouteApp, deps: ApiDeps): void {
  app.get(
    '/traders/:wallet/positions',
    {
      schema: {
        tags: ['traders'],
        summary: "A trader's open positions from the fills recorded here, at their marks",
        description:
          'Tokens the recorded fills leave holding more than dust, in markets not resolved, at average cost, ' +
          'marked at the price the leader metrics use (docs/analytics.md "Marks"). Largest cost first.',
        params: z.strictObject({ wallet: WalletSchema }),
        querystring: z.strictObject(PageQuery),
        response: { 200: TraderPositionsSchema, ...errors(400, 404) },
      },
    },
    async (req) => getTraderPositions(deps, req.params.wallet, req.query),
  );

  app.get(
    '/traders/:wallet/pnl',
    {
      schema: {
        tags: ['traders'],
        summary: "A trader's cumulative realized P&L per UTC day over a window",
        description:
          'Oldest first, one point per day up to today (all: since the first fill recorded here, at most ' +
          '365 days). Same basis as the profile’s dailyPnl: fills recorded here, average cost per token; ' +
          'fees, resolutions and unrealized gains are not included.',
        params: z.strictObject({ wallet: WalletSchema }),
        querystring: z.strictObject({ window: z.enum(PNL_SERIES_WINDOWS).default('30d') }),
        response: { 200: SeriesSchema, ...errors(400, 404) },
      },
    },
    async (req) => {
      const wallet = req.params.wallet.toLowerCase();
      const trader = await deps.db
        .selectFrom('traders')
        .select('wallet_address')
        .where('wallet_address', '=', wallet)
        .executeTakeFirst();
      if (!trader) throw notFound('trader');
      const series = (
        await realizedByDay(deps.db, [wallet], deps.clock(), WINDOW_DAYS[req.query.window])
      ).get(wallet);
      return {
        wallet,
        window: req.query.window,
        basis: 'recorded_fills_average_cost' as const,
        recordedSince: series?.firstFillAt.toISOString() ?? null,
        points: series?.points ?? [],
      };
    },
  );
}

function leaderboardSparklinesRoutes(app: RouteApp, deps: ApiDeps): void {
  app.get(
    '/leaderboard/sparklines',
    {
      schema: {
        tags: ['traders'],
        summary: 'Cumulative realized P&L per day for up to 100 wallets (leaderboard sparklines)',
        description:
          'series: wallet → one value per UTC day, oldest first. Wallets with no recorded fills are absent.',
        querystring: z.strictObject({
          wallets: z
            .string()
            .min(42)
            .max(100 * 43)
            .transform((v) => v.split(',').map((w) => w.trim().toLowerCase()))
            .pipe(
              z
                .array(WalletSchema)
                .min(1)
                .max(100, 'at most 100 wallets')
                .transform((l) => [...new Set(l)]),
            )
            .describe('comma-separated wallet addresses, at most 100'),
          days: z
            .string()
            .regex(/^\d{1,2}$/, 'must be an integer from 7 to 90')
            .transform(Number)
            .pipe(z.number().int().min(7, 'must be at least 7').max(90, 'must be at most 90'))
            .optional()
            .default(30),
        }),
        response: {
          200: z.object({ days: z.number().int(), series: z.record(z.string(), z.array(Money)) }),
          ...errors(400),
        },
      },
    },
    async (req, reply) => {
      const { wallets, days } = req.query;
      const all = await realizedByDay(deps.db, wallets, deps.clock(), days);
      const series: Record<string, string[]> = {};
      for (const [w, s] of all) series[w] = s.points.map((p) => p.cumulativePnlUsd);
      reply.header('cache-control', 'public, max-age=300');
      return { days, series };
    },
  );
}
