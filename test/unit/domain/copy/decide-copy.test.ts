// decideCopy(): every rule on its own (the clock injected), every sizing mode worked by hand, and
// properties over random settings and states: no mode ever breaks a cap, sells never exceed what
// the follow holds, and the price band holds at the worst price the executor may accept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NEW_FOLLOW_DEFAULTS,
  parseCopySettings,
  type FollowSettingsValues,
} from '../../../../src/domain/copy-settings.ts';
import {
  decideCopy,
  effectiveSlippage,
  type CopyDecision,
  type DecideCopyInput,
  type FollowerState,
  type LeaderTrade,
} from '../../../../src/domain/decide-copy.ts';
import { Decimal, dec } from '../../../../src/domain/money.ts';
import { SIZING_MODES } from '../../../../src/domain/copy-settings.ts';

const NOW = new Date('2030-03-01T12:00:00Z');
const MINUTE = 60_000;
const at = (msAgo: number) => new Date(NOW.getTime() - msAgo);

// The worked examples below were written against these (the seed's own values); pinned here so
// they do not move when NEW_FOLLOW_DEFAULTS is retuned.
const BASE_SETTINGS: Partial<FollowSettingsValues> = {
  proportionalityFactor: '0.05',
  maxInvestmentPerTradeUsd: '100',
  minTradeSizeUsd: '5',
  maxSlippagePercent: '1',
};

function input(
  over: {
    trade?: Partial<LeaderTrade>;
    settings?: Partial<FollowSettingsValues>;
    follower?: Partial<FollowerState>;
    categories?: DecideCopyInput['market']['categories'];
    userLimits?: { maxTradeSizeUsd: string; maxTotalExposureUsd: string };
  } = {},
): DecideCopyInput {
  return {
    // Leader buys 1000 shares at 0.42 ($420), seen a second after it happened.
    trade: { source: 'fill', side: 'BUY', price: dec('0.42'), size: dec(1000), at: at(1000), ...over.trade },
    market: {
      conditionId: `0x${'ab'.repeat(32)}`,
      marketSlug: 'will-it-rain',
      eventSlug: 'weather-2030',
      categories: over.categories ?? ['weather'],
      rules: { tickSize: dec('0.01'), minOrderSize: dec(5) },
    },
    settings: parseCopySettings({ ...NEW_FOLLOW_DEFAULTS, ...BASE_SETTINGS, ...over.settings }),
    follower: {
      userActive: true,
      relationshipStatus: 'active',
      relationshipExposureUsd: dec(0),
      userExposureUsd: dec(0),
      realizedPnlUsd: dec(0),
      attributedShares: dec(0),
      leaderPositionBefore: dec(0),
      funds: { cashUsd: dec(1000), equityUsd: dec(1500), observedAt: at(MINUTE) },
      leaderPortfolio: { valueUsd: dec(3780), observedAt: at(MINUTE) },
      ...over.follower,
    },
    userLimits: {
      maxTradeSizeUsd: dec(over.userLimits?.maxTradeSizeUsd ?? '100'),
      maxTotalExposureUsd: dec(over.userLimits?.maxTotalExposureUsd ?? '500'),
    },
    clock: { now: NOW, maxFillAgeMs: 30_000, maxBalanceAgeMs: 10 * MINUTE, maxLeaderValueAgeMs: 30 * MINUTE },
  };
}

const reasonOf = (d: CopyDecision) => (d.kind === 'skip' ? d.reason : 'copy');
function copy(d: CopyDecision) {
  if (d.kind !== 'copy') throw new Error(`expected a copy, got ${d.reason}: ${d.detail}`);
  return d;
}

