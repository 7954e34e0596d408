// A trader's public profile: the leaderboard figures from `traders`, a 30-day daily series computed
// from the fills this platform has recorded for the wallet, the recent fills (newest first,
// paginated), and what followers actually got copying the trader here.
//
// Daily series (what is computed, exactly): the wallet's recorded fills (`leader_fills`, every one
// since recording began, oldest first) are replayed per token on the average-cost basis. A BUY adds
// size shares at price. A SELL realizes matched × (price − average cost), where matched is the part
// of the sale covered by shares bought in recorded fills; the rest (`unmatchedSellSize`) was bought
// before recording began, has no known cost and is left out rather than guessed. Fees, market
// resolutions (redemptions at 1 or 0, which are not fills) and unrealized gains are NOT included, so
// the series is realized trading P&L on recorded fills, not the trader's full P&L (that is
// `stats.pnl7d` / `stats.totalPnl`, from the trader statistics). Days are UTC calendar days; the
// series has 30 entries ending today, days without fills included (zeros).
//
// What copying the trader delivered here (`copyability`): read from trader_copyability, which the
// scheduler refreshes (src/analytics/copyability.ts; every formula: docs/analytics.md
// "Copyability"). `computedAt` says how fresh it is; null (and zero counts) before the first refresh.
import { sql, type Selectable } from 'kysely';
import type { Clock } from '../auth/clock.ts';
import type { Db } from '../db/client.ts';
import type { TraderCopyabilityTable, TradersTable } from '../db/schema.ts';
import { Decimal, toWire } from '../domain/money.ts';
import { notFound } from './app-error.ts';
import { detectionsOfFills, type FillDetectionView } from './fill-detection.ts';
import {
  cursorString,
  cursorTimestamp,
  decodeCursor,
  toPage,
  type Page,
  type PageRequest,
} from './pagination.ts';

export const DAILY_SERIES_DAYS = 30;

export interface TraderStats {
  wallet: string;
  displayName: string | null;
  bio: string | null;
  avatarUrl: string | null;
  isVerified: boolean;
  isActive: boolean;
  pnl7d: string;
  pnl7dPercent: string;
  totalPnl: string;
  totalPnlPercent: string;
  totalVolumeUsd: string;
  totalTrades: number;
  winningTrades: number;
  losingTrades: number;
  winRate: string;
  avgTradeSizeUsd: string;
  avgHoldingTimeHours: string;
  sharpeRatio: string | null;
  maxDrawdown: string | null;
  volatility: string | null;
  followerCount: number;
  totalCopiedVolumeUsd: string;
  rank7d: number | null;
  rankAllTime: number | null;
  rankVolume: number | null;
  firstTradeAt: string | null;
  lastTradeAt: string | null;
}

export interface DailyPnl {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  realizedPnlUsd: string;
  buyVolumeUsd: string;
  sellVolumeUsd: string;
  fills: number;
}

export interface LeaderFillView {
  fillKey: string;
  transactionHash: string;
  conditionId: string;
  assetId: string;
  marketTitle: string | null;
  marketSlug: string | null;
  outcome: string | null;
  side: 'BUY' | 'SELL';
  price: string;
  size: string;
  filledAt: string;
  detectedAt: string;
  /** The leg whose decisions cover this one (legs of one order copied together), else null. */
  copiedWith: string | null;
  /** Which feed saw it first, each feed's arrival and lag (src/services/fill-detection.ts). */
  detection: FillDetectionView | null;
}

export interface CopyabilityView {
  /** When the figures were computed; null before the first refresh. */
  computedAt: string | null;
  followerCount: number;
  /** False when the style is flagged too fast or too small to copy; null before the first refresh. */
  copyable: boolean | null;
  tooFast: boolean;
  tooSmall: boolean;
  fillRate: string | null;
  executed: number;
  failedExecution: number;
  notCounted: number;
  pending: number;
  medianSlippageBps: string | null;
  slippageSamples: number;
  latencyP50Ms: number | null;
  latencyP90Ms: number | null;
  latencySamples: number;
  copiedPositions: number;
  followerCostUsd: string;
  followerPnlUsd: string;
  leaderCostUsd: string;
  leaderPnlUsd: string;
  followerReturn: string | null;
  leaderReturn: string | null;
  roundTrips: number;
  medianRoundTripSeconds: string | null;
  buyFills: number;
  usualProportionality: string | null;
  belowMinimumShare: string | null;
}

export interface TraderProfile {
  stats: TraderStats;
  dailyPnl: {
    basis: 'recorded_fills_average_cost';
    recordedSince: string | null;
    unmatchedSellSize: string;
    days: DailyPnl[];
  };
  recentFills: Page<LeaderFillView>;
  copyability: CopyabilityView;
}

