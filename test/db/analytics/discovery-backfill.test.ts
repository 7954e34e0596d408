// Discovery from the simulator's /v1/leaderboard and the backfill of tracked traders' history from
// its /activity, on real PostgreSQL: the leaderboard lists become tracked traders; history is
// recorded under the same fill keys ingest gives the same fills (one row per fill, N rows for N
// identical fills of one transaction), never fanned out, and a backfill that dies mid-way resumes
// from its checkpoint and ends with exactly the fills of one uninterrupted pass.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillTrader, runBackfill, type ActivitySource } from '../../../src/analytics/backfill.ts';
import { discoverTraders } from '../../../src/analytics/discovery.ts';
import { trackingJobs } from '../../../src/analytics/tracking-jobs.ts';
import { assignOccurrenceIndexes, fillKey } from '../../../src/domain/fill-key.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { LeaderFillDetector } from '../../../src/ingest/detector.ts';
import { MarketRulesCache } from '../../../src/venue/market-cache.ts';
import { startScheduler } from '../../../src/jobs/scheduler-role.ts';
import { testJobSettings } from '../../support/job-settings.ts';
import { RtdsActivityStream } from '../../../src/venue/polymarket/rtds-stream.ts';
import { insertRelationship, insertTrader, insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  AnalyticsSim,
  buy,
  DAY_MS,
  logger,
  newLeader,
  SMALL_POPULATION,
  waitUntil,
} from './analytics-harness.ts';

interface WireRow {
  proxyWallet: string;
  rank: string;
  userName: string;
}

