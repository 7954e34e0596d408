// Data API v1 client (docs/polymarket-api.md §1): a wallet's trades, activity, positions, value
// and closed positions, and the trader leaderboard. Public, unauthenticated, camelCase fields,
// money as JSON numbers (parsed losslessly into Decimal), timestamps in epoch seconds.
// `/trades` defaults `takerOnly=false` here, unlike the server: a copy engine that forgets it sees
// only its leader's taker fills and silently misses every maker fill (§1.1).
import { z } from 'zod';
import type { PolymarketHttpClient, QueryValue } from './http-client.ts';
import {
  boolField,
  decimalField,
  intField,
  optionalDecimalField,
  optionalIntField,
  sideField,
  textField,
} from './wire-fields.ts';

const profile = {
  name: textField,
  pseudonym: textField,
  bio: textField,
  profileImage: textField,
  profileImageOptimized: textField,
};

const marketLabels = {
  title: textField,
  slug: textField,
  icon: textField,
  eventSlug: textField,
  outcome: textField,
};

export const dataTradeSchema = z.object({
  proxyWallet: z.string(),
  side: sideField,
  asset: z.string(),
  conditionId: z.string(),
  size: decimalField,
  price: decimalField,
  timestamp: intField,
  outcomeIndex: intField,
  transactionHash: textField,
  ...marketLabels,
  ...profile,
});
export type DataTrade = z.infer<typeof dataTradeSchema>;

export const dataActivitySchema = z.object({
  proxyWallet: z.string(),
  timestamp: intField,
  conditionId: textField,
  type: z.string(),
  size: optionalDecimalField,
  usdcSize: optionalDecimalField,
  price: optionalDecimalField,
  transactionHash: textField,
  asset: textField,
  // Non-trade rows (REDEEM, DEPOSIT, ...) carry an empty side.
  side: z
    .union([z.literal(''), sideField, z.null()])
    .optional()
    .transform((s) => s || null),
  // 999 = unknown outcome (§1.2).
  outcomeIndex: optionalIntField,
  isCombo: boolField.optional(),
  ...marketLabels,
  ...profile,
});
export type DataActivity = z.infer<typeof dataActivitySchema>;

export const dataPositionSchema = z.object({
  proxyWallet: z.string(),
  asset: z.string(),
  conditionId: z.string(),
  size: decimalField,
  avgPrice: decimalField,
  initialValue: optionalDecimalField,
  currentValue: optionalDecimalField,
  cashPnl: optionalDecimalField,
  percentPnl: optionalDecimalField,
  totalBought: optionalDecimalField,
  realizedPnl: optionalDecimalField,
  percentRealizedPnl: optionalDecimalField,
  curPrice: optionalDecimalField,
  redeemable: boolField.optional(),
  mergeable: boolField.optional(),
  outcomeIndex: optionalIntField,
  oppositeOutcome: textField,
  oppositeAsset: textField,
  endDate: textField,
  negativeRisk: boolField.optional(),
  ...marketLabels,
});
export type DataPosition = z.infer<typeof dataPositionSchema>;

export const dataClosedPositionSchema = z.object({
  proxyWallet: z.string(),
  asset: z.string(),
  conditionId: z.string(),
  avgPrice: decimalField,
  totalBought: optionalDecimalField,
  realizedPnl: decimalField,
  curPrice: optionalDecimalField,
  timestamp: optionalIntField,
  outcomeIndex: optionalIntField,
  oppositeOutcome: textField,
  oppositeAsset: textField,
  endDate: textField,
  ...marketLabels,
});
export type DataClosedPosition = z.infer<typeof dataClosedPositionSchema>;

export const dataValueSchema = z.object({ user: z.string(), value: decimalField });
export type DataValue = z.infer<typeof dataValueSchema>;

