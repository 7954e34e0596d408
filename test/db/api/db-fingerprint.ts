// "Nothing was written": a fingerprint of every table in the schema — its row count and the newest
// row version (max xmin: every INSERT and UPDATE writes a row version stamped with its transaction
// id; every DELETE changes the count). Covers tables added later without anyone listing them.
// Row locks (SELECT ... FOR UPDATE) do not change it: they are not writes.
import { sql } from 'kysely';
import type { Db } from '../../../src/db/client.ts';

let tables: string[] | undefined;

export async function dbFingerprint(db: Db): Promise<Record<string, string>> {
  tables ??= (
    await sql<{ name: string }>`
      SELECT c.relname AS name FROM pg_class c
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         AND c.relname NOT LIKE 'kysely\\_%'
       ORDER BY 1`.execute(db)
  ).rows.map((r) => r.name);
  const parts = tables.map(
    (name) =>
      sql`SELECT ${name}::text AS t, count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text AS f FROM ${sql.table(name)}`,
  );
  const { rows } = await sql<{ t: string; f: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.t, r.f]));
}

/** The tables whose fingerprint differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
}
