import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.ts';

describe('loadConfig', () => {
  it('applies documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      nodeEnv: 'development',
      database: { url: undefined, poolMax: 20 },
      dataDir: './.polycopy',
      embeddedPgPort: 54329,
      http: { host: '127.0.0.1', port: 3000 },
      migrateOnStart: true,
      trades: { partitionsAhead: 8, retentionDays: 0 },
      tradeQueueRetentionDays: 7,
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
  });

  it('parses valid values', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      PORT: '8080',
      MIGRATE_ON_START: 'false',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(c.database.url).toBe('postgresql://u:p@db:5432/x');
    expect(c.http.port).toBe(8080);
    expect(c.migrateOnStart).toBe(false);
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '' }).database.url).toBeUndefined();
  });

  it('reports every invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_URL: 'mysql://nope',
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        MIGRATE_ON_START: 'maybe',
        REDIS_URL: 'http://x',
        POLYCOPY_DATADIR: '/tmp/typo',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((i) => i.split(':')[0]);
    expect(issues.sort()).toEqual(
      ['DATABASE_URL', 'LOG_LEVEL', 'MIGRATE_ON_START', 'PORT', 'POLYCOPY_DATADIR', 'REDIS_URL'].sort(),
    );
    expect((error as ConfigError).message).toContain('POLYCOPY_DATADIR: unknown variable');
  });

  it('rejects out-of-range numbers', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_POOL_MAX: '0' })).toThrow(/DATABASE_POOL_MAX/);
  });

  it('parses the API settings, with defaults', () => {
    expect(loadConfig({}).api).toEqual({
      publicUrl: 'http://127.0.0.1:3000',
      corsOrigins: [],
      trustProxy: false,
      bodyLimitBytes: 65_536,
      rateLimit: { perIp: 300, perUser: 120, authPerIp: 10 },
      accessTokenTtlSeconds: 900,
      refreshTokenTtlDays: 30,
      // The repository's web/dist, wherever the process was started from.
      webDistDir: fileURLToPath(new URL('../../../web/dist', import.meta.url)),
    });
    expect(loadConfig({ WEB_DIST_DIR: '/srv/polycopy/web' }).api.webDistDir).toBe('/srv/polycopy/web');
    const c = loadConfig({
      PUBLIC_URL: 'https://copy.example.com/',
      CORS_ORIGINS: 'https://copy.example.com, http://localhost:5173',
      SMTP_URL: 'smtp://u:p@mail.example.com:587',
      POLYCOPY_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(c.api.publicUrl).toBe('https://copy.example.com');
    // Unset, the links name the address the platform listens on, not a fixed port.
    expect(loadConfig({ PORT: '3171' }).api.publicUrl).toBe('http://127.0.0.1:3171');
    expect(loadConfig({ HOST: 'copy.internal', PORT: '8080' }).api.publicUrl).toBe(
      'http://copy.internal:8080',
    );
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '80' }).api.publicUrl).toBe('http://localhost:80');
    expect(loadConfig({ HOST: '::1', PORT: '3000' }).api.publicUrl).toBe('http://[::1]:3000');
    expect(c.api.corsOrigins).toEqual(['https://copy.example.com', 'http://localhost:5173']);
    expect(c.mail.smtpUrl).toBe('smtp://u:p@mail.example.com:587');
    expect(c.vault.masterKey).toBe(Buffer.alloc(32, 7).toString('base64'));
  });

  it('requires a valid master key in production and rejects bad API settings', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/POLYCOPY_MASTER_KEY: required/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', POLYCOPY_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') }),
    ).not.toThrow();
    let error: unknown;
    try {
      loadConfig({
        POLYCOPY_MASTER_KEY: Buffer.alloc(16).toString('base64'),
        CORS_ORIGINS: 'https://ok.example.com,https://bad.example.com/path',
        SMTP_URL: 'http://mail',
        ACCESS_TOKEN_TTL_SECONDS: '5',
      });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).issues.map((i) => i.split(':')[0]).sort()).toEqual(
      ['ACCESS_TOKEN_TTL_SECONDS', 'CORS_ORIGINS', 'POLYCOPY_MASTER_KEY', 'SMTP_URL'].sort(),
    );
  });

  it('reads the /metrics switch and bearer token, and never echoes a refused token', () => {
    expect(loadConfig({}).metrics).toEqual({ enabled: true, token: undefined });
    const token = 'scrape-token-0123456789abcdef';
    expect(loadConfig({ METRICS_ENABLED: 'false', METRICS_TOKEN: token }).metrics).toEqual({
      enabled: false,
      token,
    });
    expect(loadConfig({ METRICS_ENABLED: '1' }).metrics.enabled).toBe(true);
    expect(Object.isFrozen(loadConfig({}).metrics)).toBe(true);
    let error: unknown;
    try {
      loadConfig({ METRICS_ENABLED: 'sometimes', METRICS_TOKEN: 'short secret' });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).issues.map((i) => i.split(':')[0]).sort()).toEqual([
      'METRICS_ENABLED',
      'METRICS_TOKEN',
    ]);
    expect((error as ConfigError).message).not.toContain('short secret');
  });

  it('reads the exit slippage tolerance and the Data API lookbacks, with documented defaults', () => {
    expect(loadConfig({}).engine).toMatchObject({
      exitSlippagePercent: '5',
      ingestInitialLookbackMs: 60_000,
      ingestMaxLookbackMs: 3_600_000,
    });
    expect(
      loadConfig({
        EXIT_SLIPPAGE_PERCENT: '2.5',
        INGEST_INITIAL_LOOKBACK_MS: '0',
        INGEST_MAX_LOOKBACK_MS: '86400000',
      }).engine,
    ).toMatchObject({
      exitSlippagePercent: '2.5',
      ingestInitialLookbackMs: 0,
      ingestMaxLookbackMs: 86_400_000,
    });
    for (const bad of ['0', '25.01', '-1', '5%', '1.234']) {
      let error: unknown;
      try {
        loadConfig({ EXIT_SLIPPAGE_PERCENT: bad });
      } catch (err) {
        error = err;
      }
      expect(new Set((error as ConfigError).issues.map((i) => i.split(':')[0]))).toEqual(
        new Set(['EXIT_SLIPPAGE_PERCENT']),
      );
    }
    expect(() => loadConfig({ INGEST_MAX_LOOKBACK_MS: '1000' })).toThrow(/INGEST_MAX_LOOKBACK_MS/);
  });

  it('parses the trader-tracking settings (discovery, backfill, copyability), with defaults', () => {
    expect(loadConfig({}).tracking).toEqual({
      discoveryPerList: 50,
      discoveryIntervalMs: 21_600_000,
      backfillIntervalMs: 600_000,
      backfillDays: 90,
      backfillMaxPages: 20,
      copyabilityIntervalMs: 900_000,
    });
    expect(Object.isFrozen(loadConfig({}).tracking)).toBe(true);
    expect(
      loadConfig({
        DISCOVERY_PER_LIST: '0',
        DISCOVERY_INTERVAL_MS: '60000',
        BACKFILL_INTERVAL_MS: '10000',
        BACKFILL_DAYS: '365',
        BACKFILL_MAX_PAGES: '5',
        COPYABILITY_INTERVAL_MS: '60000',
      }).tracking,
    ).toEqual({
      discoveryPerList: 0,
      discoveryIntervalMs: 60_000,
      backfillIntervalMs: 10_000,
      backfillDays: 365,
      backfillMaxPages: 5,
      copyabilityIntervalMs: 60_000,
    });
    let error: unknown;
    try {
      loadConfig({
        DISCOVERY_PER_LIST: '1001',
        DISCOVERY_INTERVAL_MS: '59999',
        BACKFILL_DAYS: '0',
        BACKFILL_MAX_PAGES: 'many',
        COPYABILITY_INTERVAL_MS: '-1',
      });
    } catch (err) {
      error = err;
    }
    expect(new Set((error as ConfigError).issues.map((i) => i.split(':')[0]))).toEqual(
      new Set([
        'DISCOVERY_PER_LIST',
        'DISCOVERY_INTERVAL_MS',
        'BACKFILL_DAYS',
        'BACKFILL_MAX_PAGES',
        'COPYABILITY_INTERVAL_MS',
      ]),
    );
  });

  it('parses the leader-metrics settings (analytics interval, parallelism), with defaults', () => {
    expect(loadConfig({}).analytics).toEqual({ intervalMs: 300_000, parallelism: 2 });
    expect(Object.isFrozen(loadConfig({}).analytics)).toBe(true);
    expect(loadConfig({ ANALYTICS_INTERVAL_MS: '10000', ANALYTICS_PARALLELISM: '1' }).analytics).toEqual({
      intervalMs: 10_000,
      parallelism: 1,
    });
    let error: unknown;
    try {
      loadConfig({ ANALYTICS_INTERVAL_MS: '9999', ANALYTICS_PARALLELISM: '17' });
    } catch (err) {
      error = err;
    }
    expect(new Set((error as ConfigError).issues.map((i) => i.split(':')[0]))).toEqual(
      new Set(['ANALYTICS_INTERVAL_MS', 'ANALYTICS_PARALLELISM']),
    );
    expect(() => loadConfig({ ANALYTICS_PARALLELISM: '0' })).toThrow(/ANALYTICS_PARALLELISM/);
  });
});
