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
});
