// Record-and-fan-out: one transaction writes the leader fill, one decision per follower and the
// queue rows; the same fill seen twice is one fill; identical fills in one tx are distinct fills.
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { recordLeaderFill } from '../../../src/ingest/record-fill.ts';
import type { LeaderFill } from '../../../src/ingest/leader-fill.ts';
import { QUEUE_CHANNEL } from '../../../src/execution/queue-claims.ts';
import { insertRelationship, insertTrader, insertUser, txHash, wallet } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const CONDITION = `0x${'ab'.repeat(32)}`;
const ASSET = '1234567890123456789';
const MARKET = { tickSize: new Decimal('0.01'), minOrderSize: new Decimal(5) };
const OPTS = { copyTtlMs: 30_000 };

function fill(leader: string, over: Partial<LeaderFill> = {}): LeaderFill {
  return {
    txHash: txHash(),
    wallet: leader,
    assetId: ASSET,
    conditionId: CONDITION,
    side: 'BUY',
    price: new Decimal('0.42'),
    size: new Decimal(1000),
    occurrence: 0,
    outcome: 'Yes',
    outcomeIndex: 0,
    marketSlug: 'will-it-rain',
    eventSlug: 'weather',
    title: 'Will it rain?',
    // Fresh: a fill first seen past the copy TTL is recorded but not copied (tested below).
    filledAt: new Date(),
    source: 'test',
    ...over,
  };
}

