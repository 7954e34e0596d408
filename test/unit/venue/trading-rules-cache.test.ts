import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { TradingRulesCache, type CachedRules } from '../../../src/venue/polymarket/trading-rules-cache.ts';

const entry = (tokenId: string, at: number): CachedRules => ({
  rules: {
    tokenId,
    conditionId: '0xc',
    tickSize: new Decimal('0.01'),
    minOrderSize: new Decimal('5'),
    negRisk: false,
    acceptingOrders: true,
  },
  fees: { rate: new Decimal('0.02'), exponent: 1, takerOnly: true },
  at,
});

describe('TradingRulesCache', () => {
  it('serves rules as fresh for ttlMs, keeps them for fee/book defaults after, and forgets on delete', () => {
    const c = new TradingRulesCache(60_000);
    c.set('a', entry('a', 1_000));
    expect(c.fresh('a', 60_999)?.rules.tokenId).toBe('a');
    expect(c.fresh('a', 61_000)).toBeUndefined();
    expect(c.get('a')?.rules.tokenId).toBe('a');
    c.delete('a');
    expect(c.get('a')).toBeUndefined();
  });

  it('is bounded, forgetting the least recently written token first', () => {
    const c = new TradingRulesCache(60_000, 2);
    c.set('a', entry('a', 0));
    c.set('b', entry('b', 0));
    c.set('a', entry('a', 1)); // rewritten: now the newest
    c.set('c', entry('c', 0));
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')?.at).toBe(1);
    expect(c.get('c')).toBeDefined();
  });
});