describe('decideCopy: the rules, in order', () => {
  it('copies a fresh fill proportionally (the base case)', () => {
    const d = copy(decideCopy(input()));
    // 5% of 1000 = 50 shares ($21 at 0.42); the queue reserves them at the slippage bound 0.4242.
    expect([d.side, d.shares.toFixed(), d.targetPrice.toFixed(), d.maxSlippagePercent.toFixed()]).toEqual([
      'BUY',
      '50',
      '0.42',
      '1',
    ]);
    expect(d.notionalUsd.toFixed()).toBe('21.21');
    expect(d.sizing).toContain("5% of the trader's 1000 shares");
  });

  it('expires a fill first seen after the copy TTL, by the injected clock', () => {
    expect(reasonOf(decideCopy(input({ trade: { at: at(30_000) } })))).toBe('copy');
    const late = decideCopy(input({ trade: { at: at(30_001) } }));
    expect(reasonOf(late)).toBe('expired');
    expect(late.kind === 'skip' && late.detail).toContain('30 s old');
    // Open positions are read now: no age rule.
    expect(reasonOf(decideCopy(input({ trade: { source: 'open_position', at: at(3_600_000) } })))).toBe(
      'copy',
    );
  });

  it('skips an inactive user and a paused follow, saying who paused it', () => {
    expect(reasonOf(decideCopy(input({ follower: { userActive: false } })))).toBe('user_inactive');
    const paused = decideCopy(input({ follower: { relationshipStatus: 'paused' } }));
    expect(reasonOf(paused)).toBe('relationship_paused');
    const tripped = decideCopy(
      input({ follower: { relationshipStatus: 'paused', pauseReason: 'circuit_breaker' } }),
    );
    expect(tripped.kind === 'skip' && tripped.detail).toContain('consecutive failed copies');
  });

  it('refuses an unusable fill', () => {
    expect(reasonOf(decideCopy(input({ trade: { price: dec(0) } })))).toBe('invalid_leader_fill');
    expect(reasonOf(decideCopy(input({ trade: { price: dec('1.01') } })))).toBe('invalid_leader_fill');
    expect(reasonOf(decideCopy(input({ trade: { size: dec(0) } })))).toBe('invalid_leader_fill');
  });

  it('copies buys, sells or both', () => {
    const sell = { side: 'SELL' as const };
    const holding = { attributedShares: dec(50), leaderPositionBefore: dec(1000) };
    expect(reasonOf(decideCopy(input({ settings: { copyBuys: false } })))).toBe('buys_not_copied');
    expect(
      reasonOf(decideCopy(input({ trade: sell, follower: holding, settings: { copyBuys: false } }))),
    ).toBe('copy');
    expect(
      reasonOf(decideCopy(input({ trade: sell, follower: holding, settings: { copySells: false } }))),
    ).toBe('sells_not_copied');
    expect(reasonOf(decideCopy(input({ settings: { copySells: false } })))).toBe('copy');
  });

  it('filters markets first, then categories; exclusions win', () => {
    expect(reasonOf(decideCopy(input({ settings: { excludedMarkets: ['weather-2030'] } })))).toBe(
      'market_excluded',
    );
    expect(reasonOf(decideCopy(input({ settings: { allowedMarkets: ['other'] } })))).toBe(
      'market_not_allowed',
    );
    expect(reasonOf(decideCopy(input({ settings: { categories: ['politics', 'sports'] } })))).toBe(
      'category_not_allowed',
    );
    expect(reasonOf(decideCopy(input({ settings: { categories: ['weather'] } })))).toBe('copy');
    expect(
      reasonOf(decideCopy(input({ settings: { categories: ['weather'], excludedCategories: ['weather'] } }))),
    ).toBe('category_excluded');
    // A market with no known category is not in any category the user named.
    const none = decideCopy(input({ categories: [], settings: { categories: ['weather'] } }));
    expect(none.kind === 'skip' && none.detail).toContain('no known category');
    expect(
      reasonOf(decideCopy(input({ categories: [], settings: { excludedCategories: ['sports'] } }))),
    ).toBe('copy');
  });

  it('keeps buys at or under the maximum buy price and sells at or over the minimum sell price', () => {
    expect(reasonOf(decideCopy(input({ settings: { maxBuyPrice: '0.41' } })))).toBe('price_above_max_buy');
    const atBand = copy(decideCopy(input({ settings: { maxBuyPrice: '0.42' } })));
    // The band also narrows the slippage: nothing above 0.42, so the limit is the leader's price.
    expect(atBand.maxSlippagePercent.toFixed()).toBe('0');
    expect(atBand.notionalUsd.toFixed()).toBe('21');
    const sell = { side: 'SELL' as const, price: dec('0.30') };
    const holding = { attributedShares: dec(50), leaderPositionBefore: dec(1000) };
    expect(
      reasonOf(decideCopy(input({ trade: sell, follower: holding, settings: { minSellPrice: '0.31' } }))),
    ).toBe('price_below_min_sell');
    const s = copy(
      decideCopy(input({ trade: sell, follower: holding, settings: { minSellPrice: '0.297' } })),
    );
    // (1 − 0.297 / 0.30) × 100 = 1 %: the sell may go down to 0.297, no further.
    expect(s.maxSlippagePercent.toFixed()).toBe('1');
  });

  it('reacts only to leader buys within the chosen size range (sells always mirror)', () => {
    expect(reasonOf(decideCopy(input({ settings: { minLeaderTradeUsd: '420.01' } })))).toBe(
      'leader_trade_below_minimum',
    );
    expect(reasonOf(decideCopy(input({ settings: { minLeaderTradeUsd: '420' } })))).toBe('copy');
    expect(reasonOf(decideCopy(input({ settings: { maxLeaderTradeUsd: '419.99' } })))).toBe(
      'leader_trade_above_maximum',
    );
    const sell = decideCopy(
      input({
        trade: { side: 'SELL', size: dec(10) },
        follower: { attributedShares: dec(50), leaderPositionBefore: dec(20) },
        settings: { minLeaderTradeUsd: '1000' },
      }),
    );
    expect(reasonOf(sell)).toBe('copy');
  });

  it('uses the side slippage limits, falling back to the single one', () => {
    const s = parseCopySettings({
      ...NEW_FOLLOW_DEFAULTS,
      maxSlippagePercent: '2',
      sellSlippagePercent: '4',
    });
    expect(effectiveSlippage(s, 'BUY', dec('0.5')).toFixed()).toBe('2');
    expect(effectiveSlippage(s, 'SELL', dec('0.5')).toFixed()).toBe('4');
    const d = copy(decideCopy(input({ settings: { buySlippagePercent: '3' } })));
    expect(d.maxSlippagePercent.toFixed()).toBe('3');
    // Caps hold at the worst price: 50 shares × 0.42 × 1.03 = 21.63.
    expect(d.notionalUsd.toFixed()).toBe('21.63');
  });
});

