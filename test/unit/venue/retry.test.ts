import { describe, expect, it, vi } from 'vitest';
import { dec } from '../../../src/domain/money.ts';
import { VenueError } from '../../../src/venue/errors.ts';
import {
  backoffDelayMs,
  placeOrderSafely,
  withRetry,
  type RetryClock,
  type RetryPolicy,
} from '../../../src/venue/retry.ts';
import type { OrderResult, PlaceOrderRequest } from '../../../src/venue/venue.ts';

/** mulberry32: a seeded PRNG so jitter is reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fakeClock(random: () => number = seeded(42)) {
  let now = 0;
  const sleeps: number[] = [];
  const clock: RetryClock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random,
  };
  return { clock, sleeps };
}

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
const transient = () => new VenueError('retryable', 'HTTP 502', { reason: 'server_error' });
const ambiguous = () => new VenueError('unknown_outcome', 'timeout', { reason: 'timeout' });

describe('backoffDelayMs', () => {
  it('is full jitter under a doubling, capped ceiling', () => {
    expect(backoffDelayMs(1, policy, 0)).toBe(0);
    expect(backoffDelayMs(1, policy, 0.999999)).toBe(99);
    expect(backoffDelayMs(3, policy, 0.5)).toBe(200);
    expect(backoffDelayMs(10, policy, 0.999999)).toBe(999);
  });

  it('never waits less than a venue-requested retryAfter', () => {
    const limited = new VenueError('rate_limited', '429', { retryAfterMs: 4_000 });
    expect(backoffDelayMs(1, policy, 0.9, limited)).toBe(4_000);
  });
});

describe('withRetry', () => {
  it('retries transient failures with seeded jitter inside the backoff bounds', async () => {
    const { clock, sleeps } = fakeClock(seeded(7));
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls += 1;
        if (calls < 4) throw transient();
        return 'ok';
      },
      { policy, clock },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** i));
    });
    // Same seed, same waits: the jitter is fully injectable.
    const again = fakeClock(seeded(7));
    let n = 0;
    await withRetry(
      async () => {
        n += 1;
        if (n < 4) throw transient();
        return 'ok';
      },
      { policy, clock: again.clock },
    );
    expect(again.sleeps).toEqual(sleeps);
  });

  it('gives up after maxAttempts and rethrows the last error unchanged', async () => {
    const { clock, sleeps } = fakeClock();
    const errors: VenueError[] = [];
    const op = vi.fn(async () => {
      const e = transient();
      errors.push(e);
      throw e;
    });
    const onRetry = vi.fn();
    const thrown = await withRetry(op, { policy, clock, onRetry }).catch((e: unknown) => e);
    expect(errors).toHaveLength(5);
    expect(thrown).toBe(errors[4]);
    expect(op).toHaveBeenCalledTimes(5);
    expect(sleeps).toHaveLength(4);
    expect(onRetry).toHaveBeenCalledTimes(4);
  });

  it('honours rate_limited retryAfter even beyond maxDelay', async () => {
    const { clock, sleeps } = fakeClock(() => 0);
    let calls = 0;
    await withRetry(
      async () => {
        calls += 1;
        if (calls === 1) throw new VenueError('rate_limited', '429', { retryAfterMs: 3_000 });
        return 1;
      },
      { policy, clock },
    );
    expect(sleeps).toEqual([3_000]);
  });

  it('stops at the deadline instead of starting a wait that would overrun it', async () => {
    const { clock, sleeps } = fakeClock(() => 0);
    const op = vi.fn(async () => {
      throw new VenueError('rate_limited', '429', { retryAfterMs: 5_000 });
    });
    await expect(withRetry(op, { policy: { ...policy, deadlineMs: 1_000 }, clock })).rejects.toMatchObject({
      kind: 'rate_limited',
    });
    expect(op).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
  });

  it.each([
    ['rejected', VenueError.rejected('invalid_tick', 'x')],
    ['unknown_outcome', ambiguous()],
    ['insufficient_funds', VenueError.insufficientFunds('x')],
    ['auth', new VenueError('auth', 'x')],
    ['a plain Error', new Error('bug')],
  ])('never retries %s', async (_label, error) => {
    const { clock } = fakeClock();
    const op = vi.fn(async () => {
      throw error;
    });
    await expect(withRetry(op, { policy, clock })).rejects.toBe(error);
    expect(op).toHaveBeenCalledTimes(1);
  });
});

const request: PlaceOrderRequest = {
  clientOrderId: 'queue-row-17',
  tokenId: '123',
  side: 'BUY',
  orderType: 'FOK',
  price: dec('0.5'),
  size: dec('10'),
};

function orderResult(venueOrderId = '0xabc'): OrderResult {
  return {
    clientOrderId: request.clientOrderId,
    venueOrderId,
    tokenId: request.tokenId,
    side: 'BUY',
    orderType: 'FOK',
    status: 'matched',
    price: dec('0.5'),
    requestedSize: dec('10'),
    requestedAmount: null,
    filledSize: dec('10'),
    averagePrice: dec('0.5'),
    notional: dec('5'),
    fees: dec('0'),
    restingSize: dec('0'),
    tradeIds: [],
    transactionHashes: [],
    createdAtMs: 0,
    cancelReason: null,
  };
}

function scriptedVenue(
  placeScript: Array<() => OrderResult | VenueError>,
  lookupScript: Array<() => OrderResult | null | VenueError>,
) {
  const placeOrder = vi.fn(async () => {
    const step = placeScript.shift();
    if (!step) throw new Error('unexpected placeOrder');
    const out = step();
    if (out instanceof VenueError) throw out;
    return out;
  });
  const lookupOrder = vi.fn(async () => {
    const step = lookupScript.shift();
    if (!step) throw new Error('unexpected lookupOrder');
    const out = step();
    if (out instanceof VenueError) throw out;
    return out;
  });
  return { placeOrder, lookupOrder };
}

describe('placeOrderSafely', () => {
  it('returns the order a lookup finds after an ambiguous failure, without re-sending', async () => {
    const { clock, sleeps } = fakeClock();
    const venue = scriptedVenue([ambiguous], [() => orderResult('0xfound')]);
    const out = await placeOrderSafely(venue, request, { policy, clock, lookupDelayMs: 250 });
    expect(out).toMatchObject({ sends: 1, recoveredByLookup: true });
    expect(out.result.venueOrderId).toBe('0xfound');
    expect(venue.placeOrder).toHaveBeenCalledTimes(1);
    expect(venue.lookupOrder).toHaveBeenCalledWith({ clientOrderId: 'queue-row-17' });
    expect(sleeps[0]).toBe(250);
  });

  it('re-sends only after the lookup proves the order absent', async () => {
    const { clock } = fakeClock();
    const venue = scriptedVenue([ambiguous, () => orderResult('0xsecond')], [() => null]);
    const out = await placeOrderSafely(venue, request, { policy, clock });
    expect(out).toMatchObject({ sends: 2, recoveredByLookup: false });
    expect(venue.lookupOrder).toHaveBeenCalledTimes(1);
    const calls = venue.placeOrder.mock.calls as unknown as Array<[PlaceOrderRequest]>;
    expect(calls.map(([r]) => r.clientOrderId)).toEqual(['queue-row-17', 'queue-row-17']);
  });

  it('retries a flaky lookup before deciding', async () => {
    const { clock } = fakeClock();
    const venue = scriptedVenue([ambiguous, () => orderResult()], [transient, transient, () => null]);
    const out = await placeOrderSafely(venue, request, { policy, clock });
    expect(out.sends).toBe(2);
    expect(venue.lookupOrder).toHaveBeenCalledTimes(3);
  });

  it('never re-sends when the lookup cannot answer', async () => {
    const { clock } = fakeClock();
    const first = ambiguous();
    const venue = scriptedVenue([() => first], [() => new VenueError('auth', 'bad key')]);
    await expect(placeOrderSafely(venue, request, { policy, clock })).rejects.toBe(first);
    expect(venue.placeOrder).toHaveBeenCalledTimes(1);
  });

  it('rethrows unknown_outcome when attempts run out, having looked up after every send', async () => {
    const { clock } = fakeClock();
    const venue = scriptedVenue([ambiguous, ambiguous, ambiguous], [() => null, () => null, () => null]);
    await expect(
      placeOrderSafely(venue, request, { policy: { ...policy, maxAttempts: 3 }, clock }),
    ).rejects.toMatchObject({ kind: 'unknown_outcome' });
    expect(venue.placeOrder).toHaveBeenCalledTimes(3);
    expect(venue.lookupOrder).toHaveBeenCalledTimes(3);
  });

  it('turns a duplicate rejection into the order that already landed', async () => {
    const { clock } = fakeClock();
    const venue = scriptedVenue(
      [transient, () => VenueError.rejected('duplicated', 'order 0xabc is invalid. Duplicated.')],
      [() => orderResult('0xearlier')],
    );
    const out = await placeOrderSafely(venue, request, { policy, clock });
    expect(out).toMatchObject({ sends: 2, recoveredByLookup: true });
    expect(out.result.venueOrderId).toBe('0xearlier');
  });

  it('backs off and re-sends plain transient failures without lookups', async () => {
    const { clock, sleeps } = fakeClock(() => 0.5);
    const venue = scriptedVenue([transient, transient, () => orderResult()], []);
    const out = await placeOrderSafely(venue, request, { policy, clock });
    expect(out.sends).toBe(3);
    expect(venue.lookupOrder).not.toHaveBeenCalled();
    expect(sleeps).toEqual([50, 100]);
  });

  it('rethrows rejections at once', async () => {
    const { clock } = fakeClock();
    const rejection = VenueError.rejected('fok_not_filled', 'no');
    const venue = scriptedVenue([() => rejection], []);
    await expect(placeOrderSafely(venue, request, { policy, clock })).rejects.toBe(rejection);
    expect(venue.lookupOrder).not.toHaveBeenCalled();
  });
});
