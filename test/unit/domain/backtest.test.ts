// The what-if backtest on hand-made fills, every figure worked out below by hand (the rounding rules
// are the engine's: shares round DOWN to 2 dp, BUY amounts down to cents, USD half-up to 6 dp).
import { describe, expect, it } from 'vitest';
import {
  modelPrice,
  runBacktest,
  type BacktestFill,
  type BacktestInput,
  type BacktestSettings,
  type TokenState,
} from '../../../src/domain/backtest.ts';
import { Decimal } from '../../../src/domain/money.ts';
import type { UserLimitSettings } from '../../../src/domain/tiers.ts';

const d = (v: string | number) => new Decimal(v);
const H = 3_600_000;
const RULES = { tickSize: d('0.01'), minOrderSize: d(5) };
const FREE: UserLimitSettings = {
  subscriptionTier: 'free',
  maxFollowedTraders: 3,
  maxDailyTrades: 10,
  maxTradeSizeUsd: d(100),
  maxTotalExposureUsd: d(500),
};
const COND = (c: string) => `0x${c.repeat(64)}`;

let n = 0;
function fill(
  at: number,
  asset: string,
  side: 'BUY' | 'SELL',
  size: string,
  price: string,
  slug = 'm',
): BacktestFill {
  return {
    fillKey: `f${++n}`,
    filledAt: new Date(at),
    assetId: asset,
    conditionId: COND(asset.toLowerCase().charCodeAt(0).toString(16).slice(-1)),
    marketSlug: slug,
    eventSlug: `${slug}-event`,
    side,
    price: d(price),
    size: d(size),
  };
}

function input(over: Partial<BacktestInput> & { settings: BacktestSettings }): BacktestInput {
  return {
    from: new Date(0),
    to: new Date(0),
    fills: [],
    leaderPositionsAtStart: new Map(),
    observations: [],
    tokens: new Map(),
    user: FREE,
    model: { fixedBps: d(0), impactBpsPer1000Usd: d(0) },
    marketRules: () => RULES,
    ...over,
  };
}

const str = (x: Decimal | null) => (x === null ? null : x.toFixed());

