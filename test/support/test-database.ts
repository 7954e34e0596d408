// A fresh database per test file, cloned from the migrated template (fast: a file copy, no
// migrations). Dropped after the file's tests.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createDb, type Db, type DbHandle } from '../../src/db/client.ts';

export interface TestDatabase {
  name: string;
  url: string;
  handle: DbHandle;
  db: Db;
  drop(): Promise<void>;
}

export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

/** Creates a database: a clone of the migrated template, or empty (from template0). */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `polycopy_test_${randomBytes(6).toString('hex')}`;
  const template = opts.empty ? 'template0' : inject('pgTemplate');
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
  const url = databaseUrl(inject('pgAdminUrl'), name);
  const handle = createDb(url, { poolMax: 5 });
  return {
    name,
    url,
    handle,
    db: handle.db,
    drop: async () => {
      await handle.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}

/** Registers beforeAll/afterAll for a per-file database; read `.current` inside tests. */
export function useTestDatabase(opts: { empty?: boolean } = {}): { readonly current: TestDatabase } {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase(opts);
  });
  afterAll(async () => {
    await current?.drop();
  });
  return {
    get current(): TestDatabase {
      if (!current) throw new Error('test database not created yet');
      return current;
    },
  };
}
