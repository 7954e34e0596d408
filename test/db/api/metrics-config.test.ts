// METRICS_ENABLED and METRICS_TOKEN reach the /metrics route of a started platform (config →
// startPlatform → registerMetricsEndpoint): with a token a scrape must send it, without the switch
// the route does not exist. The platform runs in-process with the api role only.
import { describe, expect, it } from 'vitest';
import { startPlatform } from '../../../src/app/platform.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { useTestDatabase } from '../../support/test-database.ts';

describe('/metrics configuration', () => {
  const t = useTestDatabase();
  const start = (env: Record<string, string>) =>
    startPlatform(
      loadConfig({
        DATABASE_URL: t.current.url,
        PORT: '0',
        SIMULATOR_PORT: '0',
        SIMULATOR_HISTORY_DAYS: '0',
        LOG_LEVEL: 'silent',
        ROLES: 'api',
        REDIS_URL: '',
        ...env,
      }),
      createLogger('silent'),
    );

  it('METRICS_TOKEN: a scrape without the bearer token is refused (401), with it served', async () => {
    const token = 'scrape-0123456789abcdef';
    const platform = await start({ METRICS_TOKEN: token });
    try {
      const anonymous = await fetch(`${platform.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({
        error: { code: 'unauthenticated', message: expect.any(String) },
      });
      const wrong = await fetch(`${platform.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const ok = await fetch(`${platform.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('# TYPE polycopy_queue_depth gauge');
    } finally {
      await platform.stop('test');
    }
  }, 60_000);

  it('METRICS_ENABLED=false: no /metrics route; the API still answers', async () => {
    const platform = await start({ METRICS_ENABLED: 'false' });
    try {
      expect((await fetch(`${platform.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${platform.url}/api/v1/leaderboard`)).status).toBe(200);
    } finally {
      await platform.stop('test');
    }
  }, 60_000);
});
