// Types shared by the simulator engine: markets as the engine sees them, orders, fills.
// Amount fields ending in `Micro` are integer micro-units (see units.ts).
import type { BinaryBook } from './order-book.ts';

export type Side = 'BUY' | 'SELL';
export type OrderType = 'GTC' | 'GTD' | 'FOK' | 'FAK';
/** Production's order states (OpenOrder.status without the ORDER_STATUS_ prefix). */
export type OrderStatus = 'LIVE' | 'MATCHED' | 'CANCELED' | 'CANCELED_MARKET_RESOLVED';
export type CancelReason = 'user' | 'expired' | 'killed' | 'market_resolved';
/**
 * How a match settles on the CTF exchange:
 *  NORMAL: a buyer and a seller of the same outcome token swap pUSD for tokens;
 *  MINT:   a BUY YES and a BUY NO; their pUSD (summing to 1 per pair) is split into a YES+NO pair;
 *  MERGE:  a SELL YES and a SELL NO; the pair is merged back into 1 pUSD shared between them.
 */
export type MatchType = 'NORMAL' | 'MINT' | 'MERGE';
export type OutcomeIndex = 0 | 1;

/** Production error codes (§3.5), plus FAK_ORDER_NOT_FILLED_ERROR and MARKET_CLOSED of ours. */
export type OrderErrorCode =
  | 'INVALID_ORDER_MIN_TICK_SIZE'
  | 'INVALID_ORDER_MIN_SIZE'
  | 'INVALID_ORDER_DUPLICATED'
  | 'INVALID_ORDER_NOT_ENOUGH_BALANCE'
  | 'INVALID_ORDER_EXPIRATION'
  | 'INVALID_ORDER_ERROR'
  | 'INVALID_POST_ONLY_ORDER'
  | 'FOK_ORDER_NOT_FILLED_ERROR'
  | 'FAK_ORDER_NOT_FILLED_ERROR'
  | 'MARKET_NOT_READY';

/** Descriptive metadata the engine copies onto fills (filled in by the market model). */
export interface MarketLabels {
  slug: string;
  title: string;
  eventSlug: string;
  icon: string;
  /** ISO end date, for position rows. */
  endDate: string;
}

/** What the engine needs to open a binary market (one condition, two outcome tokens). */
export interface EngineMarketSpec {
  conditionId: string;
  /** [YES token id, NO token id] as decimal strings; index = outcomeIndex. */
  tokenIds: readonly [string, string];
  outcomes?: readonly [string, string];
  /** Tick size as a decimal string, one of 0.1, 0.01, 0.005, 0.0025, 0.001, 0.0001. */
  tickSize: string;
  /** Minimum size (shares) of a GTC/GTD order. */
  minOrderSize: string;
  /** Taker fee rate in basis points of shares × p(1−p) (400 = rate 0.04). */
  feeRateBps: number;
  negRisk: boolean;
  labels?: Partial<MarketLabels>;
}

export interface EngineMarket {
  readonly idx: number;
  readonly conditionId: string;
  readonly tokenIds: readonly [string, string];
  readonly outcomes: readonly [string, string];
  readonly tickSize: string;
  readonly tickMicro: number;
  /** Number of ticks in 1 pUSD: prices are k × tick for k in [1, nTicks − 1]. */
  readonly nTicks: number;
  readonly minOrderSize: string;
  readonly minSizeMicro: number;
  readonly feeRateBps: number;
  readonly negRisk: boolean;
  readonly labels: MarketLabels;
  readonly book: BinaryBook<EngineOrder>;
  /** pUSD locked as collateral for outstanding YES+NO pairs (= supply of each token). */
  collateralMicro: number;
  resolved: boolean;
  /** Winning outcome index after resolution, -1 before. */
  winner: -1 | OutcomeIndex;
  /** Last traded price of each token in micro (0 = never traded) and the taker side. */
  readonly lastPriceMicro: [number, number];
  readonly lastSide: [Side | '', Side | ''];
  /** Number of book mutations, exposed so a server can derive a book hash/version. */
  bookVersion: number;
}

export interface EngineOrder {
  readonly id: string;
  readonly seq: number;
  readonly maker: string;
  /** Free-form owner (the API-key id for external orders, the agent name for synthetic ones). */
  readonly owner: string;
  readonly market: EngineMarket;
  readonly outcome: OutcomeIndex;
  readonly side: Side;
  readonly type: OrderType;
  readonly postOnly: boolean;
  /** Limit price of the order's own token, micro-pUSD. */
  readonly priceMicro: number;
  /** Book position in YES terms: BUY YES / SELL NO are bids, SELL YES / BUY NO are asks. */
  readonly bookSide: 0 | 1;
  /** YES-price tick index of the order (for NO orders, 1 − price). */
  readonly level: number;
  readonly sizeMicro: number;
  remainingMicro: number;
  matchedMicro: number;
  /** pUSD still reserved for this order (BUY only). */
  reservedMicro: number;
  status: OrderStatus;
  cancelReason: CancelReason | '';
  /** Effective expiry in ms, 0 = none. */
  readonly expiresAt: number;
  /** Expiration as given by the client (ms), 0 = none. */
  readonly expiration: number;
  readonly createdAt: number;
  updatedAt: number;
  /** Trade ids this order took part in (associate_trades). */
  tradeIds: string[] | null;
}

export interface FillLeg {
  readonly address: string;
  readonly orderId: string;
  readonly outcome: OutcomeIndex;
  readonly side: Side;
  /** Price of this leg's own token. */
  readonly priceMicro: number;
  /** pUSD paid (BUY) or received before fees (SELL). */
  readonly amountMicro: number;
  readonly feeMicro: number;
}

/** One maker order matched against one taker order. A taker sweep = several fills, one tx. */
export interface Fill {
  readonly seq: number;
  readonly id: string;
  /** Shared by every fill of one taker order's match (production `tradeIDs` entry). */
  readonly tradeId: string;
  readonly txHash: string;
  /** Position of this fill inside its transaction. */
  readonly logIndex: number;
  readonly timestamp: number;
  readonly market: EngineMarket;
  readonly matchType: MatchType;
  readonly sizeMicro: number;
  readonly maker: FillLeg;
  readonly taker: FillLeg;
}
