// The market caches, in one module on one primitive (src/cache/ttl-cache.ts: lru-cache with a TTL,
// a size bound and in-flight de-duplication). Three consumers want three views of the same public
// market facts, each with the staleness its use can afford:
//   - CachedMarketData: the executor's pricing reads (a market by token, an order book), seconds;
//   - MarketRulesCache: what the fan-out needs of a fill's market (tick, minimum size, categories,
//     labels), derived from a market read, a minute;
//   - TradingRulesCache: what signing needs (tick, neg-risk, fee curve), one per process, shared by
//     every venue, a minute, kept after expiry for fee and book defaults.
//
// Why stale-by-a-little is safe for pricing: a copy is a FOK order limited at the leader's price ±
// the user's slippage; the venue matches it against its real book. A book up to `bookTtlMs` old can
// only make the executor send an order that the venue then kills (recorded as book_cannot_fill) or
// skip one that might have filled — never fill at a worse price than the user allowed. Market state
// (closed, accepting orders, tick, fees) changes rarely; an order sent to a market that closed
// meanwhile is refused by the venue. Tick sizes can change (tick_size_change): rules expire so a
// change is picked up, and an order refused for its tick drops the entry.
import { TtlCache } from '../cache/ttl-cache.ts';
import { categoriesOfTags, type MarketCategory } from '../domain/market-categories.ts';
import type { Decimal } from '../domain/money.ts';
import type { MarketRules } from '../domain/order-rules.ts';
import type { FeeTerms } from './polymarket/order-fills.ts';
import type { TokenTradingRules } from './polymarket/order-preparation.ts';
import type {
  Market,
  MarketDataSource,
  MarketListQuery,
  MarketPage,
  MarketStream,
  OrderBook,
} from './venue.ts';

// ------------------------------------------------------------------ pricing reads

export interface MarketDataCacheOptions {
  /** How long a market read by token is reused (default 5 s). */
  readonly marketTtlMs?: number;
  /** How long a book is reused (default 250 ms). 0 only shares reads already in flight. */
  readonly bookTtlMs?: number;
  /** Bound on cached entries per kind; the least recently used go first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * One leader fill fans out to thousands of copies of the same token within a second; without this
 * every copy would read the same market and the same book from the venue. With it, a fan-out reads
 * each once per TTL, and concurrent readers share the one request in flight.
 */
export class CachedMarketData implements MarketDataSource {
  private readonly markets: TtlCache<string, Market | null>;
  private readonly books: TtlCache<string, OrderBook>;

  constructor(
    private readonly source: MarketDataSource,
    options: MarketDataCacheOptions = {},
  ) {
    const maxEntries = options.maxEntries ?? 10_000;
    const now = options.now;
    const clock = now ? { now } : {};
    this.markets = new TtlCache({ ttlMs: options.marketTtlMs ?? 5_000, maxEntries, ...clock });
    this.books = new TtlCache({ ttlMs: options.bookTtlMs ?? 250, maxEntries, ...clock });
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

// ------------------------------------------------------------------ the fan-out's rules

/** What the fan-out needs to know about a fill's market. */
export interface FillMarketRules extends MarketRules {
  /** From the market's tags (a follow's category filter); empty when the venue gives none. */
  readonly categories: readonly MarketCategory[];
  /**
   * Which market and outcome the token is: the chain feed's logs name only the token, while the
   * other feeds' payloads carry these labels themselves.
   */
  readonly market?: {
    readonly conditionId: string;
    readonly title: string;
    readonly slug: string | null;
    readonly outcome: string;
    readonly outcomeIndex: number;
  };
}

/** The fill's market rules per token: ingest must not make a network round trip per fill. */
export class MarketRulesCache {
  private readonly cache: TtlCache<string, FillMarketRules | null>;

  constructor(
    private readonly source: Pick<MarketDataSource, 'getMarketByToken'>,
    ttlMs = 60_000,
    now?: () => number,
    maxEntries = 100_000,
  ) {
    this.cache = new TtlCache({ ttlMs, maxEntries, ...(now ? { now } : {}) });
  }

  async get(tokenId: string): Promise<FillMarketRules | null> {
    const rules = await this.cache.get(tokenId, () => this.read(tokenId));
    // An unknown token is not remembered: it may be listed a moment later.
    if (rules === null) this.cache.delete(tokenId);
    return rules;
  }

  private async read(tokenId: string): Promise<FillMarketRules | null> {
    const market = await this.source.getMarketByToken(tokenId);
    if (!market) return null;
    const outcomeIndex = market.tokens.findIndex((t) => t.tokenId === tokenId);
    return {
      tickSize: market.tickSize,
      minOrderSize: market.minOrderSize,
      categories: categoriesOfTags(market.tags),
      market: {
        conditionId: market.conditionId,
        title: market.question,
        slug: market.slug,
        outcome: market.tokens[outcomeIndex]?.outcome ?? '',
        outcomeIndex: Math.max(0, outcomeIndex),
      },
    };
  }
}

// ------------------------------------------------------------------ signing rules

export interface CachedRules {
  readonly rules: TokenTradingRules;
  readonly fees: FeeTerms & { readonly rate: Decimal };
  /** When the rules were read (ms, the venue's clock). */
  readonly at: number;
}

/**
 * Trading rules per token: public market facts, the same for every account. One per process, shared
 * by the keyless market-data venue and every live venue the vault builds, so a venue built for one
 * order (live-venue-factory.ts builds one per call and keeps no secrets around) signs with warm rules
 * instead of reading the market again. Freshness is judged on the venue's clock (`at`), so entries
 * are kept past their TTL for fee and book defaults until the size bound drops them.
 */
export class TradingRulesCache {
  private readonly entries: TtlCache<string, CachedRules>;

  /**
   * @param ttlMs how long rules are trusted before an order re-reads them (ticks change live near
   *   0 and 1; an order refused for its tick also drops the entry).
   * @param maxEntries bound on remembered tokens; the least recently used are forgotten first.
   */
  constructor(
    readonly ttlMs = 60_000,
    maxEntries = 100_000,
  ) {
    this.entries = new TtlCache({ ttlMs: 0, maxEntries });
  }

  /** The rules if read less than ttlMs ago. */
  fresh(tokenId: string, nowMs: number): CachedRules | undefined {
    const hit = this.entries.stale(tokenId);
    return hit && nowMs - hit.at < this.ttlMs ? hit : undefined;
  }

  /** The last rules read, whatever their age (book defaults, fee estimates). */
  get(tokenId: string): CachedRules | undefined {
    return this.entries.stale(tokenId);
  }

  set(tokenId: string, entry: CachedRules): void {
    this.entries.set(tokenId, entry);
  }

  delete(tokenId: string): void {
    this.entries.delete(tokenId);
  }
}
