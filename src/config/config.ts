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
}>;

const KNOWN_PREFIXED = new Set(['POLYCOPY_DATA_DIR']);

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
  });
}