const FILLS_CURSOR = 'trader-fills';
const usd6 = (d: Decimal) => toWire(d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP));
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export async function getTraderProfile(
  deps: { db: Db; clock: Clock },
  walletAddress: string,
  fillsPage: PageRequest,
): Promise<TraderProfile> {
  const wallet = walletAddress.toLowerCase();
  // Every read at once (one round of queries, not three): a wallet that is no trader costs the
  // other three a miss on an index, cheaper than making every profile wait for the first.
  const [t, dailyPnl, recentFills, copyabilityRow] = await Promise.all([
    deps.db.selectFrom('traders').selectAll().where('wallet_address', '=', wallet).executeTakeFirst(),
    dailySeries(deps, wallet),
    recentLeaderFills(deps.db, wallet, fillsPage),
    deps.db
      .selectFrom('trader_copyability')
      .selectAll()
      .where('wallet_address', '=', wallet)
      .executeTakeFirst(),
  ]);
  if (!t) throw notFound('trader');
  return {
    stats: traderStats(t),
    dailyPnl,
    recentFills,
    copyability: copyabilityView(copyabilityRow, t.follower_count),
  };
}

function traderStats(t: Selectable<TradersTable>): TraderStats {
  return {
    wallet: t.wallet_address,
    displayName: t.display_name,
    bio: t.bio,
    avatarUrl: t.avatar_url,
    isVerified: t.is_verified,
    isActive: t.is_active,
    pnl7d: t.pnl_7d,
    pnl7dPercent: t.pnl_7d_percent,
    totalPnl: t.total_pnl,
    totalPnlPercent: t.total_pnl_percent,
    totalVolumeUsd: t.total_volume_usd,
    totalTrades: t.total_trades,
    winningTrades: t.winning_trades,
    losingTrades: t.losing_trades,
    winRate: t.win_rate,
    avgTradeSizeUsd: t.avg_trade_size_usd,
    avgHoldingTimeHours: t.avg_holding_time_hours,
    sharpeRatio: t.sharpe_ratio,
    maxDrawdown: t.max_drawdown,
    volatility: t.volatility,
    followerCount: t.follower_count,
    totalCopiedVolumeUsd: t.total_copied_volume_usd,
    rank7d: t.rank_7d,
    rankAllTime: t.rank_all_time,
    rankVolume: t.rank_volume,
    firstTradeAt: t.first_trade_at?.toISOString() ?? null,
    lastTradeAt: t.last_trade_at?.toISOString() ?? null,
  };
}

async function dailySeries(
  deps: { db: Db; clock: Clock },
  wallet: string,
): Promise<TraderProfile['dailyPnl']> {
  const now = deps.clock();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const dayMs = 86_400_000;
  const firstDay = today - (DAILY_SERIES_DAYS - 1) * dayMs;
  const days = new Map<string, { pnl: Decimal; buy: Decimal; sell: Decimal; fills: number }>();
  for (let d = firstDay; d <= today; d += dayMs) {
    days.set(utcDay(new Date(d)), {
      pnl: new Decimal(0),
      buy: new Decimal(0),
      sell: new Decimal(0),
      fills: 0,
    });
  }

  // Every recorded fill up to the end of today: earlier ones only build the cost basis.
  const fills = await deps.db
    .selectFrom('leader_fills')
    .select(['asset_id', 'side', 'price', 'size', 'filled_at'])
    .where('trader_wallet_address', '=', wallet)
    .where('filled_at', '<', new Date(today + dayMs))
    .orderBy('filled_at', 'asc')
    .orderBy('fill_key', 'asc')
    .execute();

  const books = new Map<string, { shares: Decimal; cost: Decimal }>();
  let unmatched = new Decimal(0);
  for (const f of fills) {
    const price = new Decimal(f.price);
    const size = new Decimal(f.size);
    const book = books.get(f.asset_id) ?? { shares: new Decimal(0), cost: new Decimal(0) };
    books.set(f.asset_id, book);
    const day = days.get(utcDay(f.filled_at));
    if (f.side === 'BUY') {
      book.shares = book.shares.plus(size);
      book.cost = book.cost.plus(price.times(size));
      if (day) {
        day.buy = day.buy.plus(price.times(size));
        day.fills += 1;
      }
      continue;
    }
    const matched = Decimal.min(size, book.shares);
    let realized = new Decimal(0);
    if (matched.gt(0)) {
      const avgCost = book.cost.div(book.shares);
      realized = matched.times(price.minus(avgCost));
      book.cost = matched.eq(book.shares) ? new Decimal(0) : book.cost.minus(avgCost.times(matched));
      book.shares = book.shares.minus(matched);
    }
    if (day) {
      day.pnl = day.pnl.plus(realized);
      day.sell = day.sell.plus(price.times(size));
      day.fills += 1;
      unmatched = unmatched.plus(size.minus(matched));
    }
  }
  return {
    basis: 'recorded_fills_average_cost',
    recordedSince: fills[0]?.filled_at.toISOString() ?? null,
    unmatchedSellSize: toWire(unmatched),
    days: [...days].map(([date, d]) => ({
      date,
      realizedPnlUsd: usd6(d.pnl),
      buyVolumeUsd: usd6(d.buy),
      sellVolumeUsd: usd6(d.sell),
      fills: d.fills,
    })),
  };
}

