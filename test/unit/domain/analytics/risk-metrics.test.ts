// The equity-curve formulas of docs/analytics.md ("Metrics") on small series worked out by hand.
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../../src/domain/money.ts';
import {
  capitalBase,
  dailyReturns,
  maxDrawdown,
  sharpeRatio,
  volatility,
} from '../../../../src/domain/analytics/risk-metrics.ts';

const d = (v: string | number) => new Decimal(v);
const r4 = (x: Decimal | null) =>
  x === null ? null : x.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4);

describe('capital base', () => {
  it('is the most cash ever out, each day spending before it receives', () => {
    // day 1: out before 0 + spend 60 = 60            → out after 60
    // day 2: out before 60 + spend 50 = 110 (max)    → out after 60 + 50 − 80 = 30
    // day 3: out before 30 + spend 20 = 50           → out after 50
    const days = [
      { spend: d(60), proceeds: d(0) },
      { spend: d(50), proceeds: d(80) },
      { spend: d(20), proceeds: d(0) },
    ];
    expect(capitalBase(days).toFixed()).toBe('110');
    // A day's proceeds never fund that day's purchases: selling 80 and buying 50 on day 2 still
    // needs the 50 on top of the 60 already out.
    expect(capitalBase([{ spend: d(50), proceeds: d(80) }]).toFixed()).toBe('50');
  });

  it('is zero without purchases (only sales of shares bought before recording)', () => {
    expect(capitalBase([]).toFixed()).toBe('0');
    expect(capitalBase([{ spend: d(0), proceeds: d(21) }]).toFixed()).toBe('0');
  });
});

describe('equity-curve figures', () => {
  // Three days of P&L 10, −20, 30 on K = 100. Returns 0.1, −0.2, 0.3:
  //   mean = 0.2 / 3 = 0.0666…; deviations 0.0333…, −0.2666…, 0.2333…; squares sum 0.12666…
  //   sample variance = 0.12666… / 2 = 0.06333…; sd = 0.251661…
  //   Sharpe (rf 0) = 0.0666… / 0.251661… × √365 (19.104973…) = 5.0610
  //   volatility = 0.251661… × 19.104973… × 100 = 480.7979 %
  //   equity 100 → 110 → 90 → 120: the fall from 110 to 90 is 20 / 110 = 18.1818 %
  const pnl = [d(10), d(-20), d(30)];
  const k = d(100);

  it('daily returns are P&L over the capital base', () => {
    expect(dailyReturns(pnl, k)!.map((r) => r.toFixed())).toEqual(['0.1', '-0.2', '0.3']);
    expect(dailyReturns(pnl, d(0))).toBeNull();
  });

  it('Sharpe ratio, annualised with √365, with and without a risk-free rate', () => {
    expect(r4(sharpeRatio(pnl, k))).toBe('5.0610');
    // rf 3.65 % a year = 0.0001 a day: (0.0666… − 0.0001) / 0.251661… × 19.104973… = 5.0534
    expect(r4(sharpeRatio(pnl, k, d('0.0365')))).toBe('5.0534');
  });

  it('volatility, annualised, in percent', () => {
    expect(r4(volatility(pnl, k))).toBe('480.7979');
  });

  it('max drawdown from the running peak, in percent of the peak', () => {
    expect(r4(maxDrawdown(pnl, k))).toBe('18.1818');
    // Never below the starting capital and always rising: no drawdown.
    expect(r4(maxDrawdown([d(1), d(2)], k))).toBe('0.0000');
    // Losing at once: 100 → 75, a 25 % drawdown from the starting capital.
    expect(r4(maxDrawdown([d(-25), d(5)], k))).toBe('25.0000');
  });

  it('zero days count: the same P&L spread over more idle days has a lower Sharpe ratio', () => {
    const busy = sharpeRatio(pnl, k)!;
    const idle = sharpeRatio([...pnl, d(0), d(0), d(0)], k)!;
    expect(idle.lt(busy)).toBe(true);
  });

  it('is undefined without capital, with one day, or without any variation', () => {
    expect(sharpeRatio(pnl, d(0))).toBeNull();
    expect(volatility(pnl, d(0))).toBeNull();
    expect(maxDrawdown(pnl, d(0))).toBeNull();
    expect(sharpeRatio([d(5)], k)).toBeNull();
    expect(volatility([d(5)], k)).toBeNull();
    expect(sharpeRatio([d(5), d(5)], k)).toBeNull();
    expect(volatility([d(5), d(5)], k)!.toFixed()).toBe('0');
  });
});