describe('recordLeaderFill', () => {
  const t = useTestDatabase();
  let leader: string;

  beforeEach(async () => {
    leader = (await insertTrader(t.current.db, { wallet_address: wallet() })).wallet_address;
  });

  const decisions = (fillKey: string) =>
    t.current.db
      .selectFrom('copy_decisions')
      .select(['copy_relationship_id', 'outcome', 'reason', 'queue_id'])
      .where('fill_key', '=', fillKey)
      .orderBy('copy_relationship_id')
      .execute();

  it('records the fill and fans out sized copies, with a decision for every follower', async () => {
    const db = t.current.db;
    const a = await insertUser(db);
    const b = await insertUser(db);
    const c = await insertUser(db);
    const d = await insertUser(db, { is_active: false });
    const e = await insertUser(db);
    // a: 5% of $420 = $21, under every cap → 50 shares.
    const relA = await insertRelationship(db, a.id, leader, { proportionality_factor: '0.05' });
    // b: 5% = $21, per-trade cap $15. Caps hold at the worst price the copy may pay (the slippage
    // bound 0.42 × 1.01 = 0.4242): 15 / 0.4242 = 35.36 shares (rounded down).
    const relB = await insertRelationship(db, b.id, leader, {
      proportionality_factor: '0.05',
      max_investment_per_trade_usd: '15',
    });
    const relC = await insertRelationship(db, c.id, leader, { status: 'paused' });
    const relD = await insertRelationship(db, d.id, leader);
    const relE = await insertRelationship(db, e.id, leader, { excluded_markets: ['weather'] });
    const stopped = await insertRelationship(db, (await insertUser(db)).id, leader, { status: 'stopped' });

    const result = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    expect(result).toMatchObject({ status: 'recorded', queued: 2, skipped: 3 });
    if (result.status !== 'recorded') throw new Error('unreachable');

    const leaderTrade = await db
      .selectFrom('trades')
      .selectAll()
      .where('id', '=', result.tradeId)
      .executeTakeFirstOrThrow();
    expect(leaderTrade).toMatchObject({
      is_copy_trade: false,
      trader_wallet_address: leader,
      market_id: CONDITION,
      position: 'YES',
      entry_price: '0.4200000000',
      quantity: '1000.000000',
      entry_value_usd: '420.000000',
      fill_key: result.fillKey,
      side: 'BUY',
    });

    const queue = await db
      .selectFrom('trade_queue')
      .selectAll()
      .where('source_fill_key', '=', result.fillKey)
      .orderBy('copy_relationship_id')
      .execute();
    expect(queue.map((q) => [q.copy_relationship_id, q.quantity, q.side, q.status, q.target_price])).toEqual([
      [relA.id, '50.000000', 'BUY', 'pending', '0.4200000000'],
      [relB.id, '35.360000', 'BUY', 'pending', '0.4200000000'],
    ]);
    expect(queue[0]!.expires_at!.getTime() - Date.now()).toBeGreaterThan(20_000);

    const ds = await decisions(result.fillKey);
    expect(ds.map((x) => [x.copy_relationship_id, x.outcome, x.reason])).toEqual([
      [relA.id, 'queued', null],
      [relB.id, 'queued', null],
      [relC.id, 'skipped', 'relationship_paused'],
      [relD.id, 'skipped', 'user_inactive'],
      [relE.id, 'skipped', 'market_excluded'],
    ]);
    expect(ds.find((x) => x.copy_relationship_id === stopped.id)).toBeUndefined();
    expect(ds[0]!.queue_id).toBe(queue[0]!.id);
  });

  it('records the same fill once, from any number of sightings, even concurrently', async () => {
    const db = t.current.db;
    const u = await insertUser(db);
    await insertRelationship(db, u.id, leader, { proportionality_factor: '0.05' });
    const f = fill(leader);
    const results = await Promise.all([
      recordLeaderFill(db, { ...f, source: 'rtds' }, MARKET, OPTS),
      recordLeaderFill(db, { ...f, source: 'data_api' }, MARKET, OPTS),
      recordLeaderFill(db, { ...f, price: new Decimal('0.420'), source: 'data_api' }, MARKET, OPTS),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['duplicate', 'duplicate', 'recorded']);
    const key = results[0]!.fillKey;
    expect(results.every((r) => r.fillKey === key)).toBe(true);
    const queued = await db
      .selectFrom('trade_queue')
      .select('id')
      .where('source_fill_key', '=', key)
      .execute();
    expect(queued).toHaveLength(1);
    const trades = await db.selectFrom('trades').select('id').where('fill_key', '=', key).execute();
    expect(trades).toHaveLength(1);
  });

  it('treats three identical fills in one transaction as three fills, each copied', async () => {
    const db = t.current.db;
    const u = await insertUser(db);
    // 20% of 100 × 0.42 = $8.40 per fill → 20 shares each.
    await insertRelationship(db, u.id, leader, { proportionality_factor: '0.2' });
    const tx = txHash();
    const keys = [];
    for (const occurrence of [0, 1, 2]) {
      const r = await recordLeaderFill(
        db,
        fill(leader, { txHash: tx, occurrence, size: new Decimal(100) }),
        MARKET,
        OPTS,
      );
      expect(r.status).toBe('recorded');
      keys.push(r.fillKey);
    }
    expect(new Set(keys).size).toBe(3);
    const rows = await db
      .selectFrom('trade_queue')
      .select(['quantity'])
      .where('user_id', '=', u.id)
      .execute();
    expect(rows.map((r) => r.quantity)).toEqual(['20.000000', '20.000000', '20.000000']);
  });

  it('counts queued copies and open lots against the exposure caps', async () => {
    const db = t.current.db;
    const u = await insertUser(db);
    const rel = await insertRelationship(db, u.id, leader, {
      proportionality_factor: '0.05',
      max_total_exposure_usd: '30',
    });
    // First fill: $21 (cap room 30). Second: room left 30 - 21*1.01 (slippage-bounded cost) → smaller copy.
    const first = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    const second = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    const third = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    expect(first).toMatchObject({ queued: 1 });
    expect(second).toMatchObject({ queued: 1 });
    expect(third).toMatchObject({ queued: 0, skipped: 1 });
    const rows = await db
      .selectFrom('trade_queue')
      .select(['notional_usd'])
      .where('copy_relationship_id', '=', rel.id)
      .execute();
    const total = rows.reduce((s, r) => s.plus(r.notional_usd!), new Decimal(0));
    expect(total.lte(30)).toBe(true);
    const ds = await decisions(third.fillKey);
    expect(ds[0]!.reason).toBe('relationship_exposure_cap_reached');
  });

  it('counts copies whose outcome is unknown (awaiting reconciliation) against the caps, not finished ones', async () => {
    const db = t.current.db;
    const u = await insertUser(db);
    const rel = await insertRelationship(db, u.id, leader, {
      proportionality_factor: '0.05',
      max_total_exposure_usd: '30',
    });
    const first = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    expect(first).toMatchObject({ queued: 1 });
    const mark = (error_message: string, stage: 'reconciliation' | 'reconciled') =>
      db
        .updateTable('trade_queue')
        .set({ status: 'failed', stage, error_message })
        .where('copy_relationship_id', '=', rel.id)
        .execute();
    // Out of attempts with the order's fate unknown: it may have bought $21, so the room is 30 − 21.21.
    await mark('reconcile: unknown_outcome: timeout', 'reconciliation');
    const second = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    expect(second).toMatchObject({ queued: 1 });
    const notional = async (key: string) =>
      new Decimal(
        (await db
          .selectFrom('trade_queue')
          .select('notional_usd')
          .where('source_fill_key', '=', key)
          .executeTakeFirstOrThrow())!.notional_usd!,
      );
    expect((await notional(second.fillKey)).lte(new Decimal(30).minus(await notional(first.fillKey)))).toBe(
      true,
    );
    // A copy that provably failed no longer holds room: the next one is sized in full ($21).
    await db.deleteFrom('copy_decisions').where('copy_relationship_id', '=', rel.id).execute();
    await db.deleteFrom('trade_queue').where('source_fill_key', '=', second.fillKey).execute();
    await mark('book_cannot_fill: order not filled', 'reconciled');
    const third = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    expect((await notional(third.fillKey)).toFixed()).toBe((await notional(first.fillKey)).toFixed());
  });

  it("mirrors a leader's partial sell proportionally, only from that leader's attributed shares", async () => {
    const db = t.current.db;
    const other = (await insertTrader(db)).wallet_address;
    const u = await insertUser(db);
    const relA = await insertRelationship(db, u.id, leader);
    const relB = await insertRelationship(db, u.id, other);
    // The leader bought 1000, we hold 40 from copying it and 70 from copying someone else.
    await recordLeaderFill(db, fill(leader, { size: new Decimal(1000) }), MARKET, { copyTtlMs: 1 });
    await db.deleteFrom('trade_queue').execute();
    const position = (rel: string, q: string) =>
      db
        .insertInto('copy_positions')
        .values({
          copy_relationship_id: rel,
          asset_id: ASSET,
          user_id: u.id,
          condition_id: CONDITION,
          shares: q,
          cost_usd: new Decimal(q).times('0.42').toFixed(),
        })
        .execute();
    await position(relA.id, '40');
    await position(relB.id, '70');
    // The leader sells 250 of its 1000: a quarter. We sell a quarter of 40 = 10, nothing of the 70.
    const sold = await recordLeaderFill(
      db,
      fill(leader, { side: 'SELL', size: new Decimal(250), price: new Decimal('0.5') }),
      MARKET,
      OPTS,
    );
    expect(sold).toMatchObject({ queued: 1 });
    const q = await db
      .selectFrom('trade_queue')
      .selectAll()
      .where('source_fill_key', '=', sold.fillKey)
      .execute();
    expect(q.map((r) => [r.copy_relationship_id, r.side, r.quantity])).toEqual([
      [relA.id, 'SELL', '10.000000'],
    ]);

    // A sell by the other leader of an asset we do not hold from it is skipped with a reason.
    const otherSell = await recordLeaderFill(
      db,
      fill(other, { side: 'SELL', size: new Decimal(5), assetId: '999' }),
      MARKET,
      OPTS,
    );
    expect((await decisions(otherSell.fillKey)).map((d) => d.reason)).toEqual(['no_position_to_sell']);
  });

  it('sizes a mirrored sell from a position that sales of untracked shares never take below zero', async () => {
    const db = t.current.db;
    const u = await insertUser(db);
    const rel = await insertRelationship(db, u.id, leader);
    const at = (msAgo: number) => new Date(Date.now() - msAgo);
    // Before we tracked it, the leader held shares we never saw; its first recorded fill sells 300
    // of them. Summing signed sizes would make its position −300 from here on.
    await recordLeaderFill(
      db,
      fill(leader, { side: 'SELL', size: new Decimal(300), filledAt: at(3_000) }),
      MARKET,
      OPTS,
    );
    // Then it buys 1000 (we copy it: 40 shares held) and sells 250 of those 1000.
    await recordLeaderFill(db, fill(leader, { size: new Decimal(1000), filledAt: at(2_000) }), MARKET, OPTS);
    await db.deleteFrom('trade_queue').execute();
    await db
      .insertInto('copy_positions')
      .values({
        copy_relationship_id: rel.id,
        asset_id: ASSET,
        user_id: u.id,
        condition_id: CONDITION,
        shares: '40',
        cost_usd: '16.8',
      })
      .execute();
    const sold = await recordLeaderFill(
      db,
      fill(leader, { side: 'SELL', size: new Decimal(250), price: new Decimal('0.5'), filledAt: at(1_000) }),
      MARKET,
      OPTS,
    );
    // Recorded (a negative position used to abort the whole fan-out), and sized as a quarter of the
    // 1000 the leader held (not 250 / 700): 10 of our 40.
    expect(sold).toMatchObject({ status: 'recorded', queued: 1 });
    const q = await db
      .selectFrom('trade_queue')
      .select(['side', 'quantity'])
      .where('source_fill_key', '=', sold.fillKey)
      .execute();
    expect(q).toEqual([{ side: 'SELL', quantity: '10.000000' }]);

    // Two sales of untracked shares in a row: the second is recorded too (it used to throw).
    const asset = '777';
    await recordLeaderFill(
      db,
      fill(leader, { side: 'SELL', size: new Decimal(300), assetId: asset }),
      MARKET,
      OPTS,
    );
    const again = await recordLeaderFill(
      db,
      fill(leader, { side: 'SELL', size: new Decimal(100), assetId: asset }),
      MARKET,
      OPTS,
    );
    expect(again).toMatchObject({ status: 'recorded', queued: 0 });
    expect((await decisions(again.fillKey)).map((d) => d.reason)).toEqual(['no_position_to_sell']);
  });

  it('wakes the workers with NOTIFY only after the fan-out commits', async () => {
    const db = t.current.db;
    const u = await insertUser(db);
    await insertRelationship(db, u.id, leader, { proportionality_factor: '0.05' });
    const listener = new pg.Client({ connectionString: t.current.url });
    await listener.connect();
    const got: string[] = [];
    listener.on('notification', (n) => got.push(n.payload ?? ''));
    await listener.query(`LISTEN ${QUEUE_CHANNEL}`);
    try {
      const r = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
      for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
      expect(got).toEqual([r.fillKey]);
    } finally {
      await listener.end();
    }
  });

  it('records a fill first seen past the copy TTL but copies it for nobody (skipped: expired)', async () => {
    const db = t.current.db;
    const u = await insertUser(db);
    const paused = await insertUser(db);
    await insertRelationship(db, u.id, leader, { proportionality_factor: '0.05' });
    await insertRelationship(db, paused.id, leader, { status: 'paused' });
    const now = new Date();
    const at = (msAgo: number) => fill(leader, { filledAt: new Date(now.getTime() - msAgo) });

    // 31 s old with a 30 s TTL: history. The leader's fill is recorded (positions, analytics).
    const old = await recordLeaderFill(db, at(31_000), MARKET, { ...OPTS, now: () => now });
    expect(old).toMatchObject({ status: 'recorded', queued: 0, skipped: 2 });
    const ds = await db
      .selectFrom('copy_decisions')
      .select(['outcome', 'reason', 'detail', 'queue_id', 'decided_at'])
      .where('fill_key', '=', old.fillKey)
      .execute();
    expect(ds).toHaveLength(2);
    for (const d of ds) {
      expect(d).toMatchObject({ outcome: 'skipped', reason: 'expired', queue_id: null });
      expect(d.detail).toBe('the fill is 31 s old, past the copy TTL of 30 s: recorded, not copied');
      expect(d.decided_at).not.toBeNull();
    }
    expect(
      await db
        .selectFrom('leader_fills')
        .select('followers_skipped')
        .where('fill_key', '=', old.fillKey)
        .execute(),
    ).toEqual([{ followers_skipped: 2 }]);
    expect(
      await db.selectFrom('trades').select('id').where('fill_key', '=', old.fillKey).execute(),
    ).toHaveLength(1);
    expect(
      await db.selectFrom('trade_queue').select('id').where('source_fill_key', '=', old.fillKey).execute(),
    ).toEqual([]);

    // At the TTL exactly it is still a copy.
    const edge = await recordLeaderFill(db, at(30_000), MARKET, { ...OPTS, now: () => now });
    expect(edge).toMatchObject({ status: 'recorded', queued: 1, skipped: 1 });
  });
});
