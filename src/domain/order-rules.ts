// The one place an order's price and quantity are quantised to a market's tick and size precision
// and checked against its minimums. Every venue adapter calls this at its boundary, so callers pass
// raw decimals (a sizing rule's 12.3456789 shares, a slippage guard's 0.5273 limit) and the venue
// decides how they become a valid order. Messages reuse Polymarket's wording (§3.3, §3.6) so a
// paper rejection reads like the live one.
import { Decimal, ZERO } from './money.ts';
import type { OrderType } from './book-walk.ts';
import type { Side } from './order-book.ts';

export interface RoundingConfig {
  readonly priceDecimals: number;
  readonly sizeDecimals: number;
  readonly amountDecimals: number;
}

// From the official V2 client's rounding config (§5.3).
const ROUNDING: Readonly<Record<string, RoundingConfig>> = {
  '0.1': { priceDecimals: 1, sizeDecimals: 2, amountDecimals: 3 },
  '0.01': { priceDecimals: 2, sizeDecimals: 2, amountDecimals: 4 },
  '0.005': { priceDecimals: 3, sizeDecimals: 2, amountDecimals: 5 },
  '0.0025': { priceDecimals: 4, sizeDecimals: 2, amountDecimals: 6 },
  '0.001': { priceDecimals: 3, sizeDecimals: 2, amountDecimals: 5 },
  '0.0001': { priceDecimals: 4, sizeDecimals: 2, amountDecimals: 6 },
};

export const KNOWN_TICK_SIZES: readonly string[] = Object.keys(ROUNDING);

/** Rounding for a tick; an unlisted tick gets its own decimals for prices and two more for amounts. */
export function roundingConfigFor(tickSize: Decimal): RoundingConfig {
  const known = ROUNDING[tickSize.toFixed()];
  if (known) return known;
  const dp = tickSize.decimalPlaces();
  return { priceDecimals: dp, sizeDecimals: 2, amountDecimals: dp + 2 };
}

/** Marketable orders (FOK/FAK) must be worth at least $1 (§3.3). */
export const MIN_MARKETABLE_NOTIONAL = new Decimal(1);
/** Marketable order amounts (pUSD for a BUY) carry at most 2 decimals (§3.3). */
export const MARKETABLE_AMOUNT_DECIMALS = 2;
/** The shares a marketable BUY of an amount receives carry at most 4 decimals (§3.3). */
export const MARKET_BUY_SHARE_DECIMALS = 4;
/** GTD expirations must lie beyond a one-minute security threshold (§3.3). */
export const GTD_SECURITY_THRESHOLD_SECONDS = 60;

export type OrderRuleViolationReason =
  | 'invalid_price'
  | 'invalid_size'
  | 'below_min_size'
  | 'below_min_notional'
  | 'invalid_amount'
  | 'invalid_expiration'
  | 'invalid_post_only_order_type';

export interface OrderDraft {
  readonly side: Side;
  readonly orderType: OrderType;
  readonly price: Decimal;
  readonly size?: Decimal;
  readonly amount?: Decimal;
  /** Unix seconds; GTD only. */
  readonly expiresAt?: number;
  readonly postOnly?: boolean;
}

export interface MarketRules {
  readonly tickSize: Decimal;
  /** In shares, applied to resting (GTC/GTD) orders. */
  readonly minOrderSize: Decimal;
}

export interface QuantisedOrder {
  readonly side: Side;
  readonly orderType: OrderType;
  readonly price: Decimal;
  /** Shares, rounded down to the size precision; null for a pUSD-amount BUY. */
  readonly size: Decimal | null;
  /** pUSD to spend, rounded down to 2 decimals; market BUYs only. */
  readonly amount: Decimal | null;
  readonly expiresAt: number | null;
  readonly postOnly: boolean;
}

export type QuantiseResult =
  | { readonly ok: true; readonly order: QuantisedOrder }
  | { readonly ok: false; readonly reason: OrderRuleViolationReason; readonly message: string };

/**
 * Rounds a price onto the tick grid in the direction that never worsens the caller's limit: a BUY
 * rounds down (pays no more), a SELL rounds up (receives no less).
 */
