// Redis killed under a running platform (a PRIVATE redis-server): the API keeps answering — reads,
// sign-up and sign-in, the leaderboard — because rate limits let requests through and caches fall
// back to the database; /ready stays 200 but says `degraded` with the Redis error (so a load
// balancer keeps the process); when Redis is back, /ready is `ready` again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../../src/app/platform.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { privateRedis, type PrivateRedis } from '../../support/private-redis.ts';
import { useTestDatabase } from '../../support/test-database.ts';

interface Ready {
  status: string;
  checks: Record<string, { ok: boolean; optional?: boolean; error?: string }>;
}

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await read();
  while (!done(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    v = await read();
  }
  return v;
}

describe('a Redis outage', () => {
  const t = useTestDatabase();
  let redis: PrivateRedis;
  let platform: RunningPlatform;

  beforeAll(async () => {
    redis = await privateRedis();
    await redis.start();
    platform = await startPlatform(
      loadConfig({
        DATABASE_URL: t.current.url,
        REDIS_URL: redis.url,
        PORT: '0',
        SIMULATOR_PORT: '0',
        SIMULATOR_HISTORY_DAYS: '0',
        DEMO: 'off',
        ROLES: 'api',
        LOG_LEVEL: 'silent',
      }),
      createLogger('silent'),
    );
  }, 60_000);

  afterAll(async () => {
    await platform?.stop('test');
    await redis?.kill();
  });

  const ready = async () => {
    const res = await fetch(`${platform.url}/ready`);
    return { code: res.status, body: (await res.json()) as Ready };
  };
  const api = (path: string, init?: RequestInit) => fetch(`${platform.url}/api/v1${path}`, init);
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  it('the API keeps serving, /ready says degraded (200), and ready again when Redis is back', async () => {
    const before = await ready();
    expect(before.code).toBe(200);
    expect(before.body.status).toBe('ready');
    expect(before.body.checks.redis).toEqual({ ok: true });

    await redis.kill();
    const down = await waitFor(ready, (r) => r.body.status !== 'ready');
    expect(down.code).toBe(200);
    expect(down.body.status).toBe('degraded');
    expect(down.body.checks.redis).toMatchObject({ ok: false, optional: true, error: expect.any(String) });
    expect(down.body.checks.database).toEqual({ ok: true });

    expect((await api('/leaderboard')).status).toBe(200);
    const email = `redis-down-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    const signUp = await api('/auth/register', json({ email, password }));
    expect(signUp.status).toBe(201);
    const signIn = await api('/auth/login', json({ email, password }));
    expect(signIn.status).toBe(200);
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const me = await api('/me', { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);

    await redis.start();
    const back = await waitFor(ready, (r) => r.body.status === 'ready', 30_000);
    expect(back.code).toBe(200);
    expect(back.body.checks.redis).toEqual({ ok: true });
    expect((await api('/leaderboard')).status).toBe(200);
  }, 90_000);
});
