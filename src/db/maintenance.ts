// Periodic database upkeep the scheduler (and `polycopy db maintain`) runs: future trades
// partitions, trades retention, and the seed's trade_queue retention rule.
import { sql } from 'kysely';
import type { AnyDb } from './client.ts';

export interface MaintenanceOptions {
  partitionsAhead: number;
  /** 0 keeps trades forever. */
  tradesRetentionDays: number;
  tradeQueueRetentionDays: number;
}

export interface MaintenanceReport {
  partitionsCreated: number;
  partitionsDropped: number;
  queueRowsPurged: number;
}

export async function ensureTradesPartitions(db: AnyDb, weeksAhead: number): Promise<number> {
  const r = await sql<{
    n: number;
  }>`SELECT polycopy_ensure_trades_partitions(${weeksAhead}::int, 1) AS n`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function dropTradesBefore(db: AnyDb, cutoff: Date): Promise<number> {
  const r = await sql<{ n: number }>`SELECT polycopy_drop_trades_before(${cutoff}::timestamptz) AS n`.execute(
    db,
  );
  return Number(r.rows[0]?.n ?? 0);
}

export async function purgeTradeQueue(db: AnyDb, keepDays: number): Promise<number> {
  const r = await sql<{
    n: string;
  }>`SELECT polycopy_purge_trade_queue(make_interval(days => ${keepDays}::int)) AS n`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function runMaintenance(
  db: AnyDb,
  opts: MaintenanceOptions,
  now: Date = new Date(),
): Promise<MaintenanceReport> {
  const partitionsCreated = await ensureTradesPartitions(db, opts.partitionsAhead);
  const partitionsDropped =
    opts.tradesRetentionDays > 0
      ? await dropTradesBefore(db, new Date(now.getTime() - opts.tradesRetentionDays * 86_400_000))
      : 0;
  const queueRowsPurged = await purgeTradeQueue(db, opts.tradeQueueRetentionDays);
  return { partitionsCreated, partitionsDropped, queueRowsPurged };
}
