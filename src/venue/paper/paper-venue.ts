// The paper venue: trades against real (or simulated) order books without credentials. Market data
// comes from any MarketDataSource (the live adapter, the simulator-backed one, a test fake); orders
// execute by walking the book at the moment they are placed, with the same book walk and quantisation
// rules the rest of the platform uses. Nothing is ever sent anywhere.
//
// Resting orders (GTC/GTD) are supported: the marketable part fills at once as a taker; the rest
// rests virtually and is matched against later book snapshots as a maker at its own limit price,
// whenever the venue is next used (any order, lookup, cancel or balance call) or when
// `reconcileRestingOrders()` is called. A snapshot is used at most once per order, so unchanged
// liquidity is never counted twice. This is an approximation: a real resting order only fills when
// someone trades into it, and the paper one fills when the book moves through its price.
import { randomUUID } from 'node:crypto';
import { Decimal, ZERO } from '../../domain/money.ts';
import { walkBook, takerFee, type WalkFill } from '../../domain/book-walk.ts';
import { isMarketable } from '../../domain/order-book.ts';
import { MARKET_BUY_SHARE_DECIMALS, quantiseOrder } from '../../domain/order-rules.ts';
import { VenueError, isVenueError } from '../errors.ts';
import type {
  AssetBalance,
  CancelResult,
  Market,
  MarketDataSource,
  MarketListQuery,
  MarketPage,
  MarketStream,
  OrderBook,
  OrderRef,
  OrderResult,
  PlaceOrderRequest,
  Venue,
} from '../venue.ts';
import { InMemoryPaperLedgerStore, type PaperLedgerStore, type PaperOrderRecord } from './ledger-store.ts';
import { paperOrderId, requestFingerprint, toPaperFill } from './paper-order.ts';

export { paperOrderId } from './paper-order.ts';

export interface PaperVenueOptions {
  /** Public market data; the paper venue reads from it and never writes to it. */
  readonly source: MarketDataSource;
  readonly store?: PaperLedgerStore;
  /** Starting pUSD of the paper account (default 0); deposits come on top. */
  readonly initialCollateral?: Decimal;
  /** Epoch ms; injectable for tests. */
  readonly now?: () => number;
  /** Match resting orders against fresh books before every call (default true). */
  readonly reconcileOnAccess?: boolean;
}

const FOK_NOT_FILLED = "order couldn't be fully filled. FOK orders are fully filled or killed.";
const FAK_NOT_FILLED =
  'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.';
const NOT_ENOUGH_BALANCE = 'not enough balance / allowance';

export interface CollateralDetail {
  /** pUSD held: initial + deposits + sells − buys − fees. */
  readonly balance: Decimal;
  /** pUSD held back for resting BUY orders. */
  readonly reserved: Decimal;
  readonly available: Decimal;
}

