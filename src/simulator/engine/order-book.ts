// One central limit order book per binary market, kept in YES terms.
//
// A binary market's two tokens share one book, as on Polymarket's CTF exchange: a BUY YES at p
// and a SELL NO at 1−p both want YES exposure (bids at YES-price p); a SELL YES at p and a BUY NO
// at 1−p both offer it (asks at p). Crossing a bid with an ask is then a NORMAL trade, a MINT
// (BUY YES × BUY NO) or a MERGE (SELL YES × SELL NO) depending on the two tokens. Each token's
// public book (`/book`) is a view: the NO book is the YES book mirrored around 1.
//
// Levels are indexed by tick (price = level × tick), so the book can only hold prices on the
// market's grid. Each level is a FIFO array with a moving head; cancelled orders are removed
// lazily (skipped when they reach the head) so cancel is O(1) and the hot path allocates nothing.

/**
 * What the book reads of a resting order. The book is generic over it so that it knows nothing of
 * the engine's order (which points back at its market, and the market at this book).
 */
export interface BookOrder {
  readonly bookSide: 0 | 1;
  /** YES-price tick index. */
  readonly level: number;
  readonly remainingMicro: number;
  readonly status: string;
}

export class PriceLevel<O extends BookOrder = BookOrder> {
  orders: O[] = [];
  head = 0;
  /** Sum of remaining size of the live orders at this level, micro-shares. */
  totalMicro = 0;
  live = 0;

  /** Drops dead orders at the head and compacts the array when mostly dead. */
  trimHead(): void {
    const orders = this.orders;
    while (this.head < orders.length) {
      const o = orders[this.head] as O;
      if (o.status === 'LIVE' && o.remainingMicro > 0) break;
      this.head++;
    }
    if (this.live === 0) {
      orders.length = 0;
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > orders.length) {
      this.orders = orders.slice(this.head);
      this.head = 0;
    }
  }
}

export interface LevelSummary {
  /** Price in micro-pUSD of the token the summary is for. */
  priceMicro: number;
  sizeMicro: number;
}

export class BinaryBook<O extends BookOrder = BookOrder> {
  readonly bids: PriceLevel<O>[];
  readonly asks: PriceLevel<O>[];
  /** Highest bid level, 0 when there are no bids. */
  bestBid = 0;
  /** Lowest ask level, nTicks when there are no asks. */
  bestAsk: number;

  constructor(
    readonly nTicks: number,
    readonly tickMicro: number,
  ) {
    this.bids = Array.from({ length: nTicks + 1 }, () => new PriceLevel<O>());
    this.asks = Array.from({ length: nTicks + 1 }, () => new PriceLevel<O>());
    this.bestAsk = nTicks;
  }

  add(order: O): void {
    const level = (order.bookSide === 0 ? this.bids : this.asks)[order.level] as PriceLevel<O>;
    level.orders.push(order);
    level.totalMicro += order.remainingMicro;
    level.live++;
    if (order.bookSide === 0) {
      if (order.level > this.bestBid) this.bestBid = order.level;
    } else if (order.level < this.bestAsk) this.bestAsk = order.level;
  }

  /** Accounts for `qty` filled from a resting order (its remainingMicro already reduced). */
  onFilled(order: O, qty: number): void {
    const level = (order.bookSide === 0 ? this.bids : this.asks)[order.level] as PriceLevel<O>;
    level.totalMicro -= qty;
    if (order.remainingMicro === 0) this.onLeft(order, level);
  }

  /** Removes a resting order that is being cancelled (call before zeroing remainingMicro). */
  remove(order: O): void {
    const level = (order.bookSide === 0 ? this.bids : this.asks)[order.level] as PriceLevel<O>;
    level.totalMicro -= order.remainingMicro;
    this.onLeft(order, level);
  }

  private onLeft(order: O, level: PriceLevel<O>): void {
    level.live--;
    if (level.live > 0) return;
    level.orders.length = 0;
    level.head = 0;
    level.totalMicro = 0;
    if (order.bookSide === 0) {
      if (order.level === this.bestBid) {
        let i = this.bestBid - 1;
        while (i > 0 && (this.bids[i] as PriceLevel).live === 0) i--;
        this.bestBid = i;
      }
    } else if (order.level === this.bestAsk) {
      let i = this.bestAsk + 1;
      while (i < this.nTicks && (this.asks[i] as PriceLevel).live === 0) i++;
      this.bestAsk = i;
    }
  }

  hasBid(): boolean {
    return this.bestBid > 0;
  }

  hasAsk(): boolean {
    return this.bestAsk < this.nTicks;
  }

  /**
   * Aggregated levels for one token, in production order: bids ascending and asks descending,
   * so the best price of each side is LAST (§3.1).
   */
  depth(outcome: 0 | 1): { bids: LevelSummary[]; asks: LevelSummary[] } {
    const yesBids: LevelSummary[] = [];
    const yesAsks: LevelSummary[] = [];
    for (let i = 1; i <= this.bestBid; i++) {
      const l = this.bids[i] as PriceLevel<O>;
      if (l.live > 0) yesBids.push({ priceMicro: i * this.tickMicro, sizeMicro: l.totalMicro });
    }
    for (let i = this.nTicks - 1; i >= this.bestAsk; i--) {
      const l = this.asks[i] as PriceLevel<O>;
      if (l.live > 0) yesAsks.push({ priceMicro: i * this.tickMicro, sizeMicro: l.totalMicro });
    }
    if (outcome === 0) return { bids: yesBids, asks: yesAsks };
    // NO bids are YES asks at 1 − p: YES asks descending by p are NO bids ascending; likewise asks.
    const one = this.nTicks * this.tickMicro;
    return {
      bids: yesAsks.map((l) => ({ priceMicro: one - l.priceMicro, sizeMicro: l.sizeMicro })),
      asks: yesBids.map((l) => ({ priceMicro: one - l.priceMicro, sizeMicro: l.sizeMicro })),
    };
  }

  /** Best bid/ask of one token in micro-pUSD (0 when that side is empty). */
  bestPrices(outcome: 0 | 1): { bidMicro: number; askMicro: number } {
    const bid = this.hasBid() ? this.bestBid * this.tickMicro : 0;
    const ask = this.hasAsk() ? this.bestAsk * this.tickMicro : 0;
    if (outcome === 0) return { bidMicro: bid, askMicro: ask };
    const one = this.nTicks * this.tickMicro;
    return { bidMicro: ask === 0 ? 0 : one - ask, askMicro: bid === 0 ? 0 : one - bid };
  }

  /** Total live size at a YES-price level on one side (for tests and agents). */
  sizeAt(bookSide: 0 | 1, level: number): number {
    return ((bookSide === 0 ? this.bids : this.asks)[level] as PriceLevel | undefined)?.totalMicro ?? 0;
  }
}
