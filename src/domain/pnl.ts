// Profit and loss of copy positions, with the seed's formulas:
//   realized_pnl_usd     = exit_value_usd − entry_value_usd − fees_usd − gas_fee_usd
//   realized_pnl_percent = realized_pnl_usd / entry_value_usd × 100
//   unrealized_pnl_usd   = current_value_usd − entry_value_usd
// USD amounts are rounded half-up to 6 dp (numeric(20,6), pUSD's base unit) and percents to 4 dp
// (numeric(10,4)), half-up like PostgreSQL's own numeric rounding, so a value computed here and the
// same value stored and read back are equal.
//
// A partial close realizes P&L on the sold fraction only: the entry value, entry fees and gas are
// split pro rata, and the remaining position keeps exactly what was not allocated (computed as a
// difference, never rounded separately), so repeated partial closes always sum back to the whole.
import { Decimal, ONE, ZERO } from './money.ts';

const USD_DP = 6;
const PERCENT_DP = 4;

function usd(value: Decimal): Decimal {
  return value.toDecimalPlaces(USD_DP, Decimal.ROUND_HALF_UP);
}

export interface RealizedInputs {
  readonly exitValueUsd: Decimal;
  readonly entryValueUsd: Decimal;
  readonly feesUsd: Decimal;
  readonly gasFeeUsd: Decimal;
}

export function realizedPnl(i: RealizedInputs): Decimal {
  return usd(i.exitValueUsd.minus(i.entryValueUsd).minus(i.feesUsd).minus(i.gasFeeUsd));
}

/** Null when the entry value is zero: a percentage of nothing is undefined, not zero. */
export function realizedPnlPercent(realizedUsd: Decimal, entryValueUsd: Decimal): Decimal | null {
  if (entryValueUsd.isZero()) return null;
  return realizedUsd.div(entryValueUsd).times(100).toDecimalPlaces(PERCENT_DP, Decimal.ROUND_HALF_UP);
}

export function unrealizedPnl(currentValueUsd: Decimal, entryValueUsd: Decimal): Decimal {
  return usd(currentValueUsd.minus(entryValueUsd));
}

/** quantity × price, to pUSD base units. */
export function positionValue(quantity: Decimal, price: Decimal): Decimal {
  return usd(quantity.times(price));
}

/** An open position (one copy trade row, or what is left of it). */
export interface OpenPosition {
  readonly quantity: Decimal;
  readonly entryValueUsd: Decimal;
  /** Fees paid on entry so far. */
  readonly feesUsd: Decimal;
  readonly gasFeeUsd: Decimal;
}

export interface PositionExit {
  readonly quantity: Decimal;
  readonly price: Decimal;
  /** Fees paid on this exit. */
  readonly feesUsd: Decimal;
  readonly gasFeeUsd: Decimal;
}

export interface ClosedPart {
  readonly quantity: Decimal;
  readonly exitPrice: Decimal;
  readonly entryValueUsd: Decimal;
  readonly exitValueUsd: Decimal;
  /** Pro-rata entry fees plus this exit's fees. */
  readonly feesUsd: Decimal;
  readonly gasFeeUsd: Decimal;
  readonly realizedPnlUsd: Decimal;
  readonly realizedPnlPercent: Decimal | null;
}

export interface CloseResult {
  readonly closed: ClosedPart;
  /** What stays open; null when the whole position was closed. */
  readonly remaining: OpenPosition | null;
}

export function markToMarket(
  position: OpenPosition,
  price: Decimal,
): { readonly currentValueUsd: Decimal; readonly unrealizedPnlUsd: Decimal } {
  const currentValueUsd = positionValue(position.quantity, price);
  return { currentValueUsd, unrealizedPnlUsd: unrealizedPnl(currentValueUsd, position.entryValueUsd) };
}

