// migrate up → down --all → up on an empty database, through the library and through the CLI.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { migrateDown, migrateDownAll, migrateUp, migrationStatus } from '../../src/db/migrator.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { useTestDatabase } from '../support/test-database.ts';

const run = promisify(execFile);

async function publicObjects(db: Db): Promise<string[]> {
  const { rows } = await sql<{ obj: string }>`
    SELECT c.relkind::text || ':' || c.relname AS obj FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'f:' || p.proname FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'x:' || e.extname FROM pg_extension e WHERE e.extname <> 'plpgsql'
    ORDER BY 1`.execute(db);
  return rows.map((r) => r.obj);
}

describe('migrations', () => {
  const t = useTestDatabase({ empty: true });

  it('go up, all the way down to an empty schema, and up again', async () => {
    const db = t.current.db;
    expect(await publicObjects(db)).toEqual([]);

    const up1 = await migrateUp(db);
    expect(up1.map((r) => r.migrationName)).toEqual(Object.keys(migrations));
    expect(up1.every((r) => r.status === 'Success')).toBe(true);
    const afterFirstUp = await publicObjects(db);
    expect(afterFirstUp).toEqual(
      expect.arrayContaining(['r:users', 'p:trades', 'v:v_user_portfolio', 'x:pgcrypto']),
    );

    const down = await migrateDownAll(db);
    expect(down.map((r) => r.migrationName)).toEqual(Object.keys(migrations).reverse());
    expect(await publicObjects(db)).toEqual([]);

    await migrateUp(db);
    expect(await publicObjects(db)).toEqual(afterFirstUp);
    expect((await migrationStatus(db)).every((m) => m.executedAt !== null)).toBe(true);
  });

  it('steps down one migration at a time and reports status', async () => {
    const db = t.current.db;
    const names = Object.keys(migrations);
    const reverted = await migrateDown(db, 2);
    expect(reverted.map((r) => r.migrationName)).toEqual(names.slice(-2).reverse());
    const status = await migrationStatus(db);
    expect(status.filter((m) => m.executedAt === null).map((m) => m.name)).toEqual(names.slice(-2));
    expect(await migrateUp(db)).toHaveLength(2);
    expect(await migrateUp(db)).toHaveLength(0);
  });

  it('runs through the CLI honouring DATABASE_URL', async () => {
    const env = { ...process.env, DATABASE_URL: t.current.url, LOG_LEVEL: 'silent' };
    const cli = (args: string[]) => run(process.execPath, ['bin/polycopy.mjs', ...args], { env });
    expect((await cli(['migrate', 'down', '--all'])).stdout).toContain('down  0001-extensions-and-triggers');
    expect(await publicObjects(t.current.db)).toEqual([]);
    const status = (await cli(['migrate', 'status'])).stdout;
    expect(status.split('\n').filter((l) => l.startsWith('pending'))).toHaveLength(
      Object.keys(migrations).length,
    );
    expect((await cli(['migrate', 'up'])).stdout).toContain('up    0005-queue-retention');
    expect((await cli(['migrate', 'up'])).stdout).toContain('already up to date');
  }, 60_000);

  it('concurrent runners migrate exactly once', async () => {
    const db = t.current.db;
    await migrateDownAll(db);
    const results = await Promise.all([migrateUp(db), migrateUp(db), migrateUp(db)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 0, Object.keys(migrations).length]);
  });
});
