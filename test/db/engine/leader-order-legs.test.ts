// One leader order, one copy (issue 14, item 9), on the simulator: a leader BUY that sweeps three
// ask levels arrives on the stream as three legs of one transaction. Sized alone, each leg is under
// Polymarket's $1 minimum for this follower and would be skipped; gathered for the leg window they
// are copied as one order at the combined size. Each leg is still recorded; a leg seen again adds
// nothing; a leg that arrives after the window is copied on its own, sized on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { MarketRulesCache } from '../../../src/venue/market-cache.ts';
import { recordLeaderOrder } from '../../../src/ingest/record-fill.ts';
import type { LeaderFill } from '../../../src/ingest/leader-fill.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  buildWorld,
  detectorFor,
  EngineSim,
  leaderBuy,
  newLiveFollower,
  newTrader,
  queueRowsOf,
  waitFor,
} from './engine-harness.ts';

let sim: EngineSim;
beforeAll(async () => {
  sim = await EngineSim.start(91);
});
afterAll(async () => {
  await sim?.close();
});

describe('the legs of one leader order', () => {
  const t = useTestDatabase();

  it('are copied once at their combined size; a duplicate adds nothing; a late leg is its own copy', async () => {
    const db = t.current.db;
    const world = await buildWorld(sim, db, t.current.url);
    const market = await sim.binaryMarket(0);
    const token = market.tokens[0]!.tokenId;
    const leader = await newTrader(sim);
    await sim.fund(leader.signer.address, '10000');
    // Factor 0.05: 20 shares at ~0.5 → a 1-share copy worth ~$0.50, under the $1 minimum.
    const f = await newLiveFollower(world, leader.address, {
      pusd: '100',
      settings: { proportionalityFactor: '0.05', minTradeSizeUsd: null },
    });
    const detector = detectorFor(world, { legWindowMs: 50 });
    await detector.start();
    try {
      await waitFor(db, 'the detector to lead', () => detector.isLeader);
      await sim.syncClock();
      await sim.setBook(
        token,
        [['0.40', '500']],
        [
          ['0.50', '20'],
          ['0.51', '20'],
          ['0.52', '500'],
        ],
      );
      // $30.60 sweeps 20 @ 0.50 ($10), 20 @ 0.51 ($10.20) and 20 @ 0.52 ($10.40): three legs.
      await leaderBuy(leader, token, '30.60', '0.52');
      await waitFor(db, 'the legs recorded', () => detector.stats.recorded === 3, 20_000);
      const legs = await db
        .selectFrom('leader_fills')
        .selectAll()
        .where('trader_wallet_address', '=', leader.address.toLowerCase())
        .orderBy('price')
        .execute();
      expect(legs.map((l) => [l.price, l.size].map((x) => new Decimal(x).toFixed()))).toEqual([
        ['0.5', '20'],
        ['0.51', '20'],
        ['0.52', '20'],
      ]);
      expect(new Set(legs.map((l) => l.transaction_hash)).size).toBe(1);

      // One copy: 5% of 60 shares = 3 shares at the legs' average price 0.51 (not three skips).
      const rows = await queueRowsOf(db, f.userId);
      expect(rows).toHaveLength(1);
      expect(new Decimal(rows[0]!.quantity).toFixed()).toBe('3');
      expect(new Decimal(rows[0]!.target_price!).toFixed()).toBe('0.51');
      const decisions = await db
        .selectFrom('copy_decisions')
        .select(['fill_key', 'outcome', 'reason'])
        .where('user_id', '=', f.userId)
        .execute();
      expect(decisions).toEqual([{ fill_key: rows[0]!.source_fill_key, outcome: 'queued', reason: null }]);

      // A leg sighted again (another feed, a reconnect): recorded once, copied never again.
      const asFill = (l: (typeof legs)[number], over: Partial<LeaderFill> = {}): LeaderFill => ({
        txHash: l.transaction_hash,
        wallet: l.trader_wallet_address,
        assetId: l.asset_id,
        conditionId: l.condition_id,
        side: l.side,
        price: new Decimal(l.price),
        size: new Decimal(l.size),
        occurrence: l.occurrence,
        outcome: l.outcome,
        outcomeIndex: l.outcome_index,
        marketSlug: l.market_slug,
        eventSlug: l.event_slug,
        title: l.market_title,
        filledAt: l.filled_at,
        source: 'data_api',
        ...over,
      });
      const rules = (await new MarketRulesCache(world.marketData).get(token))!;
      const again = await recordLeaderOrder(db, [asFill(legs[0]!), asFill(legs[1]!)], rules, {
        copyTtlMs: 120_000,
      });
      expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
      expect(await queueRowsOf(db, f.userId)).toHaveLength(1);

      // A late leg (a fourth fill of the same transaction, after the window): its own copy, sized
      // on its own — 5% of 40 shares = 2 shares at 0.52.
      const late = await recordLeaderOrder(
        db,
        [asFill(legs[2]!, { size: new Decimal(40), occurrence: 0 })],
        rules,
        { copyTtlMs: 120_000 },
      );
      expect(late.map((r) => r.status)).toEqual(['recorded']);
      const after = await queueRowsOf(db, f.userId);
      expect(after).toHaveLength(2);
      expect(new Decimal(after[1]!.quantity).toFixed()).toBe('2');
      expect(new Decimal(after[1]!.target_price!).toFixed()).toBe('0.52');
    } finally {
      await detector.stop();
    }
  }, 120_000);
});