/** Closes all or part of a position at `exit.price`. */
export function closePosition(position: OpenPosition, exit: PositionExit): CloseResult {
  if (!position.quantity.gt(ZERO)) throw new RangeError('position has no shares');
  if (!exit.quantity.gt(ZERO)) throw new RangeError('exit quantity must be positive');
  if (exit.quantity.gt(position.quantity)) {
    throw new RangeError(`cannot close ${exit.quantity.toFixed()} of ${position.quantity.toFixed()} shares`);
  }
  if (exit.price.lt(ZERO) || exit.price.gt(ONE))
    throw new RangeError(`exit price ${exit.price.toFixed()} not in [0, 1]`);

  const full = exit.quantity.eq(position.quantity);
  const fraction = exit.quantity.div(position.quantity);
  // The full close takes everything that is left, so no rounding residue can stay behind.
  const share = (amount: Decimal) => (full ? amount : usd(amount.times(fraction)));
  const entryValueUsd = share(position.entryValueUsd);
  const entryFees = share(position.feesUsd);
  const entryGas = share(position.gasFeeUsd);

  const exitValueUsd = positionValue(exit.quantity, exit.price);
  const feesUsd = entryFees.plus(exit.feesUsd);
  const gasFeeUsd = entryGas.plus(exit.gasFeeUsd);
  const realizedPnlUsd = realizedPnl({ exitValueUsd, entryValueUsd, feesUsd, gasFeeUsd });

  return {
    closed: {
      quantity: exit.quantity,
      exitPrice: exit.price,
      entryValueUsd,
      exitValueUsd,
      feesUsd,
      gasFeeUsd,
      realizedPnlUsd,
      realizedPnlPercent: realizedPnlPercent(realizedPnlUsd, entryValueUsd),
    },
    remaining: full
      ? null
      : {
          quantity: position.quantity.minus(exit.quantity),
          entryValueUsd: position.entryValueUsd.minus(entryValueUsd),
          feesUsd: position.feesUsd.minus(entryFees),
          gasFeeUsd: position.gasFeeUsd.minus(entryGas),
        },
  };
}

/**
 * How a held outcome token resolved. Polymarket pays 1 per winning share and 0 per losing share;
 * a market resolved 50-50 (void) pays 0.5 per share of either outcome.
 */
export type Resolution = 'won' | 'lost' | 'void';

export function settlementPrice(resolution: Resolution): Decimal {
  if (resolution === 'won') return ONE;
  if (resolution === 'lost') return ZERO;
  return new Decimal('0.5');
}

/** The resolution of `tokenId` given the market's winning token (null on a void market). */
export function resolutionFor(tokenId: string, winningTokenId: string | null): Resolution {
  if (winningTokenId === null) return 'void';
  return winningTokenId === tokenId ? 'won' : 'lost';
}

/** Settles the whole position at resolution: no trading fee, only the gas of redeeming (if any). */
export function settlePosition(
  position: OpenPosition,
  resolution: Resolution,
  redeemGasUsd: Decimal = ZERO,
): CloseResult {
  return closePosition(position, {
    quantity: position.quantity,
    price: settlementPrice(resolution),
    feesUsd: ZERO,
    gasFeeUsd: redeemGasUsd,
  });
}

export type RiskTrigger = 'stop_loss' | 'take_profit';

export interface RiskTriggerInput {
  readonly entryValueUsd: Decimal;
  readonly currentValueUsd: Decimal;
  /** copy_relationships.stop_loss_percent; null (or ≤ 0) disables it. */
  readonly stopLossPercent: Decimal | null;
  readonly takeProfitPercent: Decimal | null;
}

/**
 * stop_loss when the loss is at least stop_loss_percent of the entry value; take_profit when the
 * gain is at least take_profit_percent. Compared by multiplication, so no division rounding can
 * move a position across its threshold. A non-positive percent is treated as unset: a 0% stop
 * would close every position the moment it is marked flat.
 */
export function riskTrigger(input: RiskTriggerInput): RiskTrigger | null {
  const {
    entryValueUsd: entry,
    currentValueUsd: current,
    stopLossPercent: sl,
    takeProfitPercent: tp,
  } = input;
  if (!entry.gt(ZERO)) return null;
  if (sl !== null && sl.gt(ZERO) && entry.minus(current).times(100).gte(entry.times(sl))) return 'stop_loss';
  if (tp !== null && tp.gt(ZERO) && current.minus(entry).times(100).gte(entry.times(tp)))
    return 'take_profit';
  return null;
}
