// Sizing from a balance, through the real engine on the simulator, in live mode: a follow created in
// balance_percent or portfolio_weight reads what it sizes from at once (the live account's balance
// from the exchange with the user's own credentials, the leader's portfolio value from the Data API),
// the fan-out sizes each copy from those snapshots, the worker places them; the scheduler's job
// re-reads snapshots that got old.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sizingSnapshotJobs } from '../../../src/analytics/sizing-snapshot-jobs.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  buildWorld,
  detectorFor,
  EngineSim,
  leaderBuy,
  newLiveFollower,
  newTrader,
  queueRowsOf,
  unfinishedRows,
  waitFor,
  workerFor,
} from './engine-harness.ts';

let sim: EngineSim;
beforeAll(async () => {
  sim = await EngineSim.start(83);
});
afterAll(async () => {
  await sim?.close();
});

describe('sizing from a balance (live)', () => {
  const t = useTestDatabase();

  it('sizes copies from the live balance and the leader portfolio value it reads', async () => {
    const db = t.current.db;
    const world = await buildWorld(sim, db, t.current.url);
    const jobs = sizingSnapshotJobs({
      db,
      dataApi: world.marketData.data,
      venues: world.provider,
      intervalMs: 60_000,
    });
    world.api.deps.sizingSnapshots = jobs;
    const market = await sim.binaryMarket(0);
    const token = market.tokens[0]!.tokenId;
    const otherMarket = await sim.binaryMarket(1);
    const other = otherMarket.tokens[0]!.tokenId;
    const leader = await newTrader(sim);
    await sim.fund(leader.signer.address, '10000');
    // The leader already holds a position before anyone follows: part of its portfolio.
    await sim.syncClock();
    await sim.setBook(other, [['0.35', '10000']], [['0.40', '10000']]);
    await leaderBuy(leader, other, '2000', '0.40');

    const percent = await newLiveFollower(world, leader.address, {
      pusd: '500',
      // The leader's earlier buy is not copied (the detector's first poll finds it): each copy here
      // is sized from an account that holds nothing yet.
      settings: {
        sizingMode: 'balance_percent',
        balancePercent: '2',
        minTradeSizeUsd: null,
        excludedMarkets: [otherMarket.conditionId],
      },
    });
    const weight = await newLiveFollower(world, leader.address, {
      pusd: '1000',
      settings: {
        sizingMode: 'portfolio_weight',
        minTradeSizeUsd: null,
        // Above the weight's ~$26, so no cap binds (the default is $25 a copy).
        maxInvestmentPerTradeUsd: '100',
        excludedMarkets: [otherMarket.conditionId],
      },
    });
    // Read when the follows were made, not at the scheduler's next run.
    const balances = await db.selectFrom('live_balances').selectAll().orderBy('user_id').execute();
    expect(balances.map((b) => [b.user_id, new Decimal(b.cash_usd).toFixed()])).toEqual([
      [percent.userId, '500'],
      [weight.userId, '1000'],
    ]);
    const value = await db
      .selectFrom('trader_portfolio_values')
      .selectAll()
      .where('trader_wallet_address', '=', leader.address)
      .executeTakeFirstOrThrow();
    const venueValue = (await world.marketData.data.getValue(leader.address))!.value;
    expect(new Decimal(value.value_usd).toFixed()).toBe(venueValue.toDecimalPlaces(6).toFixed());
    expect(venueValue.gt(1000)).toBe(true);

    const detector = detectorFor(world);
    const worker = workerFor(world);
    try {
      await detector.start();
      await waitFor(db, 'the detector to lead', () => detector.isLeader);
      await worker.start();
      await sim.syncClock();
      await sim.setBook(token, [['0.45', '5000']], [['0.50', '5000']]);
      await leaderBuy(leader, token, '50', '0.50');
      await waitFor(db, 'both copies queued and done', async () => {
        const n = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM trade_queue WHERE asset_id = ${token}`.execute(db);
        return n.rows[0]!.n === 2 && (await unfinishedRows(db)) === 0;
      });
    } finally {
      await worker.stop();
      await detector.stop();
    }
    // 2 % of the $500 balance = $10 at 0.50 → 20 shares.
    const ofToken = async (userId: string) =>
      (await queueRowsOf(db, userId)).filter((r) => r.asset_id === token);
    const [p] = await ofToken(percent.userId);
    expect(p).toMatchObject({ status: 'completed', quantity: '20.000000' });
    // $50 of a portfolio worth V before it: 50 / (V + 50) of the follower's $1,000 equity.
    const v = new Decimal(value.value_usd);
    const expected = new Decimal(1000)
      .times(new Decimal(50).div(v.plus(50)))
      .div('0.5')
      .toDecimalPlaces(2, Decimal.ROUND_DOWN);
    const [w] = await ofToken(weight.userId);
    expect(w).toMatchObject({ status: 'completed', quantity: new Decimal(expected).toFixed(6) });

    // The scheduler's run re-reads only snapshots that got old: the copy spent $10 of 500.
    await db
      .updateTable('live_balances')
      .set({ observed_at: new Date(Date.now() - 120_000) })
      .execute();
    const report = await jobs.run();
    expect(report.leaders).toMatchObject({ leaders: 1, refreshed: 1, failed: 0 });
    expect(report.balances).toMatchObject({ users: 2, refreshed: 2, failed: 0 });
    const after = await db
      .selectFrom('live_balances')
      .select('cash_usd')
      .where('user_id', '=', percent.userId)
      .executeTakeFirstOrThrow();
    expect(new Decimal(after.cash_usd).lt(500)).toBe(true);
    expect((await jobs.run()).balances).toMatchObject({ users: 0 });
    await world.api.app.close();
  }, 120_000);
});
