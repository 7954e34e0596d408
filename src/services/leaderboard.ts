// The public leaderboard: active traders sorted by one of its figures (largest first, unknown Sharpe
// last), ties broken by wallet address ascending so every page is deterministic; P&L for a chosen
// window (7, 30, 90 days or all time; `sort=pnl` ranks by it); filters on trade count, volume and
// market category (trader_metrics.categories); search by wallet prefix or display name. Keyset pagination: the cursor holds the
// last row's sort value, wallet and rank, so a page is one index-friendly range scan.
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../db/client.ts';
import type { MarketCategory } from '../domain/market-categories.ts';
import { Decimal, toWire } from '../domain/money.ts';
import {
  cursorDecimal,
  cursorString,
  decodeCursor,
  invalidCursor,
  toPage,
  type Page,
  type PageRequest,
} from './pagination.ts';

export const LEADERBOARD_SORTS = [
  'pnl',
  'pnl_7d',
  'total_pnl',
  'win_rate',
  'volume',
  'followers',
  'sharpe',
] as const;
export type LeaderboardSort = (typeof LEADERBOARD_SORTS)[number];

export const LEADERBOARD_WINDOWS = ['7d', '30d', '90d', 'all'] as const;
export type LeaderboardWindow = (typeof LEADERBOARD_WINDOWS)[number];

// The P&L and its percentage of the capital base for each window: 7 days and all time are the
// seed's `traders` columns, 30 and 90 days the recompute's trader_metrics (0 before its first run).
const WINDOW_PNL = {
  '7d': ['t.pnl_7d', 't.pnl_7d_percent'],
  '30d': ['m.pnl_30d', 'm.pnl_30d_percent'],
  '90d': ['m.pnl_90d', 'm.pnl_90d_percent'],
  all: ['t.total_pnl', 't.total_pnl_percent'],
} as const satisfies Record<LeaderboardWindow, readonly [string, string]>;

const SORT_COLUMN = {
  pnl_7d: 't.pnl_7d',
  total_pnl: 't.total_pnl',
  win_rate: 't.win_rate',
  volume: 't.total_volume_usd',
  followers: 't.follower_count',
  sharpe: 't.sharpe_ratio',
} as const satisfies Record<Exclude<LeaderboardSort, 'pnl'>, string>;

const pnlOf = (window: LeaderboardWindow, i: 0 | 1) =>
  sql<string>`COALESCE(${sql.ref(WINDOW_PNL[window][i])}, 0)`;

export interface LeaderboardQuery extends PageRequest {
  sort: LeaderboardSort;
  /** Which P&L `pnl` / `pnlPercent` are, and what `sort=pnl` ranks by. Default 7d. */
  window?: LeaderboardWindow | undefined;
  category?: MarketCategory | undefined;
  minTrades?: number | undefined;
  /** Decimal string. */
  minVolume?: string | undefined;
  q?: string | undefined;
}

export interface LeaderboardEntry {
  rank: number;
  wallet: string;
  displayName: string | null;
  avatarUrl: string | null;
  isVerified: boolean;
  pnl7d: string;
  pnl7dPercent: string;
  totalPnl: string;
  totalPnlPercent: string;
  /** The P&L of the requested window and its percentage of the capital base. */
  window: LeaderboardWindow;
  pnl: string;
  pnlPercent: string;
  maxDrawdown: string | null;
  /** Market categories with at least a fifth of the trader's volume. */
  categories: string[];
  /** winning / closed positions × 100; 0 until a position closed (see closed positions in totalTrades). */
  winRate: string;
  totalVolumeUsd: string;
  /** Closed positions (the leaderboard's unit of a trade, docs/analytics.md). */
  totalTrades: number;
  /** Recorded fills (what the volume sums) and positions still open: a trader who only opened
   *  positions shows 0 trades and a 0 win rate beside a volume, and these say why. */
  fills: number;
  openPositions: number;
  sharpeRatio: string | null;
  followerCount: number;
  lastTradeAt: string | null;
  /** From trader_copyability (docs/analytics.md "Copyability"); null before its first refresh. */
  copyable: boolean | null;
  copyFillRate: string | null;
  copyMedianSlippageBps: string | null;
}

/** LIKE pattern text with its wildcards escaped (backslash is PostgreSQL's default escape). */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Where a page starts: after the cursor's (sort value, wallet), and the rank of its last row. */
function cursorPosition(
  query: LeaderboardQuery,
  kind: string,
  sortExpr: RawBuilder<string | null>,
): { rankBase: number; after: Expression<SqlBool> | null } {
  let rankBase = 0;
  let after: Expression<SqlBool> | null = null;
  if (query.cursor !== undefined) {
    const v = decodeCursor(kind, query.cursor);
    const w = cursorString(v, 1);
    if (!/^0x[0-9a-f]{40}$/.test(w) || typeof v[2] !== 'number') throw invalidCursor();
    rankBase = v[2];
    if (v[0] === null) {
      // Past every row with a value, inside the trailing NULLs.
      after = sql<SqlBool>`(${sortExpr} IS NULL AND t.wallet_address > ${w})`;
    } else {
      const s = cursorDecimal(v, 0);
      after = sql<SqlBool>`(${sortExpr} < ${s}::numeric OR (${sortExpr} = ${s}::numeric AND t.wallet_address > ${w}) OR ${sortExpr} IS NULL)`;
    }
  }

  return { rankBase, after };
}