describe('backtest: sizing, caps, filters, slippage and a proportional sell', () => {
  const t0 = Date.parse('2030-01-01T10:00:00Z');
  const settings: BacktestSettings = {
    proportionalityFactor: d('0.1'),
    maxInvestmentPerTradeUsd: d(20),
    maxTotalExposureUsd: d(50),
    minTradeSizeUsd: d(2),
    maxSlippagePercent: d(5),
    allowedMarkets: null,
    excludedMarkets: ['excluded-mkt'],
    stopLossPercent: null,
    takeProfitPercent: null,
    startingBalanceUsd: d(100),
  };
  const fills = [
    fill(t0, 'A', 'BUY', '100', '0.50'), // F1
    fill(t0 + 1 * H, 'A', 'BUY', '1000', '0.40'), // F2
    fill(t0 + 1.5 * H, 'B', 'BUY', '100', '0.30', 'excluded-mkt'), // F3
    fill(t0 + 1.75 * H, 'A', 'BUY', '20', '0.60'), // F4
    fill(t0 + 2 * H, 'C', 'BUY', '1000', '0.50'), // F5
    fill(t0 + 2.5 * H, 'C', 'BUY', '1000', '0.50'), // F6
    fill(t0 + 2.75 * H, 'C', 'BUY', '1000', '0.50'), // F7
    fill(t0 + 4 * H, 'A', 'SELL', '560', '0.70'), // F8
    fill(t0 + 6 * H, 'E', 'BUY', '10000', '0.03'), // F9
  ];
  const tokens = new Map<string, TokenState>([
    ['A', { resolvedAt: null, payout: null, mark: d('0.65') }],
    ['C', { resolvedAt: new Date(t0 + 5 * H), payout: d(1), mark: d(1) }],
  ]);
  const r = runBacktest(
    input({
      from: new Date(t0 - 16 * H),
      to: new Date(t0 + 8 * H),
      fills,
      tokens,
      settings,
      // 1% against the follower on every copy.
      model: { fixedBps: d(100), impactBpsPer1000Usd: d(0) },
    }),
  );

  it('sizes, caps and prices each copy as the engine would', () => {
    const copies = r.trades.filter((t) => t.kind === 'copy');
    expect(copies.map((t) => [t.fillKey, t.side, str(t.shares), str(t.price), str(t.notionalUsd)])).toEqual([
      // F1: 10% of 100 = 10 shares ($5 at 0.50). Limit = 0.50 × 1.05 = 0.525 → tick down 0.52. A market
      // BUY spends what the shares are expected to cost (marketBuyAmount): 10 × the model price 0.505 =
      // $5.05, so it receives the 10 shares it was sized for (not 0.52 × 10 = $5.20 → 10.297 shares).
      ['f1', 'BUY', '10', '0.505', '5.05'],
      // F2: 100 shares = $42 at the cap price 0.42 > the $20 per-trade cap → 20 / 0.42 = 47.61 shares;
      // 47.61 × 0.404 = $19.23444 → $19.23 (cut to cents) → 47.599 shares (4 decimals), $19.229996.
      ['f2', 'BUY', '47.599', '0.404', '19.229996'],
      // F5: per-trade cap again: 20 / 0.525 = 38.09 → × 0.505 = $19.23545 → $19.23 → 38.0792 shares.
      ['f5', 'BUY', '38.0792', '0.505', '19.229996'],
      // F6: exposure $43.509992 of $50 leaves $6.490008, tighter than $20: 6.490008 / 0.525 = 12.36 →
      // × 0.505 = $6.2418 → $6.24 → 12.3564 shares at 0.505 = $6.239982.
      ['f6', 'BUY', '12.3564', '0.505', '6.239982'],
      // F8: the leader sells 560 of 1120 (100 + 1000 + 20) = half; the follower holds 57.599 of A →
      // 28.7995 → 28.79 shares, at 0.70 × 0.99 = 0.693: $19.95147.
      ['f8', 'SELL', '28.79', '0.693', '19.95147'],
    ]);
    expect(r.copies).toEqual({ buys: 4, sells: 1 });
  });

  it('skips with the engine reason codes', () => {
    expect(r.skipList.map((s) => [s.fillKey, s.reason])).toEqual([
      ['f3', 'market_excluded'],
      // 10% of 20 = 2 shares = $1.20 < the $2 minimum.
      ['f4', 'below_min_trade_size'],
      // $0.050106 of exposure room left: the proportional copy would have passed, the cap made it small.
      ['f7', 'relationship_exposure_cap_reached'],
      // 0.03 × 1.05 = 0.0315 → tick down 0.03 = the leader's price; the model's 0.0303 is beyond it.
      ['f9', 'slippage_exceeded'],
    ]);
    expect(Object.fromEntries(r.skips)).toEqual({
      market_excluded: 1,
      below_min_trade_size: 1,
      relationship_exposure_cap_reached: 1,
      slippage_exceeded: 1,
    });
  });

  it('closes lots oldest first, settles the resolved token and marks the rest', () => {
    // F8 closes lot F1 (10 sh, $5.05 → 10 × 0.693 = $6.93: +1.88) and 18.79 of lot F2 (cost
    // 19.229996 × 18.79 / 47.599 = $7.59116; 18.79 × 0.693 = $13.02147: +5.43031).
    const sell = r.trades.find((t) => t.fillKey === 'f8')!;
    expect(str(sell.realizedPnlUsd)).toBe('7.31031');
    // C resolves at 1: 50.4356 shares → $50.4356 against $25.469978 of cost: +24.965622.
    const settle = r.trades.find((t) => t.kind === 'resolution')!;
    expect([settle.assetId, str(settle.shares), str(settle.realizedPnlUsd)]).toEqual([
      'C',
      '50.4356',
      '24.965622',
    ]);
    expect(r.exits).toEqual({ stopLoss: 0, takeProfit: 0, resolution: 1 });
    // A: 28.809 shares left costing $11.638836, marked at the current 0.65 = $18.72585.
    expect(
      r.openPositions.map((p) => [
        p.assetId,
        str(p.shares),
        str(p.costUsd),
        str(p.markPrice),
        p.markSource,
        str(p.valueUsd),
      ]),
    ).toEqual([['A', '28.809', '11.638836', '0.65', 'current', '18.72585']]);
    // Cash: 100 − 5.05 − 19.2299596 − 19.2299596 − 6.239982 + 19.95147 + 50.4356 = 120.6370958
    // (the notionals unrounded), + 18.72585 of A = 139.3629458.
    expect(str(r.endingEquityUsd)).toBe('139.362946');
    expect(str(r.pnlUsd)).toBe('39.362946');
    // 7.31031 + 24.965622; open: 18.72585 − 11.638836.
    expect(str(r.realizedPnlUsd)).toBe('32.275932');
    expect(str(r.unrealizedPnlUsd)).toBe('7.087014');
    expect(
      r.equityCurve.map((p) => [p.date, str(p.equityUsd), str(p.cashUsd), str(p.positionsValueUsd)]),
    ).toEqual([
      ['2029-12-31', '100', '100', '0'],
      ['2030-01-01', '139.362946', '120.637096', '18.72585'],
    ]);
    expect(r.fillsReplayed).toBe(9);
  });
});

