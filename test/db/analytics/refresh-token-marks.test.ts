// The token marks refresh (src/analytics/refresh-token-marks.ts) against an in-memory venue:
// midpoints for held tokens in batches, resolution looked up for the tokens without a book (one
// call per market), payouts 1 / 0 / 0.5, resolution final and never asked again, rechecks spaced
// out and capped per run. Then the analytics job: marks refreshed, then metrics at those marks,
// run by the scheduler role.
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { analyticsJobs, runAnalyticsJob } from '../../../src/analytics/analytics-job.ts';
import { refreshTokenMarks } from '../../../src/analytics/refresh-token-marks.ts';
import type { Db } from '../../../src/db/client.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { startScheduler } from '../../../src/jobs/scheduler-role.ts';
import { testJobSettings } from '../../support/job-settings.ts';
import { insertTrade, insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { FakeMarketData } from '../../unit/venue/fake-market-data.ts';

const NOW = new Date('2030-02-01T00:00:00Z');
const cond = (c: string) => `0x${c.repeat(64)}`;

async function held(db: Db, tokens: Record<string, number>) {
  for (const [asset, n] of Object.entries(tokens))
    await sql`INSERT INTO token_marks (asset_id, open_holders) VALUES (${asset}, ${n})`.execute(db);
}
const marks = async (db: Db) =>
  Object.fromEntries(
    (await db.selectFrom('token_marks').selectAll().orderBy('asset_id').execute()).map((m) => [
      m.asset_id,
      {
        price: m.price,
        resolved: m.resolved,
        payout: m.payout,
        resolvedAt: m.resolved_at?.toISOString() ?? null,
        checkedAt: m.checked_at?.toISOString() ?? null,
        conditionId: m.condition_id,
      },
    ]),
  );

describe('refreshTokenMarks', () => {
  const t = useTestDatabase();
  let venue: FakeMarketData;

  beforeEach(async () => {
    await t.current.db.deleteFrom('token_marks').execute();
    venue = new FakeMarketData();
    // Market a: live book on A1 (bid 0.40, ask 0.44 → mid 0.42). Market b: resolved, B2 won.
    // Market v: resolved void (no winner). Token U: unknown to the venue.
    venue.addMarket({
      conditionId: cond('a'),
      tokens: [
        { tokenId: 'A1', outcome: 'Yes' },
        { tokenId: 'A2', outcome: 'No' },
      ],
    });
    venue.setBook('A1', { bids: [['0.40', '10']], asks: [['0.44', '10']] });
    venue.addMarket({
      conditionId: cond('b'),
      tokens: [
        { tokenId: 'B1', outcome: 'Yes' },
        { tokenId: 'B2', outcome: 'No' },
      ],
    });
    venue.updateMarket(cond('b'), { resolved: true, closed: true, winningTokenId: 'B2' });
    venue.addMarket({
      conditionId: cond('9'),
      tokens: [
        { tokenId: 'V1', outcome: 'Yes' },
        { tokenId: 'V2', outcome: 'No' },
      ],
    });
    venue.updateMarket(cond('9'), { resolved: true, closed: true, winningTokenId: null });
  });

  it('prices held tokens, settles resolved markets at 1 / 0 / 0.5, and leaves the unknown unpriced', async () => {
    const db = t.current.db;
    await held(db, { A1: 1, B1: 2, B2: 1, V1: 1, U: 1, A2: 0 });
    const report = await refreshTokenMarks({ db, marketData: venue }, { now: () => NOW, batchSize: 2 });
    // 5 held tokens in batches of 2 → 3 midpoint calls; A2 holds nothing and is not asked about.
    expect(venue.calls.getMidpoints).toBe(3);
    // Every token is due a first check, those without a book first: B1 (answering for B2, same
    // market), U, V1, then A1 — 4 lookups for 5 tokens.
    expect(venue.calls.getMarketByToken).toBe(4);
    expect(report).toEqual({ tokens: 5, priced: 1, resolutionChecks: 4, resolved: 3 });
    const at = NOW.toISOString();
    expect(await marks(db)).toEqual({
      A1: {
        price: '0.4200000000',
        resolved: false,
        payout: null,
        resolvedAt: null,
        checkedAt: at,
        conditionId: cond('a'),
      },
      // Not held: not priced; the answer about its market (A1's) covers it.
      A2: {
        price: null,
        resolved: false,
        payout: null,
        resolvedAt: null,
        checkedAt: at,
        conditionId: cond('a'),
      },
      B1: {
        price: null,
        resolved: true,
        payout: '0.0000000000',
        resolvedAt: at,
        checkedAt: at,
        conditionId: cond('b'),
      },
      B2: {
        price: null,
        resolved: true,
        payout: '1.0000000000',
        resolvedAt: at,
        checkedAt: at,
        conditionId: cond('b'),
      },
      U: { price: null, resolved: false, payout: null, resolvedAt: null, checkedAt: at, conditionId: null },
      V1: {
        price: null,
        resolved: true,
        payout: '0.5000000000',
        resolvedAt: at,
        checkedAt: at,
        conditionId: cond('9'),
      },
    });
  });

  it('never asks about a resolved token again, and rechecks the rest at most once per interval (1 h)', async () => {
    const db = t.current.db;
    await held(db, { A1: 1, B1: 1, U: 1 });
    await refreshTokenMarks({ db, marketData: venue }, { now: () => NOW });
    const before = { ...venue.calls };
    // Ten minutes later: A1 repriced; U (checked, no book) not asked again yet; B1 final.
    const later = new Date(NOW.getTime() + 10 * 60_000);
    venue.setBook('A1', { bids: [['0.50', '10']], asks: [['0.52', '10']] });
    expect(await refreshTokenMarks({ db, marketData: venue }, { now: () => later })).toEqual({
      tokens: 2,
      priced: 1,
      resolutionChecks: 0,
      resolved: 0,
    });
    expect(venue.calls.getMarketByToken).toBe(before.getMarketByToken);
    expect((await marks(db)).A1!.price).toBe('0.5100000000');
    // Past the recheck interval A1 and U are asked again; B1 never.
    const hourLater = new Date(NOW.getTime() + 61 * 60_000);
    expect(
      (await refreshTokenMarks({ db, marketData: venue }, { now: () => hourLater })).resolutionChecks,
    ).toBe(2);
  });

  it('caps market lookups per run, tokens without a book first', async () => {
    const db = t.current.db;
    await held(db, { A1: 1, B1: 1, V1: 1 });
    const report = await refreshTokenMarks(
      { db, marketData: venue },
      { now: () => NOW, maxResolutionChecks: 1 },
    );
    expect(report.resolutionChecks).toBe(1);
    const m = await marks(db);
    // B1 (no book, first by id among those) was asked; A1 (priced) and V1 waited.
    expect([m.B1!.resolved, m.V1!.resolved, m.A1!.checkedAt]).toEqual([true, false, null]);
  });
});

describe('the analytics job', () => {
  const t = useTestDatabase();
  const logger = createLogger('silent');

  it('marks the tokens the previous recompute found held, then recomputes at those marks', async () => {
    const db = t.current.db;
    const venue = new FakeMarketData();
    venue.addMarket({
      conditionId: cond('a'),
      tokens: [
        { tokenId: 'A1', outcome: 'Yes' },
        { tokenId: 'A2', outcome: 'No' },
      ],
    });
    venue.setBook('A1', { bids: [['0.58', '10']], asks: [['0.62', '10']] });
    const w = `0x${'5'.repeat(40)}`;
    await insertTrader(db, { wallet_address: w });
    await insertTrade(db, {
      trader_wallet_address: w,
      asset_id: 'A1',
      side: 'BUY',
      quantity: '100',
      entry_price: '0.40',
      entry_value_usd: '40',
      entry_timestamp: new Date(NOW.getTime() - 86_400_000),
    });
    // First run: nothing known to be held yet, so no mark: the position sits at its fill price.
    const first = await runAnalyticsJob({ db, marketData: venue, now: () => NOW });
    expect(first.marks.tokens).toBe(0);
    expect(
      (
        await db
          .selectFrom('traders')
          .select('total_pnl')
          .where('wallet_address', '=', w)
          .executeTakeFirstOrThrow()
      ).total_pnl,
    ).toBe('0.000000');
    // Second run: A1 is on the list now, priced at 0.60: 100 × (0.60 − 0.40) = 20.
    const second = await runAnalyticsJob({ db, marketData: venue, now: () => NOW });
    expect(second.marks).toMatchObject({ tokens: 1, priced: 1 });
    expect(second.metrics.openPositions).toBe(1);
    expect(
      (
        await db
          .selectFrom('traders')
          .select('total_pnl')
          .where('wallet_address', '=', w)
          .executeTakeFirstOrThrow()
      ).total_pnl,
    ).toBe('20.000000');
  });

  it('runs in the scheduler role (recompute and follower figures) when configured', async () => {
    const db = t.current.db;
    const venue = new FakeMarketData();
    const scheduler = startScheduler({
      db,
      databaseUrl: t.current.url,
      marketData: venue,
      logger,
      maintenance: { partitionsAhead: 2, tradesRetentionDays: 0, tradeQueueRetentionDays: 7 },
      settings: testJobSettings(),
      analytics: analyticsJobs(
        { db, marketData: venue },
        { intervalMs: 60_000, parallelism: 2, followersIntervalMs: 60_000 },
      ),
    });
    try {
      const runner = await scheduler.waitForLeadership();
      const end = Date.now() + 20_000;
      const runs = () => [runner.runs.get('metrics') ?? 0, runner.runs.get('followers') ?? 0];
      while (runs().some((n) => n < 1) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(runs()).toEqual([1, 1]);
      const m = await db.selectFrom('trader_metrics').select('computed_at').execute();
      expect(m.length).toBeGreaterThan(0);
    } finally {
      await scheduler.stop();
    }
  });
});
