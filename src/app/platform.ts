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
import type { FeedSnapshot } from '../ingest/feed-health.ts';
import { Decimal } from '../domain/money.ts';
import { openPositionsSource } from './open-positions-source.ts';
import { resolveMasterKey } from '../vault/master-key.ts';
import { sizingJobs, startIngest, startScheduler, startWorker } from './start-engine.ts';
import { startVenue } from './start-venue.ts';
import { jobSettings, jobSpecs } from '../jobs/catalog.ts';
import { renderJobMetrics } from '../jobs/job-metrics.ts';
import { listJobs } from '../services/list-jobs.ts';
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

export async function startPlatform(config: Config, logger: Logger): Promise<RunningPlatform> {
  const cleanups: Array<{ name: string; fn: () => Promise<void> }> = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c.fn();
      } catch (err) {
        logger.error({ err, component: c.name }, 'error during shutdown');
      }
    }
  };
  try {
    const database = await resolveDatabase(config, (line) =>
      // Waiting for another process's server is worth saying; the server's own chatter is not.
      line.startsWith('another process')
        ? logger.info({ component: 'embedded-pg' }, line)
        : logger.debug({ component: 'embedded-pg' }, line),
    );
    cleanups.push({ name: 'database-server', fn: database.stop });
    logger.info(
      { embedded: database.embedded },
      database.embedded ? 'using embedded PostgreSQL' : 'using DATABASE_URL',
    );

    const db = createDb(database.url, { poolMax: config.database.poolMax, applicationName: 'polycopy' });
    cleanups.push({ name: 'database-pool', fn: db.close });
    if (config.migrateOnStart) {
      const results = await migrateUp(db.db);
      for (const r of results)
        logger.info({ migration: r.migrationName, status: r.status }, 'migration applied');
    }
    await ensureTradesPartitions(db.db, config.trades.partitionsAhead);

    const venue = await startVenue(config, logger);
    cleanups.push({ name: 'venue', fn: venue.stop });

    const masterKey = await resolveMasterKey(
      { configured: config.vault.masterKey, nodeEnv: config.nodeEnv, dataDir: config.dataDir },
      logger,
    );
    const checks: ReadinessCheck[] = [
      { name: 'database', check: async () => void (await sql`SELECT 1`.execute(db.db)) },
      { name: 'venue', check: async () => void (await venue.marketData.clob.getServerTime()) },
    ];
    let redis: Redis | undefined;
    if (config.redisUrl) {
      const client = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
      client.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis error'));
      cleanups.push({ name: 'redis', fn: async () => void client.disconnect() });
      // Optional: without Redis, rate limits let requests through and caches are per process.
      checks.push({ name: 'redis', optional: true, check: async () => void (await client.ping()) });
      redis = client;
    }
    const smtp = config.mail.smtpUrl ? createSmtpMailer(config.mail.smtpUrl, config.mail.from) : undefined;
    if (smtp) cleanups.push({ name: 'smtp', fn: async () => smtp.close() });
    const app = buildHttpApp({ logger, checks, trustProxy: config.api.trustProxy });
    // Live updates: one LISTEN connection per API process fans user events out to its SSE streams
    // (registerApi finds the hub on the app and serves /api/v1/events).
    const hub = config.roles.includes('api') ? new UserEventHub({ databaseUrl: database.url, logger }) : null;
    if (hub) {
      await hub.start();
      cleanups.push({ name: 'user-events', fn: () => hub.close() });
      app.decorate(USER_EVENT_HUB, hub);
    }
    // /metrics on every role (before the API, so its request-duration hook covers every route).
    const jobs = jobSpecs(jobSettings(config));
    const metrics = new PlatformMetrics({
      db: db.db,
      ...(hub ? { events: hub } : {}),
      collectors: [collectFeedFigures, (d) => renderJobMetrics(d, jobs)],
    });
    registerMetricsEndpoint(app, metrics, {
      enabled: config.metrics.enabled,
      token: config.metrics.token ?? null,
    });
    const engine = {
      config,
      db: db.db,
      databaseUrl: database.url,
      logger,
      venue,
      // Live venues: the user's credentials, decrypted only for the call (the worker's orders, and the
      // balance reads of balance-based sizing).
      live: createLiveVenueFactory({
        db: db.db,
        masterKey,
        clock: systemClock,
        hosts: venue.hosts,
        chainId: venue.chainId,
        limiter: venue.limiter,
        rulesCache: venue.rulesCache,
        feesAtAck: config.engine.workerFeesAtAck,
      }),
    };
    if (config.roles.includes('api'))
      await registerApi(app, {
        db: db.db,
        clock: systemClock,
        logger,
        accessTokens: new AccessTokens(
          deriveAccessTokenKey(masterKey.bytes()),
          config.api.accessTokenTtlSeconds,
          systemClock,
        ),
        // Outside production the log is the mail transport and prints the link (docs/api.md).
        mailer: smtp ?? createLogMailer(logger, { includeLinks: config.nodeEnv !== 'production' }),
        masterKey,
        // Credentials are verified with an authenticated balance call before they are stored.
        credentialVerifier: new PolymarketCredentialVerifier({
          hosts: venue.hosts,
          chainId: venue.chainId,
          limiter: venue.limiter,
        }),
        ...(redis ? { redis } : {}),
        marketRules: marketRulesLookup(new MarketRulesCache(venue.marketData)),
        // A follow created or edited into balance-based sizing reads its snapshots at once.
        sizingSnapshots: sizingJobs(engine),
        jobs,
        openPositions: {
          source: openPositionsSource(venue.marketData),
          copyTtlMs: config.engine.copyTtlMs,
          paperStartingBalanceUsd: new Decimal(config.engine.paperStartingBalanceUsd),
        },
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
      });
    if (config.roles.includes('worker')) {
      const worker = await startWorker(engine);
      cleanups.push({ name: 'worker', fn: () => worker.stop() });
    }
    if (config.roles.includes('ingest')) {
      const detector = await startIngest(engine);
      cleanups.push({ name: 'ingest', fn: () => detector.stop() });
      checks.push({
        name: 'ingest',
        check: async () => {
          // A standby is healthy; an active detector must have heard from a stream (RTDS or the
          // chain) recently. A degraded feed is shown, not failed: the others carry on.
          if (!detector.isLeader) return { active: false };
          const feeds = detector.feeds();
          const heard = feeds
            .filter((f) => f.feed !== 'data_api')
            .map((f) => f.lastMessageAt ?? 0)
            .reduce((a, b) => Math.max(a, b), detector.leaderSince ?? 0);
          if (Date.now() - heard > 120_000) throw new Error('no stream data for 2 minutes');
          return { active: true, feeds: feeds.map(feedDetails) };
        },
      });
    }
    if (config.roles.includes('scheduler')) {
      const scheduler = startScheduler(engine);
      cleanups.push({ name: 'scheduler', fn: () => scheduler.stop() });
      checks.push({
        name: 'jobs',
        check: async () => {
          // A standby is healthy; the active scheduler must be running every one of its jobs.
          if (!scheduler.isLeader) return;
          const own = jobs.filter((j) => j.role === 'scheduler');
          const stopped = (await listJobs({ db: db.db, clock: systemClock }, own)).filter(
            (j) => j.stoppedRunning,
          );
          if (stopped.length > 0)
            throw new Error(
              `jobs stopped running: ${stopped.map((j) => `${j.name} (${j.state})`).join(', ')}`,
            );
        },
      });
    }

    // The Telegram bot (docs/telegram.md): webhooks are served by every api process; the telegram
    // role (one active across processes) polls or registers the webhook, and sends notifications.
    if (config.roles.includes('api') && config.telegram.botToken && config.telegram.webhookUrl)
      await registerTelegramWebhook(app, { config, db: db.db, logger, masterKey });
    if (config.roles.includes('telegram')) {
      const telegram = await startTelegram({
        config,
        db: db.db,
        databaseUrl: database.url,
        logger,
        masterKey,
        sizingSnapshots: sizingJobs(engine),
      });
      cleanups.push({ name: 'telegram', fn: () => telegram.stop() });
    }

    const url = await app.listen({ host: config.http.host, port: config.http.port });
    cleanups.push({ name: 'http', fn: () => app.close() });
    logger.info({ url, roles: config.roles, simulator: venue.simulatorUrl }, 'polycopy is up');
    // The demo account (simulator only, DEMO=off turns it off) is set up by a process that serves
    // the API, where its person signs in; it does not hold up the start.
    let demoReady: Promise<DemoUser | null> = Promise.resolve(null);
    if (config.roles.includes('api')) {
      const demo = startDemo({
        config,
        url,
        logger,
        follow: {
          db: db.db,
          clock: systemClock,
          masterKey,
          openPositions: {
            source: openPositionsSource(venue.marketData),
            copyTtlMs: config.engine.copyTtlMs,
            paperStartingBalanceUsd: new Decimal(config.engine.paperStartingBalanceUsd),
          },
        },
      });
      cleanups.push({ name: 'demo', fn: () => demo.stop() });
      demoReady = demo.ready;
    }

    let stopping: Promise<void> | undefined;
    return {
      url,
      db,
      simulatorUrl: venue.simulatorUrl,
      demoReady,
      stop: (reason = 'stop requested') =>
        (stopping ??= (async () => {
          logger.info({ reason }, 'shutting down');
          await stopAll();
          logger.info('stopped');
        })()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
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
/** A feed's state for /ready (JSON: no bigint, ISO times). */
function feedDetails(f: FeedSnapshot) {
  return {
    feed: f.feed,
    configured: f.configured,
    connected: f.connected,
    degraded: f.degraded,
    lastMessageAt: f.lastMessageAt === null ? null : new Date(f.lastMessageAt).toISOString(),
    lagMs: f.lagMs,
    headBlock: f.headBlock === null ? null : f.headBlock.toString(),
    ...(f.detail ? { detail: f.detail } : {}),
  };
}

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
