// `polycopy start` (and the single-role commands): config → database (embedded or configured) →
// migrations → partition upkeep → venue (Polymarket, or the built-in simulator) → the roles in
// ROLES (api, worker, ingest, scheduler, telegram) → HTTP (/health, /ready, and /api/v1 with the api role). Shutdown
// closes in reverse order, bounded by SHUTDOWN_TIMEOUT_MS.
import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import { createDb, type DbHandle } from '../db/client.ts';
import { ensureTradesPartitions } from '../db/maintenance.ts';
import { migrateUp } from '../db/migrator.ts';
import { resolveDatabase } from '../db/resolve-database.ts';
import { buildHttpApp, type ReadinessCheck } from '../http/app.ts';
import type { Logger } from '../observability/logger.ts';
import { Redis } from 'ioredis';
import { AccessTokens, deriveAccessTokenKey } from '../auth/access-tokens.ts';
import { systemClock } from '../auth/clock.ts';
import { createLogMailer, createSmtpMailer } from '../auth/mailers.ts';
import { registerApi, USER_EVENT_HUB } from '../http/api/register-api.ts';
import { registerMetricsEndpoint } from '../http/api/routes/metrics-routes.ts';
import { UserEventHub } from '../events/hub.ts';
import { PlatformMetrics } from '../observability/metrics.ts';
import { collectFeedFigures } from '../observability/feed-metrics.ts';
import { PolymarketCredentialVerifier } from '../services/polymarket-credential-verifier.ts';
import { createLiveVenueFactory } from '../vault/live-venue-factory.ts';
import { MarketRulesCache, type FillMarketRules } from '../venue/market-cache.ts';
import { Decimal } from '../domain/money.ts';
import { openPositionsSource } from './open-positions-source.ts';
import { resolveMasterKey } from '../vault/master-key.ts';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/client.ts';
import type { ApiDeps } from '../http/api/api-deps.ts';
import type { Mailer } from '../services/mailer.ts';
import type { MasterKey } from '../vault/master-key.ts';
import { ingestReadiness, jobsReadiness } from './readiness.ts';
import { sizingJobs, startIngest, startScheduler, startWorker, type EngineDeps } from './start-engine.ts';
import { startVenue, type VenueRuntime } from './start-venue.ts';
import { jobSettings, jobSpecs, type JobSpec } from '../jobs/catalog.ts';
import { collectJobFigures } from '../jobs/job-metrics.ts';
import { startDemo } from './demo.ts';
import type { DemoUser } from '../services/demo-account.ts';
import { startTelegram } from '../telegram/telegram-role.ts';
import { registerTelegramWebhook } from '../telegram/webhook-route.ts';

export interface RunningPlatform {
  url: string;
  db: DbHandle;
  /** The in-process simulator's URL, when the platform runs against it. */
  simulatorUrl: string | null;
  /** The demo account once set up; null when there is none (src/app/demo.ts). */
  demoReady: Promise<DemoUser | null>;
  stop(reason?: string): Promise<void>;
}

/** The start-up steps' cleanups, run in reverse at shutdown (or when a later step fails). */
class Cleanups {
  private readonly list: Array<{ name: string; fn: () => Promise<void> }> = [];

  constructor(private readonly logger: Logger) {}

  push(name: string, fn: () => Promise<void>): void {
    this.list.push({ name, fn });
  }

  async runAll(): Promise<void> {
    for (const c of this.list.reverse()) {
      try {
        await c.fn();
      } catch (err) {
        this.logger.error({ err, component: c.name }, 'error during shutdown');
      }
    }
  }
}

export async function startPlatform(config: Config, logger: Logger): Promise<RunningPlatform> {
  const cleanups = new Cleanups(logger);
  try {
    const { url: databaseUrl, db } = await openDatabase(config, logger, cleanups);
    const venue = await startVenue(config, logger);
    cleanups.push('venue', venue.stop);
    const masterKey = await resolveMasterKey(
      { configured: config.vault.masterKey, nodeEnv: config.nodeEnv, dataDir: config.dataDir },
      logger,
    );
    const checks: ReadinessCheck[] = [
      { name: 'database', check: async () => void (await sql`SELECT 1`.execute(db.db)) },
      { name: 'venue', check: async () => void (await venue.marketData.clob.getServerTime()) },
    ];
    const redis = connectRedis(config, logger, cleanups, checks);
    const app = buildHttpApp({ logger, checks, trustProxy: config.api.trustProxy });
    const hub = await startEventHub(app, config, databaseUrl, logger, cleanups);
    // /metrics on every role (before the API, so its request-duration hook covers every route).
    const jobs = jobSpecs(jobSettings(config));
    registerMetricsEndpoint(app, platformMetrics(db.db, hub, jobs), {
      enabled: config.metrics.enabled,
      token: config.metrics.token ?? null,
    });
    const engine = engineDeps(config, db.db, databaseUrl, logger, venue, masterKey);
    const roles = { config, db: db.db, logger, masterKey, cleanups, checks, engine, jobs };
    if (config.roles.includes('api')) {
      const smtp = config.mail.smtpUrl ? createSmtpMailer(config.mail.smtpUrl, config.mail.from) : undefined;
      if (smtp) cleanups.push('smtp', async () => smtp.close());
      await registerApi(app, apiDeps({ ...roles, venue, smtp, redis }));
    }
    await startEngineRoles(roles);
    await startTelegramRoles(app, { ...roles, databaseUrl });
    const url = await app.listen({ host: config.http.host, port: config.http.port });
    cleanups.push('http', () => app.close());
    logger.info({ url, roles: config.roles, simulator: venue.simulatorUrl }, 'polycopy is up');
    const demoReady = startDemoRole({ ...roles, url, venue });
    let stopping: Promise<void> | undefined;
    return {
      url,
      db,
      simulatorUrl: venue.simulatorUrl,
      demoReady,
      stop: (reason = 'stop requested') =>
        (stopping ??= (async () => {
          logger.info({ reason }, 'shutting down');
          await cleanups.runAll();
          logger.info('stopped');
        })()),
    };
  } catch (err) {
    await cleanups.runAll();
    throw err;
  }
}