export function quantisePrice(side: Side, price: Decimal, tickSize: Decimal): Decimal {
  const steps = price.div(tickSize);
  const whole = steps.toDecimalPlaces(0, side === 'BUY' ? Decimal.ROUND_FLOOR : Decimal.ROUND_CEIL);
  return whole.times(tickSize);
}

export function isOnTick(price: Decimal, tickSize: Decimal): boolean {
  return price.mod(tickSize).isZero();
}

function fail(reason: OrderRuleViolationReason, message: string): QuantiseResult {
  return { ok: false, reason, message };
}

/**
 * Quantises an order draft for a market and validates it. `orderLabel` names the order in messages
 * (Polymarket quotes the order hash). `nowMs` is the clock used for GTD expiry.
 */
export function quantiseOrder(
  draft: OrderDraft,
  rules: MarketRules,
  nowMs: number,
  orderLabel = 'order',
): QuantiseResult {
  const { side, orderType, tickSize } = { ...draft, tickSize: rules.tickSize };
  const marketable = orderType === 'FOK' || orderType === 'FAK';
  const postOnly = draft.postOnly ?? false;
  if (postOnly && marketable) {
    return fail('invalid_post_only_order_type', 'post-only is only allowed with GTC and GTD orders');
  }

  if (!draft.price.gt(ZERO) || !draft.price.lt(1)) {
    return fail('invalid_price', 'invalid price, price must be greater than 0 and less than 1');
  }
  const price = quantisePrice(side, draft.price, tickSize);
  const maxPrice = new Decimal(1).minus(tickSize);
  if (price.lt(tickSize) || price.gt(maxPrice)) {
    return fail(
      'invalid_price',
      `invalid price (${price.toFixed()}), min: ${tickSize.toFixed()} - max: ${maxPrice.toFixed()}`,
    );
  }

  if (orderType === 'GTD') {
    const minExpiry = Math.floor(nowMs / 1000) + GTD_SECURITY_THRESHOLD_SECONDS;
    if (draft.expiresAt === undefined || !Number.isInteger(draft.expiresAt) || draft.expiresAt <= minExpiry) {
      return fail('invalid_expiration', 'invalid expiration');
    }
  } else if (draft.expiresAt !== undefined && draft.expiresAt !== 0) {
    return fail('invalid_expiration', 'invalid expiration');
  }

  const hasSize = draft.size !== undefined;
  const hasAmount = draft.amount !== undefined;
  if (hasSize === hasAmount) return fail('invalid_size', 'an order needs exactly one of size or amount');

  if (draft.amount !== undefined) {
    if (side !== 'BUY' || !marketable) {
      return fail('invalid_amount', 'a pUSD amount is only accepted for a marketable (FOK/FAK) BUY');
    }
    const amount = draft.amount.toDecimalPlaces(MARKETABLE_AMOUNT_DECIMALS, Decimal.ROUND_DOWN);
    if (amount.lt(MIN_MARKETABLE_NOTIONAL)) {
      return fail(
        'below_min_notional',
        `invalid amount for a marketable BUY order ($${amount.toFixed()}), min size: $${MIN_MARKETABLE_NOTIONAL.toFixed()}`,
      );
    }
    return {
      ok: true,
      order: { side, orderType, price, size: null, amount, expiresAt: null, postOnly },
    };
  }

  const { sizeDecimals } = roundingConfigFor(tickSize);
  const size = (draft.size as Decimal).toDecimalPlaces(sizeDecimals, Decimal.ROUND_DOWN);
  if (!size.gt(ZERO)) return fail('invalid_size', `invalid size (${draft.size?.toFixed()})`);
  if (marketable) {
    const notional = size.times(price);
    if (notional.lt(MIN_MARKETABLE_NOTIONAL)) {
      return fail(
        'below_min_notional',
        `invalid amount for a marketable ${side} order ($${notional.toFixed()}), min size: $${MIN_MARKETABLE_NOTIONAL.toFixed()}`,
      );
    }
  } else if (size.lt(rules.minOrderSize)) {
    return fail(
      'below_min_size',
      `order ${orderLabel} is invalid. Size (${size.toFixed()}) lower than the minimum: ${rules.minOrderSize.toFixed()}`,
    );
  }
  return {
    ok: true,
    order: {
      side,
      orderType,
      price,
      size,
      amount: null,
      expiresAt: orderType === 'GTD' ? (draft.expiresAt ?? null) : null,
      postOnly,
    },
  };
}
