// trades is range-partitioned on entry_timestamp in 7-day chunks: inserts never fail whatever the
// timestamp, upkeep creates partitions ahead and adopts rows the default partition caught, and
// retention drops whole old partitions.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dropTradesBefore, ensureTradesPartitions, runMaintenance } from '../../src/db/maintenance.ts';
import { insertTrade } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

const WEEK = 7 * 86_400_000;

describe('trades partitioning', () => {
  const t = useTestDatabase();

  const partitionOf = async (id: string) =>
    (
      await sql<{
        part: string;
      }>`SELECT tableoid::regclass::text AS part FROM trades WHERE id = ${id}`.execute(t.current.db)
    ).rows[0]?.part;
  const partitions = async () =>
    (
      await sql<{ name: string }>`
        SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'public.trades'::regclass ORDER BY 1`.execute(t.current.db)
    ).rows.map((r) => r.name);

  it('is not a hypertable here (TimescaleDB is not installed), so native partitioning is in use', async () => {
    const r = await sql<{ h: boolean }>`SELECT polycopy_trades_is_hypertable() AS h`.execute(t.current.db);
    expect(r.rows[0]!.h).toBe(false);
  });

  it('routes a current trade into its weekly partition', async () => {
    const now = new Date();
    const trade = await insertTrade(t.current.db, { entry_timestamp: now });
    const start = new Date(Math.floor(now.getTime() / WEEK) * WEEK);
    const expected = `trades_p${start.toISOString().slice(0, 10).replaceAll('-', '')}`;
    expect(await partitionOf(trade.id)).toBe(expected);
  });

  it('accepts trades far in the past and far in the future', async () => {
    const db = t.current.db;
    const past = await insertTrade(db, { entry_timestamp: new Date('1971-06-01T00:00:00Z') });
    const future = await insertTrade(db, { entry_timestamp: new Date('2199-12-31T23:59:59Z') });
    const epoch = await insertTrade(db, { entry_timestamp: new Date('1900-01-01T00:00:00Z') });
    expect(await partitionOf(past.id)).toBe('trades_default');
    expect(await partitionOf(future.id)).toBe('trades_default');
    expect(await partitionOf(epoch.id)).toBe('trades_default');
  });

  it('upkeep creates partitions ahead and moves rows out of the default partition', async () => {
    const db = t.current.db;
    const before = await partitions();
    const created = await ensureTradesPartitions(db, 12);
    const after = await partitions();
    // Three more weeks ahead than the migration's 8 (plus 1 for the partial current week)
    // and one partition each for the three odd timestamps above.
    expect(created).toBe(after.length - before.length);
    expect(after).toEqual(
      expect.arrayContaining(['trades_p19710527', 'trades_p21991226', 'trades_p18991228']),
    );
    const inDefault = await sql<{ n: string }>`SELECT count(*) AS n FROM trades_default`.execute(db);
    expect(inDefault.rows[0]!.n).toBe('0');
    // The moved rows are intact and still found through the parent.
    const all = await db
      .selectFrom('trades')
      .select(['id', 'entry_timestamp'])
      .orderBy('entry_timestamp')
      .execute();
    expect(all.map((r) => r.entry_timestamp.toISOString())).toEqual([
      '1900-01-01T00:00:00.000Z',
      '1971-06-01T00:00:00.000Z',
      expect.any(String),
      '2199-12-31T23:59:59.000Z',
    ]);
    // Idempotent.
    expect(await ensureTradesPartitions(db, 12)).toBe(0);
  });

  it('keeps the partition bound after adopting rows: an out-of-range row cannot land there', async () => {
    const db = t.current.db;
    const r = await sql<{ bound: string }>`
      SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c WHERE c.relname = 'trades_p19710527'`.execute(
      db,
    );
    expect(r.rows[0]!.bound).toBe("FOR VALUES FROM ('1971-05-27 00:00:00+00') TO ('1971-06-03 00:00:00+00')");
    const checks = await sql<{ n: string }>`
      SELECT count(*) AS n FROM pg_constraint WHERE conrelid = 'public.trades_p19710527'::regclass AND conname LIKE '%_range'`.execute(
      db,
    );
    expect(checks.rows[0]!.n).toBe('0');
  });

  it('retention drops whole partitions older than the cutoff, and old rows in the default partition', async () => {
    const db = t.current.db;
    await insertTrade(db, { entry_timestamp: new Date('1800-01-01T00:00:00Z') }); // lands in default
    const dropped = await dropTradesBefore(db, new Date('2000-01-01T00:00:00Z'));
    expect(dropped).toBe(2); // 1899-12-28 and 1971-05-27 chunks
    const names = await partitions();
    expect(names).not.toContain('trades_p19710527');
    expect(names).not.toContain('trades_p18991228');
    const years = (await db.selectFrom('trades').select('entry_timestamp').execute()).map((r) =>
      r.entry_timestamp.getUTCFullYear(),
    );
    expect(years.every((y) => y >= 2000)).toBe(true);
    expect(years).toContain(2199);
  });

  it('concurrent upkeep calls create each partition once', async () => {
    const db = t.current.db;
    const results = await Promise.all([
      ensureTradesPartitions(db, 20),
      ensureTradesPartitions(db, 20),
      ensureTradesPartitions(db, 20),
    ]);
    expect(results.reduce((a, b) => a + b, 0)).toBe(8); // weeks 13..20 ahead, created by exactly one caller
  });

  it('runMaintenance reports what it did and honours "keep forever"', async () => {
    const report = await runMaintenance(t.current.db, {
      partitionsAhead: 20,
      tradesRetentionDays: 0,
      tradeQueueRetentionDays: 7,
    });
    expect(report).toEqual({ partitionsCreated: 0, partitionsDropped: 0, queueRowsPurged: 0 });
  });
});
