// Copy settings: their columns, the rules that involve more than one setting, and the tier's caps.
// Single-field ranges (scale, bounds) are checked by the request schema; these rules need the
// merged settings (request over stored values or column defaults) and the user's limits.
import type { Updateable } from 'kysely';
import type { Tx } from '../db/client.ts';
import type { CopyRelationshipsTable } from '../db/schema.ts';
import { dec } from '../domain/money.ts';
import { effectiveUserLimits, type SubscriptionTier } from '../domain/tiers.ts';
import { AppError } from './app-error.ts';

export interface FollowSettings {
  proportionalityFactor?: string;
  maxInvestmentPerTradeUsd?: string;
  maxTotalExposureUsd?: string;
  minTradeSizeUsd?: string | null;
  maxSlippagePercent?: string;
  stopLossPercent?: string | null;
  takeProfitPercent?: string | null;
  allowedMarkets?: string[] | null;
  excludedMarkets?: string[] | null;
}

/** The seed's column defaults, for rules checked before a row exists. */
export const SETTING_DEFAULTS = {
  maxInvestmentPerTradeUsd: '100',
  maxTotalExposureUsd: '500',
  minTradeSizeUsd: '5',
} as const;

export function settingsToColumns(s: FollowSettings): Updateable<CopyRelationshipsTable> {
  const cols: Updateable<CopyRelationshipsTable> = {};
  if (s.proportionalityFactor !== undefined) cols.proportionality_factor = s.proportionalityFactor;
  if (s.maxInvestmentPerTradeUsd !== undefined)
    cols.max_investment_per_trade_usd = s.maxInvestmentPerTradeUsd;
  if (s.maxTotalExposureUsd !== undefined) cols.max_total_exposure_usd = s.maxTotalExposureUsd;
  if (s.minTradeSizeUsd !== undefined) cols.min_trade_size_usd = s.minTradeSizeUsd;
  if (s.maxSlippagePercent !== undefined) cols.max_slippage_percent = s.maxSlippagePercent;
  if (s.stopLossPercent !== undefined) cols.stop_loss_percent = s.stopLossPercent;
  if (s.takeProfitPercent !== undefined) cols.take_profit_percent = s.takeProfitPercent;
  if (s.allowedMarkets !== undefined) cols.allowed_markets = s.allowedMarkets;
  if (s.excludedMarkets !== undefined) cols.excluded_markets = s.excludedMarkets;
  return cols;
}

export interface UserLimitsRow {
  subscription_tier: SubscriptionTier;
  max_followed_traders: number;
  max_daily_trades: number;
  max_trade_size_usd: string;
  max_total_exposure_usd: string;
}

export function limitsOf(user: UserLimitsRow) {
  return effectiveUserLimits({
    subscriptionTier: user.subscription_tier,
    maxFollowedTraders: user.max_followed_traders,
    maxDailyTrades: user.max_daily_trades,
    maxTradeSizeUsd: dec(user.max_trade_size_usd),
    maxTotalExposureUsd: dec(user.max_total_exposure_usd),
  });
}

/** Checks the merged settings; throws validation_failed or tier_limit_reached with a clear message. */
export function checkSettings(
  merged: {
    maxInvestmentPerTradeUsd: string;
    maxTotalExposureUsd: string;
    minTradeSizeUsd: string | null;
    allowedMarkets: string[] | null;
    excludedMarkets: string[] | null;
  },
  user: UserLimitsRow,
): void {
  const perTrade = dec(merged.maxInvestmentPerTradeUsd);
  const exposure = dec(merged.maxTotalExposureUsd);
  if (merged.minTradeSizeUsd !== null && dec(merged.minTradeSizeUsd).gt(perTrade)) {
    throw new AppError('validation_failed', 'minTradeSizeUsd must not exceed maxInvestmentPerTradeUsd');
  }
  if (perTrade.gt(exposure)) {
    throw new AppError('validation_failed', 'maxInvestmentPerTradeUsd must not exceed maxTotalExposureUsd');
  }
  const overlap = (merged.allowedMarkets ?? []).filter((m) => (merged.excludedMarkets ?? []).includes(m));
  if (overlap.length > 0) {
    throw new AppError(
      'validation_failed',
      `markets both allowed and excluded: ${overlap.slice(0, 5).join(', ')}`,
    );
  }
  const limits = limitsOf(user);
  if (perTrade.gt(limits.maxTradeSizeUsd)) {
    throw new AppError(
      'tier_limit_reached',
      `maxInvestmentPerTradeUsd ${merged.maxInvestmentPerTradeUsd} is above your limit of ${limits.maxTradeSizeUsd.toFixed()} USD per trade (${user.subscription_tier} tier)`,
    );
  }
  if (exposure.gt(limits.maxTotalExposureUsd)) {
    throw new AppError(
      'tier_limit_reached',
      `maxTotalExposureUsd ${merged.maxTotalExposureUsd} is above your limit of ${limits.maxTotalExposureUsd.toFixed()} USD (${user.subscription_tier} tier)`,
    );
  }
}

/** Live copying needs an active credential to trade with. */
export async function requireActiveCredential(tx: Tx, userId: string): Promise<void> {
  const key = await tx
    .selectFrom('polymarket_api_keys')
    .select('id')
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!key) {
    throw new AppError(
      'credential_required',
      'live mode needs active Polymarket credentials: add them first (POST /credentials)',
    );
  }
}

/** Locks the user row: follows of one user are serialised, so the tier count cannot be raced. */
export async function lockUser(tx: Tx, userId: string): Promise<UserLimitsRow> {
  return tx
    .selectFrom('users')
    .select([
      'subscription_tier',
      'max_followed_traders',
      'max_daily_trades',
      'max_trade_size_usd',
      'max_total_exposure_usd',
    ])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}
