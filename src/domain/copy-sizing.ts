// How much a follower copies. Pure arithmetic over the leader's fill and the follower's settings and
// current exposure; decideCopy() (decide-copy.ts) calls it for the fan-out, open positions and the
// backtest. The sizing modes other than proportional give the shares they want (`desiredShares`)
// instead of a factor; the caps, minimums and rounding below are the same for every mode. A follow's
// budget, when set, is one more cap (what is left of it: budget − money at work − losses).
//
// BUY — the copy is proportional in shares (the follower buys `factor` of the leader's shares, so
// at the leader's price it spends `factor` of the leader's notional), then bounded by four caps in
// USD: the relationship's max_investment_per_trade_usd, the relationship's remaining
// max_total_exposure_usd, the user's max_trade_size_usd and the user's remaining
// max_total_exposure_usd. Shares are rounded DOWN to the venue's size precision, so rounding can
// only move the copy further inside every cap.
//
//   Worked example: leader buys 1000 shares at 0.42 ($420); factor 0.05 → 50 shares, $21.
//   Per-trade cap $15 binds → 15 / 0.42 = 35.714… → 35.71 shares (rounded down) = $14.9982.
//   If instead the relationship already holds $490 of a $500 exposure cap → $10 → 23.80 shares.
//
// Caps are enforced at `capPrice`, the worst price per share the copy may pay. It defaults to the
// leader's price; the worker passes the slippage-bound limit price so the caps hold even if the
// order fills at its limit (the fan-out, which does not know the book yet, sizes at the leader's).
//
// The minimum trade size is compared with the capped notional before share rounding: a copy sized at
// exactly $5.00 that rounds to $4.998 is what the user asked for, not a trade below their minimum.
// The venue minimum is checked on the rounded order, because that is what the venue sees.
//
// When a copy ends up too small and a cap is what made it so, the skip names the cap (the user
// can act on "exposure cap reached"; "below minimum" would mislead them).
//
// SELL — the follower sells the same fraction of its position *attributed to this relationship*
// that the leader sold of its own (shares bought copying leader B are never sold by leader A's
// sells). Caps and the minimum trade size do not apply to sells: they limit new risk, and refusing
// a small exit would leave the follower holding what the leader has dumped.
//
//   Worked example: leader held 200 shares and sells 50 → fraction 0.25; the follower holds 30.33
//   shares from copying this leader → sells 7.58 (30.33 × 0.25 = 7.5825, rounded down).
//   Leader sells all 200 → fraction 1 → the follower sells all 30.33: no dust left behind.
import { Decimal, ONE, ZERO, maxDec, minDec } from './money.ts';
import type { OrderType } from './book-walk.ts';
import type { MarketRules } from './order-rules.ts';
import { MIN_MARKETABLE_NOTIONAL, roundingConfigFor } from './order-rules.ts';
import type { Skip } from './skip-reasons.ts';
import { skip } from './skip-reasons.ts';

export type SizingCap =
  'per_trade' | 'budget' | 'relationship_exposure' | 'user_trade_size' | 'user_exposure';

export interface BuySizingInput {
  readonly leaderPrice: Decimal;
  readonly leaderSize: Decimal;
  /**
   * copy_relationships.proportionality_factor: 0.01 copies 1% of the leader's size. Give either this
   * or `desiredShares` (the other sizing modes, decide-copy.ts, compute the shares they want).
   */
  readonly proportionalityFactor?: Decimal;
  /** The shares the follow's sizing mode wants before caps (instead of a factor). */
  readonly desiredShares?: Decimal;
  readonly relationship: {
    readonly maxInvestmentPerTradeUsd: Decimal;
    readonly maxTotalExposureUsd: Decimal;
    /** Null means no minimum beyond the venue's. */
    readonly minTradeSizeUsd: Decimal | null;
    /** Open exposure through this relationship, at cost. */
    readonly exposureUsd: Decimal;
    /**
     * What is left of the follow's budget (budget − money at work − losses), or null/absent when the
     * follow has no budget. Zero or less skips as budget_exhausted.
     */
    readonly budgetRemainingUsd?: Decimal | null;
  };
  readonly user: {
    /** The effective limit (tiers.ts effectiveUserLimits). */
    readonly maxTradeSizeUsd: Decimal;
    readonly maxTotalExposureUsd: Decimal;
    /** Open exposure across all the user's relationships, at cost. */
    readonly exposureUsd: Decimal;
  };
  readonly market: MarketRules;
  /** Default FOK: copies are marketable. Resting types also need the market's minimum shares. */
  readonly orderType?: OrderType;
  /** Worst price per share the copy may pay; caps hold at this price. Defaults to leaderPrice. */
  readonly capPrice?: Decimal;
}