export class PaperVenue implements Venue {
  readonly name = 'paper';
  private readonly source: MarketDataSource;
  private readonly store: PaperLedgerStore;
  private readonly initialCollateral: Decimal;
  private readonly now: () => number;
  private readonly reconcileOnAccess: boolean;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: PaperVenueOptions) {
    this.source = options.source;
    this.store = options.store ?? new InMemoryPaperLedgerStore();
    this.initialCollateral = options.initialCollateral ?? new Decimal(0);
    this.now = options.now ?? (() => Date.now());
    this.reconcileOnAccess = options.reconcileOnAccess ?? true;
  }

  // ------------------------------------------------------------ market data: straight through

  listMarkets(query?: MarketListQuery): Promise<MarketPage> {
    return this.source.listMarkets(query);
  }
  getMarket(conditionId: string): Promise<Market | null> {
    return this.source.getMarket(conditionId);
  }
  getMarketByToken(tokenId: string): Promise<Market | null> {
    return this.source.getMarketByToken(tokenId);
  }
  getOrderBook(tokenId: string): Promise<OrderBook> {
    return this.source.getOrderBook(tokenId);
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

  // ------------------------------------------------------------ trading

  /**
   * Serialises every state-changing call: a balance check and the fills it admits must not
   * interleave with another order's (one PaperVenue per account; a shared PostgreSQL store adds
   * its own transaction for multi-process use).
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  placeOrder(request: PlaceOrderRequest): Promise<OrderResult> {
    return this.exclusive(async () => {
      if (this.reconcileOnAccess) await this.reconcileLocked();
      return this.placeLocked(request);
    });
  }

  lookupOrder(ref: OrderRef): Promise<OrderResult | null> {
    return this.exclusive(async () => {
      if (this.reconcileOnAccess) await this.reconcileLocked();
      const order = await this.store.findOrder(ref);
      return order ? this.toResult(order) : null;
    });
  }

  cancelOrder(ref: OrderRef): Promise<CancelResult> {
    return this.exclusive(async () => {
      if (this.reconcileOnAccess) await this.reconcileLocked();
      const order = await this.store.findOrder(ref);
      if (!order) throw VenueError.notFound('order_not_found', 'order not found');
      if (order.status !== 'live') {
        return { venueOrderId: order.venueOrderId, canceled: false, reason: `order already ${order.status}` };
      }
      await this.store.updateOrder(
        { ...order, status: 'canceled', cancelReason: 'user', restingSize: ZERO, updatedAtMs: this.now() },
        [],
      );
      return { venueOrderId: order.venueOrderId, canceled: true, reason: null };
    });
  }

  getCollateralBalance(): Promise<AssetBalance> {
    return this.exclusive(async () => {
      if (this.reconcileOnAccess) await this.reconcileLocked();
      const { balance } = await this.collateralDetail();
      return { asset: 'collateral', balance, allowance: null };
    });
  }

  getTokenBalance(tokenId: string): Promise<AssetBalance> {
    return this.exclusive(async () => {
      if (this.reconcileOnAccess) await this.reconcileLocked();
      const { balance } = await this.tokenDetail(tokenId);
      return { asset: tokenId, balance, allowance: null };
    });
  }

  /** pUSD held, reserved by resting BUYs, and available. Paper-only. */
  getCollateralDetail(): Promise<CollateralDetail> {
    return this.exclusive(async () => {
      if (this.reconcileOnAccess) await this.reconcileLocked();
      return this.collateralDetail();
    });
  }

  /** Credits paper pUSD. `entryId` makes a repeated deposit a no-op. */
  deposit(amount: Decimal, options: { entryId?: string; memo?: string } = {}): Promise<void> {
    if (!amount.gt(ZERO)) throw new RangeError('deposit must be positive');
    return this.exclusive(() =>
      this.store.addCashEntry({
        entryId: options.entryId ?? randomUUID(),
        amount,
        memo: options.memo ?? 'deposit',
        atMs: this.now(),
      }),
    );
  }

  /** Matches resting orders against current books and expires GTDs; returns the orders that changed. */
  reconcileRestingOrders(): Promise<OrderResult[]> {
    return this.exclusive(async () => {
      const changed = await this.reconcileLocked();
      return Promise.all(changed.map((o) => this.toResult(o)));
    });
  }

  // ------------------------------------------------------------ internals

  /**
   * Like the exchange, the whole order must be covered up front: a BUY's limit × size (or its
   * amount) plus the fees of what fills now; a SELL's shares.
   */
  private async requireFunds(
    tokenId: string,
    q: { side: 'BUY' | 'SELL'; price: Decimal; size: Decimal | null; amount: Decimal | null },
    fees: Decimal,
  ): Promise<void> {
    if (q.side === 'BUY') {
      const maxCost = (q.size !== null ? q.size.times(q.price) : (q.amount as Decimal)).plus(fees);
      const { available } = await this.collateralDetail();
      if (maxCost.gt(available)) {
        throw VenueError.insufficientFunds(
          `${NOT_ENOUGH_BALANCE}: the balance is not enough -> balance: ${available.toFixed()}, order amount: ${maxCost.toFixed()}`,
          { venueMessage: NOT_ENOUGH_BALANCE },
        );
      }
    } else {
      const { available } = await this.tokenDetail(tokenId);
      if ((q.size as Decimal).gt(available)) {
        throw VenueError.insufficientFunds(
          `${NOT_ENOUGH_BALANCE}: the balance is not enough -> balance: ${available.toFixed()}, order size: ${(q.size as Decimal).toFixed()}`,
          { venueMessage: NOT_ENOUGH_BALANCE },
        );
      }
    }
  }

  private async placeLocked(request: PlaceOrderRequest): Promise<OrderResult> {
    const fingerprint = requestFingerprint(request);
    const existing = await this.store.findOrder({ clientOrderId: request.clientOrderId });
    if (existing) {
      if (existing.requestFingerprint !== fingerprint) {
        throw VenueError.rejected(
          'client_order_id_conflict',
          `clientOrderId ${request.clientOrderId} was already used for a different order`,
        );
      }
      return this.toResult(existing);
    }

    const market = await this.source.getMarketByToken(request.tokenId);
    if (!market) throw VenueError.notFound('market_not_found', `unknown token ${request.tokenId}`);
    if (market.closed || market.resolved || !market.acceptingOrders) {
      throw VenueError.rejected('market_closed', 'the market is not accepting orders');
    }
    const book = await this.source.getOrderBook(request.tokenId);
    const venueOrderId = paperOrderId(request.clientOrderId);
    const nowMs = this.now();

    const quantised = quantiseOrder(
      {
        side: request.side,
        orderType: request.orderType,
        price: request.price,
        size: request.size,
        amount: request.amount,
        expiresAt: request.expiresAt,
        postOnly: request.postOnly,
      },
      { tickSize: book.tickSize, minOrderSize: book.minOrderSize },
      nowMs,
      venueOrderId,
    );
    if (!quantised.ok) throw VenueError.rejected(quantised.reason, quantised.message);
    const q = quantised.order;

    if (q.postOnly && isMarketable(book, q.side, q.price)) {
      throw VenueError.rejected('post_only_would_cross', 'invalid post-only order: order crosses book');
    }

    const walk = walkBook({
      side: q.side,
      book,
      limitPrice: q.price,
      quantity: q.size !== null ? { size: q.size } : { amount: q.amount as Decimal },
      orderType: q.orderType,
      fee: market.fees,
      sizeDecimals: MARKET_BUY_SHARE_DECIMALS,
    });
    if (walk.outcome === 'killed') throw VenueError.rejected('fok_not_filled', FOK_NOT_FILLED);
    if (walk.outcome === 'none' && q.orderType === 'FAK') {
      throw VenueError.rejected('fak_not_filled', FAK_NOT_FILLED);
    }

    await this.requireFunds(request.tokenId, q, walk.fees);

    const order: PaperOrderRecord = {
      clientOrderId: request.clientOrderId,
      venueOrderId,
      requestFingerprint: fingerprint,
      tokenId: request.tokenId,
      conditionId: market.conditionId,
      side: q.side,
      orderType: q.orderType,
      price: q.price,
      requestedSize: q.size,
      requestedAmount: q.amount,
      expiresAt: q.expiresAt,
      status: walk.restingSize.gt(ZERO) ? 'live' : 'matched',
      cancelReason: null,
      restingSize: walk.restingSize,
      lastBookTimestampMs: book.timestampMs,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
    const fills = walk.fills.map((f, i) => toPaperFill(order, f, i, 'taker', nowMs));
    const { order: stored } = await this.store.insertOrder(order, fills);
    return this.toResult(stored);
  }

  private async reconcileLocked(): Promise<PaperOrderRecord[]> {
    const open = await this.store.listOpenOrders();
    if (open.length === 0) return [];
    const nowMs = this.now();
    const books = new Map<string, OrderBook | null>();
    const markets = new Map<string, Market | null>();
    const changed: PaperOrderRecord[] = [];

    for (const order of open) {
      if (order.expiresAt !== null && nowMs >= order.expiresAt * 1000) {
        const expired: PaperOrderRecord = {
          ...order,
          status: 'canceled',
          cancelReason: 'expired',
          restingSize: ZERO,
          updatedAtMs: nowMs,
        };
        await this.store.updateOrder(expired, []);
        changed.push(expired);
        continue;
      }
      if (!books.has(order.tokenId)) {
        books.set(order.tokenId, await this.readOrNull(() => this.source.getOrderBook(order.tokenId)));
        markets.set(order.tokenId, await this.readOrNull(() => this.source.getMarketByToken(order.tokenId)));
      }
      const market = markets.get(order.tokenId) ?? null;
      if (market?.resolved || market?.closed) {
        const closed: PaperOrderRecord = {
          ...order,
          status: 'canceled',
          cancelReason: 'market_resolved',
          restingSize: ZERO,
          updatedAtMs: nowMs,
        };
        await this.store.updateOrder(closed, []);
        changed.push(closed);
        continue;
      }
      const book = books.get(order.tokenId) ?? null;
      if (!book || (order.lastBookTimestampMs !== null && book.timestampMs <= order.lastBookTimestampMs))
        continue;

      const walk = walkBook({
        side: order.side,
        book,
        limitPrice: order.price,
        quantity: { size: order.restingSize },
        orderType: 'FAK',
      });
      const fee = market?.fees;
      const makerFills: WalkFill[] = walk.fills.map((f) => ({
        price: order.price,
        size: f.size,
        notional: f.size.times(order.price),
        fee: fee && !fee.takerOnly ? takerFee(f.size, order.price, fee) : ZERO,
      }));
      const filled = makerFills.reduce((sum, f) => sum.plus(f.size), ZERO);
      const existing = await this.store.listFills({ venueOrderId: order.venueOrderId });
      const restingSize = order.restingSize.minus(filled);
      const updated: PaperOrderRecord = {
        ...order,
        restingSize,
        status: restingSize.gt(ZERO) ? 'live' : 'matched',
        lastBookTimestampMs: book.timestampMs,
        updatedAtMs: nowMs,
      };
      const fills = makerFills.map((f, i) => toPaperFill(order, f, existing.length + i, 'maker', nowMs));
      await this.store.updateOrder(updated, fills);
      if (fills.length > 0) changed.push(updated);
    }
    return changed;
  }

  /** Best effort: a resting order whose book cannot be read now is matched on a later call. */
  private async readOrNull<T>(read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      if (isVenueError(error)) return null;
      throw error;
    }
  }

  private async collateralDetail(): Promise<CollateralDetail> {
    let balance = this.initialCollateral;
    for (const entry of await this.store.listCashEntries()) balance = balance.plus(entry.amount);
    for (const fill of await this.store.listFills()) {
      balance =
        fill.side === 'BUY'
          ? balance.minus(fill.notional).minus(fill.fee)
          : balance.plus(fill.notional).minus(fill.fee);
    }
    let reserved = ZERO;
    for (const order of await this.store.listOpenOrders()) {
      if (order.side === 'BUY') reserved = reserved.plus(order.restingSize.times(order.price));
    }
    return { balance, reserved, available: balance.minus(reserved) };
  }

  private async tokenDetail(tokenId: string): Promise<{ balance: Decimal; available: Decimal }> {
    let balance = ZERO;
    for (const fill of await this.store.listFills({ tokenId })) {
      balance = fill.side === 'BUY' ? balance.plus(fill.size) : balance.minus(fill.size);
    }
    let reserved = ZERO;
    for (const order of await this.store.listOpenOrders()) {
      if (order.side === 'SELL' && order.tokenId === tokenId) reserved = reserved.plus(order.restingSize);
    }
    return { balance, available: balance.minus(reserved) };
  }

  private async toResult(order: PaperOrderRecord): Promise<OrderResult> {
    const fills = await this.store.listFills({ venueOrderId: order.venueOrderId });
    fills.sort((a, b) => a.fillId.localeCompare(b.fillId, 'en', { numeric: true }));
    let filledSize = ZERO;
    let notional = ZERO;
    let fees = ZERO;
    for (const f of fills) {
      filledSize = filledSize.plus(f.size);
      notional = notional.plus(f.notional);
      fees = fees.plus(f.fee);
    }
    return {
      clientOrderId: order.clientOrderId,
      venueOrderId: order.venueOrderId,
      tokenId: order.tokenId,
      side: order.side,
      orderType: order.orderType,
      status: order.status,
      price: order.price,
      requestedSize: order.requestedSize,
      requestedAmount: order.requestedAmount,
      filledSize,
      averagePrice: filledSize.isZero() ? null : notional.div(filledSize),
      notional,
      fees,
      restingSize: order.restingSize,
      tradeIds: fills.map((f) => f.fillId),
      transactionHashes: [],
      createdAtMs: order.createdAtMs,
      cancelReason: order.cancelReason,
    };
  }
}