export const leaderboardRowSchema = z.object({
  // A string on the wire (§1.7); kept as an integer here.
  rank: intField,
  proxyWallet: z.string(),
  userName: textField,
  vol: decimalField,
  pnl: decimalField,
  profileImage: textField,
  xUsername: textField,
  verifiedBadge: boolField.optional(),
});
export type LeaderboardRow = z.infer<typeof leaderboardRowSchema>;

export type TradeSide = 'BUY' | 'SELL';

export interface TradesQuery {
  readonly user?: string;
  /** conditionIds; cannot be combined with eventId. */
  readonly market?: readonly string[];
  readonly eventId?: readonly string[];
  readonly side?: TradeSide;
  /** Default false here (the server's default is true). */
  readonly takerOnly?: boolean;
  readonly filterType?: 'CASH' | 'TOKENS';
  readonly filterAmount?: string;
  /** ≤ 10000. */
  readonly limit?: number;
  /** ≤ 10000 (the server answers 400 past it). */
  readonly offset?: number;
}

export type ActivityType =
  | 'TRADE'
  | 'SPLIT'
  | 'MERGE'
  | 'REDEEM'
  | 'REWARD'
  | 'CONVERSION'
  | 'MAKER_REBATE'
  | 'TAKER_REBATE'
  | 'REFERRAL_REWARD'
  | 'DEPOSIT'
  | 'WITHDRAWAL'
  | 'YIELD';

export interface ActivityQuery {
  readonly user: string;
  readonly type?: readonly ActivityType[];
  readonly market?: readonly string[];
  readonly eventId?: readonly string[];
  /** Epoch seconds. */
  readonly start?: number;
  readonly end?: number;
  readonly side?: TradeSide;
  readonly sortBy?: 'TIMESTAMP' | 'TOKENS' | 'CASH';
  readonly sortDirection?: 'ASC' | 'DESC';
  readonly excludeDepositsWithdrawals?: boolean;
  /** ≤ 500. */
  readonly limit?: number;
  readonly offset?: number;
}

export interface PositionsQuery {
  readonly user: string;
  readonly market?: readonly string[];
  readonly eventId?: readonly string[];
  readonly sizeThreshold?: string;
  readonly redeemable?: boolean;
  readonly mergeable?: boolean;
  readonly sortBy?:
    | 'CURRENT'
    | 'INITIAL'
    | 'TOKENS'
    | 'CASHPNL'
    | 'PERCENTPNL'
    | 'TITLE'
    | 'RESOLVING'
    | 'PRICE'
    | 'AVGPRICE';
  readonly sortDirection?: 'ASC' | 'DESC';
  readonly title?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface ClosedPositionsQuery {
  readonly user: string;
  readonly market?: readonly string[];
  readonly eventId?: readonly string[];
  readonly title?: string;
  readonly sortBy?: 'REALIZEDPNL' | 'TITLE' | 'PRICE' | 'AVGPRICE' | 'TIMESTAMP';
  readonly sortDirection?: 'ASC' | 'DESC';
  /** ≤ 50. */
  readonly limit?: number;
  readonly offset?: number;
}

export interface LeaderboardQuery {
  readonly category?:
    | 'OVERALL'
    | 'POLITICS'
    | 'SPORTS'
    | 'ESPORTS'
    | 'CRYPTO'
    | 'CULTURE'
    | 'MENTIONS'
    | 'WEATHER'
    | 'ECONOMICS'
    | 'TECH'
    | 'FINANCE';
  readonly timePeriod?: 'DAY' | 'WEEK' | 'MONTH' | 'ALL';
  readonly orderBy?: 'PNL' | 'VOL';
  /** 1–50. */
  readonly limit?: number;
  /** 0–1000. */
  readonly offset?: number;
  readonly user?: string;
  readonly userName?: string;
}

/** The server's deepest offset for `/trades` (§1.1); deeper history needs time windows. */
export const MAX_TRADES_OFFSET = 10_000;

const csv = (values: readonly string[] | undefined): string | undefined =>
  values === undefined || values.length === 0 ? undefined : values.join(',');

export class DataApiClient {
  constructor(private readonly http: PolymarketHttpClient) {}

