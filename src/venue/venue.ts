// The one Venue interface (house rule 2). Live Polymarket, paper and the simulator-backed venue all
// implement it; "paper or live" is decided once, in the composition root. Every method either
// resolves with decimals (never JS numbers for money) or rejects with a VenueError whose `kind`
// tells the caller what to do (see errors.ts). Adapters do not retry: retries live in retry.ts.
import type { Decimal } from '../domain/money.ts';
import type { BookLevel, Side } from '../domain/order-book.ts';
import type { FeeSchedule, OrderType } from '../domain/book-walk.ts';

export type { BookLevel, Side } from '../domain/order-book.ts';
export type { FeeSchedule, OrderType } from '../domain/book-walk.ts';

// ---------------------------------------------------------------- markets

export interface OutcomeToken {
  /** CLOB token id (a decimal uint256 string). */
  readonly tokenId: string;
  /** Outcome label as the venue spells it ("Yes", "No", "Lakers"...). */
  readonly outcome: string;
}

export interface Market {
  /** CTF condition id, 0x + 64 hex. */
  readonly conditionId: string;
  readonly question: string;
  readonly slug: string | null;
  /** Outcome tokens in the venue's outcome order (index = outcome index). */
  readonly tokens: readonly OutcomeToken[];
  /** Minimum price increment. Can change live (tick_size_change); books carry the current one. */
  readonly tickSize: Decimal;
  /** Minimum size of a resting order, in shares. */
  readonly minOrderSize: Decimal;
  /** Orders on neg-risk markets are signed for the Neg Risk exchange. */
  readonly negRisk: boolean;
  readonly fees: FeeSchedule;
  /** Scheduled end, or null when the venue gives none. */
  readonly endDate: Date | null;
  /** Whether new orders are accepted right now. */
  readonly acceptingOrders: boolean;
  readonly closed: boolean;
  /** True once the outcome is final; then `winningTokenId` is set (null for a void/50-50 market). */
  readonly resolved: boolean;
  readonly winningTokenId: string | null;
  /**
   * The venue's tags for the market ("Politics", "NBA"…), when it gives them; a follow's category
   * filter reads them (src/domain/market-categories.ts).
   */
  readonly tags?: readonly string[];
}

export interface MarketListQuery {
  /** Opaque cursor from a previous page; absent for the first page. */
  readonly cursor?: string;
  /** Page size hint; adapters may return fewer. */
  readonly limit?: number;
  /** Include closed/resolved markets (default false). */
  readonly includeClosed?: boolean;
}

export interface MarketPage {
  readonly markets: readonly Market[];
  /** null on the last page. */
  readonly nextCursor: string | null;
}

// ---------------------------------------------------------------- books and prices

export interface OrderBook {
  readonly tokenId: string;
  readonly conditionId: string;
  /** Best (highest) bid first, whatever the wire order; no empty or repeated levels. */
  readonly bids: readonly BookLevel[];
  /** Best (lowest) ask first, whatever the wire order; no empty or repeated levels. */
  readonly asks: readonly BookLevel[];
  readonly tickSize: Decimal;
  readonly minOrderSize: Decimal;
  readonly negRisk: boolean;
  /** Venue timestamp of this snapshot, epoch ms. Later snapshots of a token have larger values. */
  readonly timestampMs: number;
  /** Venue's book hash when it gives one (Polymarket: 40-hex SHA-1). */
  readonly hash: string | null;
  readonly lastTradePrice: Decimal | null;
}

// ---------------------------------------------------------------- streaming

export type MarketEvent =
  | { readonly type: 'book'; readonly book: OrderBook }
  | {
      readonly type: 'price_change';
      readonly tokenId: string;
      readonly conditionId: string;
      /** The side of the book that changed: BUY = bids, SELL = asks. */
      readonly side: Side;
      readonly price: Decimal;
      /** New total size at that price; zero removes the level. */
      readonly size: Decimal;
      readonly bestBid: Decimal | null;
      readonly bestAsk: Decimal | null;
      readonly timestampMs: number;
    }
  | {
      readonly type: 'last_trade';
      readonly tokenId: string;
      readonly conditionId: string;
      readonly side: Side;
      readonly price: Decimal;
      readonly size: Decimal;
      readonly timestampMs: number;
    }
  | {
      readonly type: 'tick_size_change';
      readonly tokenId: string;
      readonly conditionId: string;
      readonly oldTickSize: Decimal;
      readonly newTickSize: Decimal;
      readonly timestampMs: number;
    }
  | {
      readonly type: 'market_resolved';
      readonly conditionId: string;
      readonly winningTokenId: string | null;
      readonly timestampMs: number;
    };

