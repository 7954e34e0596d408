// The caller's portfolio figures: their v_user_portfolio row, as the view computes it (see
// src/db/migrations/0004-views.ts for what each figure covers).
import type { Db } from '../db/client.ts';
import type { SubscriptionTier } from '../db/schema.ts';
import { notFound } from './app-error.ts';

export interface PortfolioView {
  userId: string;
  subscriptionTier: SubscriptionTier;
  balanceUsd: string;
  tradersFollowing: number;
  openPositions: number;
  totalExposureUsd: string;
  totalRealizedPnlUsd: string;
  totalUnrealizedPnlUsd: string;
}

export async function getPortfolio(deps: { db: Db }, userId: string): Promise<PortfolioView> {
  const r = await deps.db
    .selectFrom('v_user_portfolio')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!r) throw notFound('portfolio');
  return {
    userId: r.user_id,
    subscriptionTier: r.subscription_tier,
    balanceUsd: r.balance_usd,
    tradersFollowing: r.traders_following,
    openPositions: r.open_positions,
    totalExposureUsd: r.total_exposure_usd,
    totalRealizedPnlUsd: r.total_realized_pnl,
    totalUnrealizedPnlUsd: r.total_unrealized_pnl,
  };
}
