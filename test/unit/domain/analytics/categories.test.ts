// Discovery category rules at their boundaries (src/domain/analytics/categories.ts).
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../../src/domain/money.ts';
import {
  CATEGORY_IDS,
  compareInCategory,
  describeCategory,
  highVolumeCutoff,
  inCategory,
  type CategoryCandidate,
} from '../../../../src/domain/analytics/categories.ts';

const base: CategoryCandidate = {
  wallet: `0x${'a'.repeat(40)}`,
  rankAllTime: 3,
  rank7d: 2,
  rankVolume: 1,
  totalTrades: 20,
  winRate: new Decimal(55),
  sharpeRatio: new Decimal(1),
  totalPnl: new Decimal('0.000001'),
  pnl7d: new Decimal('0.000001'),
  pnl7dPercent: new Decimal(5),
  maxDrawdown: new Decimal(10),
  equityDays: 30,
};
const ctx = { rankedTraders: 100 };
const with_ = (patch: Partial<CategoryCandidate>) => ({ ...base, ...patch });

describe('discovery categories', () => {
  it('every rule holds exactly at its thresholds and only for ranked traders', () => {
    for (const id of CATEGORY_IDS) {
      expect(inCategory(id, base, ctx), id).toBe(true);
      expect(inCategory(id, with_({ rankAllTime: null, rank7d: null, rankVolume: null }), ctx), id).toBe(
        false,
      );
    }
  });

  it('consistent winners: ≥ 20 trades, win rate ≥ 55 %, Sharpe ≥ 1, positive total P&L', () => {
    const id = 'consistent_winners';
    expect(inCategory(id, with_({ totalTrades: 19 }), ctx)).toBe(false);
    expect(inCategory(id, with_({ winRate: new Decimal('54.99') }), ctx)).toBe(false);
    expect(inCategory(id, with_({ sharpeRatio: new Decimal('0.9999') }), ctx)).toBe(false);
    expect(inCategory(id, with_({ sharpeRatio: null }), ctx)).toBe(false);
    expect(inCategory(id, with_({ totalPnl: new Decimal(0) }), ctx)).toBe(false);
  });

  it('high volume: the top 10 % of ranked traders by volume, at least one', () => {
    // 100 ranked: ranks 1..10. 15 ranked: ⌈1.5⌉ = 2. 3 ranked: ⌈0.3⌉ = 1. None ranked: none.
    expect([highVolumeCutoff(100), highVolumeCutoff(15), highVolumeCutoff(3), highVolumeCutoff(0)]).toEqual([
      10, 2, 1, 0,
    ]);
    expect(inCategory('high_volume', with_({ rankVolume: 10 }), ctx)).toBe(true);
    expect(inCategory('high_volume', with_({ rankVolume: 11 }), ctx)).toBe(false);
    expect(inCategory('high_volume', with_({ rankVolume: 2 }), { rankedTraders: 15 })).toBe(true);
    expect(inCategory('high_volume', with_({ rankVolume: 3 }), { rankedTraders: 15 })).toBe(false);
  });

  it('rising: 7-day P&L > 0 and ≥ 5 % of capital, and a better 7-day rank than all-time rank', () => {
    const id = 'rising';
    expect(inCategory(id, with_({ pnl7d: new Decimal(0) }), ctx)).toBe(false);
    expect(inCategory(id, with_({ pnl7dPercent: new Decimal('4.9999') }), ctx)).toBe(false);
    expect(inCategory(id, with_({ rank7d: 3 }), ctx)).toBe(false); // same place: not climbing
  });

  it('low drawdown: positive P&L, max drawdown ≤ 10 %, at least 30 days of history', () => {
    const id = 'low_drawdown';
    expect(inCategory(id, with_({ maxDrawdown: new Decimal('10.0001') }), ctx)).toBe(false);
    expect(inCategory(id, with_({ maxDrawdown: null }), ctx)).toBe(false);
    expect(inCategory(id, with_({ equityDays: 29 }), ctx)).toBe(false);
    expect(inCategory(id, with_({ totalPnl: new Decimal('-1') }), ctx)).toBe(false);
  });

  it('orders each list by its column, ties by wallet ascending', () => {
    const a = with_({
      wallet: `0x${'a'.repeat(40)}`,
      sharpeRatio: new Decimal(2),
      maxDrawdown: new Decimal(3),
    });
    const b = with_({
      wallet: `0x${'b'.repeat(40)}`,
      sharpeRatio: new Decimal(2),
      maxDrawdown: new Decimal(1),
    });
    const c = with_({
      wallet: `0x${'c'.repeat(40)}`,
      sharpeRatio: new Decimal(5),
      maxDrawdown: new Decimal(3),
    });
    const order = (id: (typeof CATEGORY_IDS)[number]) =>
      [c, b, a].sort(compareInCategory(id)).map((t) => t.wallet[2]);
    expect(order('consistent_winners')).toEqual(['c', 'a', 'b']); // Sharpe desc, tie a < b
    expect(order('low_drawdown')).toEqual(['b', 'a', 'c']); // drawdown asc, tie a < c
  });

  it('states every rule with its thresholds', () => {
    expect(describeCategory('consistent_winners')).toMatch(
      /20 closed positions.*55 %.*Sharpe ratio of at least 1/,
    );
    expect(describeCategory('high_volume')).toMatch(/top 10 %/);
    expect(describeCategory('rising')).toMatch(/at least 5 %/);
    expect(describeCategory('low_drawdown')).toMatch(/at most 10 %.*30 days/);
  });
});
