// Price/size → makerAmount/takerAmount for CLOB orders (docs/polymarket-api.md §5.3), in exact
// decimal and integer arithmetic. The official client does the same steps with JS floats and
// then papers over float noise with a "round up to amount+4 decimals, then down to amount
// decimals" clamp; we apply the same rules to exact values, so our amounts equal the official
// ones wherever the float path is right and are the exactly-specified value where it is not.
import { Decimal, dec, type DecimalInput } from '../../domain/money.ts';
import { COLLATERAL_DECIMALS } from './contracts.ts';

export type OrderSide = 'BUY' | 'SELL';

export const TICK_SIZES = ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'] as const;
export type TickSize = (typeof TICK_SIZES)[number];

export interface RoundingConfig {
  /** decimals kept on the price */
  price: number;
  /** decimals kept on the share size (limit orders) or the spend/share amount (market orders) */
  size: number;
  /** decimals allowed on the computed amount before the clamp kicks in */
  amount: number;
}

// Per-tick table from the doc and the official client. 0.005 and 0.0025 are newer ticks the
// docs table does not list yet, but the client supports them, so a market can carry them.
export const ROUNDING_CONFIG: Readonly<Record<TickSize, Readonly<RoundingConfig>>> = Object.freeze({
  '0.1': { price: 1, size: 2, amount: 3 },
  '0.01': { price: 2, size: 2, amount: 4 },
  '0.005': { price: 3, size: 2, amount: 5 },
  '0.0025': { price: 4, size: 2, amount: 6 },
  '0.001': { price: 3, size: 2, amount: 5 },
  '0.0001': { price: 4, size: 2, amount: 6 },
});

export function isTickSize(value: string): value is TickSize {
  return (TICK_SIZES as readonly string[]).includes(value);
}

/**
 * Reads a tick size from the wire. `/tick-size` and `/clob-markets` send it as a JSON number; a
 * tick size is a label from a closed set, not money, so String(number) is a safe way to match it.
 */
export function parseTickSize(raw: string | number): TickSize | undefined {
  const text = typeof raw === 'number' ? String(raw) : raw.trim();
  if (isTickSize(text)) return text;
  // Accept equivalent spellings such as "0.010" without letting arbitrary values through.
  let canonical: string;
  try {
    canonical = dec(text).toFixed();
  } catch {
    return undefined;
  }
  return isTickSize(canonical) ? canonical : undefined;
}

export interface OrderAmounts {
  side: OrderSide;
  /** what the maker gives, in 6-decimal base units: pUSD for BUY, shares for SELL */
  makerAmount: bigint;
  /** what the maker receives, in base units: shares for BUY, pUSD for SELL */
  takerAmount: bigint;
  /** the price after the per-tick rounding that the amounts were computed from */
  price: Decimal;
  /** share quantity of the order (takerAmount for BUY, makerAmount for SELL) as a decimal */
  shares: Decimal;
  /** pUSD quantity of the order (makerAmount for BUY, takerAmount for SELL) as a decimal */
  collateral: Decimal;
}

export interface LimitOrderAmountsInput {
  side: OrderSide;
  /** limit price per share in pUSD */
  price: DecimalInput;
  /** number of shares */
  size: DecimalInput;
  tickSize: TickSize;
}

export interface MarketOrderAmountsInput {
  side: OrderSide;
  /** BUY: pUSD to spend; SELL: shares to sell */
  amount: DecimalInput;
  /** worst acceptable price (the book level that covers the amount) */
  price: DecimalInput;
  tickSize: TickSize;
}

const BASE_UNIT_SCALE = 10n ** BigInt(COLLATERAL_DECIMALS);

/** Exact conversion to base units; refuses values that need more than `decimals` places. */
export function toBaseUnits(value: DecimalInput, decimals: number = COLLATERAL_DECIMALS): bigint {
  const d = dec(value);
  if (d.decimalPlaces() > decimals) {
    throw new RangeError(`${d.toFixed()} has more than ${decimals} decimals`);
  }
  return BigInt(d.times(new Decimal(10).pow(decimals)).toFixed(0));
}

export function fromBaseUnits(units: bigint, decimals: number = COLLATERAL_DECIMALS): Decimal {
  return dec(units).div(new Decimal(10).pow(decimals));
}

/** A non-negative exact rational numerator/denominator. */
interface Rational {
  n: bigint;
  d: bigint;
}

function rationalOf(value: Decimal): Rational {
  const places = value.decimalPlaces();
  const scale = 10n ** BigInt(places);
  return { n: BigInt(value.times(new Decimal(10).pow(places)).toFixed(0)), d: scale };
}

function ceilDiv(n: bigint, d: bigint): bigint {
  return (n + d - 1n) / d;
}

/**
 * The official clamp, applied to an exact value: if it has more than `amountDp` decimals, round
 * it up to `amountDp + 4` decimals, and if that still has more than `amountDp`, round down to
 * `amountDp`. For limit orders the exact product never needs it (price dp + size dp ≤ amount dp
 * for every tick); for market BUYs (spend ÷ price) it decides the share count. On exact values
 * it equals truncation to `amountDp` for every valid price (a quotient with denominator ≤ 10^4
 * cannot show four 9s after `amountDp` without terminating), but we keep the rule as specified.
 */
