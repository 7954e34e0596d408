import { describe, expect, it } from 'vitest';
import {
  budgetRemaining,
  NEW_FOLLOW_DEFAULTS,
  parseCopySettings,
  settingsProblems,
  slippageFor,
  type FollowSettingsValues,
} from '../../../../src/domain/copy-settings.ts';
import { dec } from '../../../../src/domain/money.ts';

const with_ = (over: Partial<FollowSettingsValues>) => settingsProblems({ ...NEW_FOLLOW_DEFAULTS, ...over });

describe('copy settings', () => {
  it('the defaults of a new follow are consistent', () => {
    expect(settingsProblems(NEW_FOLLOW_DEFAULTS)).toEqual([]);
    // A newcomer's first follow copies (issue 12): 10 % of the leader, $25 a copy, $500 per trader,
    // no minimum beyond Polymarket's $1, 2 % slippage.
    expect(NEW_FOLLOW_DEFAULTS).toMatchObject({
      sizingMode: 'proportional',
      proportionalityFactor: '0.1',
      maxInvestmentPerTradeUsd: '25',
      maxTotalExposureUsd: '500',
      minTradeSizeUsd: null,
      maxSlippagePercent: '2',
      copyOpenPositions: false,
    });
    expect(NEW_FOLLOW_DEFAULTS.maxConsecutiveFailures).toBe(5);
    expect(Object.isFrozen(NEW_FOLLOW_DEFAULTS)).toBe(true);
  });

  it('names every rule that involves more than one setting', () => {
    expect(with_({ minTradeSizeUsd: '26' })).toEqual([
      'minTradeSizeUsd must not exceed maxInvestmentPerTradeUsd',
    ]);
    expect(with_({ maxTotalExposureUsd: '20' })).toEqual([
      'maxInvestmentPerTradeUsd must not exceed maxTotalExposureUsd',
    ]);
    expect(with_({ sizingMode: 'fixed_usd' })).toEqual(['sizingMode fixed_usd needs fixedAmountUsd']);
    expect(with_({ sizingMode: 'fixed_usd', fixedAmountUsd: '30' })).toEqual([
      'fixedAmountUsd must not exceed maxInvestmentPerTradeUsd',
    ]);
    expect(with_({ sizingMode: 'balance_percent' })).toEqual([
      'sizingMode balance_percent needs balancePercent',
    ]);
    expect(with_({ copyBuys: false, copySells: false })[0]).toContain('nothing would be copied');
    expect(with_({ copyBuys: false, copyOpenPositions: true })[0]).toContain('needs copyBuys');
    expect(with_({ minLeaderTradeUsd: '10', maxLeaderTradeUsd: '5' })).toEqual([
      'minLeaderTradeUsd must not exceed maxLeaderTradeUsd',
    ]);
    expect(with_({ allowedMarkets: ['a', 'b'], excludedMarkets: ['b'] })).toEqual([
      'markets both allowed and excluded: b',
    ]);
    expect(with_({ categories: ['Sports'], excludedCategories: ['sports'] })).toEqual([
      'categories both copied and excluded: sports',
    ]);
    expect(with_({ minTradeSizeUsd: '101', maxTotalExposureUsd: '20' })).toHaveLength(2);
  });

  it('picks the side slippage, else the single limit', () => {
    const s = parseCopySettings({ ...NEW_FOLLOW_DEFAULTS, buySlippagePercent: '0.5' });
    expect(slippageFor(s, 'BUY').toFixed()).toBe('0.5');
    expect(slippageFor(s, 'SELL').toFixed()).toBe(NEW_FOLLOW_DEFAULTS.maxSlippagePercent);
  });

  it('counts losses against the budget, never gains', () => {
    expect(budgetRemaining(null, dec(10), dec(0))).toBeNull();
    expect(budgetRemaining(dec(100), dec(30), dec(-20))!.toFixed()).toBe('50');
    expect(budgetRemaining(dec(100), dec(30), dec(500))!.toFixed()).toBe('70');
    expect(budgetRemaining(dec(100), dec(130), dec(0))!.toFixed()).toBe('-30');
  });
});