/** The active traders that pass the filters, ranked, one page (plus one row to know there is more). */
function rankedPage(
  deps: { db: Db },
  query: LeaderboardQuery,
  window: LeaderboardWindow,
  sortExpr: RawBuilder<string | null>,
  after: Expression<SqlBool> | null,
) {
  // trader_metrics is joined in the ranked select (a hash join: one row per trader) because the
  // 30- and 90-day P&L and the categories the filters and sort read live there.
  let q = deps.db
    .selectFrom('traders as t')
    .leftJoin('trader_metrics as m', 'm.wallet_address', 't.wallet_address')
    .select([
      't.wallet_address',
      't.display_name',
      't.avatar_url',
      't.is_verified',
      't.pnl_7d',
      't.pnl_7d_percent',
      't.total_pnl',
      't.total_pnl_percent',
      't.win_rate',
      't.total_volume_usd',
      't.total_trades',
      't.sharpe_ratio',
      't.max_drawdown',
      't.follower_count',
      't.last_trade_at',
      'm.fills',
      'm.open_positions',
      'm.categories',
      pnlOf(window, 0).as('window_pnl'),
      pnlOf(window, 1).as('window_pnl_percent'),
      sortExpr.as('sort_value'),
      sql<string | null>`${sortExpr}::text`.as('sort_key'),
    ])
    .where('t.is_active', '=', true);
  if (query.minTrades !== undefined) q = q.where('t.total_trades', '>=', query.minTrades);
  if (query.minVolume !== undefined) q = q.where('t.total_volume_usd', '>=', query.minVolume);
  if (query.category !== undefined)
    q = q.where(sql<SqlBool>`m.categories @> ARRAY[${query.category}]::varchar(20)[]`);
  if (query.q !== undefined && query.q !== '') {
    const needle = escapeLike(query.q);
    q = q.where((eb) =>
      eb.or([
        eb('t.wallet_address', 'like', `${needle.toLowerCase()}%`),
        eb('t.display_name', 'ilike', `%${needle}%`),
      ]),
    );
  }
  if (after) q = q.where(after);
  return q
    .orderBy(sql`${sortExpr} DESC NULLS LAST`)
    .orderBy('t.wallet_address', 'asc')
    .limit(query.limit + 1);
}

export async function getLeaderboard(
  deps: { db: Db },
  query: LeaderboardQuery,
): Promise<Page<LeaderboardEntry>> {
  const window = query.window ?? '7d';
  const sortExpr =
    query.sort === 'pnl' ? pnlOf(window, 0) : sql<string | null>`${sql.ref(SORT_COLUMN[query.sort])}`;
  const kind = query.sort === 'pnl' ? `leaderboard:pnl:${window}` : `leaderboard:${query.sort}`;
  const { rankBase, after } = cursorPosition(query, kind, sortExpr);
  const page = rankedPage(deps, query, window, sortExpr, after);
  // The copyability figures are joined to the page only: as subqueries in the ranked select they
  // would run for every active trader before the sort (10,000 traders: 3 × 10,000 lookups, ~20 ms
  // for a page of 25; joined to the page, ~3 ms).
  const rows = await deps.db
    .selectFrom(page.as('p'))
    .leftJoin('trader_copyability as c', 'c.wallet_address', 'p.wallet_address')
    .selectAll('p')
    .select([
      'c.copyable as copyable',
      'c.fill_rate as copy_fill_rate',
      'c.median_slippage_bps as copy_median_slippage_bps',
    ])
    .orderBy(sql`p.sort_value DESC NULLS LAST`)
    .orderBy('p.wallet_address', 'asc')
    .execute();

  let rank = rankBase;
  const ranked = rows.map((r) => ({ ...r, rank: ++rank }));
  return toPage(
    ranked,
    query.limit,
    kind,
    (r) => [r.sort_key, r.wallet_address, r.rank],
    (r) => ({
      rank: r.rank,
      wallet: r.wallet_address,
      displayName: r.display_name,
      avatarUrl: r.avatar_url,
      isVerified: r.is_verified,
      pnl7d: r.pnl_7d,
      pnl7dPercent: r.pnl_7d_percent,
      totalPnl: r.total_pnl,
      totalPnlPercent: r.total_pnl_percent,
      window,
      pnl: r.window_pnl,
      pnlPercent: r.window_pnl_percent,
      maxDrawdown: r.max_drawdown,
      categories: r.categories ?? [],
      winRate: r.win_rate,
      totalVolumeUsd: r.total_volume_usd,
      totalTrades: r.total_trades,
      fills: r.fills ?? 0,
      openPositions: r.open_positions ?? 0,
      sharpeRatio: r.sharpe_ratio,
      followerCount: r.follower_count,
      lastTradeAt: r.last_trade_at?.toISOString() ?? null,
      copyable: r.copyable,
      copyFillRate: r.copy_fill_rate === null ? null : toWire(new Decimal(r.copy_fill_rate)),
      copyMedianSlippageBps:
        r.copy_median_slippage_bps === null ? null : toWire(new Decimal(r.copy_median_slippage_bps)),
    }),
  );
}

/**
 * Which metrics recompute the leaderboard shows (the id of the last successful `metrics` job run),
 * part of the page cache key: a new recompute makes every cached page stale at once, so a fresh
 * platform's first real leaderboard is served as soon as it exists, not after an empty page's TTL.
 */
export async function leaderboardGeneration(deps: { db: Db }): Promise<string> {
  const row = await deps.db
    .selectFrom('job_runs')
    .select('id')
    .where('job', '=', 'metrics')
    .where('outcome', '=', 'succeeded')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? '0';
}
