// Vitest global setup for the `db` project: one PostgreSQL for the run (TEST_DATABASE_URL,
// DATABASE_URL, or an embedded server), one template database migrated once, and every test file
// clones its own fresh database from it (test/support/test-database.ts).
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/db/client.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrateUp } from '../../src/db/migrator.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const configured = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  const embedded = configured
    ? undefined
    : await startEmbeddedPostgres({ dataDir: '.polycopy/test', port: 54331, database: 'postgres' });
  const adminUrl = configured ?? embedded!.url;
  const template = `polycopy_tpl_${process.pid}_${Date.now().toString(36)}`;

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(template)} TEMPLATE template0`);
  const handle = createDb(withDatabase(adminUrl, template), { poolMax: 1 });
  try {
    await migrateUp(handle.db);
  } finally {
    await handle.close();
  }
  await admin.end();

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);

  return async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(template)} WITH (FORCE)`);
    await c.end();
    await embedded?.stop();
  };
}
