// Win/loss/break-even, win rate, the minimum sample and ranks (docs/analytics.md).
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../../src/domain/money.ts';
import {
  meetsMinimumSample,
  DEFAULT_MINIMUM_SAMPLE,
} from '../../../../src/domain/analytics/minimum-sample.ts';
import { assignRanks } from '../../../../src/domain/analytics/ranking.ts';
import { positionOutcome, winRate } from '../../../../src/domain/analytics/trade-stats.ts';

describe('closed-position outcomes', () => {
  it('judges P&L at 6 dp: zero is break-even, neither win nor loss', () => {
    expect(positionOutcome(new Decimal('0.000001'))).toBe('win');
    expect(positionOutcome(new Decimal('-0.01'))).toBe('loss');
    expect(positionOutcome(new Decimal(0))).toBe('breakeven');
    // 0.0000004 rounds to 0.000000: break-even; −0.0000005 rounds half away from zero: a loss.
    expect(positionOutcome(new Decimal('0.0000004'))).toBe('breakeven');
    expect(positionOutcome(new Decimal('-0.0000005'))).toBe('loss');
  });

  it('win rate = wins / closed positions × 100 (break-evens count in the denominator)', () => {
    // 2 wins, 1 loss, 1 break-even: 2 / 4 = 50 %; 2 of 3: 66.666… → 66.67.
    expect(winRate(2, 4).toFixed(2)).toBe('50.00');
    expect(winRate(2, 3).toFixed(2)).toBe('66.67');
    expect(winRate(0, 0).toFixed()).toBe('0');
    expect(winRate(5, 5).toFixed()).toBe('100');
  });
});

describe('minimum sample', () => {
  it('needs both enough closed positions and enough active days (defaults 10 and 5)', () => {
    expect(DEFAULT_MINIMUM_SAMPLE).toEqual({ closedPositions: 10, activeDays: 5 });
    expect(meetsMinimumSample({ closedPositions: 10, activeDays: 5 })).toBe(true);
    expect(meetsMinimumSample({ closedPositions: 9, activeDays: 50 })).toBe(false);
    expect(meetsMinimumSample({ closedPositions: 100, activeDays: 4 })).toBe(false);
    expect(
      meetsMinimumSample({ closedPositions: 1, activeDays: 1 }, { closedPositions: 1, activeDays: 1 }),
    ).toBe(true);
  });
});

describe('ranks', () => {
  const w = (c: string) => `0x${c.repeat(40)}`;
  it('largest first, ties by wallet in byte order, the ineligible unranked', () => {
    const ranks = assignRanks([
      { wallet: w('c'), value: new Decimal(2), eligible: true },
      { wallet: w('b'), value: new Decimal(2), eligible: true },
      { wallet: w('d'), value: new Decimal(5), eligible: false },
      { wallet: w('e'), value: new Decimal(1), eligible: true },
      { wallet: w('a'), value: new Decimal('-3'), eligible: true },
      { wallet: w('f'), value: new Decimal(9), eligible: true },
    ]);
    expect(Object.fromEntries(ranks)).toEqual({
      [w('f')]: 1,
      [w('b')]: 2,
      [w('c')]: 3,
      [w('e')]: 4,
      [w('a')]: 5,
      [w('d')]: null,
    });
  });
});
