// A per-user cache for a signed-in read that is asked for far more often than it changes (the
// portfolio: a dashboard polls it, 500 requests/s in bench/api.ts), kept correct by invalidation on
// the write path rather than by a long TTL:
//   - every user event (src/events/publish.ts: copy executed / failed / skipped, position closed,
//     P&L marked, follow paused) is NOTIFYed by the engine inside the transaction that wrote the
//     change; this process's UserEventHub hears it after the commit and drops that user's entry —
//     a read already in flight is dropped too and its result not kept (src/cache/ttl-cache.ts);
//   - a write through this API process (any POST / PATCH / DELETE of the user's) drops the user's
//     entry when it answers (register-api.ts), an admin's write drops every entry;
//   - what changes with neither (a follow made through another API process or the bot, a live
//     balance read by a worker, a tier changed by an admin elsewhere) shows within `ttlMs`, the
//     documented bound (docs/api.md, "Caching");
//   - while the hub is not listening, events may be lost: the cache is bypassed, and everything it
//     held is dropped when a new LISTEN starts (`listenEpoch`), since notifications are not replayed.
import { TtlCache } from '../cache/ttl-cache.ts';

/** What the cache needs of the event hub (src/events/hub.ts). */
export interface InvalidationFeed {
  readonly isListening: boolean;
  readonly listenEpoch: number;
  subscribeAll(fn: (event: { readonly userId: string }) => void): () => void;
}

export interface UserViewCacheOptions {
  /** The bound on staleness for changes no event announces (default 2 s). */
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export const USER_VIEW_CACHE_TTL_MS = 2_000;

export class UserViewCache<V> {
  private readonly cache: TtlCache<string, V>;
  private epoch: number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly feed: InvalidationFeed,
    options: UserViewCacheOptions = {},
  ) {
    this.cache = new TtlCache({
      ttlMs: options.ttlMs ?? USER_VIEW_CACHE_TTL_MS,
      maxEntries: options.maxEntries ?? 50_000,
      ...(options.now ? { now: options.now } : {}),
    });
    this.epoch = feed.listenEpoch;
    this.unsubscribe = feed.subscribeAll((e) => this.invalidate(e.userId));
  }

  /** The user's cached view, or compute() it (shared by concurrent callers). */
  get(userId: string, compute: () => Promise<V>): Promise<V> {
    if (!this.feed.isListening) return compute();
    if (this.feed.listenEpoch !== this.epoch) {
      this.cache.clear();
      this.epoch = this.feed.listenEpoch;
    }
    return this.cache.get(userId, compute);
  }

  invalidate(userId: string): void {
    this.cache.delete(userId);
  }

  clear(): void {
    this.cache.clear();
  }

  close(): void {
    this.unsubscribe();
    this.cache.clear();
  }
}
