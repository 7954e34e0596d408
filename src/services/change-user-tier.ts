// Admin: moves a user to a subscription tier and rewrites their limit columns to the tier's values
// (the one definition is src/domain/tiers.ts). Billing will call the same use case.
import { tierLimits, type SubscriptionTier } from '../domain/tiers.ts';
import { toWire } from '../domain/money.ts';
import { notFound } from './app-error.ts';
import { userViewOf, type UserView, type UserViewDeps } from './user-view.ts';

export async function changeUserTier(
  deps: UserViewDeps,
  userId: string,
  tier: SubscriptionTier,
): Promise<UserView> {
  const limits = tierLimits(tier);
  const user = await deps.db
    .updateTable('users')
    .set({
      subscription_tier: tier,
      max_followed_traders: limits.maxFollowedTraders,
      max_daily_trades: limits.maxDailyTrades,
      max_trade_size_usd: toWire(limits.maxTradeSizeUsd),
      max_total_exposure_usd: toWire(limits.maxTotalExposureUsd),
    })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst();
  if (!user) throw notFound('user');
  return userViewOf(deps, user);
}
