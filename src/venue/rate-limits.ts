// Polymarket's documented rate limits as data (polymarket-api.md §1.10, §2.4, §3.8), and a token
// bucket a client uses to pace itself below them. Cloudflare delays or queues excess requests rather
// than failing them, so exceeding a limit shows up as latency on the copy path: pacing ourselves
// keeps the latency ours to control. Where the docs disagree (the 2026-06-01 changelog raised some
// trading limits) the table keeps the lower, documented-page value.

export type RateLimitApi = 'clob' | 'data' | 'gamma' | 'global';

export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimitFamily {
  readonly api: RateLimitApi;
  /** The endpoints the limit covers, as documented. */
  readonly endpoints: readonly string[];
  /** All windows apply at once (trading endpoints have a burst and a sustained window). */
  readonly windows: readonly RateWindow[];
  /** Broader limits the same request also counts against. */
  readonly parents: readonly string[];
}

const TEN_SECONDS = 10_000;
const TEN_MINUTES = 600_000;

function per10s(limit: number): RateWindow[] {
  return [{ limit, windowMs: TEN_SECONDS }];
}

export const POLYMARKET_RATE_LIMITS = {
  // A single global ceiling documented with the Data API; applied to every API to stay safe.
  global: { api: 'global', endpoints: ['*'], windows: per10s(15_000), parents: [] },

  'clob.general': { api: 'clob', endpoints: ['*'], windows: per10s(9_000), parents: ['global'] },
  'clob.book': { api: 'clob', endpoints: ['GET /book'], windows: per10s(1_500), parents: ['clob.general'] },
  'clob.books': { api: 'clob', endpoints: ['POST /books'], windows: per10s(500), parents: ['clob.general'] },
  'clob.price': { api: 'clob', endpoints: ['GET /price'], windows: per10s(1_500), parents: ['clob.general'] },
  'clob.prices': {
    api: 'clob',
    endpoints: ['POST /prices', 'GET /prices'],
    windows: per10s(500),
    parents: ['clob.general'],
  },
  'clob.midpoint': {
    api: 'clob',
    endpoints: ['GET /midpoint'],
    windows: per10s(1_500),
    parents: ['clob.general'],
  },
  'clob.midpoints': {
    api: 'clob',
    endpoints: ['POST /midpoints', 'GET /midpoints'],
    windows: per10s(500),
    parents: ['clob.general'],
  },
  'clob.prices_history': {
    api: 'clob',
    endpoints: ['GET /prices-history'],
    windows: per10s(1_000),
    parents: ['clob.general'],
  },
  'clob.tick_size': {
    api: 'clob',
    endpoints: ['GET /tick-size'],
    windows: per10s(200),
    parents: ['clob.general'],
  },
  'clob.balance_allowance': {
    api: 'clob',
    endpoints: ['GET /balance-allowance'],
    windows: per10s(200),
    parents: ['clob.general'],
  },
  'clob.balance_allowance_update': {
    api: 'clob',
    endpoints: ['GET /balance-allowance/update'],
    windows: per10s(50),
    parents: ['clob.general'],
  },
  'clob.ledger': {
    api: 'clob',
    endpoints: ['GET /trades', 'GET /orders', 'GET /notifications', 'GET /order'],
    windows: per10s(900),
    parents: ['clob.general'],
  },
  'clob.data_orders': {
    api: 'clob',
    endpoints: ['GET /data/orders', 'GET /data/order/{id}'],
    windows: per10s(500),
    parents: ['clob.general'],
  },
  'clob.data_trades': {
    api: 'clob',
    endpoints: ['GET /data/trades'],
    windows: per10s(500),
    parents: ['clob.general'],
  },
  'clob.notifications': {
    api: 'clob',
    endpoints: ['GET /notifications', 'DELETE /notifications'],
    windows: per10s(125),
    parents: ['clob.general'],
  },
  'clob.api_keys': {
    api: 'clob',
    endpoints: [
      'POST /auth/api-key',
      'GET /auth/derive-api-key',
      'GET /auth/api-keys',
      'DELETE /auth/api-key',
    ],
    windows: per10s(100),
    parents: ['clob.general'],
  },
  'clob.post_order': {
    api: 'clob',
    endpoints: ['POST /order'],
    windows: [
      { limit: 3_500, windowMs: TEN_SECONDS },
      { limit: 36_000, windowMs: TEN_MINUTES },
    ],
    parents: ['clob.general'],
  },
  'clob.cancel_order': {
    api: 'clob',
    endpoints: ['DELETE /order'],
    windows: [
      { limit: 3_000, windowMs: TEN_SECONDS },
      { limit: 30_000, windowMs: TEN_MINUTES },
    ],
    parents: ['clob.general'],
  },
  'clob.post_orders': {
    api: 'clob',
    endpoints: ['POST /orders'],
    windows: [
      { limit: 1_000, windowMs: TEN_SECONDS },
      { limit: 15_000, windowMs: TEN_MINUTES },
    ],
    parents: ['clob.general'],
  },
  'clob.cancel_orders': {
    api: 'clob',
    endpoints: ['DELETE /orders'],
    windows: [
      { limit: 1_000, windowMs: TEN_SECONDS },
      { limit: 15_000, windowMs: TEN_MINUTES },
    ],
    parents: ['clob.general'],
  },
  'clob.cancel_all': {
    api: 'clob',
    endpoints: ['DELETE /cancel-all'],
    windows: [
      { limit: 250, windowMs: TEN_SECONDS },
      { limit: 6_000, windowMs: TEN_MINUTES },
    ],
    parents: ['clob.general'],
  },
  'clob.cancel_market_orders': {
    api: 'clob',
    endpoints: ['DELETE /cancel-market-orders'],
    windows: [
      { limit: 1_000, windowMs: TEN_SECONDS },
      { limit: 1_500, windowMs: TEN_MINUTES },
    ],
    parents: ['clob.general'],
  },

  'data.general': { api: 'data', endpoints: ['*'], windows: per10s(1_000), parents: ['global'] },
  'data.trades': { api: 'data', endpoints: ['GET /trades'], windows: per10s(200), parents: ['data.general'] },
  'data.positions': {
    api: 'data',
    endpoints: ['GET /positions'],
    windows: per10s(150),
    parents: ['data.general'],
  },
  'data.closed_positions': {
    api: 'data',
    endpoints: ['GET /closed-positions'],
    windows: per10s(150),
    parents: ['data.general'],
  },
  'data.ok': { api: 'data', endpoints: ['GET /ok'], windows: per10s(100), parents: ['data.general'] },

  'gamma.general': { api: 'gamma', endpoints: ['*'], windows: per10s(4_000), parents: ['global'] },
  'gamma.listing': {
    api: 'gamma',
    endpoints: ['GET /markets', 'GET /events'],
    windows: per10s(900),
    parents: ['gamma.general'],
  },
  'gamma.events': {
    api: 'gamma',
    endpoints: ['GET /events'],
    windows: per10s(500),
    parents: ['gamma.listing'],
  },
  'gamma.markets': {
    api: 'gamma',
    endpoints: ['GET /markets'],
    windows: per10s(300),
    parents: ['gamma.listing'],
  },
  'gamma.comments': {
    api: 'gamma',
    endpoints: ['GET /comments'],
    windows: per10s(200),
    parents: ['gamma.general'],
  },
  'gamma.tags': { api: 'gamma', endpoints: ['GET /tags'], windows: per10s(200), parents: ['gamma.general'] },
  'gamma.public_search': {
    api: 'gamma',
    endpoints: ['GET /public-search'],
    windows: per10s(350),
    parents: ['gamma.general'],
  },
} as const satisfies Record<string, RateLimitFamily>;

