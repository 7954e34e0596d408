// Rate limits shared through Redis: two API instances (two processes in production) count against
// one budget. Runs when TEST_REDIS_URL is set (or a Redis answers on 127.0.0.1:6379).
import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, type TestApi } from './api-harness.ts';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function reachable(): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const available = await reachable();

describe.skipIf(!available)('rate limits in Redis', () => {
  const t = useTestDatabase();
  let redis: Redis;
  let a: TestApi;
  let b: TestApi;
  beforeAll(async () => {
    redis = new Redis(url);
    const settings = { rateLimit: { perIp: 1000, perUser: 1000, authPerIp: 3 } };
    a = await buildTestApi(t.current.db, { settings, redis });
    b = await buildTestApi(t.current.db, { settings, redis });
  });
  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
    redis?.disconnect();
  });

  it('counts one budget across API instances', async () => {
    const ip = `10.${randomInt(255)}.${randomInt(255)}.${randomInt(1, 255)}`;
    const login = (api: TestApi) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        payload: { email: 'nobody@example.com', password: 'whatever it is' },
      });
    const statuses = [await login(a), await login(b), await login(a), await login(b)].map(
      (r) => r.statusCode,
    );
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(await redis.keys(`polycopy:rate-limit:*${ip}*`)).not.toEqual([]);
  });
});
