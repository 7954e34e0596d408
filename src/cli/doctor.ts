// `polycopy doctor`: checks what a running platform depends on and says what to fix. Each check is
// independent (one failing does not hide the others) and bounded in time; the exit code is 1 when
// any check failed, so a deploy script can gate on it. Warnings (rows waiting for an operator, the
// kill switch on) do not fail.
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import { migrationStatus } from '../db/migrator.ts';
import { countNeedsOperator } from '../services/operator-actions.ts';
import { existingMasterKey, venueHosts } from './venue-access.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it (warn / fail). */
  fix?: string;
}

/** The venue's clock may differ from ours by this much before orders' timestamps are at risk. */
export const MAX_CLOCK_SKEW_MS = 2_000;
const TIMEOUT_MS = 5_000;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function checkConfig(c: Config): CheckResult {
  const venue =
    c.venue.kind === 'polymarket' ? `Polymarket at ${c.venue.hosts.clob}` : `the built-in simulator (paper)`;
  const db = c.database.url
    ? `DATABASE_URL ${new URL(c.database.url).host}`
    : `embedded PostgreSQL in ${c.dataDir}`;
  return {
    name: 'configuration',
    status: 'ok',
    detail: `roles ${c.roles.join(',')}; ${db}; venue ${venue}; Redis ${c.redisUrl ? 'configured' : 'not configured'}`,
  };
}

export async function checkDatabase(db: Db): Promise<CheckResult> {
  try {
    const { rows } = await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(db);
    const pending = (await migrationStatus(db)).filter((m) => m.executedAt === null).map((m) => m.name);
    if (pending.length > 0)
      return {
        name: 'database',
        status: 'fail',
        detail: `PostgreSQL ${rows[0]!.v}; ${pending.length} migration(s) pending: ${pending.join(', ')}`,
        fix: 'run `polycopy migrate up` (start does it too)',
      };
    return { name: 'database', status: 'ok', detail: `PostgreSQL ${rows[0]!.v}; migrations up to date` };
  } catch (err) {
    return {
      name: 'database',
      status: 'fail',
      detail: message(err),
      fix: 'check DATABASE_URL (host, port, user, password, database) and that PostgreSQL is running',
    };
  }
}

export async function checkRedis(c: Config): Promise<CheckResult> {
  if (!c.redisUrl)
    return {
      name: 'redis',
      status: 'ok',
      detail: 'not configured (rate limits and caches stay in each process)',
    };
  const redis = new Redis(c.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: TIMEOUT_MS,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // reported below
  try {
    await redis.connect();
    const pong = await redis.ping();
    return { name: 'redis', status: 'ok', detail: `${new URL(c.redisUrl).host} answered ${pong}` };
  } catch (err) {
    return {
      name: 'redis',
      status: 'fail',
      detail: message(err),
      fix: 'check REDIS_URL and that Redis is running (or unset REDIS_URL)',
    };
  } finally {
    redis.disconnect();
  }
}

/** Venue reachability and clock skew: GET {clob}/time answers the venue's Unix time in seconds. */
export async function checkVenue(c: Config, now: () => number = Date.now): Promise<CheckResult[]> {
  let clob: string;
  try {
    clob = (await venueHosts(c)).hosts.clob;
  } catch (err) {
    return [
      {
        name: 'venue',
        status: 'fail',
        detail: message(err),
        fix: 'start the platform (its simulator) or set POLYMARKET_CLOB_URL',
      },
    ];
  }
  try {
    const sent = now();
    const res = await fetch(`${clob.replace(/\/+$/, '')}/time`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const received = now();
    if (!res.ok) throw new Error(`${clob}/time answered ${res.status}`);
    const venueMs = Number((await res.text()).trim()) * 1000;
    if (!Number.isFinite(venueMs)) throw new Error(`${clob}/time did not answer a time`);
    const skew = venueMs - (sent + received) / 2;
    const venue: CheckResult = {
      name: 'venue',
      status: 'ok',
      detail: `${clob} answered in ${received - sent} ms`,
    };
    const clock: CheckResult =
      Math.abs(skew) > MAX_CLOCK_SKEW_MS + (received - sent) / 2 + 1000
        ? {
            name: 'clock',
            status: 'fail',
            detail: `this machine's clock is ${(skew / -1000).toFixed(1)} s ${skew < 0 ? 'ahead of' : 'behind'} the venue's`,
            fix: 'synchronise the clock (chrony / systemd-timesyncd): signed requests carry timestamps the venue checks',
          }
        : {
            name: 'clock',
            status: 'ok',
            detail: `within ${(Math.abs(skew) / 1000).toFixed(1)} s of the venue's`,
          };
    return [venue, clock];
  } catch (err) {
    return [
      {
        name: 'venue',
        status: 'fail',
        detail: message(err),
        fix: 'check POLYMARKET_CLOB_URL and the network path to it',
      },
    ];
  }
}

export async function checkMasterKey(c: Config): Promise<CheckResult> {
  try {
    const key = await existingMasterKey(c);
    if (!key)
      return {
        name: 'master key',
        status: 'fail',
        detail: 'none: stored credentials cannot be decrypted and none can be added',
        fix: 'set POLYCOPY_MASTER_KEY (base64 of 32 bytes) or run `polycopy start` once to create the key file',
      };
    return {
      name: 'master key',
      status: 'ok',
      detail: c.vault.masterKey ? 'from POLYCOPY_MASTER_KEY' : 'from the key file',
    };
  } catch (err) {
    return {
      name: 'master key',
      status: 'fail',
      detail: message(err),
      fix: 'the key is unreadable or malformed: restore it from your backup',
    };
  }
}

export async function checkOperations(db: Db): Promise<CheckResult[]> {
  try {
    const flagged = await countNeedsOperator(db);
    const k = await db
      .selectFrom('platform_controls')
      .select(['kill_switch', 'kill_switch_reason'])
      .executeTakeFirst();
    return [
      flagged > 0
        ? {
            name: 'queue',
            status: 'warn',
            detail: `${flagged} row(s) need an operator`,
            fix: 'polycopy queue needs-operator, then settle each',
          }
        : { name: 'queue', status: 'ok', detail: 'no row needs an operator' },
      k?.kill_switch
        ? {
            name: 'kill switch',
            status: 'warn',
            detail: `ON: ${k.kill_switch_reason ?? ''}`,
            fix: 'polycopy kill-switch off, once it is safe',
          }
        : { name: 'kill switch', status: 'ok', detail: 'off' },
    ];
  } catch (err) {
    return [{ name: 'queue', status: 'fail', detail: message(err) }];
  }
}

export function formatChecks(results: readonly CheckResult[]): string {
  return results
    .map(
      (r) =>
        `${r.status.toUpperCase().padEnd(4)}  ${r.name.padEnd(12)} ${r.detail}${r.fix ? `\n      fix: ${r.fix}` : ''}`,
    )
    .join('\n');
}