describe('backtest: gates, stop-loss, closed markets and the impact term', () => {
  const t0 = Date.parse('2030-01-01T00:00:00Z');
  const settings: BacktestSettings = {
    proportionalityFactor: d(1),
    maxInvestmentPerTradeUsd: d(10),
    maxTotalExposureUsd: d(1000),
    minTradeSizeUsd: null,
    maxSlippagePercent: d(2),
    allowedMarkets: null,
    excludedMarkets: null,
    stopLossPercent: d(20),
    takeProfitPercent: null,
    startingBalanceUsd: d(12),
  };
  const fills = [
    fill(t0 + 1 * H, 'X', 'BUY', '10', '0.50'), // G1
    fill(t0 + 2 * H, 'Y', 'BUY', '10', '0.50'), // G2
    fill(t0 + 3 * H, 'Z', 'BUY', '10', '0.50'), // G3
    fill(t0 + 5 * H, 'X', 'SELL', '10', '0.45'), // G5
    fill(t0 + 26 * H, 'W', 'BUY', '100', '0.50'), // G6
    fill(t0 + 27 * H, 'V', 'BUY', '10', '0.50'), // G7
  ];
  const r = runBacktest(
    input({
      from: new Date(t0),
      to: new Date(t0 + 36 * H),
      fills,
      // G4: X trades at 0.39 an hour after the follower's stop-loss would be 20% down.
      observations: [{ at: new Date(t0 + 4 * H), assetId: 'X', price: d('0.39') }],
      tokens: new Map([
        ['V', { resolvedAt: new Date(t0 + 3 * H), payout: d(0), mark: d(0) }],
        ['Y', { resolvedAt: new Date(t0 + 30 * H), payout: d(0), mark: d(0) }],
      ]),
      settings,
      user: { ...FREE, maxDailyTrades: 2 },
      // No fixed cost; 100 bps per $1,000 of copy.
      model: { fixedBps: d(0), impactBpsPer1000Usd: d(100) },
    }),
  );

  it('prices with the impact term', () => {
    // 10 shares at 0.50 = $5 → 100 × 5 / 1000 = 0.5 bps → 0.50 × 1.00005 = 0.500025.
    expect(
      modelPrice({ fixedBps: d(0), impactBpsPer1000Usd: d(100) }, 'BUY', d('0.50'), d(10)).toFixed(),
    ).toBe('0.500025');
    // G1 and G2: 10 shares expected to cost 10 × 0.500025 = $5.00025 → sent as $5.00 (cut to cents,
    // never more than the shares cost) → 5 / 0.500025 = 9.99950… → 9.9995 shares (a market BUY's 4
    // decimals): a cent's worth short of 10, where spending 0.51 × 10 = $5.10 bought 10.1994.
    expect(
      r.trades.filter((t) => t.kind === 'copy').map((t) => [t.fillKey, str(t.shares), str(t.notionalUsd)]),
    ).toEqual([
      ['f10', '9.9995', '5'],
      ['f11', '9.9995', '5'],
    ]);
  });

  it('applies the daily trade limit, the balance gate, closed markets and sells without a position', () => {
    expect(r.skipList.map((s) => [s.fillKey, s.reason])).toEqual([
      // Two BUY copies in the last 24 h, the user's limit is 2.
      ['f12', 'daily_trade_limit_reached'],
      // The stop-loss already sold X: nothing attributed to sell.
      ['f13', 'no_position_to_sell'],
      // 26 h: the window (2 h, 26 h] holds no copy; $9.99 to spend against $5.90 of cash.
      ['f14', 'insufficient_balance'],
      // V resolved at 3 h.
      ['f15', 'market_closed'],
    ]);
  });

  it('stops out at the observed price and settles the resolved token at its payout', () => {
    // X: 9.9995 × 0.39 = $3.899805 against $5 = 22.0% down ≥ 20%: sell 9.9995 at 0.39 less
    // 100 × 3.899805 / 1000 = 0.3899805 bps = 0.3899847907605 → $3.899653… : −1.100347.
    const stop = r.trades.find((t) => t.kind === 'stop_loss')!;
    expect([stop.assetId, str(stop.shares), str(stop.price), str(stop.realizedPnlUsd)]).toEqual([
      'X',
      '9.9995',
      '0.3899847907605',
      '-1.100347',
    ]);
    // Y resolves at 0: −5.
    const settle = r.trades.find((t) => t.kind === 'resolution')!;
    expect([settle.assetId, str(settle.realizedPnlUsd)]).toEqual(['Y', '-5']);
    expect(r.exits).toEqual({ stopLoss: 1, takeProfit: 0, resolution: 1 });
    // Day 1 ends with Y open at its last seen 0.50 (9.9995 × 0.50 = $4.99975) and $5.899653 of cash
    // (12 − 2 × 5 + 3.899653).
    expect(r.equityCurve.map((p) => [p.date, str(p.equityUsd), str(p.positionsValueUsd)])).toEqual([
      ['2030-01-01', '10.899403', '4.99975'],
      ['2030-01-02', '5.899653', '0'],
    ]);
    // −1.100347 − 5; the account: 5.899653 − 12.
    expect(str(r.realizedPnlUsd)).toBe('-6.100347');
    expect(str(r.pnlUsd)).toBe('-6.100347');
    expect(r.openPositions).toEqual([]);
  });
});