async function recentLeaderFills(db: Db, wallet: string, page: PageRequest): Promise<Page<LeaderFillView>> {
  let q = db
    .selectFrom('leader_fills')
    .select([
      'fill_key',
      'transaction_hash',
      'condition_id',
      'asset_id',
      'market_title',
      'market_slug',
      'outcome',
      'side',
      'price',
      'size',
      'filled_at',
      'detected_at',
      'copied_with_fill_key',
      'source',
      'reorged_at',
      sql<string>`filled_at::text`.as('filled_at_key'),
    ])
    .where('trader_wallet_address', '=', wallet);
  if (page.cursor !== undefined) {
    const v = decodeCursor(FILLS_CURSOR, page.cursor);
    const at = cursorTimestamp(v, 0);
    const key = cursorString(v, 1);
    q = q.where(sql<boolean>`(filled_at, fill_key) < (${at}::timestamptz, ${key})`);
  }
  const rows = await q
    .orderBy('filled_at', 'desc')
    .orderBy('fill_key', 'desc')
    .limit(page.limit + 1)
    .execute();
  const detections = await detectionsOfFills(db, rows.slice(0, page.limit));
  return toPage(
    rows,
    page.limit,
    FILLS_CURSOR,
    (r) => [r.filled_at_key, r.fill_key],
    (r) => ({
      fillKey: r.fill_key,
      transactionHash: r.transaction_hash,
      conditionId: r.condition_id,
      assetId: r.asset_id,
      marketTitle: r.market_title,
      marketSlug: r.market_slug,
      outcome: r.outcome,
      side: r.side,
      price: r.price,
      size: r.size,
      filledAt: r.filled_at.toISOString(),
      detectedAt: r.detected_at.toISOString(),
      copiedWith: r.copied_with_fill_key,
      detection: detections.get(r.fill_key) ?? null,
    }),
  );
}

const norm = (v: string | null) => (v === null ? null : toWire(new Decimal(v)));

function copyabilityView(
  c: Selectable<TraderCopyabilityTable> | undefined,
  followerCount: number,
): CopyabilityView {
  return {
    computedAt: c?.computed_at.toISOString() ?? null,
    followerCount,
    copyable: c?.copyable ?? null,
    tooFast: c?.too_fast ?? false,
    tooSmall: c?.too_small ?? false,
    fillRate: norm(c?.fill_rate ?? null),
    executed: c?.executed ?? 0,
    failedExecution: c?.failed_execution ?? 0,
    notCounted: c?.not_counted ?? 0,
    pending: c?.pending ?? 0,
    medianSlippageBps: norm(c?.median_slippage_bps ?? null),
    slippageSamples: c?.slippage_samples ?? 0,
    latencyP50Ms: c?.latency_p50_ms ?? null,
    latencyP90Ms: c?.latency_p90_ms ?? null,
    latencySamples: c?.latency_samples ?? 0,
    copiedPositions: c?.copied_positions ?? 0,
    followerCostUsd: norm(c?.follower_cost_usd ?? '0')!,
    followerPnlUsd: norm(c?.follower_pnl_usd ?? '0')!,
    leaderCostUsd: norm(c?.leader_cost_usd ?? '0')!,
    leaderPnlUsd: norm(c?.leader_pnl_usd ?? '0')!,
    followerReturn: norm(c?.follower_return ?? null),
    leaderReturn: norm(c?.leader_return ?? null),
    roundTrips: c?.round_trips ?? 0,
    medianRoundTripSeconds: norm(c?.median_round_trip_seconds ?? null),
    buyFills: c?.buy_fills ?? 0,
    usualProportionality: norm(c?.usual_proportionality ?? null),
    belowMinimumShare: norm(c?.below_minimum_share ?? null),
  };
}
