// Kysely over a pg pool. NUMERIC and BIGINT stay strings (pg's defaults): exact, never floats.
import { Kysely, sql, PostgresDialect, type Transaction } from 'kysely';
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
  // Neither must a checked-out client's, between two statements of a transaction (the pool only
  // listens to idle clients): the connection is gone, the next statement fails with an error the
  // caller handles, and the pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
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
 * A transaction whose COMMIT does not wait for its WAL to reach disk (`synchronous_commit = off`
 * for this transaction only). After a database crash its last ~600 ms of such commits may be gone,
 * as if they had never happened; other sessions see them at once, as usual. Use it only where that
 * loss is provably harmless: WAL is written in order, so any later synchronous commit (e.g. a copy's
 * admission, which persists the order identity before the order leaves) makes every earlier
 * asynchronous commit durable first. The callers say why their case is safe.
 */
export function withAsyncCommitTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`SET LOCAL synchronous_commit = off`.execute(tx);
    return fn(tx);
  });
}

/**
 * A Kysely instance over any schema, for code that only runs raw SQL (migrations, upkeep).
 * Kysely's own docs use Kysely<any> for migrations for the same reason.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;
