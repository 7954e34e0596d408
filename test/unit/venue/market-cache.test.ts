// The one market cache module: the executor's short-lived market/book reuse (one read per TTL,
// shared while in flight, failures never cached, everything else passed through), the fan-out's
// market rules, and the process-wide trading rules.
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import {
  CachedMarketData,
  MarketRulesCache,
  TradingRulesCache,
  type CachedRules,
} from '../../../src/venue/market-cache.ts';
import type { Market, MarketDataSource, OrderBook } from '../../../src/venue/venue.ts';

function source() {
  const calls = { market: 0, book: 0, midpoints: 0 };
  let failNextBook = false;
  const pending: Array<() => void> = [];
  let hold = false;
  const src = {
    async getMarketByToken(tokenId: string) {
      calls.market += 1;
      return { conditionId: `c-${tokenId}`, n: calls.market } as unknown as Market;
    },
    async getOrderBook(tokenId: string) {
      calls.book += 1;
      if (hold) await new Promise<void>((r) => pending.push(r));
      if (failNextBook) {
        failNextBook = false;
        throw new Error('venue down');
      }
      return { tokenId, n: calls.book } as unknown as OrderBook;
    },
    async getMidpoints() {
      calls.midpoints += 1;
      return new Map();
    },
  } as unknown as MarketDataSource;
  return {
    src,
    calls,
    failNextBook: () => void (failNextBook = true),
    hold: (on: boolean) => void (hold = on),
    release: () => pending.splice(0).forEach((r) => r()),
  };
}

describe('CachedMarketData', () => {
  it('reuses a book for bookTtlMs and a market for marketTtlMs, per token', async () => {
    let now = 1_000;
    const s = source();
    const c = new CachedMarketData(s.src, { bookTtlMs: 250, marketTtlMs: 5_000, now: () => now });
    const b1 = await c.getOrderBook('a');
    expect(await c.getOrderBook('a')).toBe(b1);
    await c.getOrderBook('b');
    expect(s.calls.book).toBe(2);
    now += 250;
    expect(await c.getOrderBook('a')).toBe(b1); // at the edge: still fresh
    now += 1;
    expect(await c.getOrderBook('a')).not.toBe(b1);
    expect(s.calls.book).toBe(3);

    const m1 = await c.getMarketByToken('a');
    now += 4_999;
    expect(await c.getMarketByToken('a')).toBe(m1);
    now += 2;
    expect(await c.getMarketByToken('a')).not.toBe(m1);
    expect(s.calls.market).toBe(2);
  });

  it('shares one read among concurrent callers, even with a TTL of 0', async () => {
    const s = source();
    const c = new CachedMarketData(s.src, { bookTtlMs: 0, now: () => 0 });
    s.hold(true);
    const reads = Array.from({ length: 50 }, () => c.getOrderBook('a'));
    s.release();
    const books = await Promise.all(reads);
    expect(new Set(books).size).toBe(1);
    expect(s.calls.book).toBe(1);
  });

  it('does not cache a failed read', async () => {
    const s = source();
    const c = new CachedMarketData(s.src, { bookTtlMs: 10_000, now: () => 0 });
    s.failNextBook();
    await expect(c.getOrderBook('a')).rejects.toThrow('venue down');
    await expect(c.getOrderBook('a')).resolves.toMatchObject({ tokenId: 'a' });
    expect(s.calls.book).toBe(2);
  });

  it('passes other reads straight through and stays bounded', async () => {
    const s = source();
    const c = new CachedMarketData(s.src, { bookTtlMs: 10_000, maxEntries: 2, now: () => 0 });
    await c.getMidpoints(['a']);
    await c.getMidpoints(['a']);
    expect(s.calls.midpoints).toBe(2);
    await c.getOrderBook('a');
    await c.getOrderBook('b');
    await c.getOrderBook('c'); // evicts a
    await c.getOrderBook('a');
    expect(s.calls.book).toBe(4);
  });
});

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

describe('MarketRulesCache', () => {
  const market = (tokenId: string) =>
    ({
      conditionId: '0xcond',
      question: 'Will it rain?',
      slug: 'rain',
      tickSize: new Decimal('0.01'),
      minOrderSize: new Decimal('5'),
      tags: ['Politics'],
      tokens: [
        { tokenId: 'yes', outcome: 'Yes' },
        { tokenId: 'no', outcome: 'No' },
      ].filter((t) => t.tokenId === tokenId || tokenId !== 'missing'),
    }) as unknown as Market;

  it('derives the rules and labels once per token per TTL, sharing a read in flight', async () => {
    let now = 0;
    let reads = 0;
    const src = {
      async getMarketByToken(tokenId: string) {
        reads += 1;
        return tokenId === 'unknown' ? null : market(tokenId);
      },
    };
    const c = new MarketRulesCache(src, 60_000, () => now);
    const [a, b] = await Promise.all([c.get('no'), c.get('no')]);
    expect(a).toBe(b);
    expect(reads).toBe(1);
    expect(a).toMatchObject({
      tickSize: new Decimal('0.01'),
      market: { conditionId: '0xcond', title: 'Will it rain?', outcome: 'No', outcomeIndex: 1 },
    });
    now = 60_000;
    await c.get('no');
    expect(reads).toBe(1);
    now = 60_001;
    await c.get('no');
    expect(reads).toBe(2);
  });

  it('does not remember an unknown token: it may be listed a moment later', async () => {
    let reads = 0;
    const c = new MarketRulesCache({
      async getMarketByToken() {
        reads += 1;
        return null;
      },
    });
    expect(await c.get('unknown')).toBeNull();
    expect(await c.get('unknown')).toBeNull();
    expect(reads).toBe(2);
  });
});
