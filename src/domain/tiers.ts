// The one definition of what each subscription tier allows. The users table carries copies of some
// limits (max_followed_traders, max_daily_trades, max_trade_size_usd, max_total_exposure_usd) whose
// column defaults are the free tier's values; those columns are the user's own settings and may
// only tighten the tier, never loosen it (see effectiveUserLimits). A tier change should rewrite
// the columns to the new tier's values (an upgrade only takes effect then); taking the minimum
// makes a downgrade safe at once, even before anyone rewrites the row.
//
// Values, each tier a step up from the last:
//   tier     followed  trades/24h  max trade  max exposure  priority
//   free          3         10        $100        $500          5   (the seed's defaults)
//   basic        10         50        $500      $2,500          4
//   pro          25        200      $2,500     $10,000          3
//   premium     100      1,000     $10,000     $50,000          2
// Trades/24h is a quota on LIVE copies: it prices real trading. Paper copies neither count against it
// nor are limited by it (see effectiveUserLimits): a new user trying the platform in paper mode on a
// top trader, who trades about once a minute, used the free tier's 10 copies within minutes and saw
// every later copy skipped (issue 12) — the trial then showed the quota, not the trader. A user's own
// max_daily_trades below their tier's is their own cap, and applies to paper copies too.
// Priority (trade_queue.priority, 1 highest) puts paying tiers ahead when workers are saturated.
// Free is 5 because that is the column default: a row inserted without a priority ranks as free,
// never above a paying user. 1 is reserved for risk exits (stop-loss / take-profit closes), where
// each second of delay costs the user money whatever their tier. 6..10 stay free for deferrable
// work (catch-up after an outage) without renumbering tiers.
import type { Decimal } from './money.ts';
import { dec, minDec } from './money.ts';

export type SubscriptionTier = 'free' | 'basic' | 'pro' | 'premium';

/** Lowest to highest. */
export const SUBSCRIPTION_TIERS: readonly SubscriptionTier[] = ['free', 'basic', 'pro', 'premium'];

export interface TierLimits {
  readonly maxFollowedTraders: number;
  /**
   * Copy trades per rolling 24 hours (see execution-gates.ts): for the tier, live copies; from
   * effectiveUserLimits in paper mode, the user's own tighter cap or Infinity.
   */
  readonly maxDailyTrades: number;
  readonly maxTradeSizeUsd: Decimal;
  readonly maxTotalExposureUsd: Decimal;
  /** trade_queue.priority for this tier's copies: 1..10, 1 highest. */
  readonly priority: number;
}

export const RISK_EXIT_PRIORITY = 1;
export const LOWEST_PRIORITY = 10;

const TIERS: Readonly<Record<SubscriptionTier, TierLimits>> = Object.freeze({
  free: Object.freeze({
    maxFollowedTraders: 3,
    maxDailyTrades: 10,
    maxTradeSizeUsd: dec('100'),
    maxTotalExposureUsd: dec('500'),
    priority: 5,
  }),
  basic: Object.freeze({
    maxFollowedTraders: 10,
    maxDailyTrades: 50,
    maxTradeSizeUsd: dec('500'),
    maxTotalExposureUsd: dec('2500'),
    priority: 4,
  }),
  pro: Object.freeze({
    maxFollowedTraders: 25,
    maxDailyTrades: 200,
    maxTradeSizeUsd: dec('2500'),
    maxTotalExposureUsd: dec('10000'),
    priority: 3,
  }),
  premium: Object.freeze({
    maxFollowedTraders: 100,
    maxDailyTrades: 1000,
    maxTradeSizeUsd: dec('10000'),
    maxTotalExposureUsd: dec('50000'),
    priority: 2,
  }),
});

export function isSubscriptionTier(value: string): value is SubscriptionTier {
  return (SUBSCRIPTION_TIERS as readonly string[]).includes(value);
}

export function tierLimits(tier: SubscriptionTier): TierLimits {
  const limits = TIERS[tier];
  // The type says this cannot happen; a tier string from the database that escaped validation can.
  if (!limits) throw new RangeError(`unknown subscription tier: ${String(tier)}`);
  return limits;
}

/** trade_queue.priority for a copy: from the tier, or RISK_EXIT_PRIORITY for stop-loss/take-profit. */
export function queuePriority(tier: SubscriptionTier, purpose: 'copy' | 'risk_exit' = 'copy'): number {
  return purpose === 'risk_exit' ? RISK_EXIT_PRIORITY : tierLimits(tier).priority;
}

/** The user row's own limit columns. */
export interface UserLimitSettings {
  readonly subscriptionTier: SubscriptionTier;
  readonly maxFollowedTraders: number;
  readonly maxDailyTrades: number;
  readonly maxTradeSizeUsd: Decimal;
  readonly maxTotalExposureUsd: Decimal;
}

/**
 * The limits that apply: the tighter of the tier's and the user's own setting, per limit. In paper
 * mode the tier's daily trade quota does not apply (it is a quota on live trading): only a
 * max_daily_trades the user set below their tier's limit does, else there is none (Infinity).
 */
export function effectiveUserLimits(
  user: UserLimitSettings,
  mode: 'live' | 'paper' = 'live',
): Omit<TierLimits, 'priority'> {
  const tier = tierLimits(user.subscriptionTier);
  const ownCap = user.maxDailyTrades < tier.maxDailyTrades ? user.maxDailyTrades : Infinity;
  return {
    maxFollowedTraders: Math.min(tier.maxFollowedTraders, user.maxFollowedTraders),
    maxDailyTrades: mode === 'paper' ? ownCap : Math.min(tier.maxDailyTrades, user.maxDailyTrades),
    maxTradeSizeUsd: minDec(tier.maxTradeSizeUsd, user.maxTradeSizeUsd),
    maxTotalExposureUsd: minDec(tier.maxTotalExposureUsd, user.maxTotalExposureUsd),
  };
}
