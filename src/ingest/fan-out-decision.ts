// One follower's decision for one leader fill: the fan-out's row for that follower (its settings,
// state and exposure, read for every follower in one query by record-fill.ts) turned into
// decideCopy()'s input. The decision itself is the pure rule in src/domain/decide-copy.ts.
import type { SettingsRow } from '../db/relationship-settings.ts';
import { settingsOfRow } from '../db/relationship-settings.ts';
import { parseCopySettings } from '../domain/copy-settings.ts';
import {
  decideCopy,
  type CopyDecision,
  type DecisionClock,
  type DecisionMarket,
  type Funds,
  type LeaderTrade,
} from '../domain/decide-copy.ts';
import { Decimal } from '../domain/money.ts';
import { effectiveUserLimits, isSubscriptionTier } from '../domain/tiers.ts';
import { fundsKey } from './sizing-inputs.ts';

/** The fan-out's row for one follower (NUMERIC and BIGINT columns as strings). */
export interface FanOutRow extends SettingsRow {
  readonly id: string;
  readonly user_id: string;
  readonly status: 'active' | 'paused' | 'stopped';
  readonly mode: 'live' | 'paper';
  readonly pause_reason: 'user' | 'circuit_breaker' | null;
  readonly total_pnl_usd: string;
  readonly user_active: boolean;
  readonly subscription_tier: string;
  readonly max_followed_traders: number;
  readonly max_daily_trades: number;
  readonly max_trade_size_usd: string;
  readonly user_max_total_exposure_usd: string;
  readonly rel_exposure: string;
  readonly user_exposure: string;
  readonly attributed_shares: string;
}

/** What every follower of one fill shares. */
export interface FanOutContext {
  readonly trade: LeaderTrade;
  readonly market: DecisionMarket;
  readonly clock: DecisionClock;
  readonly leaderPositionBefore: Decimal;
  readonly funds: ReadonlyMap<string, Funds>;
  readonly leaderPortfolio: { readonly valueUsd: Decimal; readonly observedAt: Date } | null;
}

const BALANCE_MODES = new Set(['balance_percent', 'portfolio_weight']);

/** Whether sizing this follower's copy of a BUY reads its funds (and, for one mode, the leader's value). */
export function sizesFromBalance(r: FanOutRow): boolean {
  return r.status === 'active' && r.user_active && BALANCE_MODES.has(r.sizing_mode as string);
}

export function tierOf(r: { subscription_tier: string }) {
  return isSubscriptionTier(r.subscription_tier) ? r.subscription_tier : 'free';
}

export function decideForFollower(r: FanOutRow, ctx: FanOutContext): CopyDecision {
  const limits = effectiveUserLimits({
    subscriptionTier: tierOf(r),
    maxFollowedTraders: r.max_followed_traders,
    maxDailyTrades: r.max_daily_trades,
    maxTradeSizeUsd: new Decimal(r.max_trade_size_usd),
    maxTotalExposureUsd: new Decimal(r.user_max_total_exposure_usd),
  });
  return decideCopy({
    trade: ctx.trade,
    market: ctx.market,
    settings: parseCopySettings(settingsOfRow(r)),
    follower: {
      userActive: r.user_active,
      // Stopped follows are not fanned out to (the query reads active and paused ones only).
      relationshipStatus: r.status === 'active' ? 'active' : 'paused',
      pauseReason: r.pause_reason,
      relationshipExposureUsd: new Decimal(r.rel_exposure),
      userExposureUsd: new Decimal(r.user_exposure),
      realizedPnlUsd: new Decimal(r.total_pnl_usd),
      attributedShares: new Decimal(r.attributed_shares),
      leaderPositionBefore: ctx.leaderPositionBefore,
      funds: ctx.funds.get(fundsKey(r.user_id, r.mode)) ?? null,
      leaderPortfolio: ctx.leaderPortfolio,
    },
    userLimits: limits,
    clock: ctx.clock,
  });
}
