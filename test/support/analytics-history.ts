// The hand-made trading history of docs/analytics.md's worked example, used by the pure metrics test
// (test/unit/domain/analytics/trader-metrics.test.ts) and the SQL recompute test
// (test/db/analytics/recompute-metrics.test.ts); the right answers are worked out in those tests.
//
// Clock: 2030-01-20 12:00 UTC. Tokens T1…T6, prices in pUSD per share:
//   T1  01-01 10:00 BUY 100 @ 0.40 · 01-03 10:00 BUY 100 @ 0.50 · 01-05 10:00 SELL 200 @ 0.60  (won)
//   T2  01-06 00:00 BUY 50 @ 0.80, fee 0.50 · 01-07 00:00 SELL 50 @ 0.60, fee 0.25           (lost)
//   T3  01-08 12:00 BUY 20 @ 0.25 · 01-08 18:00 SELL 20 @ 0.25                              (break-even)
//   T4  01-15 00:00 BUY 100 @ 0.30; marked at 0.45 now                                       (open)
//   T5  01-10 00:00 BUY 40 @ 0.50; market resolved YES (payout 1) 01-16 00:00                (won at resolution)
//   T6  01-18 00:00 SELL 30 @ 0.70 with no recorded purchase (bought before recording began)
export const NOW = new Date('2030-01-20T12:00:00Z');

export const TOKENS = {
  T1: '1001',
  T2: '1002',
  T3: '1003',
  T4: '1004',
  T5: '1005',
  T6: '1006',
} as const;

export interface HistoryFill {
  token: keyof typeof TOKENS;
  at: string;
  side: 'BUY' | 'SELL';
  size: string;
  price: string;
  fees?: string;
}

export const HISTORY: readonly HistoryFill[] = [
  { token: 'T1', at: '2030-01-01T10:00:00Z', side: 'BUY', size: '100', price: '0.40' },
  { token: 'T1', at: '2030-01-03T10:00:00Z', side: 'BUY', size: '100', price: '0.50' },
  { token: 'T1', at: '2030-01-05T10:00:00Z', side: 'SELL', size: '200', price: '0.60' },
  { token: 'T2', at: '2030-01-06T00:00:00Z', side: 'BUY', size: '50', price: '0.80', fees: '0.50' },
  { token: 'T2', at: '2030-01-07T00:00:00Z', side: 'SELL', size: '50', price: '0.60', fees: '0.25' },
  { token: 'T3', at: '2030-01-08T12:00:00Z', side: 'BUY', size: '20', price: '0.25' },
  { token: 'T3', at: '2030-01-08T18:00:00Z', side: 'SELL', size: '20', price: '0.25' },
  { token: 'T4', at: '2030-01-15T00:00:00Z', side: 'BUY', size: '100', price: '0.30' },
  { token: 'T5', at: '2030-01-10T00:00:00Z', side: 'BUY', size: '40', price: '0.50' },
  { token: 'T6', at: '2030-01-18T00:00:00Z', side: 'SELL', size: '30', price: '0.70' },
];

export const MARKS = {
  T4: { price: '0.45', resolved: false, payout: null, resolvedAt: null },
  T5: { price: null, resolved: true, payout: '1', resolvedAt: '2030-01-16T00:00:00Z' },
} as const;

/**
 * The answers (worked out in the tests' comments), as the `traders` columns store them.
 */
export const EXPECTED = {
  fills: 10,
  total_volume_usd: '361',
  total_trades: 4,
  winning_trades: 2,
  losing_trades: 1,
  breakeven_trades: 1,
  win_rate: '50',
  avg_trade_size_usd: '38.75',
  avg_holding_time_hours: '67.5',
  total_pnl: '54.25',
  pnl_7d: '35',
  capital_base: '90',
  total_pnl_percent: '60.2778',
  pnl_7d_percent: '38.8889',
  max_drawdown: '8.9583',
  sharpe_ratio: '6.8635',
  sharpe_ratio_rf_5pct: '6.8323',
  volatility: '160.2778',
  active_days: 9,
  equity_days: 20,
  open_positions: 1,
  first_trade_at: '2030-01-01T10:00:00.000Z',
  last_trade_at: '2030-01-18T00:00:00.000Z',
} as const;
