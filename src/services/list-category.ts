// Discovery categories over the leader metrics (docs/analytics.md, "Discovery categories"): the
// catalogue, and one category's traders — ranked, active traders matching the category's rule
// (src/domain/analytics/categories.ts, stated here again in SQL), in the category's order, ties by
// wallet ascending. Keyset pagination: the cursor holds the last row's sort value, wallet and place.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../db/client.ts';
import {
  CATEGORIES,
  CATEGORY_IDS,
  DEFAULT_CATEGORY_RULES,
  describeCategory,
  type CategoryId,
  type CategoryRules,
} from '../domain/analytics/categories.ts';
import { toWire } from '../domain/money.ts';
import {
  cursorDecimal,
  cursorString,
  decodeCursor,
  invalidCursor,
  toPage,
  type Page,
  type PageRequest,
} from './pagination.ts';

export interface CategorySummary {
  id: CategoryId;
  title: string;
  rule: string;
  sortedBy: string;
  sortDirection: 'asc' | 'desc';
}

export function listCategories(rules: CategoryRules = DEFAULT_CATEGORY_RULES): CategorySummary[] {
  return CATEGORY_IDS.map((id) => ({
    id,
    title: CATEGORIES[id].title,
    rule: describeCategory(id, rules),
    sortedBy: CATEGORIES[id].order.column,
    sortDirection: CATEGORIES[id].order.direction,
  }));
}

export interface CategoryEntry {
  /** Place in this category's list, from 1. */
  position: number;
  wallet: string;
  displayName: string | null;
  avatarUrl: string | null;
  isVerified: boolean;
  pnl7d: string;
  pnl7dPercent: string;
  totalPnl: string;
  totalPnlPercent: string;
  totalVolumeUsd: string;
  totalTrades: number;
  winRate: string;
  sharpeRatio: string | null;
  maxDrawdown: string | null;
  volatility: string | null;
  rank7d: number | null;
  rankAllTime: number | null;
  rankVolume: number | null;
  followerCount: number;
  lastTradeAt: string | null;
}

/** The category's rule as a WHERE clause over traders t joined with trader_metrics m. */
function ruleSql(id: CategoryId, rules: CategoryRules): Expression<SqlBool> {
  switch (id) {
    case 'consistent_winners': {
      const r = rules.consistentWinners;
      return sql<SqlBool>`t.total_trades >= ${r.minTrades} AND t.win_rate >= ${toWire(r.minWinRate)}::numeric
        AND t.sharpe_ratio >= ${toWire(r.minSharpe)}::numeric AND t.total_pnl > 0`;
    }
    case 'high_volume':
      // ⌈fraction × ranked⌉, at least one (highVolumeCutoff).
      return sql<SqlBool>`t.rank_volume <= GREATEST(1, ceil(${toWire(rules.highVolume.topFraction)}::numeric
        * (SELECT count(*) FROM traders r WHERE r.rank_all_time IS NOT NULL)))`;
    case 'rising':
      return sql<SqlBool>`t.pnl_7d > 0 AND t.pnl_7d_percent >= ${toWire(rules.rising.minPnl7dPercent)}::numeric
        AND t.rank_7d < t.rank_all_time`;
    case 'low_drawdown': {
      const r = rules.lowDrawdown;
      return sql<SqlBool>`t.total_pnl > 0 AND t.max_drawdown <= ${toWire(r.maxDrawdown)}::numeric
        AND m.equity_days >= ${r.minEquityDays}`;
    }
  }
}

