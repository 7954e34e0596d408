// Every leader metric of the worked example (test/support/analytics-history.ts; docs/analytics.md)
// computed by the pure definitions (src/domain/analytics/trader-metrics.ts). The arithmetic:
//
// P&L increments (shares held × price change since the previous fill, less fees) and events:
//   T1  0 (01-01) · 100 × (0.50 − 0.40) = 10 (01-03) · 200 × (0.60 − 0.50) = 20 (01-05)  → closed +30
//   T2  −0.50 fee (01-06) · 50 × (0.60 − 0.80) − 0.25 = −10.25 (01-07)                   → closed −10.75
//   T3  0 · 20 × (0.25 − 0.25) = 0 (01-08)                                              → closed 0, break-even
//   T4  0 (01-15) · marked now: 100 × (0.45 − 0.30) = +15 (01-20)                       → open
//   T5  0 (01-10) · settled at 1: 40 × (1 − 0.50) = +20 (01-16)                         → closed +20
//   T6  0: the 30 shares sold were never bought here — nothing matched, no P&L, no position
// total P&L = 30 − 10.75 + 0 + 15 + 20 = 54.25
// 7-day P&L (events after 01-13 12:00): T4's mark 15 + T5's settlement 20 = 35
// volume = 40 + 50 + 120 + 40 + 30 + 5 + 5 + 30 + 20 + 21 = 361 (every fill's notional)
// closed positions: T1 (win), T2 (loss), T3 (break-even), T5 (win, at resolution) = 4 trades
//   win rate 2 / 4 = 50 %; avg size (90 + 40 + 5 + 20) / 4 = 38.75;
//   avg holding (96 h + 24 h + 6 h + 144 h) / 4 = 67.5 h
// capital base K, day by day (cash out before the day + that day's spend):
//   01-01 0 + 40 = 40 · 01-03 40 + 50 = 90 · 01-05 90 + 0 (out → −30) · 01-06 −30 + 40.5 = 10.5 ·
//   01-07 10.5 + 0.25 = 10.75 (out → −19.25) · 01-08 −19.25 + 5 · 01-10 −19.25 + 20 = 0.75 ·
//   01-15 0.75 + 30 = 30.75 · 01-16 payout 40 in …  → K = 90
// total P&L % = 54.25 / 90 = 60.2778 %; 7-day % = 35 / 90 = 38.8889 %
// equity 90 → 100 (01-03) → 120 (01-05, peak) → 119.5 → 109.25 (01-07): drawdown 10.75 / 120 = 8.9583 %
//   → 129.25 (01-16) → 144.25 (01-20)
// daily P&L over the 20 days 01-01…01-20 (zeros included): Σx = 54.25, Σx² = 1230.3125
//   variance = (20 × 1230.3125 − 54.25²) / (20 × 19) = 57.00839; sd = 7.55039
//   Sharpe = (54.25 / 20) / 7.55039 × √365 = 6.8635; with rf 5 %: (2.7125 − 90 × 0.05 / 365) / … = 6.8323
//   volatility = 7.55039 / 90 × √365 × 100 = 160.2778 %
// active days (days with fills): 01-01, 03, 05, 06, 07, 08, 10, 15, 18 = 9; equity-curve days 20
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../../src/domain/money.ts';
import {
  computeTraderMetrics,
  type TokenMark,
  type TraderFill,
} from '../../../../src/domain/analytics/trader-metrics.ts';
import { EXPECTED, HISTORY, MARKS, NOW, TOKENS } from '../../../support/analytics-history.ts';

const fills: TraderFill[] = HISTORY.map((f, i) => ({
  seq: BigInt(i + 1),
  token: TOKENS[f.token],
  at: new Date(f.at),
  side: f.side,
  price: new Decimal(f.price),
  size: new Decimal(f.size),
  notional: new Decimal(f.price).times(f.size),
  fees: new Decimal(f.fees ?? 0),
}));
const marks = new Map<string, TokenMark>(
  Object.entries(MARKS).map(([k, m]) => [
    TOKENS[k as keyof typeof TOKENS],
    {
      price: m.price === null ? null : new Decimal(m.price),
      resolved: m.resolved,
      payout: m.payout === null ? null : new Decimal(m.payout),
      resolvedAt: m.resolvedAt === null ? null : new Date(m.resolvedAt),
    },
  ]),
);
const eq = (x: Decimal | null, v: string) =>
  expect(x === null ? null : x.toFixed()).toBe(new Decimal(v).toFixed());

