// Risk figures of a trader's daily equity curve (docs/analytics.md, "Metrics").
//
// The curve: starting capital K (the capital base, see capitalBase) plus the cumulative P&L at the
// end of each UTC day, for EVERY calendar day from the day of the first fill to today. A day
// without P&L is a zero return — prediction markets trade every day, so idle capital earns nothing
// on those days rather than the days being skipped.
//   daily return   r_d = P&L_d / K
//   Sharpe         (mean(r) − rf / 365) / sd(r) × √365   (sd: sample standard deviation, N − 1)
//   volatility     sd(r) × √365 × 100                     (annualised, percent)
//   max drawdown   max over d of (peak_d − E_d) / peak_d × 100, E_d = K + Σ P&L up to d,
//                  peak_d = max(K, E_0..E_d)               (percent of the peak, 0..100)
// Each is null when it is undefined: K = 0 (no capital ever at risk), fewer than two days, or no
// variation at all (Sharpe).
import { Decimal, ZERO } from '../money.ts';

export const PERIODS_PER_YEAR = 365;

export interface DayFlows {
  /** Cash paid that day: purchases and every fee. */
  readonly spend: Decimal;
  /** Cash received that day: matched sales and settlement payouts. */
  readonly proceeds: Decimal;
}

/**
 * The capital base K: the most cash the trader ever had out, counting each day's spend before that
 * day's proceeds — max over days d of (net cash out before d + spend_d), and at least 0. With that
 * starting capital the trader could have paid for every purchase without new money, and equity
 * (K + cumulative P&L) never goes below zero. Days in order; days without flows may be left out.
 */
export function capitalBase(days: readonly DayFlows[]): Decimal {
  let out = ZERO;
  let k = ZERO;
  for (const d of days) {
    k = Decimal.max(k, out.plus(d.spend));
    out = out.plus(d.spend).minus(d.proceeds);
  }
  return k;
}

/** r_d = P&L_d / K for every day of the series (null when K is 0). */
export function dailyReturns(dailyPnl: readonly Decimal[], k: Decimal): Decimal[] | null {
  if (!k.gt(0)) return null;
  return dailyPnl.map((x) => x.div(k));
}

function sampleSd(xs: readonly Decimal[]): Decimal | null {
  const n = xs.length;
  if (n < 2) return null;
  const mean = xs.reduce((a, x) => a.plus(x), ZERO).div(n);
  const ss = xs.reduce((a, x) => a.plus(x.minus(mean).pow(2)), ZERO);
  return ss.div(n - 1).sqrt();
}

/** Annualised Sharpe ratio of the daily returns; rf is the annual risk-free rate (0.04 = 4 %). */
export function sharpeRatio(
  dailyPnl: readonly Decimal[],
  k: Decimal,
  riskFreeRate: Decimal = ZERO,
  periodsPerYear = PERIODS_PER_YEAR,
): Decimal | null {
  const r = dailyReturns(dailyPnl, k);
  if (r === null) return null;
  const sd = sampleSd(r);
  if (sd === null || sd.isZero()) return null;
  const mean = r.reduce((a, x) => a.plus(x), ZERO).div(r.length);
  return mean.minus(riskFreeRate.div(periodsPerYear)).div(sd).times(new Decimal(periodsPerYear).sqrt());
}

/** Annualised volatility of the daily returns, in percent. */
export function volatility(
  dailyPnl: readonly Decimal[],
  k: Decimal,
  periodsPerYear = PERIODS_PER_YEAR,
): Decimal | null {
  const r = dailyReturns(dailyPnl, k);
  if (r === null) return null;
  const sd = sampleSd(r);
  return sd === null ? null : sd.times(new Decimal(periodsPerYear).sqrt()).times(100);
}

/** Largest fall of equity from its running peak, in percent of that peak (0 when it never fell). */
export function maxDrawdown(dailyPnl: readonly Decimal[], k: Decimal): Decimal | null {
  if (!k.gt(0)) return null;
  let equity = k;
  let peak = k;
  let worst = ZERO;
  for (const x of dailyPnl) {
    equity = equity.plus(x);
    peak = Decimal.max(peak, equity);
    worst = Decimal.max(worst, peak.minus(equity).div(peak));
  }
  return worst.times(100);
}
