// Every sample query and monitoring query of shared/seed/database-schema.md, verbatim, on fixture
// data whose right answers are known.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  insertQueueRow,
  insertRelationship,
  insertTrade,
  insertTrader,
  insertUser,
} from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';
import {
  INDEX_USAGE,
  SLOWEST_QUERIES,
  TABLE_SIZES as TABLE_SIZES_MODULE,
} from '../../src/db/monitoring-queries.ts';

const LEADERBOARD = `
SELECT 
    wallet_address,
    display_name,
    pnl_7d,
    win_rate,
    total_trades,
    follower_count
FROM traders
WHERE is_active = true
ORDER BY pnl_7d DESC
LIMIT 10;`;

const ACTIVE_POSITIONS = `
SELECT 
    t.market_name,
    t.position,
    t.quantity,
    t.entry_value_usd,
    t.current_value_usd,
    t.unrealized_pnl_usd,
    t.entry_timestamp
FROM trades t
WHERE t.copying_user_id = $1
  AND t.status = 'open'
ORDER BY t.entry_timestamp DESC;`;

const TRADER_FOLLOWERS = `
SELECT 
    u.email,
    u.wallet_address,
    cr.proportionality_factor,
    cr.total_trades_copied,
    cr.total_pnl_usd,
    cr.created_at
FROM copy_relationships cr
JOIN users u ON cr.user_id = u.id
WHERE cr.trader_wallet_address = $1
  AND cr.status = 'active'
ORDER BY cr.created_at DESC;`;

const PENDING_QUEUE = `
SELECT 
    tq.id,
    u.email,
    tq.market_id,
    tq.position,
    tq.quantity,
    tq.priority,
    tq.created_at
FROM trade_queue tq
JOIN users u ON tq.user_id = u.id
WHERE tq.status = 'pending'
ORDER BY tq.priority ASC, tq.created_at ASC
LIMIT 100;`;

const TABLE_SIZES = `
SELECT 
    schemaname,
    tablename,
    pg_size_pretty(pg_total_relation_size(schemaname||'.'||tablename)) AS size
FROM pg_tables
WHERE schemaname = 'public'
ORDER BY pg_total_relation_size(schemaname||'.'||tablename) DESC;`;

const SEED_INDEX_USAGE_AS_WRITTEN = `
SELECT 
    schemaname,
    tablename,
    indexname,
    idx_scan as index_scans,
    pg_size_pretty(pg_relation_size(indexrelid)) AS size
FROM pg_stat_user_indexes
WHERE schemaname = 'public'
ORDER BY idx_scan ASC;`;

const SLOWEST = `
SELECT 
    query,
    calls,
    mean_exec_time,
    total_exec_time
FROM pg_stat_statements
ORDER BY mean_exec_time DESC
LIMIT 10;`;