  private get<T>(
    path: string,
    schema: z.ZodType<T>,
    family: 'data.general' | 'data.trades' | 'data.positions' | 'data.closed_positions',
    query: Record<string, QueryValue>,
  ): Promise<T> {
    return this.http.request({ method: 'GET', path, query, schema, family, operation: 'read' });
  }

  /** One page of trades, newest first. */
  getTrades(query: TradesQuery = {}): Promise<DataTrade[]> {
    return this.get('/trades', z.array(dataTradeSchema), 'data.trades', {
      user: query.user,
      market: csv(query.market),
      eventId: csv(query.eventId),
      side: query.side,
      takerOnly: query.takerOnly ?? false,
      filterType: query.filterType,
      filterAmount: query.filterAmount,
      limit: query.limit,
      offset: query.offset,
    });
  }

  /**
   * Every page of trades for a query, newest first, until a short page or the server's offset cap.
   * Pages are yielded as they arrive so a backfill can stop once it reaches fills it already has.
   */
  async *iterateTrades(query: Omit<TradesQuery, 'offset'> = {}, pageSize = 500): AsyncGenerator<DataTrade[]> {
    const limit = Math.min(Math.max(1, pageSize), MAX_TRADES_OFFSET);
    for (let offset = 0; offset <= MAX_TRADES_OFFSET; offset += limit) {
      const page = await this.getTrades({ ...query, limit, offset });
      if (page.length > 0) yield page;
      if (page.length < limit) return;
    }
  }

  getActivity(query: ActivityQuery): Promise<DataActivity[]> {
    return this.get('/activity', z.array(dataActivitySchema), 'data.general', {
      user: query.user,
      type: csv(query.type),
      market: csv(query.market),
      eventId: csv(query.eventId),
      start: query.start,
      end: query.end,
      side: query.side,
      sortBy: query.sortBy,
      sortDirection: query.sortDirection,
      excludeDepositsWithdrawals: query.excludeDepositsWithdrawals,
      limit: query.limit,
      offset: query.offset,
    });
  }

  getPositions(query: PositionsQuery): Promise<DataPosition[]> {
    return this.get('/positions', z.array(dataPositionSchema), 'data.positions', {
      user: query.user,
      market: csv(query.market),
      eventId: csv(query.eventId),
      sizeThreshold: query.sizeThreshold,
      redeemable: query.redeemable,
      mergeable: query.mergeable,
      sortBy: query.sortBy,
      sortDirection: query.sortDirection,
      title: query.title,
      limit: query.limit,
      offset: query.offset,
    });
  }

  /** Total position value of a wallet (optionally within some markets), or null if none reported. */
  async getValue(user: string, market?: readonly string[]): Promise<DataValue | null> {
    const rows = await this.get('/value', z.array(dataValueSchema), 'data.general', {
      user,
      market: csv(market),
    });
    return rows[0] ?? null;
  }

  getClosedPositions(query: ClosedPositionsQuery): Promise<DataClosedPosition[]> {
    return this.get('/closed-positions', z.array(dataClosedPositionSchema), 'data.closed_positions', {
      user: query.user,
      market: csv(query.market),
      eventId: csv(query.eventId),
      title: query.title,
      sortBy: query.sortBy,
      sortDirection: query.sortDirection,
      limit: query.limit,
      offset: query.offset,
    });
  }

  getLeaderboard(query: LeaderboardQuery = {}): Promise<LeaderboardRow[]> {
    return this.get('/v1/leaderboard', z.array(leaderboardRowSchema), 'data.general', {
      category: query.category,
      timePeriod: query.timePeriod,
      orderBy: query.orderBy,
      limit: query.limit,
      offset: query.offset,
      user: query.user,
      userName: query.userName,
    });
  }
}
