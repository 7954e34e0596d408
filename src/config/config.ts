// The one place that reads the environment. Everything else receives a frozen, typed Config, so a
// misconfigured deployment fails at start with every problem listed, not at the first trade.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError, defaultPublicUrl } from './config-error.ts';
import { bool, httpUrl, isBase64Key, postgresUrl, wsUrl } from './env-fields.ts';

export { ConfigError, defaultPublicUrl };

export const ROLE_NAMES = ['api', 'ingest', 'worker', 'scheduler', 'telegram'] as const;
export type Role = (typeof ROLE_NAMES)[number];

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: postgresUrl.optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
    POLYCOPY_DATA_DIR: z.string().min(1).default('./.polycopy'),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
    REDIS_URL: z
      .string()
      .url()
      .refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL')
      .optional(),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    MIGRATE_ON_START: bool.default(true),
    TRADES_PARTITIONS_AHEAD: z.coerce.number().int().min(1).max(520).default(8),
    TRADES_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
    TRADE_QUEUE_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
    // Platform API (issue 6).
    POLYCOPY_MASTER_KEY: z
      .string()
      .refine((v) => isBase64Key(v), 'must be 32 random bytes, base64-encoded (openssl rand -base64 32)')
      .optional(),
    // Where people reach the API (verification and reset links); default: http://HOST:PORT.
    PUBLIC_URL: z
      .string()
      .url()
      .refine((v) => /^https?:\/\//.test(v), 'must be an http:// or https:// URL')
      .optional(),
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o !== ''),
      )
      .refine(
        (list) => list.every((o) => /^https?:\/\/[^/\s]+$/.test(o)),
        'must be a comma-separated list of origins like https://app.example.com (no path)',
      ),
    TRUST_PROXY: bool.default(false),
    API_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
    // The web dashboard's build, served at / by the api role (issue 13); nothing is served there when
    // the directory has no index.html.
    WEB_DIST_DIR: z
      .string()
      .min(1)
      .default(fileURLToPath(new URL('../../web/dist', import.meta.url))),
    RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(300),
    RATE_LIMIT_PER_USER: z.coerce.number().int().min(1).max(1_000_000).default(120),
    RATE_LIMIT_AUTH_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(10),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    SMTP_URL: z
      .string()
      .url()
      .refine((v) => /^smtps?:\/\//.test(v), 'must be an smtp:// or smtps:// URL')
      .optional(),
    MAIL_FROM: z.string().min(3).max(320).default('polycopy <no-reply@localhost>'),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'must be a bot token from @BotFather (123456:ABC...)')
      .optional(),
    // The Telegram bot (docs/telegram.md): Bot API base URL (tests point it at a local fake), webhooks
    // instead of long polling when a URL is set, and how notifications are paced.
    TELEGRAM_API_URL: httpUrl
      .refine((v) => !v.endsWith('/'), 'must not end with a slash')
      .default('https://api.telegram.org'),
    TELEGRAM_WEBHOOK_URL: httpUrl.optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -')
      .optional(),
    TELEGRAM_NOTIFY_BATCH_MS: z.coerce.number().int().min(0).max(60_000).default(1_500),
    TELEGRAM_DAILY_SUMMARY_HOUR_UTC: z.coerce.number().int().min(0).max(23).default(20),
    // GET /metrics: on by default (aggregates only); with a token, scrapes must send it as a bearer.
    METRICS_ENABLED: bool.default(true),
    METRICS_TOKEN: z
      .string()
      .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16-256 printable characters without spaces')
      .optional(),
    ROLES: z
      .string()
      .default('api,ingest,worker,scheduler')
      .transform((v) =>
        v
          .split(',')
          .map((r) => r.trim())
          .filter((r) => r !== ''),
      )
      .refine(
        (list) => list.every((r) => ROLE_NAMES.includes(r as Role)),
        `must be a comma-separated subset of ${ROLE_NAMES.join(',')}`,
      ),
    POLYMARKET_CLOB_URL: httpUrl.optional(),
    POLYMARKET_GAMMA_URL: httpUrl.optional(),
    POLYMARKET_DATA_URL: httpUrl.optional(),
    POLYMARKET_WS_MARKET_URL: wsUrl.optional(),
    POLYMARKET_RTDS_URL: wsUrl.optional(),
    POLYMARKET_CHAIN_ID: z.coerce.number().int().positive().default(137),
    SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
    SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    SIMULATOR_SEED: z.coerce.number().int().min(0).default(1),
    SIMULATOR_SPEED: z.coerce.number().min(0).max(10_000).default(1),
    // The month of history the built-in simulator starts with (docs/simulator.md, "History").
    SIMULATOR_HISTORY_DAYS: z.coerce.number().int().min(0).max(90).default(30),
    // Verify 1 order signature in N (throughput runs only; 1 = every order). docs/simulator.md.
    SIMULATOR_VERIFY_SAMPLE: z.coerce.number().int().min(1).max(1_000_000).default(1),
    // The demo account on the built-in simulator (README "The demo"); never with a real venue.
    DEMO: z
      .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'])
      .default('on')
      .transform((v) => v === 'on' || v === 'true' || v === '1' || v === 'yes'),
    PAPER_STARTING_BALANCE_USD: z
      .string()
      .regex(/^\d+(\.\d{1,6})?$/, 'must be a non-negative decimal amount')
      .default('10000'),
    // The wall-clock backstop of a copy's life (lateness is judged by price: a late copy is placed
    // while the book is within the follower's slippage of the leader's price, skipped as
    // price_moved when not). Minutes, the same default in production and in the benchmarks.
    COPY_TTL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(600_000),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
    WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(50),
    // A claim is a short lease renewed by a heartbeat (every third of it) while its worker lives:
    // a dead worker's rows are taken over within about this long.
    WORKER_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(5_000),
    // How long the executor reuses a market (state, tick, fees) and an order book it read for
    // pricing; see src/venue/market-cache.ts for why a little staleness is safe.
    WORKER_MARKET_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    WORKER_BOOK_CACHE_MS: z.coerce.number().int().min(0).max(5_000).default(250),
    // Live BUYs: leave the balance to the exchange (default), or also read it before each order.
    WORKER_LIVE_BALANCE_CHECK: z.enum(['exchange', 'read']).default('exchange'),
    // A live copy's fees at the ack: from the market's fee curve (no request), or from one
    // GET /data/trades per fill (exact for multi-level sweeps; paced at 900 per 10 s).
    WORKER_FEES_AT_ACK: z.enum(['schedule', 'trades']).default('schedule'),
    INGEST_POLL_INTERVAL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(15_000),
    // How long the stream legs of one leader order gather before one copy of them (0: off).
    INGEST_LEG_WINDOW_MS: z.coerce.number().int().min(0).max(1_000).default(25),
    // Data API gap closing: how far back a wallet with no checkpoint is read (copying starts when
    // following starts), and the furthest back a poll resumes from a stored checkpoint.
    INGEST_INITIAL_LOOKBACK_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
    INGEST_MAX_LOOKBACK_MS: z.coerce.number().int().min(60_000).max(604_800_000).default(3_600_000),
    // Detection from the chain (docs/detection.md): a Polygon websocket JSON-RPC for OrderFilled
    // logs, and HTTP for eth_getLogs catch-up (default: the websocket URL with http). With the
    // built-in simulator its own chain is used unless INGEST_CHAIN_FEED=off.
    POLYGON_WS_URL: wsUrl.optional(),
    POLYGON_HTTP_URL: httpUrl.optional(),
    INGEST_CHAIN_FEED: z.enum(['auto', 'off']).default('auto'),
    // RTDS this far behind the chain (or silent this long) is reported degraded, once.
    INGEST_RTDS_MAX_LAG_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
    // The furthest back a chain catch-up reads (blocks, ~2 s each); older gaps are the Data API's.
    INGEST_CHAIN_MAX_CATCH_UP_BLOCKS: z.coerce.number().int().min(10).max(100_000).default(1_800),
    // Stop-loss / take-profit / close exits: how far below the best bid they may sell (percent).
    EXIT_SLIPPAGE_PERCENT: z
      .string()
      .regex(/^\d+(\.\d{1,2})?$/, 'must be a percentage like 5 or 2.5')
      .refine((v) => Number(v) > 0 && Number(v) <= 25, 'must be more than 0 and at most 25')
      .default('5'),
    // Trader tracking (docs/analytics.md "Discovery and backfill", "Copyability"). 0 per list turns
    // leaderboard discovery off; followed wallets are tracked either way.
    DISCOVERY_PER_LIST: z.coerce.number().int().min(0).max(1_000).default(50),
    DISCOVERY_INTERVAL_MS: z.coerce.number().int().min(60_000).max(604_800_000).default(21_600_000),
    BACKFILL_INTERVAL_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(600_000),
    BACKFILL_DAYS: z.coerce.number().int().min(1).max(3_650).default(90),
    BACKFILL_MAX_PAGES: z.coerce.number().int().min(1).max(10_000).default(20),
    COPYABILITY_INTERVAL_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(900_000),
    // Leader metrics recompute (docs/analytics.md "Metrics", "Performance"): how often the scheduler
    // refreshes the token marks and recomputes every trader's figures, and on how many connections
    // (shards of traders computed concurrently, one PostgreSQL backend each).
    ANALYTICS_INTERVAL_MS: z.coerce.number().int().min(10_000).max(86_400_000).default(300_000),
    ANALYTICS_PARALLELISM: z.coerce.number().int().min(1).max(16).default(2),
    // Sizing from a balance (docs/copy-engine.md "Copy settings"): how often the scheduler re-reads
    // the live balances and the leaders' portfolio values those follows size from.
    SIZING_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(5_000).max(3_600_000).default(60_000),
    // Periodic jobs (docs/jobs.md "Warm-up"): while a fresh platform has fewer than MIN_TRADERS
    // traders, discovery and the metrics recompute run again every INTERVAL, for the first FOR of
    // leadership, so the first leaderboard appears within a minute instead of after 6 h.
    JOBS_WARMUP_INTERVAL_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
    JOBS_WARMUP_MIN_TRADERS: z.coerce.number().int().min(0).max(1_000).default(10),
    JOBS_WARMUP_FOR_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
  })
  // Unknown POLYCOPY_* variables are almost always typos of real ones; say so instead of ignoring them.
  .passthrough();