describe('discovery and backfill', () => {
  const t = useTestDatabase();
  let sim: AnalyticsSim;
  // The simulated day ends a day before the wall clock: every fill is history to the backfill.
  const start = Date.now() - 2 * DAY_MS;

  beforeAll(async () => {
    sim = await AnalyticsSim.start({ seed: 21, startTime: start, simulationConfig: SMALL_POPULATION });
    await sim.advance(DAY_MS);
  }, 120_000);
  afterAll(async () => sim?.close());

  /** The lists straight from the simulator's wire (not through the client discovery uses). */
  const wireList = async (orderBy: string, timePeriod: string, limit: number, offset = 0) => {
    const res = await fetch(
      `${sim.hosts.data}/v1/leaderboard?orderBy=${orderBy}&timePeriod=${timePeriod}&limit=${limit}&offset=${offset}`,
    );
    return (await res.json()) as WireRow[];
  };

  /** Every fill of a wallet by /trades?takerOnly=false, keyed the way ingest's Data API poll keys them. */
  const keysFromTrades = async (wallet: string) => {
    const rows = await sim.dataApi.getTrades({ user: wallet, takerOnly: false, limit: 10_000 });
    const oldestFirst = [...rows].reverse();
    return new Set(
      assignOccurrenceIndexes(
        oldestFirst.map((r) => ({
          txHash: r.transactionHash,
          wallet,
          assetId: r.asset,
          side: r.side,
          price: r.price,
          size: r.size,
        })),
      ).map(fillKey),
    );
  };

  const keysInDb = async (wallet: string) =>
    new Set(
      (
        await t.current.db
          .selectFrom('leader_fills')
          .select('fill_key')
          .where('trader_wallet_address', '=', wallet)
          .execute()
      ).map((r) => r.fill_key),
    );

  it('tracks the top wallets of every leaderboard list (P&L and volume, four windows)', async () => {
    const db = t.current.db;
    const report = await discoverTraders({ db, leaderboard: sim.dataApi, perList: 10 });

    const expected = new Map<string, { lists: string[]; best: number; name: string }>();
    for (const orderBy of ['PNL', 'VOL']) {
      for (const period of ['DAY', 'WEEK', 'MONTH', 'ALL']) {
        for (const r of await wireList(orderBy, period, 10)) {
          const e = expected.get(r.proxyWallet) ?? { lists: [], best: Number(r.rank), name: r.userName };
          e.lists.push(`${orderBy}:${period}`);
          e.best = Math.min(e.best, Number(r.rank));
          expected.set(r.proxyWallet, e);
        }
      }
    }
    expect(expected.size).toBeGreaterThan(10);
    expect(report).toEqual({
      lists: 8,
      wallets: expected.size,
      newlyTracked: expected.size,
      followedReactivated: 0,
    });

    const tracked = await db
      .selectFrom('traders')
      .innerJoin('discovered_traders as d', 'd.wallet_address', 'traders.wallet_address')
      .select([
        'traders.wallet_address',
        'traders.display_name',
        'traders.is_active',
        'd.lists',
        'd.best_rank',
      ])
      .execute();
    expect(new Set(tracked.map((r) => r.wallet_address))).toEqual(new Set(expected.keys()));
    for (const r of tracked) {
      const e = expected.get(r.wallet_address)!;
      expect(r.is_active).toBe(true);
      expect(r.display_name).toBe(e.name);
      expect(r.lists).toEqual([...e.lists].sort());
      expect(r.best_rank).toBe(e.best);
    }

    // Known wallets are not new the second time.
    expect((await discoverTraders({ db, leaderboard: sim.dataApi, perList: 10 })).newlyTracked).toBe(0);
  });

  it('pages a list deeper than one page of 50', async () => {
    const db = t.current.db;
    await discoverTraders({ db, leaderboard: sim.dataApi, perList: 60 });
    const expected = [...(await wireList('VOL', 'ALL', 50)), ...(await wireList('VOL', 'ALL', 10, 50))];
    expect(expected.length).toBe(60);
    const listed = await sql<{ wallet_address: string }>`
      SELECT wallet_address FROM discovered_traders WHERE 'VOL:ALL' = ANY (lists)`.execute(db);
    expect(new Set(listed.rows.map((r) => r.wallet_address))).toEqual(
      new Set(expected.map((r) => r.proxyWallet)),
    );
  });

  it('tracks every followed wallet, switching a followed trader back on', async () => {
    const db = t.current.db;
    const off = await insertTrader(db, { is_active: false });
    const user = await insertUser(db);
    await insertRelationship(db, user.id, off.wallet_address, { status: 'paused' });
    const unfollowed = await insertTrader(db, { is_active: false });
    const report = await discoverTraders({ db, leaderboard: sim.dataApi, perList: 0 });
    expect(report).toEqual({ lists: 0, wallets: 0, newlyTracked: 0, followedReactivated: 1 });
    const rows = await db
      .selectFrom('traders')
      .select(['wallet_address', 'is_active'])
      .where('wallet_address', 'in', [off.wallet_address, unfollowed.wallet_address])
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.wallet_address, r.is_active]))).toEqual({
      [off.wallet_address]: true,
      [unfollowed.wallet_address]: false,
    });
  });

  it('records history under the keys ingest gives the same fills, N identical fills as N, and never copies', async () => {
    const db = t.current.db;
    const leader = await newLeader(sim);
    await insertTrader(db, { wallet_address: leader.address });
    const [market] = await sim.binaryMarkets();
    const token = market!.tokens[0]!.tokenId;

    // Ingest (the real detector, RTDS stream) sees the tracked wallet's first two orders live.
    const detector = new LeaderFillDetector({
      databaseUrl: t.current.url,
      db,
      logger,
      openStream: (wallets) => new RtdsActivityStream({ url: sim.hosts.rtds, wallets }),
      dataApi: sim.dataApi,
      marketRules: new MarketRulesCache(sim.marketData),
      copyTtlMs: 60_000,
      pollIntervalMs: 3_600_000,
      standbyRetryMs: 200,
    });
    await detector.start();
    await waitUntil(
      'the stream to subscribe',
      async () => (await sim.control<{ rtds: number }>('GET', '/sim/streams')).rtds > 0,
    );
    // One order, one transaction, three identical fills (three resting orders of 10 at 0.50).
    await sim.setBook(
      token,
      [['0.40', '100']],
      [
        ['0.50', '10'],
        ['0.50', '10'],
        ['0.50', '10'],
      ],
    );
    const triple = await buy(leader, token, '15', '0.50');
    expect(triple.filledSize.toFixed()).toBe('30');
    expect(triple.transactionHashes).toHaveLength(1);
    await sim.setBook(token, [['0.40', '100']], [['0.55', '100']]);
    await buy(leader, token, '11', '0.55');
    await waitUntil('ingest to record four fills', async () => (await keysInDb(leader.address)).size === 4);
    await detector.stop();
    const ingested = await db
      .selectFrom('leader_fills')
      .select(['fill_key', 'source', 'detected_at'])
      .where('trader_wallet_address', '=', leader.address)
      .execute();
    expect(ingested.map((r) => r.source)).toEqual(['rtds', 'rtds', 'rtds', 'rtds']);

    // A third order while ingest is down; then someone follows the leader.
    await sim.setBook(token, [['0.40', '100']], [['0.60', '100']]);
    await buy(leader, token, '6', '0.60');
    const user = await insertUser(db);
    await insertRelationship(db, user.id, leader.address, { mode: 'paper' } as never);

    const report = await backfillTrader(
      { db, activity: sim.dataApi, logger, days: 10, maxPagesPerTrader: 10 },
      leader.address,
    );
    expect(report).toMatchObject({ pages: 1, seen: 5, recorded: 1, invalid: 0, caughtUp: true });

    // One row per fill, the keys /trades gives (ingest's poll), the three identical ones numbered 0..2.
    const rows = await db
      .selectFrom('leader_fills')
      .select(['fill_key', 'source', 'occurrence', 'size', 'price', 'transaction_hash', 'detected_at'])
      .where('trader_wallet_address', '=', leader.address)
      .orderBy('price')
      .orderBy('occurrence')
      .execute();
    expect(new Set(rows.map((r) => r.fill_key))).toEqual(await keysFromTrades(leader.address));
    expect(rows.map((r) => [r.price, r.size, r.occurrence, r.source])).toEqual([
      ['0.5000000000', '10.000000', 0, 'rtds'],
      ['0.5000000000', '10.000000', 1, 'rtds'],
      ['0.5000000000', '10.000000', 2, 'rtds'],
      ['0.5500000000', '20.000000', 0, 'rtds'],
      ['0.6000000000', '10.000000', 0, 'backfill'],
    ]);
    expect(new Set(rows.slice(0, 3).map((r) => r.transaction_hash)).size).toBe(1);
    // The fills ingest recorded are untouched.
    for (const i of ingested) {
      expect(rows.find((r) => r.fill_key === i.fill_key)?.detected_at).toEqual(i.detected_at);
    }
    // Each fill has its trades row; nothing was queued or decided for the follower.
    const trades = await sql<{ n: number; keys: number }>`
      SELECT count(*)::int AS n, count(DISTINCT fill_key)::int AS keys FROM trades
       WHERE trader_wallet_address = ${leader.address} AND NOT is_copy_trade`.execute(db);
    expect(trades.rows[0]).toEqual({ n: 5, keys: 5 });
    const work = await sql<{ q: number; d: number }>`
      SELECT (SELECT count(*) FROM trade_queue)::int AS q, (SELECT count(*) FROM copy_decisions)::int AS d`.execute(
      db,
    );
    expect(work.rows[0]).toEqual({ q: 0, d: 0 });
    const linked = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM leader_fills f JOIN trades tr ON tr.id = f.trade_id AND tr.fill_key = f.fill_key
       WHERE f.trader_wallet_address = ${leader.address} AND f.source = 'backfill'`.execute(db);
    expect(linked.rows[0]!.n).toBe(1);

    // Reading the same history again from scratch records nothing.
    await db.deleteFrom('backfill_checkpoints').where('wallet_address', '=', leader.address).execute();
    const again = await backfillTrader(
      { db, activity: sim.dataApi, logger, days: 10, maxPagesPerTrader: 10 },
      leader.address,
    );
    expect(again).toMatchObject({ seen: 5, recorded: 0 });
    expect((await keysInDb(leader.address)).size).toBe(5);
  });

  it('never records a followed wallet past the moment its first follower began', async () => {
    const db = t.current.db;
    const leader = await newLeader(sim);
    await insertTrader(db, { wallet_address: leader.address });
    const user = await insertUser(db);
    // Followed since before the simulated fills: everything after that is ingest's to copy.
    const rel = await insertRelationship(db, user.id, leader.address);
    await db
      .updateTable('copy_relationships')
      .set({ created_at: new Date(start) })
      .where('id', '=', rel.id)
      .execute();
    const [market] = await sim.binaryMarkets();
    const token = market!.tokens[0]!.tokenId;
    await sim.setBook(token, [['0.40', '100']], [['0.50', '100']]);
    await buy(leader, token, '5', '0.50');
    const report = await backfillTrader(
      { db, activity: sim.dataApi, logger, days: 10, maxPagesPerTrader: 10 },
      leader.address,
    );
    expect(report).toMatchObject({ recorded: 0 });
    expect((await keysInDb(leader.address)).size).toBe(0);
  });

  it('resumes after a crash mid-backfill and ends with exactly the fills of one pass', async () => {
    const db = t.current.db;
    // A leader whose identical fills straddle page boundaries: five orders a second apart, three of
    // them one transaction of three identical fills each (pages of 2 split every one of them).
    const leader = await newLeader(sim);
    const wallet = leader.address;
    await insertTrader(db, { wallet_address: wallet });
    const [, market] = await sim.binaryMarkets();
    const token = market!.tokens[0]!.tokenId;
    for (let i = 0; i < 5; i++) {
      const p = (0.3 + i / 100).toFixed(2);
      const triple = i % 2 === 0;
      await sim.setBook(
        token,
        [['0.10', '100']],
        triple
          ? [
              [p, '10'],
              [p, '10'],
              [p, '10'],
            ]
          : [[p, '100']],
      );
      await buy(leader, token, new Decimal(p).times(triple ? 30 : 10).toFixed(), p);
      await sim.advance(1_000);
    }
    const expected = await keysFromTrades(wallet);
    expect(expected.size).toBe(11);
    const simNow = await sim.now();
    const options = {
      db,
      logger,
      days: 5,
      maxPagesPerTrader: 10_000,
      // Pages of 2 and an offset cap of 4: a batch per page and windows that restart.
      pageSize: 2,
      maxOffset: 4,
      lagMs: 0,
      now: () => new Date(simNow + 1_000),
    };

    let calls = 0;
    const crashing: ActivitySource = {
      getActivity: async (q) => {
        calls += 1;
        if (calls === 4) throw new Error('connection reset (simulated crash)');
        return sim.dataApi.getActivity(q);
      },
    };
    await expect(backfillTrader({ ...options, activity: crashing }, wallet)).rejects.toThrow(
      /simulated crash/,
    );
    const partial = await keysInDb(wallet);
    const cp1 = await db
      .selectFrom('backfill_checkpoints')
      .selectAll()
      .where('wallet_address', '=', wallet)
      .executeTakeFirstOrThrow();
    // Pages 1-3 (6 rows: A A | A B | C C) were committed with their checkpoints; the last second
    // read (C, split across pages) was held back and is read again on resume.
    expect(Number(cp1.pages_fetched)).toBe(3);
    expect(partial.size).toBe(4);
    for (const k of partial) expect(expected.has(k)).toBe(true);
    expect(cp1.caught_up_to).toBeNull();

    // A bounded run carries on from the checkpoint and stops after its pages.
    const bounded = await backfillTrader({ ...options, activity: sim.dataApi, maxPagesPerTrader: 2 }, wallet);
    expect(bounded).toMatchObject({ pages: 2, caughtUp: false });

    // The scheduler's run over every tracked trader finishes it (the only one tracked here now).
    await db.updateTable('traders').set({ is_active: false }).where('wallet_address', '<>', wallet).execute();
    const run = await runBackfill({ ...options, activity: sim.dataApi });
    expect(run.failed).toBe(0);
    expect(run.reports.find((r) => r.wallet === wallet)?.caughtUp).toBe(true);
    expect(await keysInDb(wallet)).toEqual(expected);
    const counts = await sql<{ fills: number; trades: number; occ: number[] }>`
      SELECT (SELECT count(*) FROM leader_fills WHERE trader_wallet_address = ${wallet})::int AS fills,
             (SELECT count(*) FROM trades WHERE trader_wallet_address = ${wallet} AND NOT is_copy_trade)::int AS trades,
             (SELECT array_agg(occurrence ORDER BY occurrence) FROM leader_fills
               WHERE trader_wallet_address = ${wallet}) AS occ`.execute(db);
    expect(counts.rows[0]).toEqual({ fills: 11, trades: 11, occ: [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2] });
    const cp2 = await db
      .selectFrom('backfill_checkpoints')
      .selectAll()
      .where('wallet_address', '=', wallet)
      .executeTakeFirstOrThrow();
    expect(cp2.caught_up_to?.getTime()).toBe(Math.floor((simNow + 1_000) / 1000) * 1000);
    expect(Number(cp2.fills_recorded)).toBe(11);
  }, 120_000);

  it('matches one pass of /trades for a busy simulated wallet, through many window restarts', async () => {
    const db = t.current.db;
    const makers = (await sim.traders()).filter((w) => w.style === 'market-maker');
    let wallet = '';
    let expected = new Set<string>();
    for (const c of makers) {
      const keys = await keysFromTrades(c.address);
      if (keys.size > expected.size) {
        wallet = c.address;
        expected = keys;
      }
    }
    expect(expected.size).toBeGreaterThan(200);
    await db
      .insertInto('traders')
      .values({ wallet_address: wallet })
      .onConflict((oc) => oc.column('wallet_address').doUpdateSet({ is_active: true }))
      .execute();
    const simNow = await sim.now();
    const report = await backfillTrader(
      {
        db,
        activity: sim.dataApi,
        logger,
        days: 5,
        maxPagesPerTrader: 10_000,
        pageSize: 25,
        maxOffset: 50,
        lagMs: 0,
        now: () => new Date(simNow + 1_000),
      },
      wallet,
    );
    expect(report.caughtUp).toBe(true);
    expect(report.recorded).toBe(expected.size);
    expect(await keysInDb(wallet)).toEqual(expected);
  }, 120_000);

  it('runs discovery, backfill and the copyability refresh as scheduler jobs', async () => {
    const db = t.current.db;
    const scheduler = startScheduler({
      db,
      databaseUrl: t.current.url,
      marketData: sim.marketData,
      logger,
      maintenance: { partitionsAhead: 2, tradesRetentionDays: 0, tradeQueueRetentionDays: 7 },
      settings: testJobSettings(),
      tracking: trackingJobs({
        db,
        dataApi: sim.dataApi,
        logger,
        settings: {
          discoveryPerList: 5,
          discoveryIntervalMs: 3_600_000,
          backfillIntervalMs: 3_600_000,
          backfillDays: 10,
          backfillMaxPages: 50,
          copyabilityIntervalMs: 3_600_000,
        },
      }),
    });
    const runner = await scheduler.waitForLeadership();
    try {
      await waitUntil(
        'each tracking job to run once',
        async () => ['discovery', 'backfill', 'copyability'].every((j) => (runner.runs.get(j) ?? 0) >= 1),
        60_000,
      );
      // At start the backfill waits for discovery (catalog `after`), so its first run already covers
      // the newly tracked traders; copyability ran side by side, so it runs again over them.
      expect(runner.runs.get('backfill')).toBe(1);
      await runner.run('copyability');
    } finally {
      await scheduler.stop();
    }
    // Every tracked trader has been backfilled and has a copyability row.
    const r = await sql<{ tracked: number; checkpoints: number; copyability: number }>`
      SELECT (SELECT count(*) FROM traders WHERE is_active)::int AS tracked,
             (SELECT count(*) FROM backfill_checkpoints c JOIN traders t USING (wallet_address) WHERE t.is_active)::int
               AS checkpoints,
             (SELECT count(*) FROM trader_copyability)::int AS copyability`.execute(db);
    const row = r.rows[0]!;
    expect(row.tracked).toBeGreaterThan(5);
    expect(row.checkpoints).toBe(row.tracked);
    expect(row.copyability).toBeGreaterThanOrEqual(row.tracked);
  }, 90_000);
});
