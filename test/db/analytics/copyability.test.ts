// Copyability on a hand-made set of leader fills, copy decisions and copy lots (written the way
// record-execution.ts writes them), every figure worked out by hand below; then once on copies the
// real paper loop made, to show the lot and sell links the SQL relies on hold for the engine's rows.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCopyability } from '../../../src/analytics/copyability.ts';
import type { Db } from '../../../src/db/client.ts';
import { COPY_OUTCOME_REASONS } from '../../../src/domain/skip-reasons.ts';
import { FILL_RATE_AGAINST, FILL_RATE_CLASS } from '../../../src/domain/copyability-rules.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { getTraderProfile } from '../../../src/services/trader-profile.ts';
import { insertRelationship, insertTrader, insertUser, txHash, wallet } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { PositionsWorld, resetPositions } from '../positions/positions-harness.ts';

const NOW = new Date('2030-01-10T00:00:00Z');
const T = Date.parse('2030-01-05T12:00:00Z');
const S = 1000;
const H = 3_600_000;

interface Fill {
  key: string;
  wallet: string;
  asset: string;
  side: 'BUY' | 'SELL';
  price: string;
  size: string;
  at: number;
}

async function insertFill(db: Db, f: Fill) {
  await db
    .insertInto('leader_fills')
    .values({
      fill_key: f.key,
      trader_wallet_address: f.wallet,
      transaction_hash: txHash(),
      asset_id: f.asset,
      condition_id: `0x${'c'.repeat(64)}`,
      side: f.side,
      price: f.price,
      size: f.size,
      occurrence: 0,
      filled_at: new Date(f.at),
      // Detected one second after the fill; latencies below count from here.
      detected_at: new Date(f.at + S),
      source: 'test',
    })
    .execute();
}