/** The database server (embedded or configured), the pool, migrations and partition upkeep. */
async function openDatabase(config: Config, logger: Logger, cleanups: Cleanups) {
  const database = await resolveDatabase(config, (line) =>
    // Waiting for another process's server is worth saying; the server's own chatter is not.
    line.startsWith('another process')
      ? logger.info({ component: 'embedded-pg' }, line)
      : logger.debug({ component: 'embedded-pg' }, line),
  );
  cleanups.push('database-server', database.stop);
  logger.info(
    { embedded: database.embedded },
    database.embedded ? 'using embedded PostgreSQL' : 'using DATABASE_URL',
  );
  const db = createDb(database.url, { poolMax: config.database.poolMax, applicationName: 'polycopy' });
  cleanups.push('database-pool', db.close);
  if (config.migrateOnStart) {
    const results = await migrateUp(db.db);
    for (const r of results)
      logger.info({ migration: r.migrationName, status: r.status }, 'migration applied');
  }
  await ensureTradesPartitions(db.db, config.trades.partitionsAhead);
  return { url: database.url, db };
}

/** Redis when configured; optional: without it rate limits let requests through and caches are per process. */
function connectRedis(
  config: Config,
  logger: Logger,
  cleanups: Cleanups,
  checks: ReadinessCheck[],
): Redis | undefined {
  if (!config.redisUrl) return undefined;
  const client = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  client.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
  cleanups.push('redis', async () => void client.disconnect());
  checks.push({ name: 'redis', optional: true, check: async () => void (await client.ping()) });
  return client;
}

/**
 * Live updates: one LISTEN connection per API process fans user events out to its SSE streams
 * (registerApi finds the hub on the app and serves /api/v1/events). Null without the api role.
 */
async function startEventHub(
  app: FastifyInstance,
  config: Config,
  databaseUrl: string,
  logger: Logger,
  cleanups: Cleanups,
): Promise<UserEventHub | null> {
  if (!config.roles.includes('api')) return null;
  const hub = new UserEventHub({ databaseUrl, logger });
  await hub.start();
  cleanups.push('user-events', () => hub.close());
  app.decorate(USER_EVENT_HUB, hub);
  return hub;
}

function platformMetrics(db: Db, hub: UserEventHub | null, jobs: readonly JobSpec[]) {
  return new PlatformMetrics({
    db,
    ...(hub ? { events: hub } : {}),
    collectors: [collectFeedFigures, (f) => collectJobFigures(f, jobs)],
  });
}

function engineDeps(
  config: Config,
  db: Db,
  databaseUrl: string,
  logger: Logger,
  venue: VenueRuntime,
  masterKey: MasterKey,
): EngineDeps {
  return {
    config,
    db,
    databaseUrl,
    logger,
    venue,
    // Live venues: the user's credentials, decrypted only for the call (the worker's orders, and the
    // balance reads of balance-based sizing).
    live: createLiveVenueFactory({
      db,
      masterKey,
      clock: systemClock,
      hosts: venue.hosts,
      chainId: venue.chainId,
      limiter: venue.limiter,
      rulesCache: venue.rulesCache,
      feesAtAck: config.engine.workerFeesAtAck,
    }),
  };
}

/** What the roles after the HTTP app are started with. */
interface RoleContext {
  readonly config: Config;
  readonly db: Db;
  readonly logger: Logger;
  readonly masterKey: MasterKey;
  readonly cleanups: Cleanups;
  readonly checks: ReadinessCheck[];
  readonly engine: EngineDeps;
  readonly jobs: readonly JobSpec[];
}

