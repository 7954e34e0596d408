import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/money.ts';
import {
  LOWEST_PRIORITY,
  RISK_EXIT_PRIORITY,
  SUBSCRIPTION_TIERS,
  effectiveUserLimits,
  isSubscriptionTier,
  queuePriority,
  tierLimits,
  type SubscriptionTier,
} from '../../../../src/domain/tiers.ts';

describe('subscription tiers', () => {
  it("matches the seed's column defaults for free", () => {
    const free = tierLimits('free');
    expect(free.maxFollowedTraders).toBe(3);
    expect(free.maxDailyTrades).toBe(10);
    expect(free.maxTradeSizeUsd.toFixed()).toBe('100');
    expect(free.maxTotalExposureUsd.toFixed()).toBe('500');
    // trade_queue.priority defaults to 5: an unprioritised row ranks as free.
    expect(free.priority).toBe(5);
  });

  it('strictly increases every limit and strictly raises priority from each tier to the next', () => {
    for (let i = 1; i < SUBSCRIPTION_TIERS.length; i++) {
      const lower = tierLimits(SUBSCRIPTION_TIERS[i - 1] as SubscriptionTier);
      const higher = tierLimits(SUBSCRIPTION_TIERS[i] as SubscriptionTier);
      expect(higher.maxFollowedTraders).toBeGreaterThan(lower.maxFollowedTraders);
      expect(higher.maxDailyTrades).toBeGreaterThan(lower.maxDailyTrades);
      expect(higher.maxTradeSizeUsd.gt(lower.maxTradeSizeUsd)).toBe(true);
      expect(higher.maxTotalExposureUsd.gt(lower.maxTotalExposureUsd)).toBe(true);
      expect(higher.priority).toBeLessThan(lower.priority); // 1 is highest
    }
  });

  it('gives premium the highest tier priority, within 1..10, below only risk exits', () => {
    const priorities = SUBSCRIPTION_TIERS.map((t) => tierLimits(t).priority);
    expect(Math.min(...priorities)).toBe(tierLimits('premium').priority);
    for (const p of priorities) {
      expect(p).toBeGreaterThan(RISK_EXIT_PRIORITY);
      expect(p).toBeLessThanOrEqual(LOWEST_PRIORITY);
    }
    expect(queuePriority('free', 'risk_exit')).toBe(1);
    expect(queuePriority('premium')).toBe(2);
  });

  it('keeps money limits within numeric(12,2) and a trade size no larger than the exposure', () => {
    for (const t of SUBSCRIPTION_TIERS) {
      const l = tierLimits(t);
      expect(l.maxTotalExposureUsd.lt(dec('10000000000'))).toBe(true);
      expect(l.maxTradeSizeUsd.lte(l.maxTotalExposureUsd)).toBe(true);
    }
  });

  it("applies the tighter of the tier's limit and the user's own setting", () => {
    const eff = effectiveUserLimits({
      subscriptionTier: 'pro',
      maxFollowedTraders: 3, // column default, never raised
      maxDailyTrades: 500,
      maxTradeSizeUsd: dec('50'),
      maxTotalExposureUsd: dec('99999'),
    });
    expect(eff.maxFollowedTraders).toBe(3);
    expect(eff.maxDailyTrades).toBe(200);
    expect(eff.maxTradeSizeUsd.toFixed()).toBe('50');
    expect(eff.maxTotalExposureUsd.toFixed()).toBe('10000');
  });

  it('in paper mode, lifts the daily trade quota unless the user set a tighter cap of their own', () => {
    const free = {
      subscriptionTier: 'free' as const,
      maxFollowedTraders: 3,
      maxDailyTrades: 10, // the column default: a copy of the free tier's quota, not a choice
      maxTradeSizeUsd: dec('100'),
      maxTotalExposureUsd: dec('500'),
    };
    expect(effectiveUserLimits(free).maxDailyTrades).toBe(10);
    expect(effectiveUserLimits(free, 'live').maxDailyTrades).toBe(10);
    const paper = effectiveUserLimits(free, 'paper');
    expect(paper.maxDailyTrades).toBe(Infinity);
    // Every other limit is the same in both modes.
    expect({ ...paper, maxDailyTrades: 10 }).toEqual(effectiveUserLimits(free, 'live'));
    // A cap below the tier's is the user's own, and holds in paper too.
    expect(effectiveUserLimits({ ...free, maxDailyTrades: 4 }, 'paper').maxDailyTrades).toBe(4);
    // A column above the tier's (a downgrade not yet rewritten) is no cap of the user's.
    expect(effectiveUserLimits({ ...free, maxDailyTrades: 200 }, 'paper').maxDailyTrades).toBe(Infinity);
    expect(effectiveUserLimits({ ...free, maxDailyTrades: 200 }, 'live').maxDailyTrades).toBe(10);
  });

  it('validates tier strings from storage', () => {
    expect(isSubscriptionTier('premium')).toBe(true);
    expect(isSubscriptionTier('Premium')).toBe(false);
    expect(isSubscriptionTier('enterprise')).toBe(false);
    expect(() => tierLimits('enterprise' as SubscriptionTier)).toThrow(RangeError);
  });
});