export type Config = Readonly<{
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: string;
  database: Readonly<{ url: string | undefined; poolMax: number }>;
  dataDir: string;
  embeddedPgPort: number;
  redisUrl: string | undefined;
  http: Readonly<{ host: string; port: number }>;
  shutdownTimeoutMs: number;
  migrateOnStart: boolean;
  trades: Readonly<{ partitionsAhead: number; retentionDays: number }>;
  tradeQueueRetentionDays: number;
  api: Readonly<{
    /** Where users reach the platform; links in mails point here. */
    publicUrl: string;
    corsOrigins: readonly string[];
    trustProxy: boolean;
    bodyLimitBytes: number;
    /** Requests per minute. */
    rateLimit: Readonly<{ perIp: number; perUser: number; authPerIp: number }>;
    accessTokenTtlSeconds: number;
    refreshTokenTtlDays: number;
    /** Verifies Telegram login widget payloads; unset: Telegram sign-in answers 503. */
    telegramBotToken: string | undefined;
    /** The web dashboard's build (web/dist), served at /. */
    webDistDir: string;
  }>;
  /**
   * The Telegram bot: runs with the `telegram` role (added to the default roles when a token is
   * set). Webhooks when webhookUrl is set (served by the api role), long polling otherwise.
   */
  telegram: Readonly<{
    botToken: string | undefined;
    apiUrl: string;
    webhookUrl: string | undefined;
    /** Checked against X-Telegram-Bot-Api-Secret-Token; derived from the token when not set. */
    webhookSecret: string | undefined;
    /** A user's notifications wait this long for more of the same burst, then go as one message. */
    notifyBatchMs: number;
    dailySummaryHourUtc: number;
  }>;
  /** GET /metrics: served when enabled; with a token, only to `Authorization: Bearer <token>`. */
  metrics: Readonly<{ enabled: boolean; token: string | undefined }>;
  mail: Readonly<{ smtpUrl: string | undefined; from: string }>;
  /** Base64 of 32 bytes; unset outside production means "generate one into the data folder". */
  vault: Readonly<{ masterKey: string | undefined }>;
  roles: readonly Role[];
  /**
   * Real Polymarket when POLYMARKET_CLOB_URL is set (every host then comes from the environment,
   * defaulting to Polymarket's production hosts); otherwise the built-in simulator.
   */
  venue: Readonly<
    | {
        kind: 'polymarket';
        chainId: number;
        hosts: Readonly<{ clob: string; gamma: string; data: string; wsMarket: string; rtds: string }>;
      }
    | {
        kind: 'simulator';
        host: string;
        port: number;
        seed: number;
        speed: number;
        historyDays: number;
        verifySample: number;
      }
  >;
  /**
   * The demo account: created on start when enabled AND the venue is the built-in simulator (a real
   * venue never gets one, whatever DEMO says).
   */
  demo: Readonly<{ enabled: boolean }>;
  engine: Readonly<{
    paperStartingBalanceUsd: string;
    copyTtlMs: number;
    workerConcurrency: number;
    workerBatchSize: number;
    workerLeaseMs: number;
    workerMarketCacheMs: number;
    workerBookCacheMs: number;
    workerLiveBalanceCheck: 'exchange' | 'read';
    workerFeesAtAck: 'schedule' | 'trades';
    ingestPollIntervalMs: number;
    /** INGEST_LEG_WINDOW_MS: the legs of one leader order gather this long (src/ingest/leg-grouper.ts). */
    ingestLegWindowMs: number;
    ingestInitialLookbackMs: number;
    ingestMaxLookbackMs: number;
    /** POLYGON_WS_URL / POLYGON_HTTP_URL; null = none configured (the simulator may supply its own). */
    polygonWsUrl: string | null;
    polygonHttpUrl: string | null;
    chainFeed: 'auto' | 'off';
    rtdsMaxLagMs: number;
    chainMaxCatchUpBlocks: number;
    /** Decimal string, percent: exits sell down to best bid × (1 − this / 100). */
    exitSlippagePercent: string;
  }>;
  /** Which traders are tracked and how their history is kept (src/analytics/). */
  tracking: Readonly<{
    /** Wallets taken from each venue leaderboard list (orderBy × timePeriod); 0 = discovery off. */
    discoveryPerList: number;
    discoveryIntervalMs: number;
    backfillIntervalMs: number;
    /** How far back a newly tracked trader's history is read. */
    backfillDays: number;
    /** Data API pages per trader per backfill run (the checkpoint carries the rest to the next run). */
    backfillMaxPages: number;
    copyabilityIntervalMs: number;
  }>;
  /** Leader metrics: the scheduler's analytics job (src/analytics/analytics-job.ts). */
  analytics: Readonly<{ intervalMs: number; parallelism: number }>;
  /** Live balances and leader portfolio values for balance-based sizing (src/analytics/sizing-snapshot-jobs.ts). */
  sizing: Readonly<{ snapshotIntervalMs: number }>;
  /** The periodic jobs (src/jobs/catalog.ts): the warm-up of a fresh platform. */
  jobs: Readonly<{ warmup: Readonly<{ intervalMs: number; minTraders: number; forMs: number }> }>;
}>;

