// Kysely over a pg pool. NUMERIC and BIGINT stay strings (pg's defaults): exact, never floats.
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  /** Closes the pool; idempotent. */
  close(): Promise<void>;
}

export function createDb(url: string, opts: { poolMax?: number; applicationName?: string } = {}): DbHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? 10,
    application_name: opts.applicationName ?? 'polycopy',
  });
  // An idle client's socket error must not crash the process; the pool drops the client.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed: Promise<void> | undefined;
  return {
    db,
    pool,
    close: () => (closed ??= db.destroy()),
  };
}

/** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
export function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/**
 * A Kysely instance over any schema, for code that only runs raw SQL (migrations, upkeep).
 * Kysely's own docs use Kysely<any> for migrations for the same reason.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;
