// The one retry layer (house rule 6). Adapters classify failures and throw; callers that want
// persistence wrap a call here. Retries only what is safe to repeat blindly (retryable,
// rate_limited); an order placement whose outcome is unknown is looked up by its client identity
// and re-sent only when the venue proves it never arrived.
import type { VenueError } from './errors.ts';
import { isRetryableKind, isVenueError } from './errors.ts';
import type { OrderRef, OrderResult, PlaceOrderRequest, Venue } from './venue.ts';

export interface RetryPolicy {
  /** Total tries including the first. */
  readonly maxAttempts: number;
  /** Backoff cap for the first retry; doubles per retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any single backoff (not of a venue-requested Retry-After). */
  readonly maxDelayMs: number;
  /** Give up rather than start a wait that would end later than this many ms after the first try. */
  readonly deadlineMs?: number;
}

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const systemRetryClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  deadlineMs: 20_000,
};

export interface RetryAttemptInfo {
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly error: VenueError;
  readonly delayMs: number;
}

export interface RetryOptions {
  readonly policy?: RetryPolicy;
  readonly clock?: RetryClock;
  /** Called before each wait; for logs and metrics. */
  readonly onRetry?: (info: RetryAttemptInfo) => void;
}

/**
 * Full-jitter exponential backoff: uniform in [0, min(maxDelay, base × 2^(retry−1))). A venue's
 * retryAfterMs is a floor on top of that (it may exceed maxDelayMs: the venue knows best).
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: number,
  error?: VenueError,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.floor(random * cap);
  const floor = error?.retryAfterMs ?? 0;
  return Math.max(jittered, floor);
}

function validatePolicy(policy: RetryPolicy): void {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError('maxAttempts must be a positive integer');
  }
  if (policy.baseDelayMs < 0 || policy.maxDelayMs < 0) throw new RangeError('delays must be non-negative');
}

/** Shared state for one logical operation: attempts and the deadline span every retry inside it. */
class RetryBudget {
  private attempts = 0;
  readonly startedAt: number;

  constructor(
    readonly policy: RetryPolicy,
    readonly clock: RetryClock,
    private readonly onRetry?: (info: RetryAttemptInfo) => void,
  ) {
    validatePolicy(policy);
    this.startedAt = clock.now();
  }

  get attemptsUsed(): number {
    return this.attempts;
  }

  /** Counts one try; false when none are left. */
  takeAttempt(): boolean {
    if (this.attempts >= this.policy.maxAttempts) return false;
    this.attempts += 1;
    return true;
  }

  hasAttemptLeft(): boolean {
    return this.attempts < this.policy.maxAttempts;
  }

  /** Waits before the next try; false (without waiting) when the wait would overrun the deadline. */
  async wait(error: VenueError, retry: number): Promise<boolean> {
    const delayMs = backoffDelayMs(retry, this.policy, this.clock.random(), error);
    if (this.policy.deadlineMs !== undefined) {
      const endsAt = this.clock.now() + delayMs;
      if (endsAt > this.startedAt + this.policy.deadlineMs) return false;
    }
    this.onRetry?.({ attempt: retry, error, delayMs });
    await this.clock.sleep(delayMs);
    return true;
  }
}

async function runWithBudget<T>(operation: (attempt: number) => Promise<T>, budget: RetryBudget): Promise<T> {
  let retry = 0;
  for (;;) {
    if (!budget.takeAttempt()) throw new RangeError('retry budget exhausted before the first attempt');
    try {
      return await operation(budget.attemptsUsed);
    } catch (error) {
      if (!isVenueError(error) || !isRetryableKind(error.kind)) throw error;
      if (!budget.hasAttemptLeft()) throw error;
      retry += 1;
      if (!(await budget.wait(error, retry))) throw error;
    }
  }
}

/**
 * Runs `operation`, retrying retryable / rate_limited VenueErrors with backoff until it succeeds,
 * attempts run out or the deadline would pass; then the last error is rethrown unchanged so its
 * classification reaches the caller. Anything else (other kinds, non-VenueErrors) is rethrown at once.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const budget = new RetryBudget(
    options.policy ?? DEFAULT_RETRY_POLICY,
    options.clock ?? systemRetryClock,
    options.onRetry,
  );
  return runWithBudget(operation, budget);
}

export interface PlaceOrderSafelyOptions extends RetryOptions {
  /**
   * Pause between an ambiguous failure and the lookup, so a request still in flight can land
   * before we conclude it is absent.
   */
  readonly lookupDelayMs?: number;
}

export interface SafePlacement {
  readonly result: OrderResult;
  /** How many times the order was sent. */
  readonly sends: number;
  /** True when the result came from a lookup after an ambiguous or duplicate-rejected send. */
  readonly recoveredByLookup: boolean;
}

type PlacingVenue = Pick<Venue, 'placeOrder' | 'lookupOrder'>;

/**
 * Places an order at most once in effect:
 * - retryable / rate_limited: back off and re-send (the venue did not accept it);
 * - unknown_outcome: wait `lookupDelayMs`, look the order up by clientOrderId; found → return it;
 *   absent → re-send (the same clientOrderId makes a late-landing original and the re-send the same
 *   order); lookup itself failing → rethrow the unknown_outcome (the caller must reconcile later);
 * - rejected `duplicated`: an earlier send landed; return it from a lookup;
 * - anything else: rethrow.
 * If attempts or the deadline run out after an ambiguous send, the unknown_outcome is rethrown.
 */
export async function placeOrderSafely(
  venue: PlacingVenue,
  request: PlaceOrderRequest,
  options: PlaceOrderSafelyOptions = {},
): Promise<SafePlacement> {
  const clock = options.clock ?? systemRetryClock;
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const budget = new RetryBudget(policy, clock, options.onRetry);
  const ref: OrderRef = { clientOrderId: request.clientOrderId };
  const lookupDelayMs = options.lookupDelayMs ?? 500;
  let sends = 0;
  let retry = 0;

  const lookup = async (): Promise<OrderResult | null> => {
    // Lookups share the operation's deadline but get their own attempts: a flaky read must not
    // consume the sends.
    const deadlineMs =
      policy.deadlineMs === undefined
        ? undefined
        : Math.max(0, budget.startedAt + policy.deadlineMs - clock.now());
    const lookupBudget = new RetryBudget({ ...policy, deadlineMs }, clock, options.onRetry);
    return runWithBudget(() => venue.lookupOrder(ref), lookupBudget);
  };

  for (;;) {
    if (!budget.takeAttempt()) throw new RangeError('retry budget exhausted before the first attempt');
    sends += 1;
    let failure: VenueError;
    try {
      const result = await venue.placeOrder(request);
      return { result, sends, recoveredByLookup: false };
    } catch (error) {
      if (!isVenueError(error)) throw error;
      failure = error;
    }

    if (failure.kind === 'rejected' && failure.reason === 'duplicated') {
      const found = await lookup().catch(() => null);
      if (found) return { result: found, sends, recoveredByLookup: true };
      throw failure;
    }

    if (failure.kind === 'unknown_outcome') {
      if (lookupDelayMs > 0) await clock.sleep(lookupDelayMs);
      let found: OrderResult | null;
      try {
        found = await lookup();
      } catch {
        throw failure;
      }
      if (found) return { result: found, sends, recoveredByLookup: true };
      // Proven absent: a re-send is safe. Fall through to the backoff below.
    } else if (!isRetryableKind(failure.kind)) {
      throw failure;
    }

    if (!budget.hasAttemptLeft()) throw failure;
    retry += 1;
    if (!(await budget.wait(failure, retry))) throw failure;
  }
}
