// The leaderboard's response cache under concurrency: misses are single-flight per process (an
// expired entry under load is recomputed once, not once per waiting request), a failed computation
// fails its waiters and is retried by the next request. Memory store always; the Redis store when a
// Redis answers (TEST_REDIS_URL, or 127.0.0.1:6379).
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  memoryResponseCache,
  redisResponseCache,
  type ResponseCache,
} from '../../../src/services/response-cache.ts';
import { TestClock } from './api-harness.ts';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url, {
  lazyConnect: true,
  maxRetriesPerRequest: 0,
  connectTimeout: 500,
  retryStrategy: () => null,
});
redis.on('error', () => undefined);
const redisUp = await redis
  .connect()
  .then(async () => (await redis.ping()) === 'PONG')
  .catch(() => false);

const stores: Array<[string, (clock: TestClock) => ResponseCache]> = [
  ['memory', (clock) => memoryResponseCache({ clock: clock.now, ttlMs: 60_000 })],
  ...(redisUp
    ? ([
        [
          'redis',
          (clock: TestClock) =>
            redisResponseCache({
              redis,
              clock: clock.now,
              ttlMs: 60_000,
              prefix: `polycopy:test:single-flight:${Math.random().toString(36).slice(2)}:`,
            }),
        ],
      ] as Array<[string, (clock: TestClock) => ResponseCache]>)
    : []),
];

afterAll(() => redis.disconnect());

describe.each(stores)('response cache (%s)', (_name, make) => {
  it('computes a missing or expired entry once for any number of concurrent requests', async () => {
    const clock = new TestClock();
    const cache = make(clock);
    let computed = 0;
    const compute = async () => {
      computed += 1;
      await new Promise((r) => setTimeout(r, 30));
      return JSON.stringify({ n: computed });
    };
    const first = await Promise.all(Array.from({ length: 50 }, () => cache.getOrCompute('k', compute)));
    expect(computed).toBe(1);
    expect(new Set(first.map((e) => e.etag)).size).toBe(1);
    clock.advance(61_000); // expired: the next burst recomputes, once
    const second = await Promise.all(Array.from({ length: 50 }, () => cache.getOrCompute('k', compute)));
    expect(computed).toBe(2);
    expect(second.every((e) => e.body === '{"n":2}')).toBe(true);
    // Other keys are computed independently.
    await Promise.all([cache.getOrCompute('a', compute), cache.getOrCompute('b', compute)]);
    expect(computed).toBe(4);
  });

  it('a failed computation fails its waiters only; the next request computes again', async () => {
    const cache = make(new TestClock());
    let calls = 0;
    const failing = async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 10));
      throw new Error('database down');
    };
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => cache.getOrCompute('f', failing)),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    expect((await cache.getOrCompute('f', async () => 'ok')).body).toBe('ok');
  });
});
