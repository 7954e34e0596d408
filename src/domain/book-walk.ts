// Walks an order book for a marketable order: what would fill, at what prices, for what fees.
// One implementation shared by the paper venue (to execute) and the copy engine's slippage guard
// (to predict), so the guard and the paper fills can never disagree about the same book.
import { Decimal, ZERO } from './money.ts';
import { contraLevels, type BookSides, type Side } from './order-book.ts';

export type OrderType = 'GTC' | 'GTD' | 'FOK' | 'FAK';

/**
 * Polymarket V2 fee schedule (Gamma `feeSchedule`, CLOB `/clob-markets` `fd: {r, e, to}`).
 * Taker fee per fill = shares × rate × (p × (1 − p))^exponent, charged in pUSD on top of the notional
 * for a BUY and out of the proceeds for a SELL (as the official SDK's fee-aware BUY sizing assumes).
 */
export interface FeeSchedule {
  readonly rate: Decimal;
  /** A small non-negative integer (1 today for most categories, 2 for some crypto markets). */
  readonly exponent: number;
  /** Makers pay nothing when true (the only mode Polymarket documents). */
  readonly takerOnly: boolean;
}

export const NO_FEES: FeeSchedule = { rate: new Decimal(0), exponent: 1, takerOnly: true };

/** pUSD has 6 decimals: fees and notionals are settled in whole base units. */
export const COLLATERAL_DECIMALS = 6;

/**
 * Fee for one fill of `shares` at `price`, rounded half-up to pUSD base units (6 dp). Rounding each
 * fill (not the total) matches how the exchange settles fills one by one.
 */
export function takerFee(shares: Decimal, price: Decimal, fee: FeeSchedule): Decimal {
  if (fee.rate.isZero() || shares.isZero()) return new Decimal(0);
  if (!Number.isInteger(fee.exponent) || fee.exponent < 0) {
    throw new RangeError(`fee exponent must be a non-negative integer, got ${fee.exponent}`);
  }
  const variance = price.times(new Decimal(1).minus(price));
  return shares
    .times(fee.rate)
    .times(variance.pow(fee.exponent))
    .toDecimalPlaces(COLLATERAL_DECIMALS, Decimal.ROUND_HALF_UP);
}

/** Either a number of shares, or (BUY only) an amount of pUSD to spend on notional. */
export type WalkQuantity = { readonly size: Decimal } | { readonly amount: Decimal };

export interface WalkInput {
  readonly side: Side;
  readonly book: BookSides;
  /** Worst acceptable price: a BUY never pays more, a SELL never receives less. */
  readonly limitPrice: Decimal;
  readonly quantity: WalkQuantity;
  readonly orderType: OrderType;
  readonly fee?: FeeSchedule;
  /**
   * Share precision when spending a pUSD amount (shares bought at a level are rounded down to this
   * many decimals). Defaults to 6, the token's base unit.
   */
  readonly sizeDecimals?: number;
}

export interface WalkFill {
  readonly price: Decimal;
  readonly size: Decimal;
  /** price × size, in pUSD. */
  readonly notional: Decimal;
  readonly fee: Decimal;
}

/**
 * - `filled`: the whole requested quantity executes.
 * - `partial`: some executes; the rest is killed (FAK) or rests (GTC/GTD).
 * - `none`: nothing is marketable within the limit; FAK is killed, GTC/GTD rests in full.
 * - `killed`: FOK whose quantity is not fully available within the limit; nothing executes.
 */
export type WalkOutcome = 'filled' | 'partial' | 'none' | 'killed';

export interface WalkResult {
  readonly outcome: WalkOutcome;
  /** Fills that execute for this order type (empty when killed). */
  readonly fills: readonly WalkFill[];
  readonly filledSize: Decimal;
  readonly notional: Decimal;
  readonly fees: Decimal;
  /** notional / filledSize, or null when nothing fills. Not rounded. */
  readonly averagePrice: Decimal | null;
  /** Price of the last level touched, or null when nothing fills. */
  readonly worstPrice: Decimal | null;
  /** Whether the full quantity is available within the limit (what a FOK needs). */
  readonly fullyFillable: boolean;
  /** Unfilled shares (size orders) or unspent pUSD (amount orders) after the immediate fills. */
  readonly remaining: Decimal;
  /** Shares left to rest on the book (GTC/GTD size orders only; zero otherwise). */
  readonly restingSize: Decimal;
}

interface RawWalk {
  fills: WalkFill[];
  remaining: Decimal;
  complete: boolean;
}