describe('backtest: the leader position a mirrored sell is sized from', () => {
  it('never goes below zero when the leader sells shares it bought before recording began', () => {
    const t0 = Date.parse('2030-02-01T10:00:00Z');
    const settings: BacktestSettings = {
      proportionalityFactor: d('0.1'),
      maxInvestmentPerTradeUsd: d(100),
      maxTotalExposureUsd: d(500),
      minTradeSizeUsd: d(1),
      maxSlippagePercent: d(5),
      allowedMarkets: null,
      excludedMarkets: null,
      stopLossPercent: null,
      takeProfitPercent: null,
      startingBalanceUsd: d(1000),
    };
    const r = runBacktest(
      input({
        from: new Date(t0),
        to: new Date(t0 + 10 * H),
        settings,
        // Sells 300 untracked shares, buys 1000 (copied: 10% = 100 shares), sells 250 of them.
        fills: [
          fill(t0, 'P', 'SELL', '300', '0.40'),
          fill(t0 + H, 'P', 'BUY', '1000', '0.40'),
          fill(t0 + 2 * H, 'P', 'SELL', '250', '0.50'),
        ],
      }),
    );
    const copies = r.trades.filter((t) => t.kind === 'copy');
    const bought = copies.find((t) => t.side === 'BUY')!.shares;
    // The BUY copy is sent as the dollar amount its 100 shares cost at the leader's price ($40), so it
    // receives 100. The sell is a quarter of them — the leader sold 250 of the 1000 it held — not
    // 250 / 700 as a signed sum of fills would say.
    expect(str(bought)).toBe('100');
    expect(copies.filter((t) => t.side === 'SELL').map((t) => str(t.shares))).toEqual(['25']);
  });
});