export type RateLimitFamilyId = keyof typeof POLYMARKET_RATE_LIMITS;

/** The family and every broader family a request also counts against, most specific first. */
export function familyChain(
  id: RateLimitFamilyId,
  table: Readonly<Record<string, RateLimitFamily>> = POLYMARKET_RATE_LIMITS,
): string[] {
  const out: string[] = [];
  const visit = (family: string) => {
    if (out.includes(family)) return;
    const entry = table[family];
    if (!entry) throw new RangeError(`unknown rate-limit family: ${family}`);
    out.push(family);
    for (const parent of entry.parents) visit(parent);
  };
  visit(id);
  return out;
}

export interface LimiterClock {
  now(): number;
}

/**
 * A token bucket: holds up to `capacity` tokens and refills continuously at capacity / windowMs.
 * It sustains `capacity` requests per window; after a full idle window it also allows a burst of
 * `capacity`, so a window that starts with that burst can see up to twice the limit. Polymarket
 * queues rather than rejects the excess, and the limiter's headroom absorbs most of it; a caller
 * needing a hard sliding-window guarantee can halve the capacity. Counts requests, so plain numbers
 * are right here.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly refillPerMs: number;

  constructor(
    readonly capacity: number,
    readonly windowMs: number,
    private readonly clock: LimiterClock,
  ) {
    if (!(capacity > 0) || !(windowMs > 0)) throw new RangeError('capacity and window must be positive');
    this.tokens = capacity;
    this.last = clock.now();
    this.refillPerMs = capacity / windowMs;
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.refillPerMs);
      this.last = now;
    }
  }

  /** Tokens available now (fractional while refilling). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Ms until `n` tokens are available (0 when they are now). */
  waitMs(n = 1): number {
    if (n > this.capacity) throw new RangeError(`cannot take ${n} tokens from a bucket of ${this.capacity}`);
    this.refill();
    if (this.tokens >= n) return 0;
    return Math.ceil((n - this.tokens) / this.refillPerMs);
  }

  /** Takes `n` tokens if available now. */
  tryTake(n = 1): boolean {
    if (this.waitMs(n) > 0) return false;
    this.tokens -= n;
    return true;
  }
}

