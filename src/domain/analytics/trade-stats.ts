// Statistics over closed positions — the unit of a "trade" on the leaderboard (docs/analytics.md).
// A position's P&L is judged at the stored precision (6 dp, pUSD's base unit): above zero is a win,
// below zero a loss, exactly zero is break-even — neither a win nor a loss, but still a trade, so
// it counts in total_trades and lowers the win rate.
import { Decimal } from '../money.ts';

export type PositionOutcome = 'win' | 'loss' | 'breakeven';

export function positionOutcome(pnl: Decimal): PositionOutcome {
  const r = pnl.toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
  if (r.gt(0)) return 'win';
  if (r.lt(0)) return 'loss';
  return 'breakeven';
}

/** winning / total × 100, rounded to 2 dp (the column's scale); 0 when there are no trades. */
export function winRate(winning: number, total: number): Decimal {
  if (total === 0) return new Decimal(0);
  return new Decimal(winning).times(100).div(total).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}
