// The leaderboard cache in Redis: shared by API instances (a body cached by one is served by the
// other with the same ETag) and expired by the injected clock. Runs when TEST_REDIS_URL is set (or a
// Redis answers on 127.0.0.1:6379).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, TestClock, type TestApi } from './api-harness.ts';

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

describe.skipIf(!available)('leaderboard cache in Redis', () => {
  const t = useTestDatabase();
  let redis: Redis;
  let a: TestApi;
  let b: TestApi;
  const clock = new TestClock(new Date(Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 1e9)));
  const w = `0x${'c'.repeat(40)}`;
  beforeAll(async () => {
    redis = new Redis(url);
    const stale = await redis.keys('polycopy:leaderboard:*');
    if (stale.length > 0) await redis.del(...stale);
    a = await buildTestApi(t.current.db, { redis, clock });
    b = await buildTestApi(t.current.db, { redis, clock });
    await insertTrader(t.current.db, { wallet_address: w, pnl_7d: '1' });
  });
  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
    redis?.disconnect();
  });

  const get = (api: TestApi, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'GET', url: '/api/v1/leaderboard?minTrades=0', headers });

  it('is shared across instances and expires by the clock', async () => {
    const first = await get(a);
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    await t.current.db.updateTable('traders').set({ pnl_7d: '2' }).where('wallet_address', '=', w).execute();
    // Instance b serves a's cached body (the database already says 2).
    const fromB = await get(b);
    expect(fromB.body).toBe(first.body);
    expect((await get(b, { 'if-none-match': etag })).statusCode).toBe(304);
    clock.advance(60_001);
    const fresh = await get(b, { 'if-none-match': etag });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).not.toBe(etag);
    expect((fresh.json() as { items: { pnl7d: string }[] }).items[0]!.pnl7d).toBe('2.000000');
    expect((await get(a)).headers.etag).toBe(fresh.headers.etag);
  });
});
