// Prices a copy order from the live book: the slippage guard. The follower accepts at most
// max_slippage_percent worse than the leader's price, so the order is a marketable FOK limited at
//   BUY  target × (1 + slip%)     SELL  target × (1 − slip%)
// rounded onto the tick grid in the direction that never loosens that bound (BUY down, SELL up) and
// kept inside the venue's valid price range [tick, 1 − tick]. FOK because a partial copy is a
// different trade from the one the user asked for and would need its own sizing and caps; "all
// within my slippage or nothing" is the honest contract.
//
// The book is walked with the same walkBook the paper venue executes with, so a prediction here and
// a paper fill can never disagree. When the walk cannot fill in full, the refusal says why:
//   slippage_exceeded  the book holds enough, but not within the limit (the price ran away)
//   book_cannot_fill   the book does not hold enough at any price
//
//   Worked example: leader bought at 0.50, slippage 1% → bound 0.505 → tick 0.01 → limit 0.50
//   (0.51 would allow 2%). Asks 0.50 × 10, 0.51 × 100: 10 shares fill at 0.50; 20 shares are
//   refused with slippage_exceeded (the next 10 sit at 0.51, beyond the limit).
import { Decimal, ONE, ZERO } from './money.ts';
import type { FeeSchedule } from './book-walk.ts';
import { NO_FEES, limitForSlippage, slippage, walkBook } from './book-walk.ts';
import type { BookSides, Side } from './order-book.ts';
import {
  MARKETABLE_AMOUNT_DECIMALS,
  MARKET_BUY_SHARE_DECIMALS,
  MIN_MARKETABLE_NOTIONAL,
  quantiseOrder,
  quantisePrice,
} from './order-rules.ts';

export interface CopyPricingInput {
  readonly side: Side;
  /** The leader's fill price: the reference for the slippage bound and the reported slippage. */
  readonly targetPrice: Decimal;
  /** copy_relationships.max_slippage_percent: 1 means 1%. */
  readonly maxSlippagePercent: Decimal;
  readonly book: BookSides;
  /** Shares, or (BUY only) a pUSD amount to spend. */
  readonly quantity: { readonly size: Decimal } | { readonly amount: Decimal };
  readonly fees?: FeeSchedule;
  readonly tickSize: Decimal;
}

export interface PricedCopyOrder {
  readonly side: Side;
  readonly orderType: 'FOK';
  /** On tick, within [tick, 1 − tick], never beyond the slippage bound. */
  readonly limitPrice: Decimal;
  /** The unrounded slippage bound the limit was derived from. */
  readonly slippageBound: Decimal;
  /** Shares to post (size orders), rounded down to the size precision; null for an amount BUY. */
  readonly size: Decimal | null;
  /** pUSD to spend (amount BUYs), rounded down to cents; null for size orders. */
  readonly amount: Decimal | null;
  readonly expectedFilledSize: Decimal;
  /** pUSD exchanged for the shares, fees excluded. */
  readonly expectedNotional: Decimal;
  readonly expectedAveragePrice: Decimal;
  readonly expectedWorstPrice: Decimal;
  /** Taker fees: on top of the notional for a BUY, out of the proceeds for a SELL. */
  readonly expectedFees: Decimal;
  /** Average price vs the leader's, positive when worse for the follower. */
  readonly expectedSlippagePercent: Decimal;
  readonly expectedSlippageBps: Decimal;
}

export type CopyPricingResult =
  | { readonly ok: true; readonly order: PricedCopyOrder }
  | {
      readonly ok: false;
      readonly reason: 'slippage_exceeded' | 'book_cannot_fill' | 'below_venue_minimum';
      readonly detail: string;
    };

// Below any price a market can quote: lets a SELL walk every bid when diagnosing a refusal.
const ANY_BID = new Decimal('1e-18');

function refuse(
  reason: 'slippage_exceeded' | 'book_cannot_fill' | 'below_venue_minimum',
  detail: string,
): CopyPricingResult {
  return { ok: false, reason, detail };
}

/**
 * The limit price for a copy: the slippage bound, on tick in the safe direction, inside the venue's
 * price range. Null when no valid price lies within the bound (a BUY bound below one tick, a SELL
 * bound above 1 − tick).
 */
export function copyLimitPrice(
  side: Side,
  targetPrice: Decimal,
  maxSlippagePercent: Decimal,
  tickSize: Decimal,
): { readonly limit: Decimal | null; readonly bound: Decimal } {
  const bound = limitForSlippage(side, targetPrice, maxSlippagePercent.times(100));
  const min = tickSize;
  const max = ONE.minus(tickSize);
  let limit = quantisePrice(side, bound, tickSize);
  if (side === 'BUY') {
    if (limit.gt(max)) limit = max; // lowering a BUY limit only tightens it
    if (limit.lt(min)) return { limit: null, bound };
  } else {
    if (limit.lt(min)) limit = min; // raising a SELL limit only tightens it
    if (limit.gt(max)) return { limit: null, bound };
  }
  return { limit, bound };
}