describe('decideCopy: sizing modes', () => {
  it('fixed_usd buys the same amount whatever the leader traded', () => {
    for (const size of [20, 1000, 100_000]) {
      const d = copy(
        decideCopy(
          input({ trade: { size: dec(size) }, settings: { sizingMode: 'fixed_usd', fixedAmountUsd: '10' } }),
        ),
      );
      // $10 / 0.42 = 23.809… → 23.8 shares ($9.996 at the leader's price).
      expect(d.shares.toFixed()).toBe('23.8');
    }
  });

  it('balance_percent takes a share of cash or equity, and needs a fresh balance', () => {
    const cash = copy(
      decideCopy(input({ settings: { sizingMode: 'balance_percent', balancePercent: '2' } })),
    );
    // 2 % of $1,000 cash = $20 → 47.61 shares.
    expect(cash.shares.toFixed()).toBe('47.61');
    const equity = copy(
      decideCopy(
        input({ settings: { sizingMode: 'balance_percent', balancePercent: '2', balanceSource: 'equity' } }),
      ),
    );
    // 2 % of $1,500 equity = $30 → 71.42 shares.
    expect(equity.shares.toFixed()).toBe('71.42');
    const mode = { sizingMode: 'balance_percent' as const, balancePercent: '2' };
    expect(reasonOf(decideCopy(input({ settings: mode, follower: { funds: null } })))).toBe(
      'balance_unknown',
    );
    const old = { cashUsd: dec(1000), equityUsd: dec(1000), observedAt: at(10 * MINUTE + 1) };
    expect(reasonOf(decideCopy(input({ settings: mode, follower: { funds: old } })))).toBe('balance_unknown');
    const empty = { cashUsd: dec(0), equityUsd: dec(200), observedAt: at(0) };
    expect(reasonOf(decideCopy(input({ settings: mode, follower: { funds: empty } })))).toBe(
      'insufficient_balance',
    );
  });

  it("portfolio_weight applies the trade's share of the leader's portfolio to the follower's equity", () => {
    // The leader held $3,780 and buys $420 more: 420 / 4,200 = 10 % → 10 % of $1,500 = $150, capped by
    // the per-trade $100 at the worst price 0.4242 → 235.73 shares.
    const d = copy(decideCopy(input({ settings: { sizingMode: 'portfolio_weight' } })));
    expect(d.capsApplied[0]).toBe('per_trade');
    expect(d.shares.toFixed()).toBe('235.73');
    expect(d.sizing).toContain("10% of the trader's $4200 portfolio");
    const small = copy(
      decideCopy(
        input({
          settings: { sizingMode: 'portfolio_weight' },
          follower: { leaderPortfolio: { valueUsd: dec(41_580), observedAt: at(0) } },
        }),
      ),
    );
    // 420 / 42,000 = 1 % of $1,500 = $15 → 35.71 shares.
    expect(small.shares.toFixed()).toBe('35.71');
    const mode = { sizingMode: 'portfolio_weight' as const };
    expect(reasonOf(decideCopy(input({ settings: mode, follower: { leaderPortfolio: null } })))).toBe(
      'leader_portfolio_unknown',
    );
    const stale = { valueUsd: dec(1000), observedAt: at(30 * MINUTE + 1) };
    expect(reasonOf(decideCopy(input({ settings: mode, follower: { leaderPortfolio: stale } })))).toBe(
      'leader_portfolio_unknown',
    );
    expect(reasonOf(decideCopy(input({ settings: mode, follower: { funds: null } })))).toBe(
      'balance_unknown',
    );
  });

  it('spends at most what is left of the budget, and losses use it up', () => {
    const budget = { budgetUsd: '30' };
    // $30 budget, $20 at work: $10 left → 23.57 shares at the worst price 0.4242.
    const d = copy(decideCopy(input({ settings: budget, follower: { relationshipExposureUsd: dec(20) } })));
    expect(d.capsApplied[0]).toBe('budget');
    expect(d.notionalUsd.lte(10)).toBe(true);
    // $25 lost and $5 at work: nothing left.
    const spent = decideCopy(
      input({ settings: budget, follower: { relationshipExposureUsd: dec(5), realizedPnlUsd: dec(-25) } }),
    );
    expect(reasonOf(spent)).toBe('budget_exhausted');
    // Gains do not raise the budget: $30 of profit, $29 at work → $1 left, under the $5 minimum.
    const gains = decideCopy(
      input({ settings: budget, follower: { relationshipExposureUsd: dec(29), realizedPnlUsd: dec(30) } }),
    );
    expect(reasonOf(gains)).toBe('budget_exhausted');
  });

  it('mirrors sells proportionally to what this follow holds, in every mode', () => {
    for (const mode of SIZING_MODES) {
      const d = copy(
        decideCopy(
          input({
            trade: { side: 'SELL', size: dec(250) },
            settings: { sizingMode: mode, fixedAmountUsd: '10', balancePercent: '5' },
            follower: {
              attributedShares: dec(40),
              leaderPositionBefore: dec(1000),
              funds: null,
              leaderPortfolio: null,
            },
          }),
        ),
      );
      // The leader sold a quarter: the follower sells 10 of its 40.
      expect(d.shares.toFixed()).toBe('10');
    }
  });
});

