// Short-lived reads for the executor's pricing path. One leader fill fans out to thousands of copies
// of the same token within a second; without this every copy would read the same market (three
// requests) and the same book from the venue. With it, a fan-out reads each once per TTL, and
// concurrent readers share the one request in flight.
//
// Why stale-by-a-little is safe: a copy is a FOK order limited at the leader's price ± the user's
// slippage; the venue matches it against its real book. A book up to `bookTtlMs` old can only make
// the executor send an order that the venue then kills (recorded as book_cannot_fill) or skip one
// that might have filled — never fill at a worse price than the user allowed. Market state (closed,
// accepting orders, tick, fees) changes rarely; an order sent to a market that closed meanwhile is
// refused by the venue.
import type { Decimal } from '../domain/money.ts';
import type {
  Market,
  MarketDataSource,
  MarketListQuery,
  MarketPage,
  MarketStream,
  OrderBook,
} from './venue.ts';

export interface MarketDataCacheOptions {
  /** How long a market read by token is reused (default 5 s). */
  readonly marketTtlMs?: number;
  /** How long a book is reused (default 250 ms). 0 only shares reads already in flight. */
  readonly bookTtlMs?: number;
  /** Bound on cached entries per kind; the oldest go first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry<T> {
  readonly at: number;
  readonly value: Promise<T>;
}

class TtlCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  /** The cached or in-flight value, or a new read shared by everyone asking meanwhile. */
  get(key: string, read: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    const t = this.now();
    if (hit && t - hit.at <= this.ttlMs) return hit.value;
    const value = read();
    const entry = { at: t, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    // A failed read is not cached: the next caller tries again.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return value;
  }
}

export class CachedMarketData implements MarketDataSource {
  private readonly markets: TtlCache<Market | null>;
  private readonly books: TtlCache<OrderBook>;

  constructor(
    private readonly source: MarketDataSource,
    options: MarketDataCacheOptions = {},
  ) {
    const now = options.now ?? Date.now;
    const max = options.maxEntries ?? 10_000;
    this.markets = new TtlCache(options.marketTtlMs ?? 5_000, max, now);
    this.books = new TtlCache(options.bookTtlMs ?? 250, max, now);
  }

  getMarketByToken(tokenId: string): Promise<Market | null> {
    return this.markets.get(tokenId, () => this.source.getMarketByToken(tokenId));
  }

  getOrderBook(tokenId: string): Promise<OrderBook> {
    return this.books.get(tokenId, () => this.source.getOrderBook(tokenId));
  }

  // Everything else goes straight to the source.
  listMarkets(query?: MarketListQuery): Promise<MarketPage> {
    return this.source.listMarkets(query);
  }
  getMarket(conditionId: string): Promise<Market | null> {
    return this.source.getMarket(conditionId);
  }
  getOrderBooks(tokenIds: readonly string[]): Promise<ReadonlyMap<string, OrderBook>> {
    return this.source.getOrderBooks(tokenIds);
  }
  getMidpoint(tokenId: string): Promise<Decimal | null> {
    return this.source.getMidpoint(tokenId);
  }
  getMidpoints(tokenIds: readonly string[]): Promise<ReadonlyMap<string, Decimal>> {
    return this.source.getMidpoints(tokenIds);
  }
  streamMarket(tokenIds: readonly string[]): MarketStream {
    return this.source.streamMarket(tokenIds);
  }
}
