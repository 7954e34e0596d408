// The demo account (README "The demo"): on the built-in simulator, `polycopy start` creates one
// paper account that follows three top traders, so a first run shows copies being made within
// minutes. The composition root (src/app/demo.ts) decides WHETHER there is a demo (never against a
// real venue, never with DEMO=off); these are the use cases:
//   ensureDemoUser     the one demo user, created once (singleton row in demo_account, 0045): a
//                      random password is generated, stored only as a hash and returned once;
//   pickDemoLeaders    three top traders from the leaderboard, preferring ones that traded lately,
//                      once a metrics recompute has ranked them (before it every P&L is 0 and the
//                      "top" traders would be the lowest wallet addresses);
//   followDemoLeaders  paper follows at the defaults plus copyOpenPositions, recorded once, so a
//                      restart does not follow again the traders the person unfollowed;
//   resetDemoPassword  a new password for the demo (`polycopy demo reset-password`).
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { hashPassword } from '../auth/passwords.ts';
import { withTransaction, type Db } from '../db/client.ts';
import { toWire } from '../domain/money.ts';
import { tierLimits, type SubscriptionTier } from '../domain/tiers.ts';
import { followTrader, type FollowDeps } from './follow-trader.ts';
import { getLeaderboard, type LeaderboardEntry } from './leaderboard.ts';

export const DEMO_EMAIL = 'demo@polycopy.local';
/**
 * The demo is a paper account: a paying tier's daily trade count lets it keep copying three active
 * traders all day (the free tier's 10 copies a day would run out within the first hour).
 */
export const DEMO_TIER: SubscriptionTier = 'pro';
export const DEMO_LEADERS = 3;
/** Advisory lock serialising demo set-up across processes started at once. */
const DEMO_LOCK_KEY = 7_042_045;

export interface DemoUser {
  readonly userId: string;
  readonly email: string;
  /** Only when this call created the demo: the password, shown once and never stored. */
  readonly password: string | null;
  /** When the demo's follows were set up; null until then. */
  readonly followsSetAt: Date | null;
  readonly followed: readonly string[];
}

/** A password for a person to type once: 24 characters of base64url (144 random bits). */
export function generateDemoPassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function ensureDemoUser(db: Db): Promise<DemoUser> {
  return withTransaction(db, async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${DEMO_LOCK_KEY})`.execute(tx);
    const existing = await tx
      .selectFrom('demo_account as d')
      .innerJoin('users as u', 'u.id', 'd.user_id')
      .select(['d.user_id', 'u.email', 'd.follows_set_at', 'd.followed'])
      .executeTakeFirst();
    if (existing)
      return {
        userId: existing.user_id,
        email: existing.email ?? DEMO_EMAIL,
        password: null,
        followsSetAt: existing.follows_set_at,
        followed: existing.followed,
      };
    const password = generateDemoPassword();
    const limits = tierLimits(DEMO_TIER);
    const user = await tx
      .insertInto('users')
      .values({
        email: DEMO_EMAIL,
        username: 'demo',
        password_hash: await hashPassword(password),
        is_verified: true,
        subscription_tier: DEMO_TIER,
        max_followed_traders: limits.maxFollowedTraders,
        max_daily_trades: limits.maxDailyTrades,
        max_trade_size_usd: toWire(limits.maxTradeSizeUsd),
        max_total_exposure_usd: toWire(limits.maxTotalExposureUsd),
      } as never)
      .onConflict((oc) => oc.column('email').doNothing())
      .returning('id')
      .executeTakeFirst();
    // Someone registered the demo's address for real: never take over their account.
    if (!user) throw new Error(`an account with the demo's email ${DEMO_EMAIL} already exists`);
    await tx.insertInto('demo_account').values({ user_id: user.id }).execute();
    return { userId: user.id, email: DEMO_EMAIL, password, followsSetAt: null, followed: [] };
  });
}

/**
 * Whether a metrics recompute (the scheduler's `metrics` job, recorded in job_runs) has completed
 * over at least `n` traders' fills. Until then the leaderboard lists discovered wallets with no
 * P&L, in wallet-address order: following its "top" would follow arbitrary wallets.
 */
export async function leaderboardRanked(db: Db, n: number): Promise<boolean> {
  const { rows } = await sql<{ ranked: boolean }>`
    SELECT EXISTS (
      SELECT 1 FROM job_runs
       WHERE job = 'metrics' AND outcome = 'succeeded'
         AND COALESCE((summary ->> 'tradersWithFills')::int, 0) >= ${n}) AS ranked`.execute(db);
  return rows[0]!.ranked;
}

/**
 * Up to `n` top traders by 7-day P&L among the leaderboard's first 20, those that traded in the last
 * `recentMs` first (a top trader who trades once a day would show the demo nothing), each group in
 * leaderboard order. Empty until a metrics recompute has ranked at least `n` traders.
 */
export async function pickDemoLeaders(
  db: Db,
  now: Date,
  n = DEMO_LEADERS,
  recentMs = 15 * 60_000,
): Promise<LeaderboardEntry[]> {
  if (!(await leaderboardRanked(db, n))) return [];
  const page = await getLeaderboard({ db }, { sort: 'pnl_7d', limit: 20 });
  if (page.items.length < n) return [];
  const recent = (e: LeaderboardEntry) =>
    e.lastTradeAt !== null && now.getTime() - Date.parse(e.lastTradeAt) <= recentMs;
  return [...page.items.filter(recent), ...page.items.filter((e) => !recent(e))].slice(0, n);
}

/**
 * Follows the leaders in paper mode at the new-follow defaults, also buying into their open positions
 * (so the demo holds positions at once and the leaders' sells have something to mirror), then records
 * that the follows are set up. A leader that cannot be followed is skipped with its reason.
 */
export async function followDemoLeaders(
  deps: FollowDeps,
  demo: DemoUser,
  wallets: readonly string[],
): Promise<{ followed: string[]; refused: Array<{ wallet: string; error: string }> }> {
  const followed: string[] = [];
  const refused: Array<{ wallet: string; error: string }> = [];
  for (const wallet of wallets) {
    try {
      await followTrader(deps, demo.userId, {
        traderWallet: wallet,
        mode: 'paper',
        copyOpenPositions: Boolean(deps.openPositions),
      });
      followed.push(wallet.toLowerCase());
    } catch (err) {
      refused.push({ wallet, error: err instanceof Error ? err.message : String(err) });
    }
  }
  await deps.db
    .updateTable('demo_account')
    .set({ follows_set_at: deps.clock(), followed })
    .where('user_id', '=', demo.userId)
    .execute();
  return { followed, refused };
}

/** A new password for the demo user; its sessions are revoked. Null when there is no demo. */
export async function resetDemoPassword(
  db: Db,
  now: Date,
): Promise<{ email: string; password: string } | null> {
  return withTransaction(db, async (tx) => {
    const demo = await tx
      .selectFrom('demo_account as d')
      .innerJoin('users as u', 'u.id', 'd.user_id')
      .select(['d.user_id', 'u.email'])
      .executeTakeFirst();
    if (!demo) return null;
    const password = generateDemoPassword();
    await tx
      .updateTable('users')
      .set({ password_hash: await hashPassword(password), failed_login_attempts: 0, locked_until: null })
      .where('id', '=', demo.user_id)
      .execute();
    await tx
      .updateTable('auth_sessions')
      .set({ revoked_at: now, revoked_reason: 'password_reset' })
      .where('user_id', '=', demo.user_id)
      .where('revoked_at', 'is', null)
      .execute();
    return { email: demo.email ?? DEMO_EMAIL, password };
  });
}