/** Where a page starts: after the cursor's (value, wallet) in the category's order; its last position. */
function categoryCursor(
  kind: string,
  ref: ReturnType<typeof sql.ref>,
  direction: 'asc' | 'desc',
  cursor: string | undefined,
): { after: Expression<SqlBool>; base: number } {
  let after: Expression<SqlBool> = sql<SqlBool>`true`;
  let base = 0;
  if (cursor !== undefined) {
    const v = decodeCursor(kind, cursor);
    const value = cursorDecimal(v, 0);
    const wallet = cursorString(v, 1);
    if (!/^0x[0-9a-f]{40}$/.test(wallet) || typeof v[2] !== 'number') throw invalidCursor();
    base = v[2];
    // Every row of a category has a value in its sort column (the rule or the rank guarantees it).
    after =
      direction === 'asc'
        ? sql<SqlBool>`(${ref} > ${value}::numeric OR (${ref} = ${value}::numeric AND t.wallet_address COLLATE "C" > ${wallet}))`
        : sql<SqlBool>`(${ref} < ${value}::numeric OR (${ref} = ${value}::numeric AND t.wallet_address COLLATE "C" > ${wallet}))`;
  }
  return { after, base };
}

export async function listCategory(
  deps: { db: Db },
  id: CategoryId,
  page: PageRequest,
  rules: CategoryRules = DEFAULT_CATEGORY_RULES,
): Promise<Page<CategoryEntry>> {
  const { column, direction } = CATEGORIES[id].order;
  const kind = `category:${id}`;
  const ref = sql.ref(`t.${column}`);
  const { after, base } = categoryCursor(kind, ref, direction, page.cursor);
  const { rows } = await sql<{
    wallet_address: string;
    display_name: string | null;
    avatar_url: string | null;
    is_verified: boolean;
    pnl_7d: string;
    pnl_7d_percent: string;
    total_pnl: string;
    total_pnl_percent: string;
    total_volume_usd: string;
    total_trades: number;
    win_rate: string;
    sharpe_ratio: string | null;
    max_drawdown: string | null;
    volatility: string | null;
    rank_7d: number | null;
    rank_all_time: number | null;
    rank_volume: number | null;
    follower_count: number;
    last_trade_at: Date | null;
    sort_key: string;
  }>`
    SELECT t.wallet_address, t.display_name, t.avatar_url, t.is_verified, t.pnl_7d, t.pnl_7d_percent, t.total_pnl,
           t.total_pnl_percent, t.total_volume_usd, t.total_trades, t.win_rate, t.sharpe_ratio, t.max_drawdown,
           t.volatility, t.rank_7d, t.rank_all_time, t.rank_volume, t.follower_count, t.last_trade_at,
           ${ref}::text AS sort_key
      FROM traders t JOIN trader_metrics m ON m.wallet_address = t.wallet_address
     WHERE t.is_active AND t.rank_all_time IS NOT NULL AND (${ruleSql(id, rules)}) AND ${after}
     ORDER BY ${ref} ${sql.raw(direction === 'asc' ? 'ASC' : 'DESC')}, t.wallet_address COLLATE "C"
     LIMIT ${page.limit + 1}`.execute(deps.db);

  let position = base;
  return toPage(
    rows.map((r) => ({ ...r, position: ++position })),
    page.limit,
    kind,
    (r) => [r.sort_key, r.wallet_address, r.position],
    (r) => ({
      position: r.position,
      wallet: r.wallet_address,
      displayName: r.display_name,
      avatarUrl: r.avatar_url,
      isVerified: r.is_verified,
      pnl7d: r.pnl_7d,
      pnl7dPercent: r.pnl_7d_percent,
      totalPnl: r.total_pnl,
      totalPnlPercent: r.total_pnl_percent,
      totalVolumeUsd: r.total_volume_usd,
      totalTrades: r.total_trades,
      winRate: r.win_rate,
      sharpeRatio: r.sharpe_ratio,
      maxDrawdown: r.max_drawdown,
      volatility: r.volatility,
      rank7d: r.rank_7d,
      rankAllTime: r.rank_all_time,
      rankVolume: r.rank_volume,
      followerCount: r.follower_count,
      lastTradeAt: r.last_trade_at?.toISOString() ?? null,
    }),
  );
}
