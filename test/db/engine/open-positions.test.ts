// "Copy open positions at follow" through the API, the real engine and the simulator: the leader's
// current positions (Data API /positions) each become a decision with its reason — copied
// proportionally at the best ask when the follow's rules allow, skipped with the rule's reason
// otherwise (price band, a book with nothing to buy) — and the copies are executed by the normal
// worker. (Redeemable positions of resolved markets are skipped as market_closed; the simulator
// redeems at resolution, so that case is unit-level.) When
// the venue cannot be read, the follow is refused with 503 and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPositionsSource } from '../../../src/app/open-positions-source.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { changedTables, dbFingerprint } from '../api/db-fingerprint.ts';
import { signUp } from '../vault/live-harness.ts';
import {
  buildWorld,
  EngineSim,
  leaderBuy,
  newTrader,
  unfinishedRows,
  waitFor,
  workerFor,
} from './engine-harness.ts';

let sim: EngineSim;
beforeAll(async () => {
  sim = await EngineSim.start(91);
});
afterAll(async () => {
  await sim?.close();
});

interface Decided {
  assetId: string;
  decision: 'queued' | 'skipped';
  reason: string | null;
  leaderShares: string;
  price: string | null;
  shares: string | null;
  queueId: string | null;
}

describe('copy open positions at follow', () => {
  const t = useTestDatabase();

  it("decides every open position of the leader's and executes the copies through the queue", async () => {
    const db = t.current.db;
    const world = await buildWorld(sim, db, t.current.url);
    world.api.deps.openPositions = {
      source: openPositionsSource(world.marketData),
      copyTtlMs: 120_000,
      paperStartingBalanceUsd: new Decimal(1000),
    };
    const [a, b, c] = await Promise.all([0, 1, 2].map((i) => sim.binaryMarket(i)));
    const [ta, tb, tc] = [a!, b!, c!].map((m) => m.tokens[0]!.tokenId) as [string, string, string];
    const leader = await newTrader(sim);
    await sim.fund(leader.signer.address, '10000');
    await sim.syncClock();
    await sim.setBook(ta, [['0.45', '5000']], [['0.50', '5000']]);
    await sim.setBook(tb, [['0.35', '5000']], [['0.40', '5000']]);
    await sim.setBook(tc, [['0.55', '5000']], [['0.60', '5000']]);
    await leaderBuy(leader, ta, '100', '0.50');
    await leaderBuy(leader, tb, '40', '0.40');
    await leaderBuy(leader, tc, '30', '0.60');
    // Nobody sells C any more: nothing to buy it from.
    await sim.setBook(tc, [['0.55', '5000']], []);

    const u = await signUp(world.api);
    const follow = (body: Record<string, unknown>) =>
      world.api.app.inject({ method: 'POST', url: '/api/v1/follows', headers: u.auth, payload: body });

    // The venue's Data API down: refused, nothing written.
    await sim.faults({ reset: true, rate5xx: 1, status5xx: 503, paths: ['/data-api/positions'] });
    const before = await dbFingerprint(db);
    const refused = await follow({ traderWallet: leader.address, mode: 'paper', copyOpenPositions: true });
    expect(refused.statusCode, refused.body).toBe(503);
    expect(refused.json()).toMatchObject({ error: { code: 'venue_unavailable' } });
    expect(changedTables(before, await dbFingerprint(db))).toEqual([]);
    await sim.faults({ reset: true });

    const res = await follow({
      traderWallet: leader.address,
      mode: 'paper',
      copyOpenPositions: true,
      proportionalityFactor: '0.1',
      minTradeSizeUsd: null,
      maxBuyPrice: '0.45',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as { id: string; copyOpenPositions: boolean; openPositions: Decided[] };
    expect(body.copyOpenPositions).toBe(true);
    const byAsset = new Map(body.openPositions.map((d) => [d.assetId, d]));
    expect(byAsset.size).toBe(3);
    // A: the best ask 0.50 is above the follow's 0.45 band.
    expect(byAsset.get(ta)).toMatchObject({
      decision: 'skipped',
      reason: 'price_above_max_buy',
      price: '0.5',
    });
    // C: the book has no asks.
    expect(byAsset.get(tc)).toMatchObject({ decision: 'skipped', reason: 'book_cannot_fill', price: null });
    // B: 10 % of the leader's shares, at the best ask.
    const copied = byAsset.get(tb)!;
    const shares = new Decimal(copied.leaderShares).times('0.1').toDecimalPlaces(2, Decimal.ROUND_DOWN);
    expect(copied).toMatchObject({ decision: 'queued', price: '0.4', shares: shares.toFixed() });

    // Each is a decision with its reason, readable like any other.
    const listed = await world.api.app.inject({ method: 'GET', url: '/api/v1/decisions', headers: u.auth });
    const items = (listed.json() as { items: Array<Record<string, unknown>> }).items;
    expect(items).toHaveLength(3);
    for (const d of items) {
      expect(d).toMatchObject({ source: 'open_position', fill: null });
      expect(d.openPosition).toMatchObject({ traderWallet: leader.address });
    }

    // The queue and a worker execute the copy like any other, priced from the book within slippage.
    const worker = workerFor(world);
    try {
      await worker.start();
      await waitFor(db, 'the copy to execute', async () => (await unfinishedRows(db)) === 0);
    } finally {
      await worker.stop();
      await world.api.app.close();
    }
    const row = await db
      .selectFrom('trade_queue')
      .selectAll()
      .where('id', '=', copied.queueId!)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', source_fill_key: null, side: 'BUY', purpose: 'copy' });
    const position = await db
      .selectFrom('copy_positions')
      .selectAll()
      .where('copy_relationship_id', '=', body.id)
      .executeTakeFirstOrThrow();
    expect([position.asset_id, new Decimal(position.shares).toFixed()]).toEqual([tb, shares.toFixed()]);
    const decision = await db
      .selectFrom('copy_decisions')
      .selectAll()
      .where('queue_id', '=', copied.queueId!)
      .executeTakeFirstOrThrow();
    expect(decision).toMatchObject({ outcome: 'executed', source: 'open_position', fill_key: null });
  }, 120_000);
});