function clampAmount(value: Rational, amountDp: number): Decimal {
  const fine = 10n ** BigInt(amountDp + 4);
  const coarse = 10n ** BigInt(amountDp);
  if ((value.n * coarse) % value.d === 0n) {
    return dec((value.n * coarse) / value.d).div(coarse.toString());
  }
  // Ceil at amountDp + 4 places, then floor at amountDp places (integer division floors).
  const up = ceilDiv(value.n * fine, value.d);
  return dec(up / 10n ** 4n).div(coarse.toString());
}

function positive(label: string, value: Decimal): void {
  if (!value.isFinite() || value.lte(0)) {
    throw new RangeError(`${label} must be positive, got ${value.toFixed()}`);
  }
}

/** Limit (GTC/GTD, also FOK/FAK sent with an explicit size) order amounts. */
export function limitOrderAmounts(input: LimitOrderAmountsInput): OrderAmounts {
  const cfg = ROUNDING_CONFIG[input.tickSize];
  // The official client rounds the price half-up ("roundNormal") to the tick's decimals. It
  // does not snap to the tick itself, so 0.123 on a 0.005 tick stays 0.123 and the server
  // rejects it: validatePrice catches that before signing.
  const price = dec(input.price).toDecimalPlaces(cfg.price, Decimal.ROUND_HALF_UP);
  const shares = dec(input.size).toDecimalPlaces(cfg.size, Decimal.ROUND_DOWN);
  positive('price', price);
  positive('size', shares);
  const product = rationalOf(shares.times(price));
  const collateral = clampAmount(product, cfg.amount);
  return input.side === 'BUY'
    ? {
        side: 'BUY',
        makerAmount: toBaseUnits(collateral),
        takerAmount: toBaseUnits(shares),
        price,
        shares,
        collateral,
      }
    : {
        side: 'SELL',
        makerAmount: toBaseUnits(shares),
        takerAmount: toBaseUnits(collateral),
        price,
        shares,
        collateral,
      };
}

/**
 * Market (FOK/FAK) order amounts. BUY spends `amount` pUSD and asks for amount ÷ price shares;
 * SELL sells `amount` shares for amount × price pUSD. The price is rounded down to the tick's
 * decimals (a market BUY with a lower price asks for more shares per dollar; that is the
 * official behaviour and we keep it so our orders are the ones Polymarket's own client makes).
 */
export function marketOrderAmounts(input: MarketOrderAmountsInput): OrderAmounts {
  const cfg = ROUNDING_CONFIG[input.tickSize];
  const price = dec(input.price).toDecimalPlaces(cfg.price, Decimal.ROUND_DOWN);
  const amount = dec(input.amount).toDecimalPlaces(cfg.size, Decimal.ROUND_DOWN);
  positive('price', price);
  positive('amount', amount);
  if (input.side === 'BUY') {
    const a = rationalOf(amount);
    const p = rationalOf(price);
    const shares = clampAmount({ n: a.n * p.d, d: a.d * p.n }, cfg.amount);
    return {
      side: 'BUY',
      makerAmount: toBaseUnits(amount),
      takerAmount: toBaseUnits(shares),
      price,
      shares,
      collateral: amount,
    };
  }
  const collateral = clampAmount(rationalOf(amount.times(price)), cfg.amount);
  return {
    side: 'SELL',
    makerAmount: toBaseUnits(amount),
    takerAmount: toBaseUnits(collateral),
    price,
    shares: amount,
    collateral,
  };
}

/**
 * Price implied by signed amounts: pUSD per share. BUY = maker/taker, SELL = taker/maker. This is
 * what a venue (our simulator) can check against the tick, since the signed order has no price.
 */
export function impliedPrice(side: OrderSide, makerAmount: bigint, takerAmount: bigint): Decimal {
  const [usdc, shares] = side === 'BUY' ? [makerAmount, takerAmount] : [takerAmount, makerAmount];
  if (shares <= 0n) throw new RangeError('share amount must be positive');
  return dec(usdc).div(dec(shares));
}

// ---------------------------------------------------------------------------------------------
// Validation: structured results so the caller (copy executor, simulator) can map each failure
// to its own error class, and the simulator can answer with Polymarket's exact wording.

export type OrderIssueCode =
  | 'INVALID_TICK_SIZE'
  | 'PRICE_OUT_OF_RANGE'
  | 'PRICE_NOT_ON_TICK'
  | 'SIZE_NOT_POSITIVE'
  | 'SIZE_BELOW_MINIMUM'
  | 'AMOUNT_NOT_POSITIVE'
  | 'MARKETABLE_BUY_BELOW_MINIMUM'
  | 'MARKET_AMOUNT_PRECISION';

export interface OrderIssue {
  code: OrderIssueCode;
  /** the wording Polymarket uses for the same failure, where one is known (doc §3.6) */
  message: string;
}

export type OrderValidation = { ok: true } | { ok: false; issues: OrderIssue[] };

