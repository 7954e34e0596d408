// Done when: the leaderboard built from the simulator's population puts the informed traders at the
// top and the noise traders at the bottom. Thirty days of simulated trading (informed traders who see
// the true probability through small noise, noise traders who buy and sell at random), then the
// platform's own pipeline: discovery from the simulator's /v1/leaderboard → backfill of every
// tracked trader's history from /activity → recomputeTraderMetrics → ranks.
//
// Token marks (what the recompute marks open positions at and settles resolved ones with) are
// written here from the simulator's public market data — resolution and winning token, else the
// midpoint — standing in for the scheduler's marks refresh.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackfill } from '../../../src/analytics/backfill.ts';
import { discoverTraders } from '../../../src/analytics/discovery.ts';
import { recomputeTraderMetrics } from '../../../src/analytics/recompute-metrics.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { AnalyticsSim, logger } from './analytics-harness.ts';

const POPULATION = {
  binaryMarkets: 10,
  negRiskEvents: 1,
  outcomesPerEvent: [3, 4] as [number, number],
  marketMakers: 3,
  makersPerMarket: 2,
  requoteMeanMs: 15 * 60_000,
  traders: { informed: 12, noise: 24, whale: 0, flipper: 0, 'multi-fill': 0 },
  walkIntervalMs: 5 * 60_000,
  // No pros: their ~1,500 orders a day made this test CPU-bound for many minutes; the
  // leaderboard's skill-over-luck property is about informed versus noise traders.
  proShare: 0,
  // The month runs as the simulator's history (before it serves, without the live server's
  // per-fill work: chain blocks, streams), at full activity — not thinned as a default start's is —
  // so it is the same trading as a live month at a fraction of the CPU.
  historyActivity: 1,
  historyRequoteMeanMs: 15 * 60_000,
};
// Long enough for skill to show through luck on the current market model: with seed 1 the
// simulator's own P&L after 20 days already meets every claim below, after 30 with a wide margin
// (11 of the top 12 informed, the bottom 12 all noise). Ninety days, advanced through the live
// server, ran the CPU for many minutes (30 days that way: about 4 minutes on a loaded machine).
const DAYS = 30;

describe('the leaderboard from the simulated population', () => {
  const t = useTestDatabase();
  let sim: AnalyticsSim;
  let styles: Map<string, string>;
  let ranks: { wallet: string; style: string; rank: number | null; pnl: string }[];

  beforeAll(async () => {
    const db = t.current.db;
    sim = await AnalyticsSim.start({
      seed: 1,
      startTime: Date.now(),
      historyDays: DAYS,
      simulationConfig: POPULATION,
    });
    const simNow = await sim.now();
    styles = new Map((await sim.traders()).map((w) => [w.address, w.style]));

    await discoverTraders({ db, leaderboard: sim.dataApi, perList: 50 });
    const backfill = await runBackfill({
      db,
      activity: sim.dataApi,
      logger,
      days: DAYS + 2,
      maxPagesPerTrader: 10_000,
    });
    expect(backfill.failed).toBe(0);

    // Marks for every token a tracked trader traded.
    const tokens = await sql<{ asset_id: string }>`SELECT DISTINCT asset_id FROM leader_fills`.execute(db);
    const mids = await sim.marketData.getMidpoints(tokens.rows.map((r) => r.asset_id));
    for (const { asset_id: token } of tokens.rows) {
      const m = await sim.marketData.getMarketByToken(token);
      const resolved = m?.resolved === true;
      const payout = resolved
        ? m.winningTokenId === null
          ? '0.5'
          : m.winningTokenId === token
            ? '1'
            : '0'
        : null;
      await sql`
        INSERT INTO token_marks (asset_id, condition_id, price, priced_at, resolved, payout, resolved_at, checked_at)
        VALUES (${token}, ${m?.conditionId ?? null}, ${resolved ? null : (mids.get(token)?.toFixed() ?? null)},
                ${new Date(simNow)}, ${resolved}, ${payout}, ${resolved ? new Date(simNow) : null}, ${new Date(simNow)})`.execute(
        db,
      );
    }

    await recomputeTraderMetrics(db, { now: new Date(simNow + 1_000) });
    const rows = await db
      .selectFrom('traders')
      .select(['wallet_address', 'rank_all_time', 'total_pnl'])
      .execute();
    ranks = rows
      .filter((r) => styles.get(r.wallet_address) === 'informed' || styles.get(r.wallet_address) === 'noise')
      .map((r) => ({
        wallet: r.wallet_address,
        style: styles.get(r.wallet_address)!,
        rank: r.rank_all_time,
        pnl: r.total_pnl,
      }))
      .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
  }, 120_000);
  afterAll(async () => sim?.close());

  it('tracked, backfilled and ranked every informed and noise trader', () => {
    expect(ranks.filter((r) => r.style === 'informed')).toHaveLength(POPULATION.traders.informed);
    expect(ranks.filter((r) => r.style === 'noise')).toHaveLength(POPULATION.traders.noise);
    expect(ranks.every((r) => r.rank !== null)).toBe(true);
  });

  it('puts the informed traders at the top and the noise traders at the bottom', () => {
    // Ranked by all-time P&L (rank_all_time). Informed traders can still lose on a binary resolution
    // and a noise trader can get lucky, so the claim is about the board, not every single place:
    const order = ranks.map((r) => r.style).join(' ');
    const k = POPULATION.traders.informed;
    const styleAt = (from: number, to: number) => ranks.slice(from, to).map((r) => r.style);
    // the top k places (k = the number of informed traders) are at least three quarters informed,
    expect(styleAt(0, k).filter((s) => s === 'informed').length, order).toBeGreaterThanOrEqual((3 * k) / 4);
    // the bottom k places at least three quarters noise,
    expect(
      styleAt(ranks.length - k, ranks.length).filter((s) => s === 'noise').length,
      order,
    ).toBeGreaterThanOrEqual((3 * k) / 4);
    // the median informed trader ranks above every noise trader but a lucky few (the top quarter),
    const informedRanks = ranks.filter((r) => r.style === 'informed').map((r) => r.rank!);
    const noiseRanks = ranks.filter((r) => r.style === 'noise').map((r) => r.rank!);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(noiseRanks.filter((r) => r < median(informedRanks)).length, order).toBeLessThanOrEqual(
      noiseRanks.length / 4,
    );
    // and on average an informed trader ranks well above a noise trader.
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(mean(informedRanks) + ranks.length / 4, order).toBeLessThan(mean(noiseRanks));
  });
});
