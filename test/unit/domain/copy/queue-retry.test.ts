import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_BACKOFF,
  backoffDelayMs,
  decideRetry,
  isExpired,
  type ExecutionErrorKind,
  type RetryInput,
} from '../../../../src/domain/queue-retry.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
const fixed = (r: number) => () => r;

const input = (over: Partial<RetryInput> = {}): RetryInput => ({
  errorKind: 'retryable',
  retryCount: 0,
  maxRetries: 3,
  expiresAt: at(10 * 60_000),
  now: NOW,
  random: fixed(0.5),
  ...over,
});

describe('backoffDelayMs', () => {
  it('waits between half and all of base × 2^n (1 s base)', () => {
    expect(backoffDelayMs(0, fixed(0))).toBe(500);
    expect(backoffDelayMs(0, fixed(0.5))).toBe(750);
    expect(backoffDelayMs(0, fixed(0.999999))).toBe(1000);
    expect(backoffDelayMs(3, fixed(0))).toBe(4000);
    expect(backoffDelayMs(3, fixed(0.999999))).toBe(8000);
  });

  it('caps the delay at 60 s however many retries came before', () => {
    expect(backoffDelayMs(6, fixed(0))).toBe(30_000); // 64 s capped to 60 s
    expect(backoffDelayMs(6, fixed(0.999999))).toBe(60_000);
    expect(backoffDelayMs(5000, fixed(0.999999))).toBe(60_000);
  });

  it('rejects a random source outside [0, 1) and a bad retry count', () => {
    expect(() => backoffDelayMs(0, fixed(1))).toThrow(RangeError);
    expect(() => backoffDelayMs(0, fixed(-0.1))).toThrow(RangeError);
    expect(() => backoffDelayMs(0, fixed(Number.NaN))).toThrow(RangeError);
    expect(() => backoffDelayMs(-1, fixed(0))).toThrow(RangeError);
  });

  it('stays within [ceiling / 2, ceiling] and never shrinks as retries grow (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const ceiling = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.baseMs * 2 ** n);
          const d = backoffDelayMs(n, () => r);
          expect(d).toBeGreaterThanOrEqual(ceiling / 2);
          expect(d).toBeLessThanOrEqual(ceiling);
          expect(backoffDelayMs(n + 1, () => r)).toBeGreaterThanOrEqual(d);
        },
      ),
    );
  });
});

describe('isExpired', () => {
  it('expires at expires_at exactly, never without one', () => {
    expect(isExpired(NOW, NOW)).toBe(true);
    expect(isExpired(at(1), NOW)).toBe(false);
    expect(isExpired(null, NOW)).toBe(false);
  });
});

describe('decideRetry', () => {
  it('retries a transient failure after the backoff and counts the retry', () => {
    expect(decideRetry(input())).toEqual({ action: 'retry', at: at(750), retryCount: 1, lookupFirst: false });
    expect(decideRetry(input({ retryCount: 2 }))).toEqual({
      action: 'retry',
      at: at(3000), // ceiling 4 s, random 0.5
      retryCount: 3,
      lookupFirst: false,
    });
  });

  it('allows max_retries retries (4 attempts for 3), then fails with retries_exhausted', () => {
    expect(decideRetry(input({ retryCount: 2, maxRetries: 3 })).action).toBe('retry');
    expect(decideRetry(input({ retryCount: 3, maxRetries: 3 }))).toMatchObject({
      action: 'fail',
      reason: 'retries_exhausted',
    });
    expect(decideRetry(input({ retryCount: 0, maxRetries: 0 }))).toMatchObject({ action: 'fail' });
  });

  it("honours the venue's Retry-After as a minimum", () => {
    expect(decideRetry(input({ errorKind: 'rate_limited', retryAfterMs: 30_000 }))).toMatchObject({
      action: 'retry',
      at: at(30_000),
    });
    expect(decideRetry(input({ errorKind: 'rate_limited', retryAfterMs: 10 }))).toMatchObject({
      at: at(750),
    });
  });

  it('fails at once on errors that a re-send would repeat', () => {
    const cases: Array<[ExecutionErrorKind, string]> = [
      ['rejected', 'order_rejected'],
      ['insufficient_funds', 'insufficient_balance'],
      ['auth', 'venue_auth_failed'],
      ['not_found', 'market_unavailable'],
    ];
    for (const [errorKind, reason] of cases) {
      expect(decideRetry(input({ errorKind }))).toMatchObject({ action: 'fail', reason });
    }
  });

  it('retries an unknown outcome only after looking the order up, and never fails it blindly', () => {
    expect(decideRetry(input({ errorKind: 'unknown_outcome' }))).toMatchObject({
      action: 'retry',
      lookupFirst: true,
    });
    expect(decideRetry(input({ errorKind: 'unknown_outcome', retryCount: 3 })).action).toBe('reconcile');
    expect(decideRetry(input({ errorKind: 'unknown_outcome', expiresAt: NOW })).action).toBe('reconcile');
  });

  it('cancels an expired row with reason expired, including when the retry would land past expiry', () => {
    expect(decideRetry(input({ expiresAt: NOW }))).toMatchObject({ action: 'cancel', reason: 'expired' });
    expect(decideRetry(input({ expiresAt: at(750) }))).toMatchObject({ action: 'cancel', reason: 'expired' });
    expect(decideRetry(input({ expiresAt: at(751) }))).toMatchObject({ action: 'retry', at: at(750) });
    expect(decideRetry(input({ expiresAt: null, retryCount: 1 }))).toMatchObject({ action: 'retry' });
  });
});
