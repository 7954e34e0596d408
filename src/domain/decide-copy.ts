// decideCopy(): THE decision whether and how much a follower copies one leader trade. Pure: every
// input is passed in (the follower's state, the market, the clock), nothing is read. The live
// fan-out (src/ingest/record-fill.ts), copying a leader's open positions at follow time
// (src/services/copy-open-positions.ts) and the what-if backtest (src/domain/backtest.ts) all call
// it, so the backtest cannot drift from what the engine does.
//
// The rules, in order; the first that refuses names the reason (skip-reasons.ts):
//   1. freshness      a fill older than the copy TTL is history, not a signal      expired
//   2. the follow     user inactive, follow paused (by the person or the breaker)  user_inactive,
//                                                                                   relationship_paused
//   3. the fill       a price outside (0, 1] or a non-positive size                 invalid_leader_fill
//   4. side           copyBuys / copySells                                          buys_/sells_not_copied
//   5. market         allowed / excluded markets, then categories                  market_*, category_*
//   6. price band     BUY above maxBuyPrice, SELL below minSellPrice                price_above_max_buy,
//                                                                                   price_below_min_sell
//   7. leader size    BUYs only: the leader's notional outside [min, max]          leader_trade_*
//   8. sizing         BUY: the sizing mode's target, then every cap (per trade, budget, the follow's
//                     exposure, the user's trade size and exposure — the tier's limits included), the
//                     minimum trade size and the venue's minimum (copy-sizing.ts).
//                     SELL: the fraction of its own position the leader sold, applied to the shares
//                     this follow holds (never more than it holds); caps do not limit exits.
// A copy carries the slippage limit of its side, narrowed so that the price band also holds at the
// worst price the executor may accept: "nothing above 0.90" stays true after slippage.
//
// Sizing modes (BUY; each gives a target amount at the leader's price, shares = target / price):
//   proportional      leader shares × proportionalityFactor
//   fixed_usd         fixedAmountUsd per leader buy
//   balance_percent   balancePercent of the follower's cash or equity (balanceSource)
//   portfolio_weight  the share of the leader's portfolio the trade represents — notional /
//                     (leader's portfolio value + notional) — applied to the follower's equity
// Balances and the leader's portfolio value come from snapshots; one older than its limit (the
// clock is an input) is not used: the copy is skipped as balance_unknown / leader_portfolio_unknown.
import { budgetRemaining, slippageFor, type CopySettings } from './copy-settings.ts';
import { sizeBuyCopy, sizeSellCopy, type SizingCap } from './copy-sizing.ts';
import { compileCategoryFilter, type MarketCategory } from './market-categories.ts';
import { compileMarketFilter, type MarketRef } from './market-filter.ts';
import { Decimal, ONE, ZERO } from './money.ts';
import type { Side } from './order-book.ts';
import type { MarketRules } from './order-rules.ts';
import { skip, type Skip } from './skip-reasons.ts';

export interface LeaderTrade {
  /** A recorded leader fill, or a position the leader held when the follow started. */
  readonly source: 'fill' | 'open_position';
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal;
  /** When the leader traded (fills) or when the position was read (open positions). */
  readonly at: Date;
}

export interface DecisionMarket extends MarketRef {
  readonly categories: readonly MarketCategory[];
  readonly rules: MarketRules;
}

export interface Funds {
  readonly cashUsd: Decimal;
  readonly equityUsd: Decimal;
  readonly observedAt: Date;
}

export interface FollowerState {
  readonly userActive: boolean;
  readonly relationshipStatus: 'active' | 'paused';
  /** Why a paused follow is paused (the detail says so). */
  readonly pauseReason?: 'user' | 'circuit_breaker' | null;
  /** Money at work through this follow: open positions at cost plus copies that may still buy. */
  readonly relationshipExposureUsd: Decimal;
  /** The same across all the user's follows. */
  readonly userExposureUsd: Decimal;
  /** The follow's realized P&L so far (losses consume the budget). */
  readonly realizedPnlUsd: Decimal;
  /** SELLs: shares of this token bought copying this leader and not already being sold. */
  readonly attributedShares: Decimal;
  /** SELLs: the leader's shares of this token before this trade. */
  readonly leaderPositionBefore: Decimal;
  /** The account the follow trades in (paper ledger or the live wallet); null when unknown. */
  readonly funds: Funds | null;
  /** The leader's portfolio value (positions at their current price); null when unknown. */
  readonly leaderPortfolio: { readonly valueUsd: Decimal; readonly observedAt: Date } | null;
}

