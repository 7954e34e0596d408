// The public leaderboard: active traders sorted by one of six figures (largest first, unknown Sharpe
// last), ties broken by wallet address ascending so every page is deterministic; filters on trade
// count and volume; search by wallet prefix or display name. Keyset pagination: the cursor holds the
// last row's sort value, wallet and rank, so a page is one index-friendly range scan.
import { sql, type SqlBool, type Expression } from 'kysely';
import type { Db } from '../db/client.ts';
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
  'pnl_7d',
  'total_pnl',
  'win_rate',
  'volume',
  'followers',
  'sharpe',
] as const;
export type LeaderboardSort = (typeof LEADERBOARD_SORTS)[number];

const SORT_COLUMN = {
  pnl_7d: 'pnl_7d',
  total_pnl: 'total_pnl',
  win_rate: 'win_rate',
  volume: 'total_volume_usd',
  followers: 'follower_count',
  sharpe: 'sharpe_ratio',
} as const satisfies Record<LeaderboardSort, string>;

export interface LeaderboardQuery extends PageRequest {
  sort: LeaderboardSort;
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
  winRate: string;
  totalVolumeUsd: string;
  totalTrades: number;
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

export async function getLeaderboard(
  deps: { db: Db },
  query: LeaderboardQuery,
): Promise<Page<LeaderboardEntry>> {
  const col = SORT_COLUMN[query.sort];
  const kind = `leaderboard:${query.sort}`;
  const ref = sql.ref(col);
  let rankBase = 0;
  let after: Expression<SqlBool> | null = null;
  if (query.cursor !== undefined) {
    const v = decodeCursor(kind, query.cursor);
    const w = cursorString(v, 1);
    if (!/^0x[0-9a-f]{40}$/.test(w) || typeof v[2] !== 'number') throw invalidCursor();
    rankBase = v[2];
    if (v[0] === null) {
      // Past every row with a value, inside the trailing NULLs.
      after = sql<SqlBool>`(${ref} IS NULL AND wallet_address > ${w})`;
    } else {
      const s = cursorDecimal(v, 0);
      after = sql<SqlBool>`(${ref} < ${s}::numeric OR (${ref} = ${s}::numeric AND wallet_address > ${w}) OR ${ref} IS NULL)`;
    }
  }

  let q = deps.db
    .selectFrom('traders')
    .select([
      'wallet_address',
      'display_name',
      'avatar_url',
      'is_verified',
      'pnl_7d',
      'pnl_7d_percent',
      'total_pnl',
      'total_pnl_percent',
      'win_rate',
      'total_volume_usd',
      'total_trades',
      'sharpe_ratio',
      'follower_count',
      'last_trade_at',
      sql<string | null>`${ref}::text`.as('sort_key'),
    ])
    .where('is_active', '=', true);
  if (query.minTrades !== undefined) q = q.where('total_trades', '>=', query.minTrades);
  if (query.minVolume !== undefined) q = q.where('total_volume_usd', '>=', query.minVolume);
  if (query.q !== undefined && query.q !== '') {
    const needle = escapeLike(query.q);
    q = q.where((eb) =>
      eb.or([
        eb('wallet_address', 'like', `${needle.toLowerCase()}%`),
        eb('display_name', 'ilike', `%${needle}%`),
      ]),
    );
  }
  if (after) q = q.where(after);
  const page = q
    .orderBy(sql`${ref} DESC NULLS LAST`)
    .orderBy('wallet_address', 'asc')
    .limit(query.limit + 1);
  // The copyability figures are joined to the page only: as subqueries in the ranked select they
  // would run for every active trader before the sort (10,000 traders: 3 × 10,000 lookups, ~20 ms
  // for a page of 25; joined to the page, ~3 ms).
  const rows = await deps.db
    .selectFrom(page.as('t'))
    .leftJoin('trader_copyability as c', 'c.wallet_address', 't.wallet_address')
    .selectAll('t')
    .select([
      'c.copyable as copyable',
      'c.fill_rate as copy_fill_rate',
      'c.median_slippage_bps as copy_median_slippage_bps',
    ])
    .orderBy(sql`${sql.ref(`t.${col}`)} DESC NULLS LAST`)
    .orderBy('t.wallet_address', 'asc')
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
      winRate: r.win_rate,
      totalVolumeUsd: r.total_volume_usd,
      totalTrades: r.total_trades,
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
