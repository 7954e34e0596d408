// The caller's portfolio figures: their v_user_portfolio row, as the view computes it (see
// src/db/migrations/0004-views.ts for what each figure covers), with the two balances a person
// actually has instead of the seed's users.balance_usd (which nothing ever credits, so every account
// showed 0 beside a documented 10,000 paper start):
//   - balanceUsd: the paper account's cash, from the paper ledger exactly as PaperVenue counts it
//     (PAPER_STARTING_BALANCE_USD + cash entries + sells − buys − fees);
//   - liveBalanceUsd: the pUSD at Polymarket as last read (live_balances), null when never read.
import type { Db } from '../db/client.ts';
import type { SubscriptionTier } from '../db/schema.ts';
import { toWire, type Decimal } from '../domain/money.ts';
import { notFound } from './app-error.ts';
import { paperCash } from './paper-cash.ts';

export interface PortfolioView {
  userId: string;
  subscriptionTier: SubscriptionTier;
  balanceUsd: string;
  liveBalanceUsd: string | null;
  tradersFollowing: number;
  /** Open copy lots, dust left out (src/domain/dust.ts). */
  openPositions: number;
  /** Positions of fewer than one share: no order can sell them; they settle at resolution. */
  dustPositions: number;
  totalExposureUsd: string;
  totalRealizedPnlUsd: string;
  totalUnrealizedPnlUsd: string;
}

export interface PortfolioDeps {
  db: Db;
  /** A paper account's cash before its first entry (PAPER_STARTING_BALANCE_USD). */
  paperStartingBalanceUsd: Decimal;
}

export async function getPortfolio(deps: PortfolioDeps, userId: string): Promise<PortfolioView> {
  const r = await deps.db
    .selectFrom('v_user_portfolio as p')
    .leftJoin('live_balances as lb', 'lb.user_id', 'p.user_id')
    .selectAll('p')
    .select('lb.cash_usd as live_cash')
    .where('p.user_id', '=', userId)
    .executeTakeFirst();
  if (!r) throw notFound('portfolio');
  const cash = await paperCash(deps.db, userId, deps.paperStartingBalanceUsd);
  return {
    userId: r.user_id,
    subscriptionTier: r.subscription_tier,
    balanceUsd: toWire(cash),
    liveBalanceUsd: r.live_cash,
    tradersFollowing: r.traders_following,
    openPositions: r.open_positions,
    dustPositions: r.dust_positions,
    totalExposureUsd: r.total_exposure_usd,
    totalRealizedPnlUsd: r.total_realized_pnl,
    totalUnrealizedPnlUsd: r.total_unrealized_pnl,
  };
}