export interface DecisionClock {
  readonly now: Date;
  /** A fill first seen later than this after it happened is not copied (COPY_TTL_MS). */
  readonly maxFillAgeMs: number;
  readonly maxBalanceAgeMs: number;
  readonly maxLeaderValueAgeMs: number;
}

/** How old a balance or leader value snapshot may be; the refresh runs every minute. */
export const SNAPSHOT_MAX_AGE_MS = { balance: 10 * 60_000, leaderValue: 30 * 60_000 } as const;

export interface DecideCopyInput {
  readonly trade: LeaderTrade;
  readonly market: DecisionMarket;
  readonly settings: CopySettings;
  readonly follower: FollowerState;
  /** The user's effective limits (tiers.ts effectiveUserLimits). */
  readonly userLimits: { readonly maxTradeSizeUsd: Decimal; readonly maxTotalExposureUsd: Decimal };
  readonly clock: DecisionClock;
}

export interface CopyOrder {
  readonly kind: 'copy';
  readonly side: Side;
  readonly shares: Decimal;
  /** The leader's price: the executor prices from the book within the slippage limit of it. */
  readonly targetPrice: Decimal;
  /** The side's limit, narrowed by the price band; at most two decimals (the queue's column). */
  readonly maxSlippagePercent: Decimal;
  /** BUY: the most the copy may cost (shares × worst price); SELL: shares × the leader's price. */
  readonly notionalUsd: Decimal;
  readonly capsApplied: readonly SizingCap[];
  /** How the size was reached, for people ("fixed $10 → 23.8 shares at 0.42"). */
  readonly sizing: string;
}

export type CopyDecision = CopyOrder | Skip;

const HUNDRED = new Decimal(100);
const usd = (d: Decimal) => `$${d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed()}`;

export function decideCopy(input: DecideCopyInput): CopyDecision {
  const refused =
    freshnessRule(input) ??
    followRule(input) ??
    validityRule(input) ??
    sideRule(input) ??
    marketRule(input) ??
    priceBandRule(input) ??
    leaderSizeRule(input);
  if (refused) return refused;
  return input.trade.side === 'BUY' ? decideBuy(input) : decideSell(input);
}

function freshnessRule({ trade, clock }: DecideCopyInput): Skip | null {
  if (trade.source !== 'fill') return null;
  const ageMs = clock.now.getTime() - trade.at.getTime();
  if (ageMs <= clock.maxFillAgeMs) return null;
  return skip(
    'expired',
    `the fill is ${Math.round(ageMs / 1000)} s old, past the copy TTL of ${Math.round(clock.maxFillAgeMs / 1000)} s: recorded, not copied`,
  );
}

function followRule({ follower }: DecideCopyInput): Skip | null {
  if (!follower.userActive) return skip('user_inactive', 'Your account is inactive.');
  if (follower.relationshipStatus === 'paused') {
    return skip(
      'relationship_paused',
      follower.pauseReason === 'circuit_breaker'
        ? 'Copying paused itself after consecutive failed copies; resume it to copy again.'
        : 'You have paused copying this trader.',
    );
  }
  return null;
}

function validityRule({ trade }: DecideCopyInput): Skip | null {
  if (trade.price.gt(ZERO) && trade.price.lte(ONE) && trade.size.gt(ZERO)) return null;
  return skip('invalid_leader_fill', `price ${trade.price.toFixed()}, size ${trade.size.toFixed()}`);
}

function sideRule({ trade, settings }: DecideCopyInput): Skip | null {
  if (trade.side === 'BUY' && !settings.copyBuys)
    return skip('buys_not_copied', 'copyBuys is off for this follow');
  if (trade.side === 'SELL' && !settings.copySells)
    return skip('sells_not_copied', 'copySells is off for this follow');
  return null;
}

function marketRule({ market, settings }: DecideCopyInput): Skip | null {
  const byMarket = compileMarketFilter(settings.allowedMarkets, settings.excludedMarkets).check(market);
  if (!byMarket.ok) return skip(byMarket.reason, byMarket.detail);
  const byCategory = compileCategoryFilter(settings.categories, settings.excludedCategories).check(
    market.categories,
  );
  if (!byCategory.ok) return skip(byCategory.reason, byCategory.detail);
  return null;
}