describe('copyability: hand-made decisions and copies', () => {
  const t = useTestDatabase();
  let L: string;
  let FAST: string;
  let SMALL: string;
  let NONE: string;
  const rel: { id: string; user: string }[] = [];

  beforeAll(async () => {
    const db = t.current.db;
    L = (await insertTrader(db)).wallet_address;
    FAST = (await insertTrader(db)).wallet_address;
    SMALL = (await insertTrader(db)).wallet_address;
    NONE = (await insertTrader(db)).wallet_address;
    // Three followers of L; the platform's proportionality factors are 0.01, 0.01 and 0.05
    // → usual (median) 0.01.
    for (const factor of ['0.01', '0.01', '0.05']) {
      const u = await insertUser(db);
      const r = await insertRelationship(db, u.id, L, { proportionality_factor: factor });
      rel.push({ id: r.id, user: u.id });
    }

    // L's fills: f1 BUY A 1000 @0.40; f2 BUY B @0.50; f3 SELL A 500 @0.60 (+2 h); f4 SELL A 500
    // @0.70 (+3 h); f5 BUY C 100 @0.30.
    const fills: Fill[] = [
      { key: 'f1', wallet: L, asset: 'A', side: 'BUY', price: '0.40', size: '1000', at: T },
      { key: 'f2', wallet: L, asset: 'B', side: 'BUY', price: '0.50', size: '100', at: T + 0.5 * H },
      { key: 'f3', wallet: L, asset: 'A', side: 'SELL', price: '0.60', size: '500', at: T + 2 * H },
      { key: 'f4', wallet: L, asset: 'A', side: 'SELL', price: '0.70', size: '500', at: T + 3 * H },
      { key: 'f5', wallet: L, asset: 'C', side: 'BUY', price: '0.30', size: '100', at: T + 4 * H },
    ];
    for (const f of fills) await insertFill(db, f);
    // FAST: six round trips, each sold 60 s after it was bought → median 60 s < 300 s.
    for (let i = 0; i < 6; i++) {
      await insertFill(db, {
        key: `fb${i}`,
        wallet: FAST,
        asset: `F${i}`,
        side: 'BUY',
        price: '0.5',
        size: '1000',
        at: T + i * H,
      });
      await insertFill(db, {
        key: `fs${i}`,
        wallet: FAST,
        asset: `F${i}`,
        side: 'SELL',
        price: '0.5',
        size: '1000',
        at: T + i * H + 60 * S,
      });
    }
    // SMALL: five BUYs of $50 (a $0.50 copy at 0.01) and one of $200 ($2) → 5/6 below $1.
    for (let i = 0; i < 6; i++) {
      await insertFill(db, {
        key: `sb${i}`,
        wallet: SMALL,
        asset: `S${i}`,
        side: 'BUY',
        price: '0.5',
        size: i === 5 ? '400' : '100',
        at: T + i * H,
      });
    }
    // One fill of NONE older than the 90-day style window: not counted.
    await insertFill(db, {
      key: 'old',
      wallet: NONE,
      asset: 'O',
      side: 'BUY',
      price: '0.5',
      size: '1',
      at: Date.parse('2029-09-01T00:00:00Z'),
    });

    const decide = async (
      fill: string,
      k: number,
      outcome: string,
      reason: string | null,
      latencyMs?: number,
      tradeId?: string,
    ) => {
      const f = fills.find((x) => x.key === fill)!;
      await db
        .insertInto('copy_decisions')
        .values({
          fill_key: fill,
          copy_relationship_id: rel[k]!.id,
          user_id: rel[k]!.user,
          outcome: outcome as never,
          reason,
          decided_at: latencyMs === undefined ? null : new Date(f.at + S + latencyMs),
          copy_trade_id: tradeId ?? null,
        })
        .execute();
      return latencyMs === undefined ? null : new Date(f.at + S + latencyMs);
    };
    const lot = async (v: Record<string, unknown>) =>
      (
        await db
          .insertInto('trades')
          .values({
            trader_wallet_address: L,
            is_copy_trade: true,
            market_id: `0x${'c'.repeat(64)}`,
            position: 'YES',
            side: 'BUY',
            ...v,
          } as never)
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;

    // r1 (k=0): f1 copied at 0.41 (50 sh, $20.50, +800 ms); f3 mirrored: 25 sold at 0.59 (+3000 ms,
    // the split-off closed part); f4 mirrored: the other 25 at 0.69 (+1000 ms, the original row closed).
    const t1 = new Date(T + 5 * S);
    const at3r1 = new Date(T + 2 * H + S + 3000);
    const at4r1 = new Date(T + 3 * H + S + 1000);
    const r1lot = await lot({
      copy_relationship_id: rel[0]!.id,
      copying_user_id: rel[0]!.user,
      asset_id: 'A',
      copy_tx_hash: '0xo1',
      source_fill_key: 'f1',
      entry_price: '0.41',
      quantity: '25',
      entry_value_usd: '10.25',
      entry_timestamp: t1,
      status: 'closed',
      exit_price: '0.69',
      exit_value_usd: '17.25',
      realized_pnl_usd: '7',
      exit_timestamp: at4r1,
    });
    const r1split = await lot({
      copy_relationship_id: rel[0]!.id,
      copying_user_id: rel[0]!.user,
      asset_id: 'A',
      copy_tx_hash: null,
      source_fill_key: 'f3',
      entry_price: '0.41',
      quantity: '25',
      entry_value_usd: '10.25',
      entry_timestamp: t1,
      status: 'closed',
      exit_price: '0.59',
      exit_value_usd: '14.75',
      realized_pnl_usd: '4.5',
      exit_timestamp: at3r1,
    });
    await decide('f1', 0, 'executed', null, 800, r1lot);
    await decide('f2', 0, 'skipped', 'slippage_exceeded'); // against
    await decide('f3', 0, 'executed', null, 3000, r1split);
    await decide('f4', 0, 'executed', null, 1000, r1lot);

    // r2 (k=1): f1 copied at 0.40 (20 sh, $8, +1200 ms); f3 mirrored: 10 at 0.60 (+400 ms); f4 not
    // copied (kill switch): 10 shares stay open, marked at 0.65 ($6.50, +$2.50).
    const t2 = new Date(T + 6 * S);
    const at3r2 = new Date(T + 2 * H + S + 400);
    const r2lot = await lot({
      copy_relationship_id: rel[1]!.id,
      copying_user_id: rel[1]!.user,
      asset_id: 'A',
      copy_tx_hash: '0xo2',
      source_fill_key: 'f1',
      entry_price: '0.40',
      quantity: '10',
      entry_value_usd: '4',
      entry_timestamp: t2,
      status: 'open',
      current_value_usd: '6.5',
      unrealized_pnl_usd: '2.5',
    });
    const r2split = await lot({
      copy_relationship_id: rel[1]!.id,
      copying_user_id: rel[1]!.user,
      asset_id: 'A',
      copy_tx_hash: null,
      source_fill_key: 'f3',
      entry_price: '0.40',
      quantity: '10',
      entry_value_usd: '4',
      entry_timestamp: t2,
      status: 'closed',
      exit_price: '0.60',
      exit_value_usd: '6',
      realized_pnl_usd: '2',
      exit_timestamp: at3r2,
    });
    await decide('f1', 1, 'executed', null, 1200, r2lot);
    await decide('f2', 1, 'failed', 'order_rejected'); // against
    await decide('f3', 1, 'executed', null, 400, r2split);
    await decide('f4', 1, 'skipped', 'kill_switch'); // not counted

    // r3 (k=2): f1 excluded; f2 still queued; f3, f4 nothing to sell; f5 copied at 0.30 (10 sh, $3,
    // +600 ms), later stopped out at 0.20 (no decision: the lot's own exit price is the reference).
    const r3lot = await lot({
      copy_relationship_id: rel[2]!.id,
      copying_user_id: rel[2]!.user,
      asset_id: 'C',
      copy_tx_hash: '0xo3',
      source_fill_key: 'f5',
      entry_price: '0.30',
      quantity: '10',
      entry_value_usd: '3',
      entry_timestamp: new Date(T + 4 * H + 2 * S),
      status: 'closed',
      exit_price: '0.20',
      exit_value_usd: '2',
      realized_pnl_usd: '-1',
      exit_timestamp: new Date(T + 5 * H),
    });
    await decide('f1', 2, 'skipped', 'market_excluded'); // not counted
    await decide('f2', 2, 'queued', null); // pending
    await decide('f3', 2, 'skipped', 'no_position_to_sell'); // not counted
    await decide('f4', 2, 'skipped', 'no_position_to_sell'); // not counted
    await decide('f5', 2, 'executed', null, 600, r3lot);

    expect(await refreshCopyability({ db, now: () => NOW })).toBe(4);
  });

  const row = (w: string) =>
    t.current.db
      .selectFrom('trader_copyability')
      .selectAll()
      .where('wallet_address', '=', w)
      .executeTakeFirstOrThrow();

  it('classifies every reason code, so fill rate has no unclassified outcome', () => {
    expect(Object.keys(FILL_RATE_CLASS).sort()).toEqual([...COPY_OUTCOME_REASONS].sort());
    expect([...FILL_RATE_AGAINST].sort()).toEqual([
      'book_cannot_fill',
      'expired',
      'market_closed',
      'market_unavailable',
      'order_rejected',
      'price_moved',
      'retries_exhausted',
      'slippage_exceeded',
    ]);
  });

  it('fill rate, slippage and latency over the decisions', async () => {
    expect(await row(L)).toMatchObject({
      // executed 6; against: slippage_exceeded + order_rejected = 2 → 6 / 8.
      executed: 6,
      failed_execution: 2,
      not_counted: 4,
      pending: 1,
      fill_rate: '0.750000',
      // bps: f1r1 (0.41 − 0.40)/0.40 = 250; f1r2 0; f3r1 (0.60 − 0.59)/0.60 = 166.67; f3r2 0;
      // f4r1 (0.70 − 0.69)/0.70 = 142.857…; f5r3 0 → sorted 0 0 0 142.857 166.667 250 → median
      // (0 + 142.857…)/2 = 71.43.
      slippage_samples: 6,
      median_slippage_bps: '71.43',
      // 400 600 800 1000 1200 3000 → p50 (800 + 1000)/2 = 900; p90 at rank 1 + 0.9 × 5 = 5.5 →
      // 1200 + 0.5 × (3000 − 1200) = 2100.
      latency_samples: 6,
      latency_p50_ms: 900,
      latency_p90_ms: 2100,
    });
  });

  it('follower P&L against the leader P&L over the same copied positions', async () => {
    // Rows (follower P&L | leader P&L = shares × (exit reference − leader buy price)):
    //   r1 original 25 sh, closed by f4:   +7.00  | 25 × (0.70 − 0.40) = 7.50
    //   r1 split    25 sh, closed by f3:   +4.50  | 25 × (0.60 − 0.40) = 5.00
    //   r2 original 10 sh, open at 0.65:   +2.50  | 10 × (0.65 − 0.40) = 2.50
    //   r2 split    10 sh, closed by f3:   +2.00  | 10 × (0.60 − 0.40) = 2.00
    //   r3          10 sh, stopped at 0.20: −1.00 | 10 × (0.20 − 0.30) = −1.00
    // Costs: follower 10.25 + 10.25 + 4 + 4 + 3 = 31.5; leader 25×0.4 + 25×0.4 + 10×0.4 + 10×0.4 + 10×0.3 = 31.
    expect(await row(L)).toMatchObject({
      copied_positions: 3,
      follower_pnl_usd: '15.000000',
      leader_pnl_usd: '16.000000',
      follower_cost_usd: '31.500000',
      leader_cost_usd: '31.000000',
      follower_return: '0.476190',
      leader_return: '0.516129',
      // L's own style: two round trips (f3, f4 after f1: 2 h and 3 h), three BUYs — too few to judge.
      round_trips: 2,
      median_round_trip_seconds: '9000.0',
      buy_fills: 3,
      too_fast: false,
      too_small: false,
      copyable: true,
    });
  });

  it('flags a leader too fast to follow and one too small to copy', async () => {
    expect(await row(FAST)).toMatchObject({
      round_trips: 6,
      median_round_trip_seconds: '60.0',
      too_fast: true,
      too_small: false,
      copyable: false,
    });
    expect(await row(SMALL)).toMatchObject({
      buy_fills: 6,
      usual_proportionality: '0.010000',
      below_minimum_share: '0.833333',
      too_fast: false,
      too_small: true,
      copyable: false,
    });
    expect(await row(NONE)).toMatchObject({
      executed: 0,
      fill_rate: null,
      median_slippage_bps: null,
      latency_p50_ms: null,
      copied_positions: 0,
      follower_return: null,
      buy_fills: 0,
      below_minimum_share: null,
      copyable: true,
    });
  });

  it('serves the figures on the trader profile', async () => {
    const p = await getTraderProfile({ db: t.current.db, clock: () => NOW }, L, { limit: 1 });
    expect(p.copyability).toMatchObject({
      computedAt: NOW.toISOString(),
      copyable: true,
      fillRate: '0.75',
      medianSlippageBps: '71.43',
      latencyP50Ms: 900,
      latencyP90Ms: 2100,
      followerPnlUsd: '15',
      leaderPnlUsd: '16',
    });
  });
});

describe('copyability on copies the real paper loop made', () => {
  const t = useTestDatabase();
  let world: PositionsWorld;
  beforeAll(async () => {
    const leader = (await insertTrader(t.current.db)).wallet_address;
    world = new PositionsWorld(t.current.db, t.current.url, leader);
    await resetPositions(t.current.db);
  });
  afterAll(async () => world?.stopWorkers());

  it('links the split lot to its buy and the closed part to the mirrored sell', async () => {
    const db = t.current.db;
    const user = await insertUser(db);
    await insertRelationship(db, user.id, world.leader, {
      proportionality_factor: '0.05',
      mode: 'paper',
    } as never);
    // Copy 50 of the leader's 1000 at 0.42 ($21); the leader sells half at 0.40 → 25 sold at the bid 0.40.
    await world.copy();
    const w = await world.startWorker();
    await world.record({ side: 'SELL', size: new Decimal(500), price: new Decimal('0.40') });
    await world.drain();
    await w.stop();
    await refreshCopyability({ db });
    const r = await db
      .selectFrom('trader_copyability')
      .selectAll()
      .where('wallet_address', '=', world.leader)
      .executeTakeFirstOrThrow();
    expect(r).toMatchObject({
      executed: 2,
      fill_rate: '1.000000',
      slippage_samples: 2,
      median_slippage_bps: '0.00',
      latency_samples: 2,
      copied_positions: 1,
      // Closed 25 at 0.40 against 0.42: −0.50; the open 25 are unmarked (at cost): 0.
      follower_pnl_usd: '-0.500000',
      // The leader's prices: 25 × (0.40 − 0.42) on the part its sell closed, 25 × 0 on the rest.
      leader_pnl_usd: '-0.500000',
      follower_cost_usd: '21.000000',
      leader_cost_usd: '21.000000',
    });
    const lots = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM trades WHERE copy_relationship_id IS NOT NULL AND is_copy_trade`.execute(
      db,
    );
    expect(lots.rows[0]!.n).toBe(2);
  });
});

void wallet;
