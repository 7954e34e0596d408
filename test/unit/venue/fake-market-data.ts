// An in-memory MarketDataSource with hand-made books, for the paper venue's tests and the contract
// suite. Books are stored in whatever order the test gives (use Polymarket's wire order — best last —
// to prove normalisation) and served best-first, as every MarketDataSource must.
import type { Decimal } from '../../../src/domain/money.ts';
import { dec } from '../../../src/domain/money.ts';
import { midpoint, normaliseSides } from '../../../src/domain/order-book.ts';
import { NO_FEES } from '../../../src/domain/book-walk.ts';
import { VenueError } from '../../../src/venue/errors.ts';
import type {
  BookLevel,
  Market,
  MarketDataSource,
  MarketEvent,
  MarketListQuery,
  MarketPage,
  MarketStream,
  OrderBook,
} from '../../../src/venue/venue.ts';

export type LevelInput = readonly [price: string, size: string];
export interface BookInput {
  readonly bids?: readonly LevelInput[];
  readonly asks?: readonly LevelInput[];
}

interface StoredBook {
  bids: BookLevel[];
  asks: BookLevel[];
  timestampMs: number;
}

class EventQueue implements MarketStream {
  private readonly buffered: MarketEvent[] = [];
  private readonly waiting: Array<(r: IteratorResult<MarketEvent>) => void> = [];
  closed = false;

  constructor(
    readonly tokens: ReadonlySet<string>,
    private readonly onClose: () => void,
  ) {}