function result(issues: OrderIssue[]): OrderValidation {
  return issues.length === 0 ? { ok: true } : { ok: false, issues };
}

/** A price must lie in [tick, 1 − tick] and be a whole number of ticks. */
export function priceIssues(price: DecimalInput, tickSize: string): OrderIssue[] {
  if (!isTickSize(tickSize)) {
    return [{ code: 'INVALID_TICK_SIZE', message: `invalid tick size (${tickSize})` }];
  }
  const p = dec(price);
  const tick = dec(tickSize);
  const issues: OrderIssue[] = [];
  if (p.lt(tick) || p.gt(dec(1).minus(tick))) {
    issues.push({
      code: 'PRICE_OUT_OF_RANGE',
      message: `invalid price (${p.toFixed()}), min: ${tick.toFixed()} - max: ${dec(1).minus(tick).toFixed()}`,
    });
  }
  if (!p.mod(tick).isZero()) {
    issues.push({
      code: 'PRICE_NOT_ON_TICK',
      message: `Price (${p.toFixed()}) breaks minimum tick size rule: ${tick.toFixed()}`,
    });
  }
  return issues;
}

export function validatePrice(price: DecimalInput, tickSize: string): OrderValidation {
  return result(priceIssues(price, tickSize));
}

export interface LimitOrderCheck {
  price: DecimalInput;
  size: DecimalInput;
  tickSize: string;
  /** the book's min_order_size (shares); typically 5 */
  minOrderSize?: DecimalInput;
}

/** Checks a limit order as the client would submit it (size truncated to 2 decimals first). */
export function validateLimitOrder(check: LimitOrderCheck): OrderValidation {
  const issues = priceIssues(check.price, check.tickSize);
  const size = dec(check.size).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  if (size.lte(0)) {
    issues.push({ code: 'SIZE_NOT_POSITIVE', message: `invalid size (${dec(check.size).toFixed()})` });
  } else if (check.minOrderSize !== undefined && size.lt(dec(check.minOrderSize))) {
    issues.push({
      code: 'SIZE_BELOW_MINIMUM',
      message: `Size (${size.toFixed()}) lower than the minimum: ${dec(check.minOrderSize).toFixed()}`,
    });
  }
  return result(issues);
}

export interface MarketOrderCheck {
  side: OrderSide;
  amount: DecimalInput;
  price: DecimalInput;
  tickSize: string;
  /** minimum notional of a marketable BUY; $1 per third-party observations (doc §3.3, UNCERTAIN) */
  minBuyNotional?: DecimalInput;
}

export function validateMarketOrder(check: MarketOrderCheck): OrderValidation {
  const issues = priceIssues(check.price, check.tickSize);
  const amount = dec(check.amount).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  if (amount.lte(0)) {
    issues.push({ code: 'AMOUNT_NOT_POSITIVE', message: `invalid amount (${dec(check.amount).toFixed()})` });
  } else if (check.side === 'BUY') {
    const min = dec(check.minBuyNotional ?? 1);
    if (amount.lt(min)) {
      issues.push({
        code: 'MARKETABLE_BUY_BELOW_MINIMUM',
        message: `invalid amount for a marketable BUY order ($${amount.toFixed()}), min size: $${min.toFixed()}`,
      });
    }
  }
  return result(issues);
}

/**
 * The server's precision rule for marketable (FOK/FAK) orders as third parties report it: maker
 * amount ≤ 2 decimals, taker amount ≤ 4 decimals (doc §3.3, UNCERTAIN whether it scales with the
 * tick). Note the official client itself produces 5–6 taker decimals on 0.001/0.0001 ticks.
 */
export function marketAmountPrecisionIssues(
  side: OrderSide,
  makerAmount: bigint,
  takerAmount: bigint,
): OrderIssue[] {
  const makerDp = fromBaseUnits(makerAmount).decimalPlaces();
  const takerDp = fromBaseUnits(takerAmount).decimalPlaces();
  if (makerDp <= 2 && takerDp <= 4) return [];
  const which = side === 'BUY' ? 'buy' : 'sell';
  return [
    {
      code: 'MARKET_AMOUNT_PRECISION',
      message: `invalid amounts, the market ${which} orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals`,
    },
  ];
}

export type TickRounding = 'down' | 'up' | 'nearest';

/**
 * Snaps a price onto the tick grid. The copy executor uses 'down' for BUY limits and 'up' for
 * SELL limits so quantisation never makes a follower's price worse than the one it computed.
 */
export function roundPriceToTick(price: DecimalInput, tickSize: TickSize, mode: TickRounding): Decimal {
  const tick = dec(tickSize);
  const ticks = dec(price).div(tick);
  const rounding =
    mode === 'down' ? Decimal.ROUND_FLOOR : mode === 'up' ? Decimal.ROUND_CEIL : Decimal.ROUND_HALF_UP;
  return ticks.toDecimalPlaces(0, rounding).times(tick);
}

/** Scale used by base-unit amounts, exported for callers converting on-chain fill amounts. */
export const BASE_UNITS_PER_TOKEN = BASE_UNIT_SCALE;