describe('seed sample and monitoring queries', () => {
  const t = useTestDatabase();
  const run = async (text: string, params: unknown[] = []) =>
    (await t.current.handle.pool.query(text, params)).rows;
  const fx = {} as {
    alice: Awaited<ReturnType<typeof insertUser>>;
    bob: Awaited<ReturnType<typeof insertUser>>;
    traders: Array<Awaited<ReturnType<typeof insertTrader>>>;
  };

  beforeAll(async () => {
    const db = t.current.db;
    fx.alice = await insertUser(db, { email: 'alice@example.com' });
    fx.bob = await insertUser(db, { email: 'bob@example.com', wallet_address: '0x' + 'b'.repeat(40) });
    fx.traders = [];
    // Twelve active traders with pnl_7d 10, 20, ... 120, and one inactive trader with the best P&L.
    for (let i = 1; i <= 12; i++) {
      fx.traders.push(
        await insertTrader(db, {
          display_name: `T${i}`,
          pnl_7d: String(i * 10),
          win_rate: '50',
          total_trades: i,
        }),
      );
    }
    await insertTrader(db, { display_name: 'Retired', pnl_7d: '100000', is_active: false });
  });

  it('leaderboard: the top 10 active traders by 7-day P&L', async () => {
    const rows = await run(LEADERBOARD);
    expect(rows.map((r) => r.display_name)).toEqual([
      'T12',
      'T11',
      'T10',
      'T9',
      'T8',
      'T7',
      'T6',
      'T5',
      'T4',
      'T3',
    ]);
    expect(rows[0]).toEqual({
      wallet_address: fx.traders[11]!.wallet_address,
      display_name: 'T12',
      pnl_7d: '120.000000',
      win_rate: '50.00',
      total_trades: 12,
      follower_count: 0,
    });
  });

  it("a user's active positions, newest first, and nobody else's", async () => {
    const db = t.current.db;
    const tr = fx.traders[0]!;
    const rel = await insertRelationship(db, fx.alice.id, tr.wallet_address);
    const base = { is_copy_trade: true, copying_user_id: fx.alice.id, copy_relationship_id: rel.id };
    await insertTrade(db, {
      ...base,
      market_name: 'old',
      status: 'open',
      entry_timestamp: new Date('2026-10-01T00:00:00Z'),
    });
    await insertTrade(db, {
      ...base,
      market_name: 'new',
      status: 'open',
      quantity: '12.5',
      entry_value_usd: '6.25',
      current_value_usd: '7',
      unrealized_pnl_usd: '0.75',
      entry_timestamp: new Date('2026-11-21T00:00:00Z'),
    });
    await insertTrade(db, {
      ...base,
      market_name: 'closed',
      status: 'closed',
      entry_timestamp: new Date('2026-11-22T00:00:00Z'),
    });
    await insertTrade(db, {
      copying_user_id: fx.bob.id,
      is_copy_trade: true,
      market_name: 'bobs',
      status: 'open',
    });

    const rows = await run(ACTIVE_POSITIONS, [fx.alice.id]);
    expect(rows.map((r) => r.market_name)).toEqual(['new', 'old']);
    expect(rows[0]).toEqual({
      market_name: 'new',
      position: 'YES',
      quantity: '12.500000',
      entry_value_usd: '6.250000',
      current_value_usd: '7.000000',
      unrealized_pnl_usd: '0.750000',
      entry_timestamp: new Date('2026-11-21T00:00:00Z'),
    });
  });

  it("a trader's active followers, newest first", async () => {
    const db = t.current.db;
    const tr = fx.traders[5]!;
    const carol = await insertUser(db, { email: 'carol@example.com' });
    await insertRelationship(db, fx.alice.id, tr.wallet_address, {
      created_at: new Date('2026-11-01T00:00:00Z'),
    });
    await insertRelationship(db, fx.bob.id, tr.wallet_address, {
      proportionality_factor: '0.5',
      created_at: new Date('2026-11-02T00:00:00Z'),
    });
    await insertRelationship(db, carol.id, tr.wallet_address, { status: 'paused' });
    const rows = await run(TRADER_FOLLOWERS, [tr.wallet_address]);
    expect(rows.map((r) => r.email)).toEqual(['bob@example.com', 'alice@example.com']);
    expect(rows[0]).toMatchObject({
      wallet_address: '0x' + 'b'.repeat(40),
      proportionality_factor: '0.500000',
    });
  });

  it('pending queue rows by priority, then FIFO', async () => {
    const db = t.current.db;
    const rel = await insertRelationship(db, fx.bob.id, fx.traders[1]!.wallet_address);
    const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s));
    const a = await insertQueueRow(db, fx.bob.id, rel.id, { priority: 5, created_at: at(1) });
    const b = await insertQueueRow(db, fx.bob.id, rel.id, { priority: 1, created_at: at(3) });
    const c = await insertQueueRow(db, fx.bob.id, rel.id, { priority: 5, created_at: at(0) });
    await insertQueueRow(db, fx.bob.id, rel.id, {
      priority: 1,
      status: 'processing',
      lease_expires_at: new Date(),
    });
    await insertQueueRow(db, fx.bob.id, rel.id, { priority: 1, status: 'completed' });
    const rows = await run(PENDING_QUEUE);
    expect(rows.map((r) => r.id)).toEqual([b.id, c.id, a.id]);
    expect(rows[0]).toMatchObject({
      email: 'bob@example.com',
      position: 'YES',
      quantity: '10.000000',
      priority: 1,
    });
  });

  it('table sizes: every public table, largest first', async () => {
    const rows = await run(TABLE_SIZES);
    const names = rows.map((r) => r.tablename as string);
    expect(names).toEqual(
      expect.arrayContaining([
        'users',
        'polymarket_api_keys',
        'traders',
        'copy_relationships',
        'trade_queue',
        'trades',
        'trades_default',
      ]),
    );
    const sizes = await Promise.all(
      names.map(async (n) =>
        Number((await run(`SELECT pg_total_relation_size('public.' || quote_ident($1)) AS s`, [n]))[0].s),
      ),
    );
    expect([...sizes].sort((x, y) => y - x)).toEqual(sizes);
  });

  it('index usage as written in the seed fails: pg_stat_user_indexes has no tablename column', async () => {
    await expect(run(SEED_INDEX_USAGE_AS_WRITTEN)).rejects.toThrow('column "tablename" does not exist');
  });

  it('the monitoring module runs the seed table-size query unchanged', async () => {
    expect((await run(TABLE_SIZES_MODULE)).map((r) => r.tablename)).toEqual(
      (await run(TABLE_SIZES)).map((r) => r.tablename),
    );
  });

  it('index usage (seed intent, corrected columns): the seed indexes, least used first, counting real scans', async () => {
    // One connection, so the planner setting applies to the probe query; then flush its statistics.
    const client = await t.current.handle.pool.connect();
    try {
      await client.query(`SET enable_seqscan = off`);
      await client.query(`SELECT * FROM traders WHERE rank_7d = 1`);
      await client.query(`RESET enable_seqscan`);
      await client.query(`SELECT pg_stat_force_next_flush()`);
    } finally {
      client.release();
    }
    // Statistics reach the shared view asynchronously; poll briefly.
    let rows: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50; i++) {
      rows = await run(INDEX_USAGE);
      if (Number(rows.find((r) => r.indexname === 'idx_traders_rank_7d')?.index_scans ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const names = rows.map((r) => r.indexname);
    expect(names).toEqual(
      expect.arrayContaining(['idx_users_email', 'idx_traders_pnl_7d', 'idx_trade_queue_status_priority']),
    );
    expect(Number(rows.find((r) => r.indexname === 'idx_traders_rank_7d')!.index_scans)).toBeGreaterThan(0);
    const scans = rows.map((r) => Number(r.index_scans));
    expect([...scans].sort((x, y) => x - y)).toEqual(scans);
  });

  it('slowest queries via pg_stat_statements (preloaded on the embedded server and in CI)', async () => {
    const preload = (await run(`SHOW shared_preload_libraries`))[0].shared_preload_libraries as string;
    await run(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
    if (!preload.includes('pg_stat_statements')) {
      // Without the preload the seed's query cannot run; PostgreSQL says exactly why.
      await expect(run(SLOWEST)).rejects.toThrow(
        /pg_stat_statements must be loaded via "?shared_preload_libraries"?/,
      );
      return;
    }
    await run(`SELECT pg_sleep(0.05), 'polycopy-slow-marker'`);
    const rows = await run(SLOWEST_QUERIES);
    expect(await run(SLOWEST)).toHaveLength(rows.length);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(10);
    expect(Object.keys(rows[0]!)).toEqual(['query', 'calls', 'mean_exec_time', 'total_exec_time']);
    const means = rows.map((r) => Number(r.mean_exec_time));
    expect([...means].sort((x, y) => y - x)).toEqual(means);
  });
});