export interface BuyCopy {
  readonly kind: 'copy';
  /** Shares to buy, rounded down to the venue's size precision. */
  readonly shares: Decimal;
  /** shares × leader price. */
  readonly notional: Decimal;
  /** shares × capPrice: the most the copy can cost (before fees). Never above any cap. */
  readonly maxNotional: Decimal;
  /**
   * What the sizing wanted at the leader's price, before caps and rounding: leader notional × factor
   * in proportional mode, the mode's target amount otherwise.
   */
  readonly proportionalNotional: Decimal;
  /** Caps that reduced the copy, tightest (binding) first; empty when the copy is proportional. */
  readonly capsApplied: readonly SizingCap[];
}

export type BuySizing = BuyCopy | Skip;

export interface SellSizingInput {
  /** The leader's shares of this asset before this sell. Unknown or stale data may understate it. */
  readonly leaderPositionBefore: Decimal;
  readonly leaderSoldSize: Decimal;
  /** The follower's shares of this asset attributed to this relationship. */
  readonly followerShares: Decimal;
  /** The leader's sell price: values the order for the venue minimum and the dust rule. */
  readonly price: Decimal;
  readonly market: MarketRules;
  readonly orderType?: OrderType;
}

export interface SellCopy {
  readonly kind: 'copy';
  readonly shares: Decimal;
  /** Fraction of its position the leader sold, capped at 1. */
  readonly fraction: Decimal;
  /** shares × price. */
  readonly notional: Decimal;
  /** True when the order sells every sellable attributed share. */
  readonly closesPosition: boolean;
  /**
   * Attributed shares finer than the venue's size precision that no order can sell (only possible
   * when a fill was recorded at finer precision); they settle at resolution.
   */
  readonly unsellableRemainder: Decimal;
}

export type SellSizing = SellCopy | Skip;

const CAP_SKIP = {
  per_trade: 'per_trade_cap_below_minimum',
  budget: 'budget_exhausted',
  relationship_exposure: 'relationship_exposure_cap_reached',
  user_trade_size: 'user_trade_size_cap_below_minimum',
  user_exposure: 'user_exposure_cap_reached',
} as const;

function isPrice(price: Decimal): boolean {
  return price.gt(ZERO) && price.lte(ONE);
}

function requirePrice(price: Decimal, what: string): void {
  if (!isPrice(price)) throw new RangeError(`${what} must be in (0, 1], got ${price.toFixed()}`);
}

function requireNonNegative(value: Decimal, what: string): void {
  if (value.isNeg() && !value.isZero())
    throw new RangeError(`${what} must not be negative, got ${value.toFixed()}`);
}

function isResting(orderType: OrderType): boolean {
  return orderType === 'GTC' || orderType === 'GTD';
}

/** Whether the venue would accept an order of `shares` at `price` (order-rules.ts minimums). */
function meetsVenueMinimum(
  shares: Decimal,
  price: Decimal,
  market: MarketRules,
  orderType: OrderType,
): boolean {
  if (!shares.gt(ZERO)) return false;
  return isResting(orderType)
    ? shares.gte(market.minOrderSize)
    : shares.times(price).gte(MIN_MARKETABLE_NOTIONAL);
}

function floorShares(shares: Decimal, market: MarketRules): Decimal {
  const { sizeDecimals } = roundingConfigFor(market.tickSize);
  return shares.toDecimalPlaces(sizeDecimals, Decimal.ROUND_DOWN);
}

/** The shares the copy wants before caps: the factor of the leader's, or the mode's own. */
function wantedShares(input: BuySizingInput): Decimal {
  const { proportionalityFactor: factor, desiredShares } = input;
  if ((factor === undefined) === (desiredShares === undefined))
    throw new RangeError('give exactly one of proportionalityFactor and desiredShares');
  if (factor !== undefined) {
    if (!factor.gt(ZERO))
      throw new RangeError(`proportionality factor must be positive, got ${factor.toFixed()}`);
    return input.leaderSize.times(factor);
  }
  requireNonNegative(desiredShares!, 'desired shares');
  return desiredShares!;
}