/**
 * A live feed of market events. Iterate it with `for await`; `close()` ends the iteration (pending
 * and future `next()` calls complete with done) and releases the underlying connection. Closing twice
 * is harmless. If the feed fails for good, iteration rejects with a VenueError; a reconnecting adapter
 * re-sends a `book` snapshot per token after each reconnect so consumers can resynchronise.
 */
export interface MarketStream extends AsyncIterable<MarketEvent> {
  close(): Promise<void>;
}

// ---------------------------------------------------------------- orders

export type OrderQuantity =
  /** Shares. Any order type, either side. */
  | { readonly size: Decimal; readonly amount?: never }
  /** pUSD to spend on notional (fees come on top). Marketable (FOK/FAK) BUYs only. */
  | { readonly amount: Decimal; readonly size?: never };

export type PlaceOrderRequest = {
  /**
   * Caller-chosen identity of this order, unique per account (the copy engine derives it from the
   * queue row). Placing twice with the same id never creates two orders: the live adapter derives the
   * signed order's salt (and timestamp) from it, so a re-send is the same order and the exchange
   * de-duplicates; the paper adapter returns the first result. Reusing an id for a different order
   * (other token, side, price, quantity or type) is rejected with reason `client_order_id_conflict`.
   */
  readonly clientOrderId: string;
  readonly tokenId: string;
  readonly side: Side;
  readonly orderType: OrderType;
  /**
   * Worst acceptable price. Adapters quantise it to the tick in the direction that never worsens it
   * (BUY down, SELL up) — callers pass raw decimals.
   */
  readonly price: Decimal;
  /** Unix seconds; required for GTD (must be > now + 60 s), forbidden otherwise. */
  readonly expiresAt?: number;
  /** GTC/GTD only: reject instead of trading if the order would cross. */
  readonly postOnly?: boolean;
  /**
   * Creation time of the order's identity, epoch ms: the live adapter signs it as the order's
   * `timestamp`, so together with the clientOrderId-derived salt it fixes the order hash (=
   * Polymarket's order id) before anything is sent. The caller persists it with the order's identity
   * (the copy engine: the queue row's claim time) and passes the same value on every attempt, also
   * after a restart; then a re-send is byte-identical and the exchange de-duplicates it. When absent,
   * the live adapter uses the time of the first attempt it sees and remembers it for the process
   * lifetime only. Adapters that sign nothing (paper) ignore it; it is not part of the order's
   * economics, so it does not take part in the `client_order_id_conflict` check.
   */
  readonly signedAtMs?: number;
} & OrderQuantity;

/**
 * - `live`: resting on the book (possibly partly filled).
 * - `matched`: finished trading: filled in full, or a FAK filled in part with the rest killed.
 * - `delayed`: accepted, marketable, held by the venue's matching delay; look it up later.
 * - `unmatched`: accepted, but the delayed match did not happen; nothing filled.
 * - `canceled`: cancelled by request, by expiry (GTD) or by the venue (e.g. market resolved).
 * `placeOrder` never returns `canceled`; `lookupOrder` can return any of them.
 */
export type OrderStatus = 'live' | 'matched' | 'delayed' | 'unmatched' | 'canceled';

export interface OrderResult {
  readonly clientOrderId: string;
  /** Venue's id (Polymarket: the EIP-712 order hash). */
  readonly venueOrderId: string;
  readonly tokenId: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly status: OrderStatus;
  /** The limit price after quantisation. */
  readonly price: Decimal;
  /** Requested shares after quantisation, or null for a pUSD-amount BUY. */
  readonly requestedSize: Decimal | null;
  /** Requested pUSD for an amount BUY, else null. */
  readonly requestedAmount: Decimal | null;
  /** Shares traded so far. */
  readonly filledSize: Decimal;
  /** Volume-weighted price of the fills, or null when nothing filled. */
  readonly averagePrice: Decimal | null;
  /** Σ price × size over the fills, pUSD. */
  readonly notional: Decimal;
  /** Fees charged, pUSD: paid on top of a BUY's notional, deducted from a SELL's proceeds. */
  readonly fees: Decimal;
  /** Shares still resting (live orders), else zero. */
  readonly restingSize: Decimal;
  readonly tradeIds: readonly string[];
  /** On-chain settlement transactions, when known (paper: always empty). */
  readonly transactionHashes: readonly string[];
  readonly createdAtMs: number;
  /** Why a canceled order ended: 'user', 'expired', 'market_resolved'...; otherwise null. */
  readonly cancelReason: string | null;
}

