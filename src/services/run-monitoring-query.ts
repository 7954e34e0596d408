// The seed's monitoring queries for operators (admin only): table sizes, index usage, and the
// slowest statements where pg_stat_statements is installed and preloaded.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { INDEX_USAGE, SLOWEST_QUERIES, TABLE_SIZES } from '../db/monitoring-queries.ts';
import { AppError } from './app-error.ts';

export const MONITORING_QUERIES = ['table-sizes', 'index-usage', 'slow-queries'] as const;
export type MonitoringQuery = (typeof MONITORING_QUERIES)[number];

const TEXT: Record<MonitoringQuery, string> = {
  'table-sizes': TABLE_SIZES,
  'index-usage': INDEX_USAGE,
  'slow-queries': SLOWEST_QUERIES,
};

/** Rows with every value as a string (or null): bigint counts and float timings stay exact. */
export async function runMonitoringQuery(
  deps: { db: Db },
  query: MonitoringQuery,
): Promise<Array<Record<string, string | null>>> {
  if (query === 'slow-queries') {
    const { rows } = await sql<{ ok: boolean }>`
      SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements')
         AND current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%' AS ok`.execute(deps.db);
    if (!rows[0]?.ok) {
      throw new AppError(
        'monitoring_unavailable',
        'pg_stat_statements is not installed in this database or not in shared_preload_libraries',
      );
    }
  }
  const { rows } = await sql<Record<string, unknown>>`${sql.raw(TEXT[query])}`.execute(deps.db);
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]),
    ),
  );
}
