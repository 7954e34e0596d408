// The public shape of a user: what /me and admin routes return. Never the password hash, 2FA
// secret or lockout counters.
import type { Selectable } from 'kysely';
import type { UsersTable } from '../db/schema.ts';

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

export function toUserView(u: Selectable<UsersTable>): UserView {
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
    balanceUsd: u.balance_usd,
    twoFactorEnabled: u.two_factor_enabled,
    isActive: u.is_active,
    createdAt: u.created_at.toISOString(),
    lastLoginAt: u.last_login_at?.toISOString() ?? null,
  };
}
