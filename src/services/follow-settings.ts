// Copy settings in the follow services: merging a request over stored values, a preset or the
// defaults of a new follow (NEW_FOLLOW_DEFAULTS, src/domain/copy-settings.ts); the rules that
// involve more than one setting (settingsProblems) and the tier's caps on the merged result.
// Single-field ranges (scale, bounds) are checked by the request schema.
import type { Tx } from '../db/client.ts';
import { columnsOfSettings } from '../db/relationship-settings.ts';
import { settingsProblems, type FollowSettingsValues } from '../domain/copy-settings.ts';
import { dec } from '../domain/money.ts';
import { effectiveUserLimits, type SubscriptionTier } from '../domain/tiers.ts';
import { AppError } from './app-error.ts';

/** Any subset of the settings, under the API's names (what a request or a preset carries). */
export type FollowSettings = { -readonly [K in keyof FollowSettingsValues]?: FollowSettingsValues[K] };

/** `over` on top of `base`: a setting present in `over` (null included) wins; absent ones keep base's. */
export function mergeSettings(base: FollowSettingsValues, over: FollowSettings): FollowSettingsValues {
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined && k in base) merged[k] = v;
  return merged as unknown as FollowSettingsValues;
}

/** The settings' columns, for an insert or an update. */
export function settingsToColumns(s: FollowSettings): Record<string, unknown> {
  return columnsOfSettings(s);
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
export function checkSettings(merged: FollowSettingsValues, user: UserLimitsRow): void {
  const problems = settingsProblems(merged);
  if (problems.length > 0) throw new AppError('validation_failed', problems.join('; '));
  const limits = limitsOf(user);
  if (dec(merged.maxInvestmentPerTradeUsd).gt(limits.maxTradeSizeUsd)) {
    throw new AppError(
      'tier_limit_reached',
      `maxInvestmentPerTradeUsd ${merged.maxInvestmentPerTradeUsd} is above your limit of ${limits.maxTradeSizeUsd.toFixed()} USD per trade (${user.subscription_tier} tier)`,
    );
  }
  if (dec(merged.maxTotalExposureUsd).gt(limits.maxTotalExposureUsd)) {
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

/** What reads a follow's balance and its leader's portfolio value now (sizing-snapshot-jobs.ts). */
export interface SizingSnapshots {
  refreshFor(follow: { readonly userId: string; readonly traderWallet: string }): Promise<void>;
}

/**
 * After a follow starts (or switches to) sizing from a balance, read what it sizes from at once, so
 * its first copy does not wait for the scheduler's next run. Best effort: a failure leaves the
 * snapshot to the scheduler, and a copy meanwhile says balance_unknown / leader_portfolio_unknown.
 */
export async function refreshSizingInputs(
  snapshots: SizingSnapshots | undefined,
  follow: { userId: string; traderWallet: string; sizingMode: string; status: string },
): Promise<void> {
  if (!snapshots || follow.status !== 'active') return;
  if (follow.sizingMode !== 'balance_percent' && follow.sizingMode !== 'portfolio_weight') return;
  await snapshots.refreshFor(follow).catch(() => undefined);
}
