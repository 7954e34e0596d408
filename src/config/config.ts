// The one place that reads the environment. Everything else receives a frozen, typed Config, so a
// misconfigured deployment fails at start with every problem listed, not at the first trade.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

function isBase64Key(v: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32;
}

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
    PUBLIC_URL: z
      .string()
      .url()
      .refine((v) => /^https?:\/\//.test(v), 'must be an http:// or https:// URL')
      .default('http://127.0.0.1:3000'),
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
  }>;
  mail: Readonly<{ smtpUrl: string | undefined; from: string }>;
  /** Base64 of 32 bytes; unset outside production means "generate one into the data folder". */
  vault: Readonly<{ masterKey: string | undefined }>;
}>;

const KNOWN_PREFIXED = new Set(['POLYCOPY_DATA_DIR', 'POLYCOPY_MASTER_KEY']);

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once. Reports every invalid variable in one error. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" (a common .env idiom: `REDIS_URL=`).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
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
  const e = parsed.data;
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
    api: Object.freeze({
      publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
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
    }),
    mail: Object.freeze({ smtpUrl: e.SMTP_URL, from: e.MAIL_FROM }),
    vault: Object.freeze({ masterKey: e.POLYCOPY_MASTER_KEY }),
  });
}