describe('computeTraderMetrics on the worked example', () => {
  const m = computeTraderMetrics(fills, marks, { now: NOW });

  it('P&L (realized and unrealized, marks and settlement), volume and percentages', () => {
    eq(m.totalPnl, EXPECTED.total_pnl);
    eq(m.pnl7d, EXPECTED.pnl_7d);
    eq(m.totalVolumeUsd, EXPECTED.total_volume_usd);
    eq(m.capitalBase, EXPECTED.capital_base);
    eq(m.totalPnlPercent, EXPECTED.total_pnl_percent);
    eq(m.pnl7dPercent, EXPECTED.pnl_7d_percent);
  });

  it('closed positions: wins, losses, a break-even that is neither, win rate, size, holding time', () => {
    expect([m.totalTrades, m.winningTrades, m.losingTrades, m.breakevenTrades]).toEqual([
      EXPECTED.total_trades,
      EXPECTED.winning_trades,
      EXPECTED.losing_trades,
      EXPECTED.breakeven_trades,
    ]);
    eq(m.winRate, EXPECTED.win_rate);
    eq(m.avgTradeSizeUsd, EXPECTED.avg_trade_size_usd);
    eq(m.avgHoldingTimeHours, EXPECTED.avg_holding_time_hours);
    expect(m.openPositions).toBe(EXPECTED.open_positions);
  });

  it('equity-curve figures: Sharpe (with a risk-free rate too), volatility, max drawdown', () => {
    eq(m.sharpeRatio, EXPECTED.sharpe_ratio);
    eq(m.volatility, EXPECTED.volatility);
    eq(m.maxDrawdown, EXPECTED.max_drawdown);
    const rf = computeTraderMetrics(fills, marks, { now: NOW, riskFreeRate: new Decimal('0.05') });
    eq(rf.sharpeRatio, EXPECTED.sharpe_ratio_rf_5pct);
  });

  it('activity: fills, active days, days on the curve, first and last trade', () => {
    expect([m.fills, m.activeDays, m.equityDays]).toEqual([
      EXPECTED.fills,
      EXPECTED.active_days,
      EXPECTED.equity_days,
    ]);
    expect(m.firstTradeAt?.toISOString()).toBe(EXPECTED.first_trade_at);
    expect(m.lastTradeAt?.toISOString()).toBe(EXPECTED.last_trade_at);
  });

  it('uses the injected clock: fills after it do not exist yet, and the 7-day window moves', () => {
    // At 01-09 00:00 only T1, T2, T3 (and nothing marked or resolved yet) have happened: 30 − 10.75.
    const early = computeTraderMetrics(fills, marks, { now: new Date('2030-01-09T00:00:00Z') });
    eq(early.totalPnl, '19.25');
    expect(early.totalTrades).toBe(3);
    // …and the 7-day window (from 01-02 00:00) holds T1's second and third fills and all of T2, T3.
    eq(early.pnl7d, '19.25');
  });

  it('a void market settles at 0.5, a lost one at 0', () => {
    const only = fills.filter((f) => f.token === TOKENS.T5);
    const at = (payout: string) =>
      computeTraderMetrics(
        only,
        new Map([[TOKENS.T5, { price: null, resolved: true, payout: new Decimal(payout), resolvedAt: NOW }]]),
        { now: NOW },
      );
    eq(at('0.5').totalPnl, '0'); // 40 × (0.5 − 0.5)
    expect(at('0.5').breakevenTrades).toBe(1);
    eq(at('0').totalPnl, '-20'); // 40 × (0 − 0.5)
    expect(at('0').losingTrades).toBe(1);
  });
});
