// Signed-in reads for the dashboard's cards, chart and feed: the portfolio summary (equity, today's
// P&L, exposure against the caps), the true equity curve (cash plus marked positions, paper and live
// apart) and the recent activity the live feed starts from (the event stream has no replay).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EQUITY_WINDOWS } from '../../../domain/equity-curve.ts';
import { Decimal } from '../../../domain/money.ts';
import { getEquityHistory } from '../../../services/equity-history.ts';
import { getMe } from '../../../services/get-me.ts';
import { getPortfolioSummary } from '../../../services/portfolio-summary.ts';
import { recentActivity } from '../../../services/recent-activity.ts';
import { paperStartingBalance, type ApiDeps } from '../api-deps.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, errors, Money, PageQuery } from '../schemas.ts';

const Holdings = {
  openPositions: z.number().int().describe('open copy lots, dust left out'),
  dustPositions: z
    .number()
    .int()
    .describe('positions under one share (dust): unsellable, settled at resolution, not exposure'),
  positionsValueUsd: Money.describe(
    'open positions at their latest mark (cost when not yet marked), dust included: it pays at resolution',
  ),
  exposureUsd: Money.describe('open positions at cost (what the exposure caps limit), dust left out'),
};

const SummarySchema = z
  .object({
    asOf: z.string(),
    tradersFollowing: z.number().int(),
    paper: z.object({ ...Holdings, cashUsd: Money, equityUsd: Money }),
    live: z.object({
      ...Holdings,
      cashUsd: Money.nullable().describe('the last balance read at Polymarket; null if never read'),
      cashObservedAt: z.string().nullable(),
      equityUsd: Money.nullable().describe('cash + positions; null while the cash is unknown'),
    }),
    realizedTodayUsd: Money.describe('realized P&L of lots closed today (UTC)'),
    realizedTotalUsd: Money,
    unrealizedUsd: Money,
    today: z.object({
      executed: z.number().int(),
      skipped: z.number().int(),
      failed: z.number().int(),
      queued: z.number().int(),
    }),
    caps: z.object({
      maxTotalExposureUsd: Money.describe("your tier's cap on exposure at cost"),
      exposureUsd: Money.describe('paper + live open positions at cost'),
      exposureUsedPercent: z.string().describe('exposureUsd / maxTotalExposureUsd × 100, 2 places'),
      maxDailyTrades: z.number().int(),
      tradesToday: z.number().int().describe('copies executed today (UTC)'),
      maxFollowedTraders: z.number().int(),
      tradersFollowing: z.number().int(),
    }),
  })
  .meta({ id: 'PortfolioSummary' });

const EquitySchema = z
  .object({
    mode: z.enum(['paper', 'live']),
    window: z.enum(EQUITY_WINDOWS),
    points: z.array(
      z.object({
        at: z.string(),
        cashUsd: Money.nullable().describe(
          'null for live points: cash at Polymarket is not recorded over time',
        ),
        positionsValueUsd: Money,
        equityUsd: Money.describe('cash + positions; positions only when cashKnown is false'),
        cashKnown: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'EquityCurve' });

const ActivitySchema = z
  .object({
    items: z.array(
      z.object({
        type: z.enum(['copy.executed', 'copy.skipped', 'copy.failed']),
        at: z.string(),
        data: z
          .record(z.string(), z.string().nullable())
          .describe('the fields of the live event of this type (GET /events); ids and amounts as strings'),
      }),
    ),
  })
  .meta({ id: 'RecentActivity' });

export function dashboardRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const paperStart = () => paperStartingBalance(deps);
  return async (app) => {
    app.get(
      '/portfolio/summary',
      {
        schema: {
          tags: ['portfolio'],
          summary: "The dashboard's cards: equity (paper and live apart), today's P&L, exposure vs caps",
          security: BearerSecurity,
          querystring: z.strictObject({}),
          response: { 200: SummarySchema, ...errors(400, 401) },
        },
      },
      async (req) => dashboardSummary(deps, requireAuth(req).userId, paperStart()),
    );

    app.get(
      '/portfolio/equity',
      {
        schema: {
          tags: ['portfolio'],
          summary: 'Your true equity curve: cash plus open positions marked at the time, paper or live',
          description:
            'Points oldest first, the last one now: hourly over 1d, every 4 hours over 7d, daily beyond ' +
            '(all: since your first activity, at most a year). Positions are marked at the last fill price ' +
            'seen on the token at that time (the entry price before any), the last point at the current ' +
            'marks. Live cash is known only as the last balance read (last point).',
          security: BearerSecurity,
          querystring: z.strictObject({
            mode: z.enum(['paper', 'live']).default('paper'),
            window: z.enum(EQUITY_WINDOWS).default('30d'),
          }),
          response: { 200: EquitySchema, ...errors(400, 401) },
        },
      },
      async (req) => getEquityHistory(deps, requireAuth(req).userId, req.query, paperStart()),
    );

    app.get(
      '/activity',
      {
        schema: {
          tags: ['portfolio'],
          summary: 'Your recent copies, skips and failures, newest first, shaped like the live events',
          description:
            'What the live feed shows before the event stream brings anything new (the stream has no ' +
            'replay): copy.executed for finished copies and exits, copy.skipped / copy.failed for the ' +
            'decisions with that outcome. An item and a live event are the same copy when their ' +
            'data.queueId match (for a skip with no queue row: relationshipId and fillKey).',
          security: BearerSecurity,
          querystring: z.strictObject({ limit: PageQuery.limit }),
          response: { 200: ActivitySchema, ...errors(400, 401) },
        },
      },
      async (req) => recentActivity(deps, requireAuth(req).userId, req.query.limit),
    );
  };
}

/** The cards: the summary, the caps from the user's limits, and live cash as last read. */
async function dashboardSummary(deps: ApiDeps, userId: string, paperStart: Decimal) {
  const [s, me, bal] = await Promise.all([
    getPortfolioSummary(deps, userId, paperStart),
    getMe({ db: deps.db, paperStartingBalanceUsd: paperStart }, userId),
    deps.db.selectFrom('live_balances').selectAll().where('user_id', '=', userId).executeTakeFirst(),
  ]);
  const exposure = new Decimal(s.paper.exposureUsd).plus(s.live.exposureUsd);
  const cap = new Decimal(me.limits.maxTotalExposureUsd);
  const { valueUsd: paperValue, ...paper } = s.paper;
  const { valueUsd: liveValue, ...live } = s.live;
  return {
    asOf: deps.clock().toISOString(),
    tradersFollowing: s.tradersFollowing,
    paper: { ...paper, positionsValueUsd: paperValue },
    live: {
      ...live,
      positionsValueUsd: liveValue,
      cashUsd: bal?.cash_usd ?? null,
      cashObservedAt: bal?.observed_at.toISOString() ?? null,
      equityUsd: bal ? new Decimal(bal.cash_usd).plus(liveValue).toFixed() : null,
    },
    realizedTodayUsd: s.realizedTodayUsd,
    realizedTotalUsd: s.realizedTotalUsd,
    unrealizedUsd: s.unrealizedUsd,
    today: s.today,
    caps: {
      maxTotalExposureUsd: me.limits.maxTotalExposureUsd,
      exposureUsd: exposure.toFixed(),
      exposureUsedPercent: cap.gt(0) ? exposure.div(cap).times(100).toFixed(2) : '0.00',
      maxDailyTrades: me.limits.maxDailyTrades,
      tradesToday: s.today.executed,
      maxFollowedTraders: me.limits.maxFollowedTraders,
      tradersFollowing: s.tradersFollowing,
    },
  };
}
