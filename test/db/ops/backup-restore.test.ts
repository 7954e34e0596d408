// The backup and restore of docs/operations.md, exactly as written there: `pg_dump -Fc` of a
// platform database with data in it, `pg_restore` into a new empty database, and the restored copy
// is the same platform — every table's rows, the trades partitions, the applied migrations, and
// sequences that go on after the restored ids (a new row does not collide with a restored one).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb, type Db } from '../../../src/db/client.ts';
import { migrateUp, migrationStatus } from '../../../src/db/migrator.ts';
import { insertRelationship, insertTrade, insertTrader, insertUser } from '../../support/fixtures.ts';
import { adminQuery, databaseUrl, useTestDatabase } from '../../support/test-database.ts';

const run = promisify(execFile);

async function rowCounts(db: Db): Promise<Record<string, number>> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY 1`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of rows) {
    const r = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(name)}`.execute(db);
    counts[name] = Number(r.rows[0]!.n);
  }
  return counts;
}

const partitions = async (db: Db) =>
  (
    await sql<{ name: string }>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'trades'::regclass ORDER BY 1`.execute(db)
  ).rows.map((r) => r.name);

describe('backup and restore (docs/operations.md)', () => {
  const t = useTestDatabase();
  const restoredName = `${'polycopy_restore_'}${Date.now().toString(36)}`;
  let dir = '';

  afterAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(restoredName)} WITH (FORCE)`);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pg_dump -Fc → pg_restore into an empty database gives back the same platform', async () => {
    const db = t.current.db;
    const user = await insertUser(db, { email: `backup-${Date.now()}@example.com` });
    const trader = await insertTrader(db);
    await insertRelationship(db, user.id, trader.wallet_address);
    await insertTrade(db, { trader_wallet_address: trader.wallet_address });
    const before = await rowCounts(db);
    expect(before.users).toBeGreaterThan(0);
    expect(before.trades).toBeGreaterThan(0);

    dir = await mkdtemp(join(tmpdir(), 'polycopy-backup-'));
    const dump = join(dir, 'polycopy.dump');
    await run('pg_dump', ['--format=custom', '--file', dump, '--dbname', t.current.url]);
    await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(restoredName)} TEMPLATE template0`);
    const restoredUrl = databaseUrl(inject('pgAdminUrl'), restoredName);
    await run('pg_restore', [
      '--no-owner',
      '--exit-on-error',
      '--single-transaction',
      '--dbname',
      restoredUrl,
      dump,
    ]);

    const restored = createDb(restoredUrl, { poolMax: 2 });
    try {
      expect(await rowCounts(restored.db)).toEqual(before);
      expect(await partitions(restored.db)).toEqual(await partitions(db));
      const status = await migrationStatus(restored.db);
      expect(status.every((m) => m.executedAt !== null)).toBe(true);
      expect(await migrateUp(restored.db)).toHaveLength(0);
      // Sequences were restored with the data: the next user gets a fresh id.
      const next = await insertUser(restored.db, { email: `after-restore-${Date.now()}@example.com` });
      expect(BigInt(next.id)).toBeGreaterThan(BigInt(user.id));
    } finally {
      await restored.close();
    }
  }, 120_000);
});
