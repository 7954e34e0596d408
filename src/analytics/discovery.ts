// Discovery: which traders the platform tracks. A tracked trader (traders.is_active) is watched by
// ingest, backfilled, and given metrics and a place on the leaderboard. Two ways in:
//   1. the venue's own leaderboards, GET /v1/leaderboard, ordered by P&L and by volume over each of
//      its windows (DAY, WEEK, MONTH, ALL) — eight lists, the top `perList` wallets of each;
//   2. every wallet someone follows: following creates its traders row (is_active defaults to true);
//      discovery re-activates any followed wallet whose row was switched off.
// A wallet stays tracked once discovered (dropping off a list is not a reason to forget a history).
// discovered_traders records which lists a wallet was on the last time discovery saw it.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import type { LeaderboardQuery, LeaderboardRow } from '../venue/polymarket/data-api-client.ts';

/** The one Data API call discovery needs (DataApiClient satisfies it). */
export interface LeaderboardSource {
  getLeaderboard(query: LeaderboardQuery): Promise<LeaderboardRow[]>;
}

export const LEADERBOARD_ORDERS = ['PNL', 'VOL'] as const;
export const LEADERBOARD_WINDOWS = ['DAY', 'WEEK', 'MONTH', 'ALL'] as const;
/** The server's page size and offset limits for /v1/leaderboard (§1.7). */
export const LEADERBOARD_PAGE = 50;
export const LEADERBOARD_MAX_OFFSET = 1_000;

export interface DiscoveryOptions {
  readonly db: Db;
  readonly leaderboard: LeaderboardSource;
  /** Wallets taken from each list (0 = only make sure followed wallets are tracked). */
  readonly perList: number;
  readonly now?: () => Date;
}

export interface DiscoveryReport {
  /** Lists read. */
  readonly lists: number;
  /** Distinct wallets on them. */
  readonly wallets: number;
  /** Wallets tracked for the first time (new traders rows, or rows switched back on). */
  readonly newlyTracked: number;
  /** Followed wallets whose row had been switched off and was switched back on. */
  readonly followedReactivated: number;
}

interface Seen {
  wallet: string;
  name: string;
  avatar: string;
  lists: Set<string>;
  bestRank: number;
}

const WALLET = /^0x[0-9a-f]{40}$/;

async function readList(
  src: LeaderboardSource,
  orderBy: (typeof LEADERBOARD_ORDERS)[number],
  timePeriod: (typeof LEADERBOARD_WINDOWS)[number],
  perList: number,
): Promise<LeaderboardRow[]> {
  const out: LeaderboardRow[] = [];
  for (let offset = 0; out.length < perList && offset <= LEADERBOARD_MAX_OFFSET;) {
    const limit = Math.min(LEADERBOARD_PAGE, perList - out.length);
    const page = await src.getLeaderboard({ category: 'OVERALL', orderBy, timePeriod, limit, offset });
    out.push(...page.slice(0, limit));
    if (page.length < limit) break;
    offset += limit;
  }
  return out;
}

export async function discoverTraders(o: DiscoveryOptions): Promise<DiscoveryReport> {
  const seen = new Map<string, Seen>();
  let lists = 0;
  if (o.perList > 0) {
    for (const orderBy of LEADERBOARD_ORDERS) {
      for (const timePeriod of LEADERBOARD_WINDOWS) {
        const rows = await readList(o.leaderboard, orderBy, timePeriod, o.perList);
        lists += 1;
        for (const r of rows) {
          const wallet = r.proxyWallet.toLowerCase();
          if (!WALLET.test(wallet)) continue;
          const s = seen.get(wallet) ?? { wallet, name: '', avatar: '', lists: new Set(), bestRank: r.rank };
          s.lists.add(`${orderBy}:${timePeriod}`);
          s.bestRank = Math.min(s.bestRank, r.rank);
          if (!s.name && r.userName) s.name = r.userName.slice(0, 100);
          if (!s.avatar && r.profileImage) s.avatar = r.profileImage.slice(0, 500);
          seen.set(wallet, s);
        }
      }
    }
  }
  const now = o.now?.() ?? new Date();
  const rows = [...seen.values()].map((s) => ({
    wallet: s.wallet,
    name: s.name || null,
    avatar: s.avatar || null,
    lists: [...s.lists].sort(),
    rank: s.bestRank >= 1 ? s.bestRank : null,
  }));
  // One statement: the traders rows (new ones tracked; known ones switched on, keeping a name or
  // avatar the venue no longer sends), then the provenance rows.
  const { rows: out } = await sql<{ newly: number; followed: number }>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS x (wallet text, name text, avatar text, lists text[], rank int)
    ),
    before AS (
      SELECT t.wallet_address FROM traders t JOIN input i ON i.wallet = t.wallet_address WHERE t.is_active
    ),
    up AS (
      INSERT INTO traders (wallet_address, display_name, avatar_url, is_active)
      SELECT wallet, name, avatar, true FROM input
      ON CONFLICT (wallet_address) DO UPDATE SET
        is_active = true,
        display_name = COALESCE(EXCLUDED.display_name, traders.display_name),
        avatar_url = COALESCE(EXCLUDED.avatar_url, traders.avatar_url)
      RETURNING wallet_address
    ),
    prov AS (
      INSERT INTO discovered_traders (wallet_address, lists, best_rank, first_seen_at, last_seen_at)
      SELECT i.wallet, i.lists, i.rank, ${now}::timestamptz, ${now}::timestamptz
        FROM input i JOIN up ON up.wallet_address = i.wallet
      ON CONFLICT (wallet_address) DO UPDATE SET
        lists = EXCLUDED.lists, best_rank = EXCLUDED.best_rank, last_seen_at = EXCLUDED.last_seen_at
      RETURNING 1
    ),
    followed AS (
      UPDATE traders SET is_active = true
       WHERE NOT is_active
         AND wallet_address IN (
           SELECT trader_wallet_address FROM copy_relationships WHERE status IN ('active', 'paused'))
         -- a row is written once per statement: listed wallets are switched on by \`up\` already
         AND wallet_address NOT IN (SELECT wallet FROM input)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM up WHERE wallet_address NOT IN (SELECT wallet_address FROM before))::int AS newly,
           (SELECT count(*) FROM followed)::int AS followed,
           (SELECT count(*) FROM prov)::int AS provenance`.execute(o.db);
  return {
    lists,
    wallets: rows.length,
    newlyTracked: out[0]?.newly ?? 0,
    followedReactivated: out[0]?.followed ?? 0,
  };
}