function walkLevels(input: WalkInput): RawWalk {
  const { side, limitPrice, quantity } = input;
  const fee = input.fee ?? NO_FEES;
  const sizeDecimals = input.sizeDecimals ?? 6;
  const levels = contraLevels(input.book, side);
  const fills: WalkFill[] = [];
  const byAmount = 'amount' in quantity;
  let remaining = byAmount ? quantity.amount : quantity.size;

  for (const level of levels) {
    if (remaining.lte(ZERO)) break;
    const withinLimit = side === 'BUY' ? level.price.lte(limitPrice) : level.price.gte(limitPrice);
    if (!withinLimit) break;
    let take: Decimal;
    if (byAmount) {
      const affordable = remaining.div(level.price).toDecimalPlaces(sizeDecimals, Decimal.ROUND_DOWN);
      // Less than one share unit left to spend is dust, not a shortfall of liquidity.
      if (affordable.lte(ZERO)) return { fills, remaining, complete: true };
      take = Decimal.min(affordable, level.size);
    } else {
      take = Decimal.min(remaining, level.size);
    }
    if (take.lte(ZERO)) break;
    const notional = take.times(level.price);
    fills.push({ price: level.price, size: take, notional, fee: takerFee(take, level.price, fee) });
    if (byAmount) {
      remaining = remaining.minus(notional);
      // The amount is spent once the next share unit at this level is unaffordable; the dust is not
      // a shortfall of liquidity.
      if (take.lt(level.size)) return { fills, remaining, complete: true };
    } else {
      remaining = remaining.minus(take);
    }
  }
  return { fills, remaining, complete: remaining.lte(ZERO) };
}

function summarise(fills: readonly WalkFill[]) {
  let filledSize = new Decimal(0);
  let notional = new Decimal(0);
  let fees = new Decimal(0);
  for (const f of fills) {
    filledSize = filledSize.plus(f.size);
    notional = notional.plus(f.notional);
    fees = fees.plus(f.fee);
  }
  return {
    filledSize,
    notional,
    fees,
    averagePrice: filledSize.isZero() ? null : notional.div(filledSize),
    worstPrice: fills.at(-1)?.price ?? null,
  };
}

/**
 * Walks `book` for an order and reports what would execute immediately under `orderType`:
 * FOK all-or-nothing, FAK whatever is available, GTC/GTD the marketable part with the rest resting.
 * Pure: the book is not modified.
 */
export function walkBook(input: WalkInput): WalkResult {
  const { quantity, side, orderType } = input;
  const byAmount = 'amount' in quantity;
  const requested = byAmount ? quantity.amount : quantity.size;
  if (byAmount && side !== 'BUY') throw new RangeError('a pUSD amount is only meaningful for a BUY');
  if (byAmount && (orderType === 'GTC' || orderType === 'GTD')) {
    throw new RangeError('a pUSD amount is only meaningful for a marketable (FOK/FAK) order');
  }
  if (!requested.gt(ZERO)) throw new RangeError('order quantity must be positive');
  if (!input.limitPrice.gt(ZERO)) throw new RangeError('limit price must be positive');

  const raw = walkLevels(input);
  const killed = orderType === 'FOK' && !raw.complete;
  const fills = killed ? [] : raw.fills;
  const s = summarise(fills);
  let outcome: WalkOutcome;
  if (killed) outcome = 'killed';
  else if (fills.length === 0) outcome = 'none';
  else outcome = raw.complete ? 'filled' : 'partial';

  const remaining = killed ? requested : raw.remaining;
  const rests = (orderType === 'GTC' || orderType === 'GTD') && !byAmount;
  return {
    outcome,
    fills,
    ...s,
    fullyFillable: raw.complete,
    remaining,
    restingSize: rests ? remaining : new Decimal(0),
  };
}

export interface Slippage {
  /** Signed price difference, positive when the execution is worse than the reference for the taker. */
  readonly absolute: Decimal;
  /** absolute / reference × 100. */
  readonly percent: Decimal;
  /** absolute / reference × 10 000. */
  readonly bps: Decimal;
}

/**
 * Slippage of an execution price against a reference (the leader's fill price, a midpoint...).
 * Positive means worse for the taker: paying more on a BUY, receiving less on a SELL.
 */
export function slippage(side: Side, executionPrice: Decimal, referencePrice: Decimal): Slippage {
  if (!referencePrice.gt(ZERO)) throw new RangeError('reference price must be positive');
  const absolute =
    side === 'BUY' ? executionPrice.minus(referencePrice) : referencePrice.minus(executionPrice);
  const fraction = absolute.div(referencePrice);
  return { absolute, percent: fraction.times(100), bps: fraction.times(10_000) };
}

/**
 * The worst limit price that keeps slippage against `referencePrice` within `maxBps`
 * (BUY: reference × (1 + bps), SELL: reference × (1 − bps)), before tick quantisation.
 */
export function limitForSlippage(side: Side, referencePrice: Decimal, maxBps: Decimal): Decimal {
  const factor = maxBps.div(10_000);
  return side === 'BUY'
    ? referencePrice.times(new Decimal(1).plus(factor))
    : referencePrice.times(new Decimal(1).minus(factor));
}