const KNOWN_PREFIXED = new Set(['POLYCOPY_DATA_DIR', 'POLYCOPY_MASTER_KEY']);

/** The environment with some variables overridden (a CLI flag standing for its variable). */
export function loadConfigOverriding(overrides: Record<string, string>): Config {
  return loadConfig({ ...process.env, ...overrides });
}

/** Parses the environment once. Reports every invalid variable in one error. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" (a common .env idiom: `REDIS_URL=`).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const e = parseEnvironment(cleaned);
  const roles = [...(e.ROLES as Role[])];
  // `polycopy start` also runs the bot when a token is set and ROLES was left at its default.
  if (cleaned.ROLES === undefined && e.TELEGRAM_BOT_TOKEN && !roles.includes('telegram'))
    roles.push('telegram');
  if (roles.includes('telegram') && !e.TELEGRAM_BOT_TOKEN)
    throw new ConfigError(['ROLES: the telegram role needs TELEGRAM_BOT_TOKEN']);
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    database: Object.freeze({ url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX }),
    dataDir: e.POLYCOPY_DATA_DIR,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    redisUrl: e.REDIS_URL,
    http: Object.freeze({ host: e.HOST, port: e.PORT }),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    migrateOnStart: e.MIGRATE_ON_START,
    trades: Object.freeze({
      partitionsAhead: e.TRADES_PARTITIONS_AHEAD,
      retentionDays: e.TRADES_RETENTION_DAYS,
    }),
    tradeQueueRetentionDays: e.TRADE_QUEUE_RETENTION_DAYS,
    api: apiConfig(e),
    telegram: Object.freeze({
      botToken: e.TELEGRAM_BOT_TOKEN,
      apiUrl: e.TELEGRAM_API_URL,
      webhookUrl: e.TELEGRAM_WEBHOOK_URL,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      notifyBatchMs: e.TELEGRAM_NOTIFY_BATCH_MS,
      dailySummaryHourUtc: e.TELEGRAM_DAILY_SUMMARY_HOUR_UTC,
    }),
    metrics: Object.freeze({ enabled: e.METRICS_ENABLED, token: e.METRICS_TOKEN }),
    mail: Object.freeze({ smtpUrl: e.SMTP_URL, from: e.MAIL_FROM }),
    vault: Object.freeze({ masterKey: e.POLYCOPY_MASTER_KEY }),
    roles: Object.freeze(roles),
    venue: venueConfig(e),
    demo: Object.freeze({ enabled: e.DEMO }),
    engine: engineConfig(e),
    tracking: Object.freeze({
      discoveryPerList: e.DISCOVERY_PER_LIST,
      discoveryIntervalMs: e.DISCOVERY_INTERVAL_MS,
      backfillIntervalMs: e.BACKFILL_INTERVAL_MS,
      backfillDays: e.BACKFILL_DAYS,
      backfillMaxPages: e.BACKFILL_MAX_PAGES,
      copyabilityIntervalMs: e.COPYABILITY_INTERVAL_MS,
    }),
    analytics: Object.freeze({ intervalMs: e.ANALYTICS_INTERVAL_MS, parallelism: e.ANALYTICS_PARALLELISM }),
    sizing: Object.freeze({ snapshotIntervalMs: e.SIZING_SNAPSHOT_INTERVAL_MS }),
    jobs: Object.freeze({
      warmup: Object.freeze({
        intervalMs: e.JOBS_WARMUP_INTERVAL_MS,
        minTraders: e.JOBS_WARMUP_MIN_TRADERS,
        forMs: e.JOBS_WARMUP_FOR_MS,
      }),
    }),
  });
}

type Env = z.infer<typeof envSchema>;

/** The schema's reading of the environment, or every problem with it in one ConfigError. */
function parseEnvironment(cleaned: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(cleaned);
  const issues: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.') || '(root)';
      issues.push(`${key}: ${issue.message}`);
    }
  }
  for (const key of Object.keys(cleaned)) {
    if (key.startsWith('POLYCOPY_') && !KNOWN_PREFIXED.has(key)) issues.push(`${key}: unknown variable`);
  }
  // A production deployment must bring its own master key: a generated one would live next to the
  // data it protects, and a lost one makes every stored credential unreadable.
  if ((cleaned.NODE_ENV ?? 'development') === 'production' && !cleaned.POLYCOPY_MASTER_KEY) {
    issues.push('POLYCOPY_MASTER_KEY: required when NODE_ENV=production');
  }
  if (issues.length > 0 || !parsed.success) throw new ConfigError(issues);
  return parsed.data;
}