/** The relationship's and the user's limits and exposures must not be negative. */
function requireNonNegativeLimits({ relationship: rel, user }: BuySizingInput): void {
  for (const [value, what] of [
    [rel.maxInvestmentPerTradeUsd, 'max_investment_per_trade_usd'],
    [rel.maxTotalExposureUsd, 'relationship max_total_exposure_usd'],
    [rel.exposureUsd, 'relationship exposure'],
    [user.maxTradeSizeUsd, 'user max_trade_size_usd'],
    [user.maxTotalExposureUsd, 'user max_total_exposure_usd'],
    [user.exposureUsd, 'user exposure'],
  ] as const) {
    requireNonNegative(value, what);
  }
}

/**
 * What room the exposure caps and the budget leave, or the skip when one is already used up:
 * nothing to size, and the reason is the cap, not the size.
 */
function capRoom(
  { relationship: rel, user }: BuySizingInput,
  desiredShares: Decimal,
): Skip | { relRemaining: Decimal; userRemaining: Decimal; budgetRemaining: Decimal | null } {
  const relRemaining = rel.maxTotalExposureUsd.minus(rel.exposureUsd);
  if (!relRemaining.gt(ZERO)) {
    return skip(
      'relationship_exposure_cap_reached',
      `exposure $${rel.exposureUsd.toFixed()} of $${rel.maxTotalExposureUsd.toFixed()} to this trader`,
    );
  }
  const userRemaining = user.maxTotalExposureUsd.minus(user.exposureUsd);
  if (!userRemaining.gt(ZERO)) {
    return skip(
      'user_exposure_cap_reached',
      `exposure $${user.exposureUsd.toFixed()} of $${user.maxTotalExposureUsd.toFixed()} for the account`,
    );
  }
  const budgetRemaining = rel.budgetRemainingUsd ?? null;
  if (budgetRemaining !== null && !budgetRemaining.gt(ZERO)) {
    return skip('budget_exhausted', `$${Decimal.max(budgetRemaining, ZERO).toFixed()} of the budget left`);
  }
  if (!desiredShares.gt(ZERO)) {
    return skip('below_venue_minimum', 'the sizing asked for no shares');
  }

  return { relRemaining, userRemaining, budgetRemaining };
}