export type OrderRef = { readonly clientOrderId: string } | { readonly venueOrderId: string };

export interface CancelResult {
  readonly venueOrderId: string;
  /** False when the order was already final (filled, cancelled, expired). */
  readonly canceled: boolean;
  /** The venue's reason when not cancelled. */
  readonly reason: string | null;
}

// ---------------------------------------------------------------- balances

export interface AssetBalance {
  /** 'collateral' for pUSD, else the token id. */
  readonly asset: 'collateral' | string;
  /** Held amount (pUSD or shares), before any open-order reservation. */
  readonly balance: Decimal;
  /**
   * What the exchange may move for us: the smallest allowance across the exchange contracts this
   * asset needs approving for, or null when the venue needs no approvals (paper).
   */
  readonly allowance: Decimal | null;
}

// ---------------------------------------------------------------- the interfaces

/**
 * Public market data, no credentials: what the paper adapter reads from an underlying venue (live or
 * simulator-backed) and the rest of the platform reads for pricing.
 */
export interface MarketDataSource {
  /** One page of markets. Rejects with VenueError (retryable / rate_limited / ...). */
  listMarkets(query?: MarketListQuery): Promise<MarketPage>;
  /** The market, or null when the venue does not know the condition id. */
  getMarket(conditionId: string): Promise<Market | null>;
  /** The market a token belongs to, or null when the token is unknown. */
  getMarketByToken(tokenId: string): Promise<Market | null>;
  /** Current book, best-first on both sides. Unknown token → VenueError not_found. */
  getOrderBook(tokenId: string): Promise<OrderBook>;
  /** Books for several tokens; unknown tokens are left out of the map. */
  getOrderBooks(tokenIds: readonly string[]): Promise<ReadonlyMap<string, OrderBook>>;
  /** (best bid + best ask) / 2, or null when a side is empty. Unknown token → not_found. */
  getMidpoint(tokenId: string): Promise<Decimal | null>;
  /** Midpoints for several tokens; tokens without one (or unknown) are left out. */
  getMidpoints(tokenIds: readonly string[]): Promise<ReadonlyMap<string, Decimal>>;
  /** Live events for the tokens (a `book` snapshot per token first). */
  streamMarket(tokenIds: readonly string[]): MarketStream;
}

/** A trading venue: public market data plus one account's orders and balances. */
export interface Venue extends MarketDataSource {
  /** 'polymarket', 'paper', ...: for logs and recorded trades. */
  readonly name: string;

  /**
   * Places an order. Resolves with the venue's result (status matched/live/delayed/unmatched).
   * Rejects with VenueError:
   * - `rejected` (reason: invalid_price, invalid_tick, below_min_size, below_min_notional,
   *   fok_not_filled, fak_not_filled, post_only_would_cross, market_closed, duplicated, ...): the order
   *   does not exist; re-sending the same request will fail the same way.
   * - `insufficient_funds`: balance or allowance too small; the order does not exist.
   * - `retryable` / `rate_limited`: the order was not accepted; safe to re-send (same clientOrderId).
   * - `unknown_outcome`: it may or may not exist; `lookupOrder({clientOrderId})` before re-sending
   *   (retry.ts `placeOrderSafely` does exactly that).
   * - `auth`, `not_found` (unknown token).
   * Idempotent on `clientOrderId` (see PlaceOrderRequest).
   */
  placeOrder(request: PlaceOrderRequest): Promise<OrderResult>;

  /**
   * Current state of an order by either identity, or null when the venue has no such order — the
   * proof of absence `placeOrderSafely` needs before re-sending after an ambiguous failure.
   */
  lookupOrder(ref: OrderRef): Promise<OrderResult | null>;

  /**
   * Cancels a resting order. Resolves `{canceled: false, reason}` when it was already final.
   * Unknown order → VenueError not_found. Cancelling is idempotent, so adapters may treat ambiguous
   * cancel failures as retryable.
   */
  cancelOrder(ref: OrderRef): Promise<CancelResult>;

  /** pUSD balance and allowance of the account. */
  getCollateralBalance(): Promise<AssetBalance>;

  /** Shares of a token held by the account, and the CTF approval as an allowance. */
  getTokenBalance(tokenId: string): Promise<AssetBalance>;
}