function apiConfig(e: Env): Config['api'] {
  return Object.freeze({
    publicUrl: (e.PUBLIC_URL ?? defaultPublicUrl(e.HOST, e.PORT)).replace(/\/+$/, ''),
    corsOrigins: Object.freeze([...e.CORS_ORIGINS]),
    trustProxy: e.TRUST_PROXY,
    bodyLimitBytes: e.API_BODY_LIMIT_BYTES,
    rateLimit: Object.freeze({
      perIp: e.RATE_LIMIT_PER_IP,
      perUser: e.RATE_LIMIT_PER_USER,
      authPerIp: e.RATE_LIMIT_AUTH_PER_IP,
    }),
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    telegramBotToken: e.TELEGRAM_BOT_TOKEN,
    webDistDir: e.WEB_DIST_DIR,
  });
}

function venueConfig(e: Env): Config['venue'] {
  return Object.freeze(
    e.POLYMARKET_CLOB_URL
      ? {
          kind: 'polymarket' as const,
          chainId: e.POLYMARKET_CHAIN_ID,
          hosts: Object.freeze({
            clob: e.POLYMARKET_CLOB_URL,
            gamma: e.POLYMARKET_GAMMA_URL ?? 'https://gamma-api.polymarket.com',
            data: e.POLYMARKET_DATA_URL ?? 'https://data-api.polymarket.com',
            wsMarket: e.POLYMARKET_WS_MARKET_URL ?? 'wss://ws-subscriptions-clob.polymarket.com/ws/market',
            rtds: e.POLYMARKET_RTDS_URL ?? 'wss://ws-live-data.polymarket.com',
          }),
        }
      : {
          kind: 'simulator' as const,
          host: e.SIMULATOR_HOST,
          port: e.SIMULATOR_PORT,
          seed: e.SIMULATOR_SEED,
          speed: e.SIMULATOR_SPEED,
          historyDays: e.SIMULATOR_HISTORY_DAYS,
          verifySample: e.SIMULATOR_VERIFY_SAMPLE,
        },
  );
}