function apiDeps(
  c: RoleContext & { venue: VenueRuntime; smtp: Mailer | undefined; redis: Redis | undefined },
): ApiDeps {
  const { config, venue, masterKey } = c;
  return {
    db: c.db,
    clock: systemClock,
    logger: c.logger,
    accessTokens: new AccessTokens(
      deriveAccessTokenKey(masterKey.bytes()),
      config.api.accessTokenTtlSeconds,
      systemClock,
    ),
    // Outside production the log is the mail transport and prints the link (docs/api.md).
    mailer: c.smtp ?? createLogMailer(c.logger, { includeLinks: config.nodeEnv !== 'production' }),
    masterKey,
    // Credentials are verified with an authenticated balance call before they are stored.
    credentialVerifier: new PolymarketCredentialVerifier({
      hosts: venue.hosts,
      chainId: venue.chainId,
      limiter: venue.limiter,
    }),
    ...(c.redis ? { redis: c.redis } : {}),
    marketRules: marketRulesLookup(new MarketRulesCache(venue.marketData)),
    // A follow created or edited into balance-based sizing reads its snapshots at once.
    sizingSnapshots: sizingJobs(c.engine),
    jobs: c.jobs,
    openPositions: openPositionsSettings(config, venue),
    settings: {
      publicUrl: config.api.publicUrl,
      corsOrigins: config.api.corsOrigins,
      bodyLimitBytes: config.api.bodyLimitBytes,
      rateLimit: config.api.rateLimit,
      refreshTokenTtlDays: config.api.refreshTokenTtlDays,
      paperStartingBalanceUsd: config.engine.paperStartingBalanceUsd,
      webDistDir: config.api.webDistDir,
      ...(config.api.telegramBotToken ? { telegramBotToken: config.api.telegramBotToken } : {}),
    },
  };
}

function openPositionsSettings(config: Config, venue: VenueRuntime) {
  return {
    source: openPositionsSource(venue.marketData),
    copyTtlMs: config.engine.copyTtlMs,
    paperStartingBalanceUsd: new Decimal(config.engine.paperStartingBalanceUsd),
  };
}

/** The worker, the ingest detector and the scheduler, each with its readiness check. */
async function startEngineRoles(c: RoleContext): Promise<void> {
  const { config, engine, cleanups, checks } = c;
  if (config.roles.includes('worker')) {
    const worker = await startWorker(engine);
    cleanups.push('worker', () => worker.stop());
  }
  if (config.roles.includes('ingest')) {
    const detector = await startIngest(engine);
    cleanups.push('ingest', () => detector.stop());
    checks.push({ name: 'ingest', check: ingestReadiness(detector) });
  }
  if (config.roles.includes('scheduler')) {
    const scheduler = startScheduler(engine);
    cleanups.push('scheduler', () => scheduler.stop());
    checks.push({ name: 'jobs', check: jobsReadiness(scheduler, c.db, c.jobs) });
  }
}

/**
 * The Telegram bot (docs/telegram.md): webhooks are served by every api process; the telegram
 * role (one active across processes) polls or registers the webhook, and sends notifications.
 */
async function startTelegramRoles(app: FastifyInstance, c: RoleContext & { databaseUrl: string }) {
  const { config } = c;
  if (config.roles.includes('api') && config.telegram.botToken && config.telegram.webhookUrl)
    await registerTelegramWebhook(app, { config, db: c.db, logger: c.logger, masterKey: c.masterKey });
  if (!config.roles.includes('telegram')) return;
  const telegram = await startTelegram({
    config,
    db: c.db,
    databaseUrl: c.databaseUrl,
    logger: c.logger,
    masterKey: c.masterKey,
    sizingSnapshots: sizingJobs(c.engine),
  });
  c.cleanups.push('telegram', () => telegram.stop());
}

/**
 * The demo account (simulator only, DEMO=off turns it off) is set up by a process that serves
 * the API, where its person signs in; it does not hold up the start.
 */
function startDemoRole(c: RoleContext & { url: string; venue: VenueRuntime }): Promise<DemoUser | null> {
  if (!c.config.roles.includes('api')) return Promise.resolve(null);
  const demo = startDemo({
    config: c.config,
    url: c.url,
    logger: c.logger,
    follow: {
      db: c.db,
      clock: systemClock,
      masterKey: c.masterKey,
      openPositions: openPositionsSettings(c.config, c.venue),
    },
  });
  c.cleanups.push('demo', () => demo.stop());
  return demo.ready;
}

/** Stops the platform on SIGINT/SIGTERM; a second signal or the timeout forces the exit. */
export function installSignalHandlers(platform: RunningPlatform, logger: Logger, timeoutMs: number): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    signalled = true;
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    platform.stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * Rules of several tokens from the cache, 8 venue reads at a time; tokens the venue does not know
 * (or cannot answer for now) are left out, and the backtest falls back to a 0.01 tick for them.
 */
function marketRulesLookup(cache: MarketRulesCache) {
  return async (assetIds: readonly string[]): Promise<ReadonlyMap<string, FillMarketRules>> => {
    const out = new Map<string, FillMarketRules>();
    let next = 0;
    const lane = async () => {
      while (next < assetIds.length) {
        const id = assetIds[next++]!;
        const rules = await cache.get(id).catch(() => null);
        if (rules) out.set(id, rules);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, assetIds.length) }, lane));
    return out;
  };
}