describe('decideCopy: properties', () => {
  const money = (max: number) => fc.integer({ min: 0, max: max * 100 }).map((c) => new Decimal(c).div(100));
  const arbitrary = fc.record({
    mode: fc.constantFrom(...SIZING_MODES),
    priceTicks: fc.integer({ min: 1, max: 99 }),
    size: fc.integer({ min: 1, max: 2_000_000 }).map((c) => new Decimal(c).div(100)),
    factor: fc.integer({ min: 1, max: 10_000_000 }).map((m) => new Decimal(m).div(1_000_000)),
    fixed: fc.integer({ min: 1, max: 10_000 }).map((c) => new Decimal(c).div(100)),
    percent: fc.integer({ min: 1, max: 10_000 }).map((c) => new Decimal(c).div(100)),
    perTrade: money(200),
    relMax: money(2000),
    relExposure: money(300),
    userTrade: money(200),
    userMax: money(5000),
    userExposure: money(500),
    budget: fc.option(money(1000)),
    realized: fc.integer({ min: -10_000, max: 10_000 }).map((c) => new Decimal(c).div(100)),
    slipBps: fc.integer({ min: 0, max: 1000 }),
    maxBuyTicks: fc.option(fc.integer({ min: 1, max: 99 })),
    cash: money(100_000),
    equity: money(100_000),
    leaderValue: money(1_000_000),
  });

  it('no sizing mode ever breaks a cap, the budget or the price band (at the worst accepted price)', () => {
    let copies = 0;
    fc.assert(
      fc.property(arbitrary, (a) => {
        const price = new Decimal(a.priceTicks).div(100);
        const maxBuy = a.maxBuyTicks === null ? null : new Decimal(a.maxBuyTicks).div(100);
        const base = input({
          trade: { price, size: a.size },
          settings: {
            sizingMode: a.mode,
            proportionalityFactor: a.factor.toFixed(),
            fixedAmountUsd: a.fixed.toFixed(),
            balancePercent: a.percent.toFixed(),
            maxInvestmentPerTradeUsd: a.perTrade.toFixed(),
            maxTotalExposureUsd: a.relMax.toFixed(),
            budgetUsd: a.budget === null ? null : a.budget.toFixed(),
            maxSlippagePercent: new Decimal(a.slipBps).div(100).toFixed(),
            maxBuyPrice: maxBuy === null ? null : maxBuy.toFixed(),
            minTradeSizeUsd: null,
          },
          follower: {
            relationshipExposureUsd: a.relExposure,
            userExposureUsd: a.userExposure,
            realizedPnlUsd: a.realized,
            funds: { cashUsd: a.cash, equityUsd: a.equity, observedAt: NOW },
            leaderPortfolio: { valueUsd: a.leaderValue, observedAt: NOW },
          },
          userLimits: { maxTradeSizeUsd: a.userTrade.toFixed(), maxTotalExposureUsd: a.userMax.toFixed() },
        });
        const d = decideCopy(base);
        if (d.kind === 'skip') return;
        copies++;
        // The worst price the executor may pay for this copy.
        const worst = Decimal.min(price.times(d.maxSlippagePercent.div(100).plus(1)), dec('0.99'));
        const cost = d.shares.times(Decimal.max(worst, price));
        expect(cost.lte(a.perTrade)).toBe(true);
        expect(cost.lte(a.userTrade)).toBe(true);
        expect(cost.lte(a.relMax.minus(a.relExposure))).toBe(true);
        expect(cost.lte(a.userMax.minus(a.userExposure))).toBe(true);
        if (a.budget !== null) {
          const left = a.budget.minus(a.relExposure).minus(Decimal.max(0, a.realized.neg()));
          expect(cost.lte(left)).toBe(true);
        }
        if (maxBuy !== null) expect(Decimal.max(worst, price).lte(maxBuy)).toBe(true);
        expect(d.notionalUsd.gte(cost)).toBe(true);
        expect(d.shares.times(price).gte(1)).toBe(true);
      }),
      { numRuns: 1500 },
    );
    expect(copies).toBeGreaterThan(100);
  });

  it('a mirrored sell never sells more than the follow holds, in any mode', () => {
    fc.assert(
      fc.property(
        arbitrary,
        fc.integer({ min: 0, max: 1_000_000 }).map((c) => new Decimal(c).div(100)),
        fc.integer({ min: 0, max: 1_000_000 }).map((c) => new Decimal(c).div(100)),
        (a, held, leaderBefore) => {
          const d = decideCopy(
            input({
              trade: { side: 'SELL', price: new Decimal(a.priceTicks).div(100), size: a.size },
              settings: {
                sizingMode: a.mode,
                fixedAmountUsd: a.fixed.toFixed(),
                balancePercent: a.percent.toFixed(),
              },
              follower: { attributedShares: held, leaderPositionBefore: leaderBefore },
            }),
          );
          if (d.kind === 'skip') return;
          expect(d.shares.lte(held)).toBe(true);
          expect(d.shares.gt(0)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
