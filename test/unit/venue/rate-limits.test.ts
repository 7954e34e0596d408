import { describe, expect, it } from 'vitest';
import {
  POLYMARKET_RATE_LIMITS,
  RateLimiter,
  TokenBucket,
  familyChain,
} from '../../../src/venue/rate-limits.ts';

function manualClock(start = 0) {
  let now = start;
  return {
    clock: { now: () => now },
    advance: (ms: number) => {
      now += ms;
    },
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('rate-limit table', () => {
  it('holds the documented limits', () => {
    expect(POLYMARKET_RATE_LIMITS['clob.book'].windows).toEqual([{ limit: 1_500, windowMs: 10_000 }]);
    expect(POLYMARKET_RATE_LIMITS['clob.post_order'].windows).toEqual([
      { limit: 3_500, windowMs: 10_000 },
      { limit: 36_000, windowMs: 600_000 },
    ]);
    expect(POLYMARKET_RATE_LIMITS['clob.balance_allowance_update'].windows[0]?.limit).toBe(50);
    expect(POLYMARKET_RATE_LIMITS['data.trades'].windows[0]?.limit).toBe(200);
    expect(POLYMARKET_RATE_LIMITS['gamma.markets'].windows[0]?.limit).toBe(300);
  });

  it('chains every family to its broader limits, ending at the global one', () => {
    expect(familyChain('gamma.markets')).toEqual([
      'gamma.markets',
      'gamma.listing',
      'gamma.general',
      'global',
    ]);
    expect(familyChain('clob.post_order')).toEqual(['clob.post_order', 'clob.general', 'global']);
    for (const id of Object.keys(POLYMARKET_RATE_LIMITS) as Array<keyof typeof POLYMARKET_RATE_LIMITS>) {
      expect(familyChain(id).at(-1)).toBe('global');
    }
  });
});

describe('TokenBucket', () => {
  it('admits a burst of capacity, then refills at capacity per window', () => {
    const { clock, advance } = manualClock();
    const bucket = new TokenBucket(10, 10_000, clock);
    for (let i = 0; i < 10; i++) expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.waitMs()).toBe(1_000);
    advance(999);
    expect(bucket.tryTake()).toBe(false);
    advance(1);
    expect(bucket.tryTake()).toBe(true);
    advance(60_000);
    expect(bucket.available()).toBe(10);
  });

  it('refuses to take more than it can ever hold', () => {
    const { clock } = manualClock();
    expect(() => new TokenBucket(5, 1_000, clock).waitMs(6)).toThrow(RangeError);
  });
});

describe('RateLimiter', () => {
  it('paces a family to its limit with headroom, charging parents too', async () => {
    const { clock, sleep } = manualClock();
    const limiter = new RateLimiter({ clock, sleep, headroom: 0.9 });
    // clob.balance_allowance_update: 50/10s × 0.9 = 45 immediately.
    let immediate = 0;
    while (limiter.tryAcquire('clob.balance_allowance_update')) immediate += 1;
    expect(immediate).toBe(45);
    // The parent clob.general bucket (9 000 × 0.9) was charged for each of them.
    let general = 0;
    while (limiter.tryAcquire('clob.general')) general += 1;
    expect(general).toBe(Math.floor(9_000 * 0.9) - 45);
  });

  it('acquire sleeps exactly until the next token', async () => {
    const { clock, sleep } = manualClock();
    const limiter = new RateLimiter({ clock, sleep, headroom: 0.9 });
    while (limiter.tryAcquire('clob.balance_allowance_update'));
    expect(limiter.waitMs('clob.balance_allowance_update')).toBe(Math.ceil(10_000 / 45));
    const before = clock.now();
    await limiter.acquire('clob.balance_allowance_update');
    expect(clock.now() - before).toBe(Math.ceil(10_000 / 45));
    expect(limiter.tryAcquire('clob.balance_allowance_update')).toBe(false);
  });

  it('waits on the tightest window of a multi-window family', () => {
    const { clock } = manualClock();
    const limiter = new RateLimiter({
      clock,
      headroom: 1,
      table: {
        global: {
          api: 'global',
          endpoints: ['*'],
          windows: [{ limit: 1_000, windowMs: 1_000 }],
          parents: [],
        },
        'clob.post_order': {
          api: 'clob',
          endpoints: ['POST /order'],
          windows: [
            { limit: 5, windowMs: 1_000 },
            { limit: 6, windowMs: 60_000 },
          ],
          parents: ['global'],
        },
      },
    });
    for (let i = 0; i < 5; i++) expect(limiter.tryAcquire('clob.post_order')).toBe(true);
    expect(limiter.waitMs('clob.post_order')).toBe(200);
  });
});
