// The copy loop end to end in live mode, on real PostgreSQL and the simulator over loopback:
// leader trades on the simulator's CLOB → RTDS (and the Data API backfill) → LeaderFillDetector →
// fan-out → CopyWorker → the follower's stored credentials (decrypted by the vault) → a signed FOK
// on the simulator → the copy recorded. The simulator's per-key ledger proves how many orders
// really arrived.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import type { ExecutionOutcome } from '../../../src/execution/execute-claim.ts';
import type { QueueRow } from '../../../src/execution/queue-claims.ts';
import type { CopyWorker } from '../../../src/execution/worker.ts';
import type { LeaderFillDetector } from '../../../src/ingest/detector.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  buildWorld,
  copiesOf,
  detectorFor,
  follow,
  EngineSim,
  leaderBuy,
  leaderSell,
  newLiveFollower,
  newTrader,
  queueRowsOf,
  unfinishedRows,
  waitFor,
  workerFor,
  type EngineWorld,
  type SimMarket,
  type Trader,
} from './engine-harness.ts';

let sim: EngineSim;

beforeAll(async () => {
  sim = await EngineSim.start(41);
});
afterAll(async () => {
  await sim?.close();
});

describe('live copy loop against the simulator', () => {
  const t = useTestDatabase();
  let world: EngineWorld;
  let detector: LeaderFillDetector | undefined;
  let worker: CopyWorker | undefined;
  const outcomes: Array<{ row: QueueRow; outcome: ExecutionOutcome }> = [];

  beforeAll(async () => {
    world = await buildWorld(sim, t.current.db, t.current.url);
  });
  afterAll(async () => {
    await world?.api.app.close();
  });
  afterEach(async () => {
    await worker?.stop();
    await detector?.stop();
    worker = undefined;
    detector = undefined;
    outcomes.length = 0;
  });

  /** A fresh market per test (no resting orders or positions from an earlier test). */
  let marketIndex = 0;
  const freshMarket = async (): Promise<{ market: SimMarket; token: string }> => {
    const market = await sim.binaryMarket(marketIndex++);
    return { market, token: market.tokens[0]!.tokenId };
  };

  /** Every sighting the detector recorded or found duplicate, by source. */
  const sightings: Array<{ wallet: string; source: string; status: string; fillKey: string }> = [];
  const startEngine = async (deps: Parameters<typeof workerFor>[3] = {}) => {
    sightings.length = 0;
    detector = detectorFor(world, {
      onRecorded: (fill, result) =>
        void sightings.push({
          wallet: fill.wallet,
          source: fill.source,
          status: result.status,
          fillKey: result.fillKey,
        }),
    });
    await detector.start();
    worker = workerFor(world, {}, outcomes, deps);
    await worker.start();
    await waitFor(t.current.db, 'the detector to lead', () => detector!.isLeader);
  };

  const newLeader = async (): Promise<Trader> => {
    const leader = await newTrader(sim);
    await sim.fund(leader.signer.address, '10000');
    return leader;
  };

  const fee = (market: SimMarket, shares: string, price: string) => {
    const p = new Decimal(price);
    return new Decimal(shares).times(market.feeRateBps).div(10_000).times(p).times(new Decimal(1).minus(p));
  };

  it('copies a leader BUY once per follower, sized by the domain rules, recorded and in the ledger', async () => {
    const db = t.current.db;
    const { market, token } = await freshMarket();
    const leader = await newLeader();
    // Proportional: 10% of the leader's shares.
    const a = await newLiveFollower(world, leader.address, {
      pusd: '100',
      settings: { proportionalityFactor: '0.1', maxSlippagePercent: '1' },
    });
    // Capped: 100% of the leader's $50 would be $50; the per-trade cap of $20 binds at the slippage
    // bound 0.505 (0.50 × 1.01): 20 / 0.505 = 39.603… → 39.60 shares.
    const b = await newLiveFollower(world, leader.address, {
      pusd: '100',
      settings: { proportionalityFactor: '1', maxInvestmentPerTradeUsd: '20', maxSlippagePercent: '1' },
    });
    // Too small: 5% = 5 shares = $2.50, below its $5 minimum trade size.
    const c = await newLiveFollower(world, leader.address, {
      pusd: '100',
      settings: { proportionalityFactor: '0.05', minTradeSizeUsd: '5', maxSlippagePercent: '1' },
    });
    await startEngine();

    await sim.syncClock();
    await sim.setBook(token, [['0.40', '500']], [['0.50', '500']]);
    const t0 = Date.now();
    const fill = await leaderBuy(leader, token, '50', '0.50');
    expect(fill.filledSize.toFixed()).toBe('100');

    await waitFor(db, 'the leader fill to be recorded', async () => detector!.stats.recorded === 1);
    await waitFor(db, 'every copy to finish', async () => (await unfinishedRows(db)) === 0);

    const lf = await db.selectFrom('leader_fills').selectAll().execute();
    expect(lf).toHaveLength(1);
    expect(lf[0]).toMatchObject({
      trader_wallet_address: leader.address,
      side: 'BUY',
      followers_queued: 2,
      followers_skipped: 1,
      source: 'rtds',
    });
    expect(new Decimal(lf[0]!.size).toFixed()).toBe('100');
    expect(new Decimal(lf[0]!.price).toFixed()).toBe('0.5');

    for (const [f, shares] of [
      [a, '10'],
      [b, '39.6'],
    ] as const) {
      const rows = await queueRowsOf(db, f.userId);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.status).toBe('completed');
      expect(new Decimal(row.quantity).toFixed()).toBe(shares);
      const spend = new Decimal(shares).times('0.5');
      // BUYs go out as a pUSD amount at the slippage-bounded limit (0.505 → tick 0.50).
      expect(new Decimal(row.limit_price!).toFixed()).toBe('0.5');
      expect(new Decimal(row.order_amount!).toFixed()).toBe(spend.toFixed());

      const copies = await copiesOf(db, f.userId);
      expect(copies).toHaveLength(1);
      const copy = copies[0]!;
      expect(copy).toMatchObject({
        side: 'BUY',
        status: 'open',
        copy_relationship_id: f.relId,
        queue_id: row.id,
        trader_wallet_address: leader.address,
        source_fill_key: lf[0]!.fill_key,
        copy_tx_hash: row.venue_order_id,
        slippage_percent: '0.00',
      });
      expect(new Decimal(copy.quantity).toFixed()).toBe(shares);
      expect(new Decimal(copy.entry_price).toFixed()).toBe('0.5');
      expect(new Decimal(copy.entry_value_usd).toFixed()).toBe(spend.toFixed());
      expect(new Decimal(copy.fees_usd).toFixed(6)).toBe(fee(market, shares, '0.5').toFixed(6));
      expect(copy.execution_time_ms).toBeGreaterThanOrEqual(0);
      expect(copy.execution_time_ms).toBeLessThan(Date.now() - t0 + 1000);

      const decision = await db
        .selectFrom('copy_decisions')
        .selectAll()
        .where('copy_relationship_id', '=', f.relId)
        .executeTakeFirstOrThrow();
      expect(decision).toMatchObject({ outcome: 'executed', reason: null, copy_trade_id: copy.id });

      // Exactly one order arrived for the follower's key, and it is the recorded one.
      const ledger = await sim.ledger(f.trader.creds.apiKey);
      expect(ledger).toHaveLength(1);
      expect(ledger[0]).toMatchObject({ accepted: true, orderHash: row.venue_order_id, side: 'BUY' });
      expect((await f.trader.venue.getTokenBalance(token)).balance.toFixed()).toBe(shares);
      // The key's rolling spend holds what the order really cost.
      const key = await db
        .selectFrom('polymarket_api_keys')
        .select(['daily_spent_usd', 'total_trades_executed'])
        .where('id', '=', f.keyId)
        .executeTakeFirstOrThrow();
      expect(key.total_trades_executed).toBe(1);
      expect(new Decimal(key.daily_spent_usd).toFixed(2)).toBe(
        spend
          .plus(fee(market, shares, '0.5'))
          .toDecimalPlaces(2, Decimal.ROUND_UP)
          .toFixed(2),
      );
    }

    const skipped = await db
      .selectFrom('copy_decisions')
      .selectAll()
      .where('copy_relationship_id', '=', c.relId)
      .executeTakeFirstOrThrow();
    expect(skipped).toMatchObject({ outcome: 'skipped', reason: 'below_min_trade_size', queue_id: null });
    expect(await sim.ledger(c.trader.creds.apiKey)).toEqual([]);
    expect(outcomes.map((o) => o.outcome.kind).sort()).toEqual(['executed', 'executed']);
  });

  it('copies the same fills once when both the stream and the Data API backfill report them', async () => {
    const db = t.current.db;
    const { token } = await freshMarket();
    const leader = await newLeader();
    const f = await newLiveFollower(world, leader.address, {
      pusd: '200',
      settings: { proportionalityFactor: '0.5' },
    });
    await startEngine();

    await sim.syncClock();
    // Three identical resting asks and a fourth of another size, then depth for the copies: one
    // leader order, one transaction, four fills — three of them identical (0.50 × 20).
    await sim.setBook(
      token,
      [['0.40', '500']],
      [
        ['0.50', '20'],
        ['0.50', '20'],
        ['0.50', '20'],
        ['0.50', '24'],
        ['0.50', '1000'],
      ],
    );
    const fill = await leaderBuy(leader, token, '42', '0.50');
    expect(fill.filledSize.toFixed()).toBe('84');
    expect(fill.transactionHashes).toHaveLength(1);

    await waitFor(db, 'the stream to report all four fills', () => detector!.stats.rtds === 4);
    // Now the backfill: it sees the same four fills, numbers the identical ones the same way, and
    // records nothing new.
    const mine = () => sightings.filter((x) => x.wallet === leader.address);
    expect(mine().map((x) => [x.source, x.status])).toEqual(Array(4).fill(['rtds', 'recorded']));
    await detector!.pollAll();
    const backfill = mine().filter((x) => x.source === 'data_api');
    expect(backfill.map((x) => x.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    // The same four keys: the backfill numbered the identical fills exactly as the stream did.
    expect(new Set(backfill.map((x) => x.fillKey))).toEqual(
      new Set(
        mine()
          .filter((x) => x.source === 'rtds')
          .map((x) => x.fillKey),
      ),
    );
    expect(detector!.stats.dataApi).toBe(0);
    const checkpoint = await db
      .selectFrom('ingest_checkpoints')
      .selectAll()
      .where('wallet_address', '=', leader.address)
      .execute();
    expect(checkpoint).toHaveLength(1);

    await waitFor(db, 'every copy to finish', async () => (await unfinishedRows(db)) === 0);
    const fills = await db
      .selectFrom('leader_fills')
      .selectAll()
      .where('trader_wallet_address', '=', leader.address)
      .execute();
    expect(fills).toHaveLength(4);
    expect(new Set(fills.map((x) => x.transaction_hash)).size).toBe(1);
    expect(
      fills.map((x) => [new Decimal(x.price).toFixed(), new Decimal(x.size).toFixed(), x.occurrence]).sort(),
    ).toEqual([
      ['0.5', '20', 0],
      ['0.5', '20', 1],
      ['0.5', '20', 2],
      ['0.5', '24', 0],
    ]);

    // The four fills are the legs of one leader order (one transaction, token and side, within the
    // leg window): one copy of 42 shares (half of the 84), executed once (issue 14, item 9; before,
    // four copies of 10, 10, 10 and 12).
    const rows = await queueRowsOf(db, f.userId);
    expect(rows.map((r) => r.status)).toEqual(['completed']);
    expect(rows.map((r) => new Decimal(r.quantity).toFixed())).toEqual(['42']);
    const copies = await copiesOf(db, f.userId);
    expect(copies).toHaveLength(1);
    const accepted = await sim.acceptedOrders(f.trader.creds.apiKey);
    expect(accepted).toHaveLength(1);
    expect(new Set(accepted)).toEqual(new Set(rows.map((r) => r.venue_order_id)));
    expect((await f.trader.venue.getTokenBalance(token)).balance.toFixed()).toBe('42');

    // A second backfill (a restart, a reconnect) changes nothing either.
    await detector!.pollAll();
    expect(
      await db
        .selectFrom('leader_fills')
        .select('fill_key')
        .where('trader_wallet_address', '=', leader.address)
        .execute(),
    ).toHaveLength(4);
    expect(await queueRowsOf(db, f.userId)).toHaveLength(1);
  });

  it('mirrors a proportional sell: the follower sells the same fraction of what it holds from that leader', async () => {
    const db = t.current.db;
    const { market, token } = await freshMarket();
    const leader = await newLeader();
    const other = await newLeader();
    const f = await newLiveFollower(world, leader.address, {
      pusd: '200',
      settings: { proportionalityFactor: '0.1' },
      tier: 'basic',
    });
    // The same follower also copies another leader in the same token: leader A's sell must not
    // touch the shares bought copying B.
    const relB = await follow(world, f, other.address, { proportionalityFactor: '0.1' });
    await startEngine();

    await sim.syncClock();
    await sim.setBook(token, [['0.40', '500']], [['0.50', '1000']]);
    await leaderBuy(leader, token, '100', '0.50'); // 200 shares: the follower copies 20
    await leaderBuy(other, token, '50', '0.50'); // 100 shares: the follower copies 10
    await waitFor(db, 'both BUY copies', async () => (await copiesOf(db, f.userId)).length === 2);
    await waitFor(db, 'the queue to drain', async () => (await unfinishedRows(db)) === 0);
    expect((await f.trader.venue.getTokenBalance(token)).balance.toFixed()).toBe('30');

    // Leader A sells a quarter (50 of 200) into a bid at 0.60: the follower sells 5 of the 20 it
    // holds from A, none of the 10 from B.
    await sim.setBook(token, [['0.60', '1000']], [['0.70', '1000']]);
    await leaderSell(leader, token, '50', '0.60');
    await waitFor(db, 'the SELL copy', async () => {
      const rows = await queueRowsOf(db, f.userId);
      return rows.length === 3 && rows.every((r) => r.status === 'completed');
    });
    const rows = await queueRowsOf(db, f.userId);
    expect(rows[2]).toMatchObject({ side: 'SELL', status: 'completed', copy_relationship_id: f.relId });
    expect(new Decimal(rows[2]!.quantity).toFixed()).toBe('5');
    expect((await f.trader.venue.getTokenBalance(token)).balance.toFixed()).toBe('25');
    const posB = await db
      .selectFrom('copy_positions')
      .selectAll()
      .where('copy_relationship_id', '=', relB)
      .executeTakeFirstOrThrow();
    expect(new Decimal(posB.shares).toFixed()).toBe('10');

    const lots = await db
      .selectFrom('trades')
      .selectAll()
      .where('copy_relationship_id', '=', f.relId)
      .orderBy('status')
      .execute();
    expect(lots.map((l) => [l.status, new Decimal(l.quantity).toFixed()])).toEqual([
      ['closed', '5'],
      ['open', '15'],
    ]);
    const closed = lots[0]!;
    expect(new Decimal(closed.exit_price!).toFixed()).toBe('0.6');
    expect(new Decimal(closed.exit_value_usd!).toFixed()).toBe('3');
    expect(new Decimal(closed.entry_value_usd).toFixed()).toBe('2.5');
    // realized = exit value − entry value − fees (the lot's share of the BUY fee + the SELL fee).
    const buyFeeShare = fee(market, '20', '0.5').div(4);
    const sellFee = fee(market, '5', '0.6');
    expect(new Decimal(closed.fees_usd).toFixed(6)).toBe(buyFeeShare.plus(sellFee).toFixed(6));
    expect(new Decimal(closed.realized_pnl_usd!).toFixed(6)).toBe(
      new Decimal(3).minus(2.5).minus(buyFeeShare.plus(sellFee)).toFixed(6),
    );
    const pos = await db
      .selectFrom('copy_positions')
      .selectAll()
      .where('copy_relationship_id', '=', f.relId)
      .executeTakeFirstOrThrow();
    expect(new Decimal(pos.shares).toFixed()).toBe('15');
    const ledger = await sim.ledger(f.trader.creds.apiKey);
    expect(ledger.map((e) => [e.side, e.accepted])).toEqual([
      ['BUY', true],
      ['BUY', true],
      ['SELL', true],
    ]);
  });

  /**
   * A follower holding $1 copies 10% of a leader's 100-share BUY (10 shares ≈ $5). Returns once the
   * copy has ended, with the follower and the copy's decision.
   */
  const unfundedCopy = async (deps: Parameters<typeof workerFor>[3] = {}) => {
    const db = t.current.db;
    const { token } = await freshMarket();
    const leader = await newLeader();
    const f = await newLiveFollower(world, leader.address, {
      pusd: '1',
      settings: { proportionalityFactor: '0.1' },
    });
    await startEngine(deps);
    await sim.syncClock();
    await sim.setBook(token, [['0.40', '500']], [['0.50', '500']]);
    await leaderBuy(leader, token, '50', '0.50');
    await waitFor(db, 'the leader fill to be recorded', async () => detector!.stats.recorded === 1);
    await waitFor(db, 'the copy to finish', async () => (await unfinishedRows(db)) === 0);
    // The row ends before its decision is written (a transaction of its own): wait for both.
    const decided = () =>
      db
        .selectFrom('copy_decisions')
        .selectAll()
        .where('copy_relationship_id', '=', f.relId)
        .where('outcome', '<>', 'queued')
        .executeTakeFirst();
    await waitFor(db, 'the copy to be decided', async () => (await decided()) !== undefined);
    const decision = (await decided())!;
    return { f, decision };
  };

  it('leaves a live balance to the exchange: an unfunded copy is refused there, recorded, spend released', async () => {
    const db = t.current.db;
    const { f, decision } = await unfundedCopy();
    // No balance read happened before sending (the exchange is the authority on live balances):
    // the order reached the simulator, which refused it for its funds.
    const ledger = await sim.ledger(f.trader.creds.apiKey);
    expect(ledger.map((e) => e.accepted)).toEqual([false]);
    expect(decision).toMatchObject({ outcome: 'skipped', reason: 'insufficient_balance' });
    expect(await copiesOf(db, f.userId)).toHaveLength(0);
    const [row] = await queueRowsOf(db, f.userId);
    expect(row).toMatchObject({ status: 'failed', reserved_spend_usd: null });
    const key = await db
      .selectFrom('polymarket_api_keys')
      .select(['daily_spent_usd'])
      .where('id', '=', f.keyId)
      .executeTakeFirstOrThrow();
    expect(new Decimal(key.daily_spent_usd).toFixed(2)).toBe('0.00');
  });

  it('with WORKER_LIVE_BALANCE_CHECK=read, refuses an unfunded live copy before sending it', async () => {
    const { f, decision } = await unfundedCopy({ liveBalanceCheck: 'read' });
    // Nothing reached the exchange: the balance read refused it first.
    expect(await sim.ledger(f.trader.creds.apiKey)).toEqual([]);
    expect(decision).toMatchObject({ outcome: 'skipped', reason: 'insufficient_balance' });
    const [row] = await queueRowsOf(t.current.db, f.userId);
    expect(row).toMatchObject({ status: 'cancelled', signed_at: null, reserved_spend_usd: null });
  });
});
