// What happens to a trade_queue row after a failed attempt: retry later, fail for good, or cancel
// because it expired. The worker is the one layer that retries copy orders (house rule 6); the
// venue layer classifies errors and this module turns the classification into a decision.
//
// retry_count counts retries already scheduled; a failed attempt is retried while
// retry_count < max_retries (the seed's rule), so max_retries = 3 allows 4 attempts in all.
//
// Backoff is exponential with "equal jitter": the n-th retry waits between half and all of
// min(cap, base × 2^n). The floor keeps a burst of failures from retrying immediately; the jitter
// spreads workers that failed together (a venue restart fails every in-flight order at once) so
// they do not hammer the venue in lockstep. A venue's Retry-After is honoured as a minimum.
// Randomness is injected so tests pin the bounds.
import type { CopyOutcomeReason } from './skip-reasons.ts';

/**
 * The venue's error classes. Defined here, in the domain, and used by src/venue/errors.ts as its
 * VenueErrorKind: one union, so a kind the venue adds is one this module must decide about.
 */
export type ExecutionErrorKind =
  'retryable' | 'rate_limited' | 'rejected' | 'insufficient_funds' | 'unknown_outcome' | 'auth' | 'not_found';

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };

/** A random number in [0, 1), injected (Math.random in production, fixed in tests). */
export type RandomSource = () => number;

/** Delay before retry number `retryCount` (0 for the first retry): in [ceiling / 2, ceiling]. */
export function backoffDelayMs(
  retryCount: number,
  random: RandomSource,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  if (!Number.isInteger(retryCount) || retryCount < 0) throw new RangeError(`bad retry count ${retryCount}`);
  const r = random();
  if (!(r >= 0 && r < 1)) throw new RangeError(`random source returned ${r}, expected [0, 1)`);
  // 2^n overflows nothing up to n = 1023; min() with the cap keeps the result finite and bounded.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(retryCount, 1023));
  const half = ceiling / 2;
  return Math.round(half + r * half);
}

/** Whether the row's deadline has passed: at `expires_at` exactly it is expired. */
export function isExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && now.getTime() >= expiresAt.getTime();
}

export interface RetryInput {
  readonly errorKind: ExecutionErrorKind;
  readonly retryCount: number;
  readonly maxRetries: number;
  readonly expiresAt: Date | null;
  /** The venue's Retry-After, when it sent one. */
  readonly retryAfterMs?: number;
  readonly now: Date;
  readonly random: RandomSource;
  readonly policy?: BackoffPolicy;
}

export type RetryDecision =
  | {
      readonly action: 'retry';
      /** scheduled_for of the next attempt. */
      readonly at: Date;
      readonly retryCount: number;
      /** unknown_outcome: the next attempt must look the order up (by its deterministic id) first. */
      readonly lookupFirst: boolean;
    }
  | { readonly action: 'fail'; readonly reason: CopyOutcomeReason; readonly detail: string }
  | { readonly action: 'cancel'; readonly reason: 'expired'; readonly detail: string }
  /**
   * The last attempt may have placed the order and no retry is left to find out: the row goes to
   * reconciliation (look the order up by its deterministic id) instead of being marked failed or
   * cancelled, which could hide a real position.
   */
  | { readonly action: 'reconcile'; readonly detail: string };

// Kinds where re-sending the same order fails the same way: stop now, with a reason the user sees.
const FINAL: Partial<Record<ExecutionErrorKind, CopyOutcomeReason>> = {
  rejected: 'order_rejected',
  insufficient_funds: 'insufficient_balance',
  auth: 'venue_auth_failed',
  not_found: 'market_unavailable',
};

export function decideRetry(input: RetryInput): RetryDecision {
  const { errorKind, retryCount, maxRetries, expiresAt, now } = input;
  const ambiguous = errorKind === 'unknown_outcome';
  if (isExpired(expiresAt, now)) {
    return ambiguous
      ? { action: 'reconcile', detail: 'expired with an order of unknown outcome' }
      : { action: 'cancel', reason: 'expired', detail: `expired at ${expiresAt?.toISOString()}` };
  }
  const final = FINAL[errorKind];
  if (final !== undefined) return { action: 'fail', reason: final, detail: `venue error: ${errorKind}` };
  if (retryCount >= maxRetries) {
    if (ambiguous) return { action: 'reconcile', detail: `unknown outcome after ${retryCount + 1} attempts` };
    return {
      action: 'fail',
      reason: 'retries_exhausted',
      detail: `${errorKind} after ${retryCount + 1} attempts (max_retries ${maxRetries})`,
    };
  }
  const delay = Math.max(backoffDelayMs(retryCount, input.random, input.policy), input.retryAfterMs ?? 0);
  const at = new Date(now.getTime() + delay);
  // A retry that could only start after the deadline would be cancelled on pickup anyway; say so now
  // so the user hears about it without waiting for the deadline.
  if (isExpired(expiresAt, at)) {
    if (ambiguous) return { action: 'reconcile', detail: 'unknown outcome and no time left to retry' };
    return {
      action: 'cancel',
      reason: 'expired',
      detail: `next attempt at ${at.toISOString()} would be past expires_at ${expiresAt?.toISOString()}`,
    };
  }
  return { action: 'retry', at, retryCount: retryCount + 1, lookupFirst: ambiguous };
}
