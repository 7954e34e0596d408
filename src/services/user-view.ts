// The public shape of a user: what /me, sign-up, identity links and admin routes return. Never the
// password hash, 2FA secret or lockout counters. balanceUsd is the paper account's cash from the
// paper ledger (paper-cash.ts), never the seed's users.balance_usd, which nothing credits.
import type { Selectable } from 'kysely';
import type { Db } from '../db/client.ts';
import type { UsersTable } from '../db/schema.ts';
import { toWire, type Decimal } from '../domain/money.ts';
import { paperCashOf } from './paper-cash.ts';

/** What building a user's view needs: the database and the paper starting balance. */
export interface UserViewDeps {
  db: Db;
  /** A paper account's cash before its first entry (PAPER_STARTING_BALANCE_USD). */
  paperStartingBalanceUsd: Decimal;
}

export interface UserView {
  id: string;
  email: string | null;
  emailVerified: boolean;
  username: string | null;
  walletAddress: string | null;
  telegramId: string | null;
  role: 'user' | 'admin';
  subscriptionTier: 'free' | 'basic' | 'pro' | 'premium';
  limits: {
    maxFollowedTraders: number;
    maxDailyTrades: number;
    maxTradeSizeUsd: string;
    maxTotalExposureUsd: string;
  };
  balanceUsd: string;
  twoFactorEnabled: boolean;
  isActive: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export function toUserView(u: Selectable<UsersTable>, paperCash: Decimal): UserView {
  return {
    id: u.id,
    email: u.email,
    emailVerified: u.is_verified,
    username: u.username,
    walletAddress: u.wallet_address,
    telegramId: u.telegram_id,
    role: u.role,
    subscriptionTier: u.subscription_tier,
    limits: {
      maxFollowedTraders: u.max_followed_traders,
      maxDailyTrades: u.max_daily_trades,
      maxTradeSizeUsd: u.max_trade_size_usd,
      maxTotalExposureUsd: u.max_total_exposure_usd,
    },
    balanceUsd: toWire(paperCash),
    twoFactorEnabled: u.two_factor_enabled,
    isActive: u.is_active,
    createdAt: u.created_at.toISOString(),
    lastLoginAt: u.last_login_at?.toISOString() ?? null,
  };
}

/** The views of `rows`, their paper cash read in one query. `db` may be a transaction's. */
export async function toUserViews<R extends Selectable<UsersTable>>(
  deps: UserViewDeps,
  rows: readonly R[],
): Promise<{ row: R; view: UserView }[]> {
  const cash = await paperCashOf(
    deps.db,
    rows.map((r) => r.id),
    deps.paperStartingBalanceUsd,
  );
  return rows.map((row) => ({
    row,
    view: toUserView(row, cash.get(row.id) ?? deps.paperStartingBalanceUsd),
  }));
}

/** The view of one user row. */
export async function userViewOf(deps: UserViewDeps, row: Selectable<UsersTable>): Promise<UserView> {
  return (await toUserViews(deps, [row]))[0]!.view;
}
