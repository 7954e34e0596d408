// The executor's short-lived market/book reuse: one read per TTL, shared while in flight, failures
// never cached, everything else passed through.
import { describe, expect, it } from 'vitest';
import { CachedMarketData } from '../../../src/venue/cached-market-data.ts';
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
