// A fresh, migrated database per bench run, on TEST_DATABASE_URL / DATABASE_URL or else the embedded
// server in .polycopy/bench; dropped (and the embedded server stopped) by close().
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../src/db/client.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { ensureTradesPartitions } from '../src/db/maintenance.ts';
import { migrateUp } from '../src/db/migrator.ts';

export interface BenchDb {
  readonly url: string;
  readonly db: Db;
  /** The server is on this machine (loopback), so its processes can be measured. */
  readonly local: boolean;
  close(): Promise<void>;
}

export async function freshBenchDatabase(opts: {
  readonly prefix: string;
  readonly poolMax: number;
  readonly applicationName: string;
  /** Weekly trades partitions created ahead (the engine benches write current trades). */
  readonly partitionsAhead?: number;
}): Promise<BenchDb> {
  const configured = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  const embedded = configured
    ? undefined
    : await startEmbeddedPostgres({ dataDir: '.polycopy/bench', port: 54333, database: 'postgres' });
  const adminUrl = configured ?? embedded!.url;
  const name = `${opts.prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const handle = createDb(url, { poolMax: opts.poolMax, applicationName: opts.applicationName });
  await migrateUp(handle.db);
  if (opts.partitionsAhead !== undefined) await ensureTradesPartitions(handle.db, opts.partitionsAhead);
  return {
    url,
    db: handle.db,
    local: ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(u.hostname),
    close: async () => {
      await handle.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await c.end();
      await embedded?.stop();
    },
  };
}
