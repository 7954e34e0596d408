// Vitest global setup for the `db` project: one PostgreSQL for the run (TEST_DATABASE_URL,
// DATABASE_URL, or an embedded server), one template database migrated once, and every test file
// clones its own fresh database from it (test/support/test-database.ts).
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/db/client.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrateUp } from '../../src/db/migrator.ts';
import { freePort } from '../support/free-port.ts';

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

/** A port nothing listens on now (the OS picks it), so a run never collides with another server. */

const say = (line: string) => process.stderr.write(`[db tests] ${line}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const configured = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  const started = Date.now();
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  if (!configured) {
    // The first run initialises a cluster (about a minute on a slow machine): say so, rather than
    // print nothing until the first test file finishes.
    const port = process.env.TEST_PG_PORT ? Number(process.env.TEST_PG_PORT) : await freePort();
    say(`no TEST_DATABASE_URL: starting an embedded PostgreSQL in .polycopy/test on port ${port}`);
    embedded = await startEmbeddedPostgres({
      dataDir: '.polycopy/test',
      port,
      database: 'postgres',
      log: (line) => {
        if (/^(initialising|embedded PostgreSQL already running|another process)/.test(line)) say(line);
      },
    });
    say(`PostgreSQL ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
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
  say(`template database ${template} migrated (${((Date.now() - started) / 1000).toFixed(1)} s in all)`);

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