function priceBandRule({ trade, settings: s }: DecideCopyInput): Skip | null {
  if (trade.side === 'BUY' && s.maxBuyPrice !== null && trade.price.gt(s.maxBuyPrice))
    return skip(
      'price_above_max_buy',
      `bought at ${trade.price.toFixed()}, above your maximum ${s.maxBuyPrice.toFixed()}`,
    );
  if (trade.side === 'SELL' && s.minSellPrice !== null && trade.price.lt(s.minSellPrice))
    return skip(
      'price_below_min_sell',
      `sold at ${trade.price.toFixed()}, below your minimum ${s.minSellPrice.toFixed()}`,
    );
  return null;
}

// BUYs only: a skipped sell would leave the follower holding what the leader is getting rid of.
function leaderSizeRule({ trade, settings: s }: DecideCopyInput): Skip | null {
  if (trade.side !== 'BUY') return null;
  const notional = trade.price.times(trade.size);
  if (s.minLeaderTradeUsd !== null && notional.lt(s.minLeaderTradeUsd))
    return skip(
      'leader_trade_below_minimum',
      `the trader's ${usd(notional)} is below your ${usd(s.minLeaderTradeUsd)} minimum`,
    );
  if (s.maxLeaderTradeUsd !== null && notional.gt(s.maxLeaderTradeUsd))
    return skip(
      'leader_trade_above_maximum',
      `the trader's ${usd(notional)} is above your ${usd(s.maxLeaderTradeUsd)} maximum`,
    );
  return null;
}

/**
 * The side's slippage limit, narrowed so the worst accepted price stays inside the band, floored to
 * the queue column's two decimals (a smaller limit is the safe direction).
 */
export function effectiveSlippage(s: CopySettings, side: Side, price: Decimal): Decimal {
  let limit = slippageFor(s, side);
  if (side === 'BUY' && s.maxBuyPrice !== null)
    limit = Decimal.min(limit, s.maxBuyPrice.div(price).minus(ONE).times(HUNDRED));
  if (side === 'SELL' && s.minSellPrice !== null)
    limit = Decimal.min(limit, ONE.minus(s.minSellPrice.div(price)).times(HUNDRED));
  return Decimal.max(ZERO, limit.toDecimalPlaces(2, Decimal.ROUND_DOWN));
}

/** The worst price a BUY may pay: the slippage bound, below 1 by a tick, never below the leader's. */
function capPriceOf(price: Decimal, slippage: Decimal, tick: Decimal): Decimal {
  const bound = Decimal.min(price.times(ONE.plus(slippage.div(HUNDRED))), ONE.minus(tick));
  return bound.gt(price) ? bound : price;
}

type Target = { readonly kind: 'target'; readonly shares: Decimal; readonly sizing: string } | Skip;

function decideBuy(input: DecideCopyInput): CopyDecision {
  const { trade, market, settings: s, follower: f, userLimits } = input;
  const target = buyTarget(input);
  if (target.kind === 'skip') return target;
  const slippage = effectiveSlippage(s, 'BUY', trade.price);
  const capPrice = capPriceOf(trade.price, slippage, market.rules.tickSize);
  const sized = sizeBuyCopy({
    leaderPrice: trade.price,
    leaderSize: trade.size,
    desiredShares: target.shares,
    relationship: {
      maxInvestmentPerTradeUsd: s.maxInvestmentPerTradeUsd,
      maxTotalExposureUsd: s.maxTotalExposureUsd,
      minTradeSizeUsd: s.minTradeSizeUsd,
      exposureUsd: f.relationshipExposureUsd,
      budgetRemainingUsd: budgetRemaining(s.budgetUsd, f.relationshipExposureUsd, f.realizedPnlUsd),
    },
    user: {
      maxTradeSizeUsd: userLimits.maxTradeSizeUsd,
      maxTotalExposureUsd: userLimits.maxTotalExposureUsd,
      exposureUsd: f.userExposureUsd,
    },
    market: market.rules,
    capPrice,
  });
  if (sized.kind === 'skip') return sized;
  const caps = sized.capsApplied.length > 0 ? `, capped by ${sized.capsApplied[0]}` : '';
  return {
    kind: 'copy',
    side: 'BUY',
    shares: sized.shares,
    targetPrice: trade.price,
    maxSlippagePercent: slippage,
    notionalUsd: sized.maxNotional,
    capsApplied: sized.capsApplied,
    sizing: `${target.sizing}${caps} → ${sized.shares.toFixed()} shares at ${trade.price.toFixed()}`,
  };
}

