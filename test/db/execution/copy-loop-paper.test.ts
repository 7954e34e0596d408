// The copy loop end to end on real PostgreSQL, in paper mode over an in-memory order book:
// leader fill → fan-out → worker claims → gates → priced FOK → paper venue → recorded copy.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { clientOrderIdFor, executeClaim } from '../../../src/execution/execute-claim.ts';
import { claimBatch } from '../../../src/execution/queue-claims.ts';
import { DefaultVenueProvider } from '../../../src/execution/venue-provider.ts';
import { CopyWorker } from '../../../src/execution/worker.ts';
import type { LeaderFill } from '../../../src/ingest/leader-fill.ts';
import { recordLeaderFill } from '../../../src/ingest/record-fill.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { FakeMarketData } from '../../unit/venue/fake-market-data.ts';
import {
  insertQueueRow,
  insertRelationship,
  insertTrader,
  insertUser,
  txHash,
} from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const CONDITION = `0x${'cd'.repeat(32)}`;
const YES = '11111111111111111111';
const NO = '22222222222222222222';
const RULES = { tickSize: new Decimal('0.01'), minOrderSize: new Decimal(5) };
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

describe('copy loop (paper)', () => {
  const t = useTestDatabase();
  let source: FakeMarketData;
  let provider: DefaultVenueProvider;
  let leader: string;
  const workers: CopyWorker[] = [];

  beforeEach(async () => {
    source = new FakeMarketData();
    source.addMarket({
      conditionId: CONDITION,
      tokens: [
        { tokenId: YES, outcome: 'Yes' },
        { tokenId: NO, outcome: 'No' },
      ],
      tickSize: '0.01',
      minOrderSize: '5',
    });
    source.setBook(YES, {
      bids: [
        ['0.40', '100000'],
        ['0.39', '100000'],
      ],
      asks: [
        ['0.42', '300'],
        ['0.43', '100000'],
      ],
    });
    provider = new DefaultVenueProvider(t.current.db, source, { paperStartingBalance: new Decimal(1000) });
    leader = (await insertTrader(t.current.db)).wallet_address;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });

  const fill = (over: Partial<LeaderFill> = {}): LeaderFill => ({
    txHash: txHash(),
    wallet: leader,
    assetId: YES,
    conditionId: CONDITION,
    side: 'BUY',
    price: new Decimal('0.42'),
    size: new Decimal(1000),
    occurrence: 0,
    outcome: 'Yes',
    outcomeIndex: 0,
    marketSlug: 'm',
    eventSlug: 'e',
    title: 'Market',
    filledAt: new Date(),
    source: 'test',
    ...over,
  });
  const deps = () => ({ db: t.current.db, venues: provider, logger });
  const startWorker = async (over: Partial<ConstructorParameters<typeof CopyWorker>[1]> = {}) => {
    const w = new CopyWorker(deps(), { databaseUrl: t.current.url, pollMs: 100, ...over });
    workers.push(w);
    await w.start();
    return w;
  };
  const waitFor = async (check: () => Promise<boolean>, ms = 15_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    const states = await sql<{ status: string; n: string; e: string | null }>`
      SELECT status, count(*) AS n, max(error_message) AS e FROM trade_queue GROUP BY status`.execute(
      t.current.db,
    );
    throw new Error(`condition not reached in time; queue: ${JSON.stringify(states.rows)}`);
  };
  const pending = async () =>
    Number(
      (
        await sql<{
          n: string;
        }>`SELECT count(*) AS n FROM trade_queue WHERE status IN ('pending', 'processing')`.execute(
          t.current.db,
        )
      ).rows[0]!.n,
    );

  it('copies a leader BUY into a paper position, sized, priced and recorded', async () => {
    const db = t.current.db;
    const user = await insertUser(db);
    const rel = await insertRelationship(db, user.id, leader, {
      proportionality_factor: '0.05',
      mode: 'paper',
    } as never);
    await startWorker();
    const r = await recordLeaderFill(db, fill(), RULES, { copyTtlMs: 30_000 });
    await waitFor(async () => (await pending()) === 0);

    const copy = await db
      .selectFrom('trades')
      .selectAll()
      .where('copy_relationship_id', '=', rel.id)
      .executeTakeFirstOrThrow();
    expect(copy).toMatchObject({
      is_copy_trade: true,
      copying_user_id: user.id,
      status: 'open',
      side: 'BUY',
      quantity: '50.000000',
      entry_price: '0.4200000000',
      entry_value_usd: '21.000000',
      slippage_percent: '0.00',
      source_fill_key: r.fillKey,
      asset_id: YES,
    });
    expect(copy.execution_time_ms).toBeGreaterThanOrEqual(0);
    const decision = await db
      .selectFrom('copy_decisions')
      .selectAll()
      .where('fill_key', '=', r.fillKey)
      .executeTakeFirstOrThrow();
    expect(decision).toMatchObject({ outcome: 'executed', reason: null, copy_trade_id: copy.id });
    const relAfter = await db
      .selectFrom('copy_relationships')
      .selectAll()
      .where('id', '=', rel.id)
      .executeTakeFirstOrThrow();
    expect(relAfter).toMatchObject({ total_trades_copied: 1, total_invested_usd: '21.000000' });
    const venue = await provider.venueFor({ userId: user.id, mode: 'paper', apiKeyId: null });
    expect((await venue.getCollateralBalance()).balance.toFixed()).toBe('979');
    expect((await venue.getTokenBalance(YES)).balance.toFixed()).toBe('50');
  });

  it('walks the book and refuses a copy the book cannot fill within the slippage limit', async () => {
    const db = t.current.db;
    source.setBook(YES, {
      bids: [['0.40', '1000']],
      asks: [
        ['0.42', '10'],
        ['0.50', '100000'],
      ],
    });
    const user = await insertUser(db);
    await insertRelationship(db, user.id, leader, { proportionality_factor: '0.05', mode: 'paper' } as never);
    const r = await recordLeaderFill(db, fill(), RULES, { copyTtlMs: 30_000 });
    const [row] = await claimBatch(db, { workerId: 'w', limit: 1, leaseMs: 30_000 });
    const outcome = await executeClaim(deps(), row!);
    expect(outcome).toEqual({ kind: 'skipped', reason: 'slippage_exceeded' });
    const d = await db
      .selectFrom('copy_decisions')
      .selectAll()
      .where('fill_key', '=', r.fillKey)
      .executeTakeFirstOrThrow();
    expect(d.outcome).toBe('skipped');
    expect(d.reason).toBe('slippage_exceeded');
    expect(
      await db.selectFrom('trades').select('id').where('copying_user_id', '=', user.id).execute(),
    ).toEqual([]);
  });

  it('mirrors the leader selling half: closes half the lot with its realized P&L', async () => {
    const db = t.current.db;
    const user = await insertUser(db);
    const rel = await insertRelationship(db, user.id, leader, {
      proportionality_factor: '0.05',
      mode: 'paper',
    } as never);
    await startWorker();
    await recordLeaderFill(db, fill(), RULES, { copyTtlMs: 30_000 });
    await waitFor(async () => (await pending()) === 0);
    // Price moved up: the leader sells half its 1000 shares at 0.40 (our bid).
    await recordLeaderFill(
      db,
      fill({ side: 'SELL', size: new Decimal(500), price: new Decimal('0.40') }),
      RULES,
      {
        copyTtlMs: 30_000,
      },
    );
    await waitFor(async () => (await pending()) === 0);
    const lots = await db
      .selectFrom('trades')
      .selectAll()
      .where('copy_relationship_id', '=', rel.id)
      .orderBy('status')
      .execute();
    expect(
      lots.map((l) => [l.status, l.quantity, l.entry_value_usd, l.exit_value_usd, l.realized_pnl_usd]),
    ).toEqual([
      // 25 shares sold at 0.40 = $10 against a cost of $10.50: −$0.50.
      ['closed', '25.000000', '10.500000', '10.000000', '-0.500000'],
      ['open', '25.000000', '10.500000', null, null],
    ]);
    const relAfter = await db
      .selectFrom('copy_relationships')
      .select(['total_pnl_usd', 'total_trades_copied'])
      .where('id', '=', rel.id)
      .executeTakeFirstOrThrow();
    expect(relAfter).toEqual({ total_pnl_usd: '-0.500000', total_trades_copied: 2 });
  });

  it('executes every queued copy exactly once with several workers racing', async () => {
    const db = t.current.db;
    const users = [];
    for (let i = 0; i < 5; i++) {
      const u = await insertUser(db);
      users.push(u);
      await insertRelationship(db, u.id, leader, {
        proportionality_factor: '0.01',
        mode: 'paper',
        max_total_exposure_usd: '10000',
      } as never);
    }
    await db
      .updateTable('users')
      .set({ subscription_tier: 'premium', max_daily_trades: 1000, max_total_exposure_usd: '10000' })
      .execute();
    for (let i = 0; i < 20; i++)
      await recordLeaderFill(db, fill({ size: new Decimal(2000) }), RULES, { copyTtlMs: 60_000 });
    await Promise.all([
      startWorker({ batchSize: 7 }),
      startWorker({ batchSize: 5 }),
      startWorker({ batchSize: 3 }),
    ]);
    await waitFor(async () => (await pending()) === 0, 30_000);
    const copies = await db
      .selectFrom('trades')
      .select(['queue_id'])
      .where(
        'copying_user_id',
        'in',
        users.map((u) => u.id),
      )
      .execute();
    expect(copies).toHaveLength(100);
    expect(new Set(copies.map((c) => c.queue_id)).size).toBe(100);
    const orders = await db
      .selectFrom('paper_orders')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(
        'account_id',
        'in',
        users.map((u) => u.id),
      )
      .executeTakeFirstOrThrow();
    expect(orders.n).toBe('100');
  });

  it('never lets 200 concurrent copies for one user pass the exposure cap', async () => {
    const db = t.current.db;
    const user = await insertUser(db, { max_total_exposure_usd: '500', max_daily_trades: 1000 });
    await db.updateTable('users').set({ subscription_tier: 'premium' }).where('id', '=', user.id).execute();
    const rel = await insertRelationship(db, user.id, leader, {
      mode: 'paper',
      max_total_exposure_usd: '10000',
    } as never);
    // 200 queue rows of 50 shares at ~0.42 (≈ $21 each, $4,200 in all) — far more than the $500 cap.
    for (let i = 0; i < 200; i++) {
      await insertQueueRow(db, user.id, rel.id, {
        trader_wallet_address: leader,
        market_id: CONDITION,
        asset_id: YES,
        quantity: '50',
        target_price: '0.42',
        notional_usd: '21.21',
        mode: 'paper',
      } as never);
    }
    await Promise.all([
      startWorker({ concurrency: 16 }),
      startWorker({ concurrency: 16 }),
      startWorker({ concurrency: 16 }),
    ]);
    await waitFor(async () => (await pending()) === 0, 60_000);
    const open = await sql<{ total: string; n: string }>`
      SELECT COALESCE(SUM(entry_value_usd), 0) AS total, count(*) AS n FROM trades WHERE copying_user_id = ${user.id} AND status = 'open'`.execute(
      db,
    );
    expect(new Decimal(open.rows[0]!.total).lte(500)).toBe(true);
    // Each copy spends $21.00 (50 × 0.42): the cap admits exactly 23 of them ($483); the 24th would
    // make $504. Exposure is admitted under a per-user lock, so concurrency neither breaks the cap
    // nor refuses copies that fit.
    expect(open.rows[0]!.n).toBe('23');
    expect(open.rows[0]!.total).toBe('483.000000');
    const skipped = await sql<{ n: string }>`
      SELECT count(*) AS n FROM trade_queue WHERE user_id = ${user.id} AND status = 'cancelled' AND error_message LIKE 'user_exposure_cap_reached%'`.execute(
      db,
    );
    expect(Number(skipped.rows[0]!.n) + Number(open.rows[0]!.n)).toBe(200);
  }, 90_000);

  it('after a crash between sending and recording, finds the order instead of sending it again', async () => {
    const db = t.current.db;
    const user = await insertUser(db);
    await insertRelationship(db, user.id, leader, { proportionality_factor: '0.05', mode: 'paper' } as never);
    await recordLeaderFill(db, fill(), RULES, { copyTtlMs: 60_000 });
    const [row] = await claimBatch(db, { workerId: 'doomed', limit: 1, leaseMs: 30_000 });
    // The doomed worker persisted the order identity and sent the order, then died.
    const signedAt = new Date();
    await db
      .updateTable('trade_queue')
      .set({ signed_at: signedAt, limit_price: '0.42', order_size: '50' })
      .where('id', '=', row!.id)
      .execute();
    const venue = await provider.venueFor({ userId: user.id, mode: 'paper', apiKeyId: null });
    await venue.placeOrder({
      clientOrderId: clientOrderIdFor(row!.id),
      tokenId: YES,
      side: 'BUY',
      orderType: 'FOK',
      price: new Decimal('0.42'),
      size: new Decimal(50),
      signedAtMs: signedAt.getTime(),
    });
    await sql`UPDATE trade_queue SET lease_expires_at = now() - interval '1 second' WHERE id = ${row!.id}`.execute(
      db,
    );
    const w = await startWorker();
    await w.housekeeping();
    await waitFor(async () => (await pending()) === 0);
    const orders = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM paper_orders WHERE account_id = ${user.id}`.execute(db);
    expect(orders.rows[0]!.n).toBe('1');
    const copies = await db
      .selectFrom('trades')
      .select(['quantity'])
      .where('copying_user_id', '=', user.id)
      .execute();
    expect(copies).toEqual([{ quantity: '50.000000' }]);
  });
});