function engineConfig(e: Env): Config['engine'] {
  return Object.freeze({
    paperStartingBalanceUsd: e.PAPER_STARTING_BALANCE_USD,
    copyTtlMs: e.COPY_TTL_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerBatchSize: e.WORKER_BATCH_SIZE,
    workerLeaseMs: e.WORKER_LEASE_MS,
    workerMarketCacheMs: e.WORKER_MARKET_CACHE_MS,
    workerBookCacheMs: e.WORKER_BOOK_CACHE_MS,
    workerLiveBalanceCheck: e.WORKER_LIVE_BALANCE_CHECK,
    workerFeesAtAck: e.WORKER_FEES_AT_ACK,
    ingestPollIntervalMs: e.INGEST_POLL_INTERVAL_MS,
    ingestLegWindowMs: e.INGEST_LEG_WINDOW_MS,
    ingestInitialLookbackMs: e.INGEST_INITIAL_LOOKBACK_MS,
    ingestMaxLookbackMs: e.INGEST_MAX_LOOKBACK_MS,
    polygonWsUrl: e.POLYGON_WS_URL ?? null,
    polygonHttpUrl: e.POLYGON_HTTP_URL ?? null,
    chainFeed: e.INGEST_CHAIN_FEED,
    rtdsMaxLagMs: e.INGEST_RTDS_MAX_LAG_MS,
    chainMaxCatchUpBlocks: e.INGEST_CHAIN_MAX_CATCH_UP_BLOCKS,
    exitSlippagePercent: e.EXIT_SLIPPAGE_PERCENT,
  });
}
