// The one in-process cache primitive (market data, trading rules, read models): lru-cache underneath
// for the bound and the expiry, plus what lru-cache's own fetch() does not give us as plainly:
//   - in-flight de-duplication that also works with a TTL of 0 (a burst of identical reads shares one
//     request even when nothing may be kept afterwards), and for values that are null;
//   - invalidation that wins over a read already in flight: delete() / clear() drop the read too, and
//     its result is not stored (it may have been taken before the write that invalidated it), so no
//     caller arriving after an invalidation is served something older than it;
//   - a failed read is never cached: the next caller tries again.
// Expiry is measured from when a read STARTED, so a value is never served more than ttlMs after the
// data it came from was read (lru-cache's rule: fresh while age <= ttlMs). The clock is injectable so tests move time instead of sleeping.
import { LRUCache } from 'lru-cache';

export interface TtlCacheOptions {
  /** How long a value is served after its read started (age <= ttlMs); 0 only shares reads in flight. */
  readonly ttlMs: number;
  /** Bound on kept values; the least recently used go first. */
  readonly maxEntries: number;
  /** Milliseconds clock (default performance.now via lru-cache). */
  readonly now?: () => number;
  /**
   * Keep expired values for stale() (the last value whatever its age) until they are evicted by
   * size; get()/fresh() still never serve them.
   */
  readonly keepStale?: boolean;
}

/** A value boxed so that null and undefined can be cached too (lru-cache refuses them). */
interface Box<V> {
  readonly value: V;
}

export class TtlCache<K extends string, V> {
  private readonly lru: LRUCache<K, Box<V>>;
  private readonly inFlight = new Map<K, Promise<V>>();
  private readonly now: () => number;

  constructor(readonly options: TtlCacheOptions) {
    const injected = options.now;
    // lru-cache reads a start time of 0 as "no TTL": an injected clock (tests start at 0) is moved
    // one millisecond on, which changes no difference between two readings.
    const now = injected ? () => injected() + 1 : () => performance.now();
    this.now = now;
    this.lru = new LRUCache<K, Box<V>>({
      max: Math.max(1, options.maxEntries),
      ...(options.ttlMs > 0 ? { ttl: options.ttlMs } : {}),
      // Resolution 0: every check reads the clock (an injected test clock moves in steps).
      ttlResolution: 0,
      perf: { now },
      ...(options.keepStale ? { noDeleteOnStaleGet: true } : {}),
    });
  }

  /** The fresh value, the read in flight, or a new read shared by everyone asking meanwhile. */
  get(key: K, read: () => Promise<V>): Promise<V> {
    const hit = this.lru.get(key);
    if (hit) return Promise.resolve(hit.value);
    const flying = this.inFlight.get(key);
    if (flying) return flying;
    const started = this.now();
    const value = read();
    this.inFlight.set(key, value);
    const settle = (ok: boolean, v?: V) => {
      if (this.inFlight.get(key) !== value) return; // invalidated meanwhile: keep nothing
      this.inFlight.delete(key);
      const remaining = this.options.ttlMs - (this.now() - started);
      if (ok && this.options.ttlMs > 0 && remaining > 0)
        this.lru.set(key, { value: v as V }, { ttl: remaining });
    };
    value.then(
      (v) => settle(true, v),
      () => settle(false),
    );
    return value;
  }

  /** The value if it is fresh (no read is started). */
  fresh(key: K): V | undefined {
    return this.lru.get(key)?.value;
  }

  /** The last value kept, whatever its age (with `keepStale`). */
  stale(key: K): V | undefined {
    return this.lru.get(key, { allowStale: true })?.value;
  }

  /** Stores a value read elsewhere, fresh from now (`ttlMs` overrides the cache's TTL for it). */
  set(key: K, value: V, ttlMs?: number): void {
    this.inFlight.delete(key);
    this.lru.set(key, { value }, ttlMs !== undefined ? { ttl: ttlMs } : {});
  }

  /** Forgets the value and any read in flight (its result will not be stored). */
  delete(key: K): void {
    this.inFlight.delete(key);
    this.lru.delete(key);
  }

  /** Forgets everything, reads in flight included. */
  clear(): void {
    this.inFlight.clear();
    this.lru.clear();
  }

  /** Values kept (fresh or, with keepStale, stale). */
  get size(): number {
    return this.lru.size;
  }
}