/** The shares the sizing mode wants, before caps. */
function buyTarget({ trade, settings: s, follower: f, clock }: DecideCopyInput): Target {
  const toShares = (amount: Decimal, sizing: string): Target => ({
    kind: 'target',
    shares: amount.div(trade.price),
    sizing,
  });
  switch (s.sizingMode) {
    case 'proportional':
      return {
        kind: 'target',
        shares: trade.size.times(s.proportionalityFactor),
        sizing: `${s.proportionalityFactor.times(HUNDRED).toFixed()}% of the trader's ${trade.size.toFixed()} shares`,
      };
    case 'fixed_usd':
      if (s.fixedAmountUsd === null) throw new RangeError('fixed_usd sizing without fixedAmountUsd');
      return toShares(s.fixedAmountUsd, `fixed ${usd(s.fixedAmountUsd)}`);
    case 'balance_percent': {
      const funds = usableFunds(f, clock);
      if (funds.kind === 'skip') return funds;
      if (s.balancePercent === null) throw new RangeError('balance_percent sizing without balancePercent');
      const base = s.balanceSource === 'cash' ? funds.cashUsd : funds.equityUsd;
      if (!base.gt(ZERO)) return skip('insufficient_balance', `your ${s.balanceSource} is ${usd(base)}`);
      const amount = base.times(s.balancePercent).div(HUNDRED);
      return toShares(amount, `${s.balancePercent.toFixed()}% of your ${s.balanceSource} ${usd(base)}`);
    }
    case 'portfolio_weight':
      return portfolioWeightTarget({ trade, f, clock, toShares });
  }
}

function portfolioWeightTarget(x: {
  trade: LeaderTrade;
  f: FollowerState;
  clock: DecisionClock;
  toShares: (amount: Decimal, sizing: string) => Target;
}): Target {
  const funds = usableFunds(x.f, x.clock);
  if (funds.kind === 'skip') return funds;
  const leader = x.f.leaderPortfolio;
  if (leader === null) return skip('leader_portfolio_unknown', "the trader's portfolio value was never read");
  const age = x.clock.now.getTime() - leader.observedAt.getTime();
  if (age > x.clock.maxLeaderValueAgeMs)
    return skip(
      'leader_portfolio_unknown',
      `the trader's portfolio value is ${Math.round(age / 60_000)} min old`,
    );
  if (!funds.equityUsd.gt(ZERO))
    return skip('insufficient_balance', `your equity is ${usd(funds.equityUsd)}`);
  // The snapshot predates the trade: the portfolio after it is the snapshot plus the trade, which
  // also keeps the weight in (0, 1] for a leader whose positions were worth nothing.
  const notional = x.trade.price.times(x.trade.size);
  const weight = notional.div(Decimal.max(leader.valueUsd, ZERO).plus(notional));
  const pct = weight.times(HUNDRED).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed();
  return x.toShares(
    funds.equityUsd.times(weight),
    `${pct}% of the trader's ${usd(leader.valueUsd.plus(notional))} portfolio, applied to your equity ${usd(funds.equityUsd)}`,
  );
}

function usableFunds(f: FollowerState, clock: DecisionClock): ({ kind: 'funds' } & Funds) | Skip {
  if (f.funds === null) return skip('balance_unknown', 'your balance has not been read yet');
  const age = clock.now.getTime() - f.funds.observedAt.getTime();
  if (age > clock.maxBalanceAgeMs)
    return skip('balance_unknown', `your balance was last read ${Math.round(age / 60_000)} min ago`);
  return { kind: 'funds', ...f.funds };
}

function decideSell({ trade, market, settings: s, follower: f }: DecideCopyInput): CopyDecision {
  const sized = sizeSellCopy({
    leaderPositionBefore: Decimal.max(f.leaderPositionBefore, ZERO),
    leaderSoldSize: trade.size,
    followerShares: Decimal.max(f.attributedShares, ZERO),
    price: trade.price,
    market: market.rules,
  });
  if (sized.kind === 'skip') return sized;
  const pct = sized.fraction.times(HUNDRED).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed();
  return {
    kind: 'copy',
    side: 'SELL',
    shares: sized.shares,
    targetPrice: trade.price,
    maxSlippagePercent: effectiveSlippage(s, 'SELL', trade.price),
    notionalUsd: sized.notional,
    capsApplied: [],
    sizing: `the trader sold ${pct}% of its position → ${sized.shares.toFixed()} of your ${f.attributedShares.toFixed()} shares`,
  };
}