export function sizeBuyCopy(input: BuySizingInput): BuySizing {
  const { leaderPrice, leaderSize, relationship: rel, user, market } = input;
  const orderType = input.orderType ?? 'FOK';
  const capPrice = input.capPrice ?? leaderPrice;
  // A malformed fill from a source is data, not a bug here: record it as skipped.
  if (!isPrice(leaderPrice) || !leaderSize.gt(ZERO)) {
    return skip('invalid_leader_fill', `price ${leaderPrice.toFixed()}, size ${leaderSize.toFixed()}`);
  }
  requirePrice(capPrice, 'cap price');
  const desiredShares = wantedShares(input);
  requireNonNegativeLimits(input);

  const room = capRoom(input, desiredShares);
  if ('kind' in room) return room;
  const { relRemaining, userRemaining, budgetRemaining } = room;

  const proportionalNotional = desiredShares.times(leaderPrice);
  const caps: Array<{ cap: SizingCap; usd: Decimal }> = [
    { cap: 'per_trade', usd: rel.maxInvestmentPerTradeUsd },
    ...(budgetRemaining !== null ? [{ cap: 'budget' as const, usd: budgetRemaining }] : []),
    { cap: 'relationship_exposure', usd: relRemaining },
    { cap: 'user_trade_size', usd: user.maxTradeSizeUsd },
    { cap: 'user_exposure', usd: userRemaining },
  ];
  // A cap binds when the desired copy would cost more than it at the cap price. Stable sort keeps
  // the listed order among equal caps, so the reported binding cap is deterministic.
  const binding = caps
    .filter((c) => desiredShares.times(capPrice).gt(c.usd))
    .sort((a, b) => a.usd.comparedTo(b.usd));
  const capsApplied = binding.map((c) => c.cap);
  const tightestCap = binding[0];
  const cappedShares = tightestCap ? minDec(desiredShares, tightestCap.usd.div(capPrice)) : desiredShares;
  // Multiply before dividing: cap × price / capPrice is exactly the cap when capPrice is the leader's
  // price, where (cap / price) × price can land a hair below it and fail a minimum equal to the cap.
  const cappedNotional = tightestCap
    ? minDec(proportionalNotional, tightestCap.usd.times(leaderPrice).div(capPrice))
    : proportionalNotional;

  const tooSmall = (uncappedWouldPass: boolean, fallback: Skip, what: string): Skip => {
    if (tightestCap && uncappedWouldPass) {
      return skip(
        CAP_SKIP[tightestCap.cap],
        `${what}: ${tightestCap.cap} cap $${tightestCap.usd.toFixed()} binds`,
      );
    }
    return fallback;
  };

  const min = rel.minTradeSizeUsd;
  if (min !== null && cappedNotional.lt(min)) {
    return tooSmall(
      proportionalNotional.gte(min),
      skip('below_min_trade_size', `copy $${cappedNotional.toFixed()} < minimum $${min.toFixed()}`),
      `copy $${cappedNotional.toFixed()} < minimum $${min.toFixed()}`,
    );
  }

  const shares = floorShares(cappedShares, market);
  if (!meetsVenueMinimum(shares, leaderPrice, market, orderType)) {
    const uncapped = floorShares(desiredShares, market);
    const detail = isResting(orderType)
      ? `${shares.toFixed()} shares < market minimum ${market.minOrderSize.toFixed()}`
      : `$${shares.times(leaderPrice).toFixed()} < venue minimum $${MIN_MARKETABLE_NOTIONAL.toFixed()}`;
    return tooSmall(
      meetsVenueMinimum(uncapped, leaderPrice, market, orderType),
      skip('below_venue_minimum', detail),
      detail,
    );
  }

  return {
    kind: 'copy',
    shares,
    notional: shares.times(leaderPrice),
    maxNotional: shares.times(capPrice),
    proportionalNotional,
    capsApplied,
  };
}

export function sizeSellCopy(input: SellSizingInput): SellSizing {
  const { leaderPositionBefore, leaderSoldSize, followerShares, price, market } = input;
  const orderType = input.orderType ?? 'FOK';
  requireNonNegative(leaderPositionBefore, 'leader position');
  requireNonNegative(followerShares, 'follower shares');
  if (!isPrice(price) || !leaderSoldSize.gt(ZERO)) {
    return skip('invalid_leader_fill', `price ${price.toFixed()}, size ${leaderSoldSize.toFixed()}`);
  }
  if (!followerShares.gt(ZERO)) {
    return skip('no_position_to_sell', 'no shares attributed to this relationship in this asset');
  }

  // The leader held at least what it sold; a lagging position feed that says less must not turn a
  // full exit into a fraction above 1 (or a division by zero).
  const before = maxDec(leaderPositionBefore, leaderSoldSize);
  const fraction = leaderSoldSize.div(before);

  let target: Decimal;
  if (fraction.gte(ONE)) {
    target = followerShares;
  } else {
    target = floorShares(followerShares.times(fraction), market);
    // A remainder worth less than the venue's marketable minimum could never be sold by a later
    // copy on its own; sell it now rather than strand it until resolution.
    const remainder = followerShares.minus(target);
    if (remainder.gt(ZERO) && remainder.times(price).lt(MIN_MARKETABLE_NOTIONAL)) target = followerShares;
  }
  const shares = floorShares(target, market);
  if (!meetsVenueMinimum(shares, price, market, orderType)) {
    const detail = isResting(orderType)
      ? `${shares.toFixed()} shares < market minimum ${market.minOrderSize.toFixed()}`
      : `$${shares.times(price).toFixed()} < venue minimum $${MIN_MARKETABLE_NOTIONAL.toFixed()}`;
    return skip('below_venue_minimum', detail);
  }
  const sellable = floorShares(followerShares, market);
  return {
    kind: 'copy',
    shares,
    fraction,
    notional: shares.times(price),
    closesPosition: shares.gte(sellable),
    unsellableRemainder: shares.gte(sellable) ? followerShares.minus(shares) : ZERO,
  };
}