export function priceCopyOrder(input: CopyPricingInput): CopyPricingResult {
  const { side, targetPrice, maxSlippagePercent, book, tickSize } = input;
  const fee = input.fees ?? NO_FEES;
  if (!targetPrice.gt(ZERO) || !targetPrice.lte(ONE)) {
    throw new RangeError(`target price must be in (0, 1], got ${targetPrice.toFixed()}`);
  }
  if (maxSlippagePercent.isNeg() && !maxSlippagePercent.isZero()) {
    throw new RangeError(`max slippage must not be negative, got ${maxSlippagePercent.toFixed()}`);
  }
  if (!tickSize.gt(ZERO) || !tickSize.lt(ONE))
    throw new RangeError(`invalid tick size ${tickSize.toFixed()}`);

  const { limit, bound } = copyLimitPrice(side, targetPrice, maxSlippagePercent, tickSize);
  if (limit === null) {
    return refuse(
      'slippage_exceeded',
      `no valid price within the bound ${bound.toFixed()} (tick ${tickSize.toFixed()})`,
    );
  }

  // The venue boundary's own rules decide precision and minimums, so what we walk is what we post.
  const q = quantiseOrder(
    {
      side,
      orderType: 'FOK',
      price: limit,
      ...('size' in input.quantity ? { size: input.quantity.size } : { amount: input.quantity.amount }),
    },
    // minOrderSize only applies to resting orders; a FOK never consults it.
    { tickSize, minOrderSize: ZERO },
    0,
  );
  if (!q.ok) {
    if (['below_min_notional', 'below_min_size', 'invalid_size'].includes(q.reason)) {
      return refuse('below_venue_minimum', q.message);
    }
    throw new RangeError(`copy order failed venue rules: ${q.message}`);
  }
  const order = q.order;
  const quantity = order.size !== null ? { size: order.size } : { amount: order.amount as Decimal };
  // An amount BUY receives shares at the venue's market-buy precision, as the paper venue fills it
  // (a size order's shares are already quantised; the walk does not round them).
  const sizeDecimals = MARKET_BUY_SHARE_DECIMALS;

  const walk = walkBook({ side, book, limitPrice: limit, quantity, orderType: 'FOK', fee, sizeDecimals });
  if (walk.outcome !== 'filled' || walk.averagePrice === null || walk.worstPrice === null) {
    const unlimited = walkBook({
      side,
      book,
      limitPrice: side === 'BUY' ? ONE : ANY_BID,
      quantity,
      orderType: 'FOK',
      fee,
      sizeDecimals,
    });
    const what = order.size !== null ? `${order.size.toFixed()} shares` : `$${order.amount?.toFixed()}`;
    return unlimited.fullyFillable
      ? refuse('slippage_exceeded', `${what} cannot fill within the limit ${limit.toFixed()}`)
      : refuse(
          'book_cannot_fill',
          `the book holds less than ${what} on the ${side === 'BUY' ? 'ask' : 'bid'} side`,
        );
  }

  const slip = slippage(side, walk.averagePrice, targetPrice);
  return {
    ok: true,
    order: {
      side,
      orderType: 'FOK',
      limitPrice: limit,
      slippageBound: bound,
      size: order.size,
      amount: order.amount,
      expectedFilledSize: walk.filledSize,
      expectedNotional: walk.notional,
      expectedAveragePrice: walk.averagePrice,
      expectedWorstPrice: walk.worstPrice,
      expectedFees: walk.fees,
      expectedSlippagePercent: slip.percent,
      expectedSlippageBps: slip.bps,
    },
  };
}

/**
 * The pUSD a market BUY spends so that it receives the shares `order` was priced for: the book
 * walk's expected notional (what those shares cost at the levels they take), rounded DOWN to cents.
 * Polymarket fills a marketable BUY by the collateral it spends, at the makers' prices, so the amount
 * decides the shares; the limit is only the bound no level may pass. Spending limit × shares instead
 * buys more than asked whenever the book is better than the limit (factor 3 on a 14-share leader buy
 * at 0.42 with a 0.46 limit: $19.32 buys 46 shares, not 42) — more risk than the follower chose, and
 * the overshoot's sub-cent residues are dust no sell can reach.
 *
 * Rounding down never asks for more than the book holds within the limit (a FOK that asks a hair more
 * than the levels hold is killed) and keeps the shares within one cent's worth of the target
 * (0.01 / price shares). One exception: a copy sized at Polymarket's $1 minimum that the book fills
 * cheaper than the limit still spends $1, when $1 is within limit × shares (the old, already
 * admitted bound), rather than be refused as below the venue minimum.
 *
 *   Worked example: target 42 shares, limit 0.46, asks 0.42 × 300 → expected $17.64 → amount $17.64
 *   → 42 shares. Target 42.13 at 0.37 → $15.5881 → $15.58 → 42.1081 shares (4 dp).
 */
export function marketBuyAmount(order: PricedCopyOrder): Decimal {
  if (order.side !== 'BUY' || order.size === null)
    throw new RangeError('a market BUY amount is computed from a BUY priced in shares');
  const expected = order.expectedNotional.toDecimalPlaces(MARKETABLE_AMOUNT_DECIMALS, Decimal.ROUND_DOWN);
  if (expected.gte(MIN_MARKETABLE_NOTIONAL)) return expected;
  const bound = order.limitPrice
    .times(order.size)
    .toDecimalPlaces(MARKETABLE_AMOUNT_DECIMALS, Decimal.ROUND_DOWN);
  return bound.gte(MIN_MARKETABLE_NOTIONAL) ? MIN_MARKETABLE_NOTIONAL : expected;
}