  push(event: MarketEvent): void {
    if (this.closed) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter({ value: event, done: false });
    else this.buffered.push(event);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    for (const waiter of this.waiting.splice(0)) waiter({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<MarketEvent> {
    return {
      next: () => {
        const event = this.buffered.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiting.push(resolve));
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}

export interface FakeMarketInput {
  readonly conditionId: string;
  readonly question?: string;
  readonly tokens: ReadonlyArray<{ tokenId: string; outcome: string }>;
  readonly tickSize?: string;
  readonly minOrderSize?: string;
  readonly feeRate?: string;
  readonly feeExponent?: number;
  readonly closed?: boolean;
  readonly acceptingOrders?: boolean;
  /** The venue's tags ("Politics", "NBA"…): what market categories are read from. */
  readonly tags?: readonly string[];
}

export class FakeMarketData implements MarketDataSource {
  private readonly markets = new Map<string, Market>();
  private readonly tokenToCondition = new Map<string, string>();
  private readonly books = new Map<string, StoredBook>();
  private readonly streams = new Set<EventQueue>();
  private clockMs = 1_700_000_000_000;
  /** Calls per method, so tests can see what the paper venue read. */
  readonly calls: Record<string, number> = {};

  addMarket(input: FakeMarketInput): Market {
    const market: Market = {
      conditionId: input.conditionId,
      question: input.question ?? `Question ${input.conditionId}?`,
      slug: null,
      tokens: input.tokens.map((t) => ({ tokenId: t.tokenId, outcome: t.outcome })),
      tickSize: dec(input.tickSize ?? '0.01'),
      minOrderSize: dec(input.minOrderSize ?? '5'),
      negRisk: false,
      fees:
        input.feeRate === undefined
          ? NO_FEES
          : { rate: dec(input.feeRate), exponent: input.feeExponent ?? 1, takerOnly: true },
      endDate: new Date('2030-01-01T00:00:00Z'),
      acceptingOrders: input.acceptingOrders ?? !(input.closed ?? false),
      closed: input.closed ?? false,
      resolved: false,
      winningTokenId: null,
      ...(input.tags ? { tags: input.tags } : {}),
    };
    this.markets.set(market.conditionId, market);
    for (const t of market.tokens) {
      this.tokenToCondition.set(t.tokenId, market.conditionId);
      if (!this.books.has(t.tokenId))
        this.books.set(t.tokenId, { bids: [], asks: [], timestampMs: this.tick() });
    }
    return market;
  }

  updateMarket(conditionId: string, patch: Partial<Market>): void {
    const market = this.markets.get(conditionId);
    if (!market) throw new Error(`no market ${conditionId}`);
    this.markets.set(conditionId, { ...market, ...patch });
  }

  /** Replaces a token's book (levels in the given order) and emits a `book` event. */
  setBook(tokenId: string, input: BookInput): void {
    if (!this.tokenToCondition.has(tokenId)) throw new Error(`no token ${tokenId}`);
    const toLevels = (levels: readonly LevelInput[] = []) =>
      levels.map(([price, size]) => ({ price: dec(price), size: dec(size) }));
    this.books.set(tokenId, {
      bids: toLevels(input.bids),
      asks: toLevels(input.asks),
      timestampMs: this.tick(),
    });
    const book = this.bookFor(tokenId);
    for (const stream of this.streams) if (stream.tokens.has(tokenId)) stream.push({ type: 'book', book });
  }

  private tick(): number {
    this.clockMs += 1;
    return this.clockMs;
  }

  private count(method: string): void {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
  }

  private bookFor(tokenId: string): OrderBook {
    const conditionId = this.tokenToCondition.get(tokenId);
    const stored = this.books.get(tokenId);
    if (!conditionId || !stored) {
      throw VenueError.notFound('no_orderbook', 'No orderbook exists for the requested token id');
    }
    const market = this.markets.get(conditionId) as Market;
    const sides = normaliseSides(stored);
    return {
      tokenId,
      conditionId,
      bids: sides.bids,
      asks: sides.asks,
      tickSize: market.tickSize,
      minOrderSize: market.minOrderSize,
      negRisk: market.negRisk,
      timestampMs: stored.timestampMs,
      hash: null,
      lastTradePrice: null,
    };
  }

  async listMarkets(query: MarketListQuery = {}): Promise<MarketPage> {
    this.count('listMarkets');
    const all = [...this.markets.values()].filter((m) => query.includeClosed || !m.closed);
    const start = query.cursor ? Number(query.cursor) : 0;
    const limit = query.limit ?? 100;
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : null;
    return { markets: page, nextCursor: next };
  }

  async getMarket(conditionId: string): Promise<Market | null> {
    this.count('getMarket');
    return this.markets.get(conditionId) ?? null;
  }

  async getMarketByToken(tokenId: string): Promise<Market | null> {
    this.count('getMarketByToken');
    const cid = this.tokenToCondition.get(tokenId);
    return cid ? (this.markets.get(cid) ?? null) : null;
  }

  async getOrderBook(tokenId: string): Promise<OrderBook> {
    this.count('getOrderBook');
    return this.bookFor(tokenId);
  }

  async getOrderBooks(tokenIds: readonly string[]): Promise<ReadonlyMap<string, OrderBook>> {
    this.count('getOrderBooks');
    const out = new Map<string, OrderBook>();
    for (const id of tokenIds) if (this.tokenToCondition.has(id)) out.set(id, this.bookFor(id));
    return out;
  }

  async getMidpoint(tokenId: string): Promise<Decimal | null> {
    this.count('getMidpoint');
    return midpoint(this.bookFor(tokenId));
  }

  async getMidpoints(tokenIds: readonly string[]): Promise<ReadonlyMap<string, Decimal>> {
    this.count('getMidpoints');
    const out = new Map<string, Decimal>();
    for (const id of tokenIds) {
      if (!this.tokenToCondition.has(id)) continue;
      const mid = midpoint(this.bookFor(id));
      if (mid) out.set(id, mid);
    }
    return out;
  }

  streamMarket(tokenIds: readonly string[]): MarketStream {
    const stream: EventQueue = new EventQueue(new Set(tokenIds), () => this.streams.delete(stream));
    this.streams.add(stream);
    for (const id of tokenIds)
      if (this.tokenToCondition.has(id)) stream.push({ type: 'book', book: this.bookFor(id) });
    return stream;
  }

  get openStreams(): number {
    return this.streams.size;
  }
}