export interface RateLimiterOptions {
  readonly clock?: LimiterClock;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Fraction of each documented limit to use (default 0.9): headroom for clock drift and other clients. */
  readonly headroom?: number;
  readonly table?: Readonly<Record<string, RateLimitFamily>>;
}

/**
 * Paces requests against every window of a family and its parents. `acquire` waits until all the
 * buckets a request counts against have a token, then takes them together, so a request is never
 * charged to one limit while waiting on another.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket[]>();
  private readonly clock: LimiterClock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly headroom: number;
  private readonly table: Readonly<Record<string, RateLimitFamily>>;

  constructor(options: RateLimiterOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.headroom = options.headroom ?? 0.9;
    if (!(this.headroom > 0 && this.headroom <= 1)) throw new RangeError('headroom must be in (0, 1]');
    this.table = options.table ?? POLYMARKET_RATE_LIMITS;
  }

  private bucketsFor(family: string): TokenBucket[] {
    let buckets = this.buckets.get(family);
    if (!buckets) {
      const entry = this.table[family];
      if (!entry) throw new RangeError(`unknown rate-limit family: ${family}`);
      buckets = entry.windows.map(
        (w) => new TokenBucket(Math.max(1, Math.floor(w.limit * this.headroom)), w.windowMs, this.clock),
      );
      this.buckets.set(family, buckets);
    }
    return buckets;
  }

  private allBuckets(id: RateLimitFamilyId): TokenBucket[] {
    return familyChain(id, this.table).flatMap((family) => this.bucketsFor(family));
  }

  /** Ms until a request in this family may go (0 = now). */
  waitMs(id: RateLimitFamilyId): number {
    return Math.max(0, ...this.allBuckets(id).map((b) => b.waitMs(1)));
  }

  /** Takes a slot now if every limit allows it. */
  tryAcquire(id: RateLimitFamilyId): boolean {
    const buckets = this.allBuckets(id);
    if (buckets.some((b) => b.waitMs(1) > 0)) return false;
    for (const b of buckets) b.tryTake(1);
    return true;
  }

  /** Waits (via the injected sleep) until a slot is free, then takes it. */
  async acquire(id: RateLimitFamilyId): Promise<void> {
    for (;;) {
      if (this.tryAcquire(id)) return;
      await this.sleep(Math.max(1, this.waitMs(id)));
    }
  }
}
