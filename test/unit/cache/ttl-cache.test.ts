// The cache primitive every market cache and read cache is built on: TTL from the read's start,
// size bound, in-flight sharing, invalidation that beats a read in flight, failures never kept.
import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../src/cache/ttl-cache.ts';

/** A read the test settles by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TtlCache', () => {
  it('serves a value for ttlMs after its read started, then reads again', async () => {
    let now = 1_000;
    let reads = 0;
    const c = new TtlCache<string, number>({ ttlMs: 100, maxEntries: 10, now: () => now });
    const read = async () => ++reads;
    expect(await c.get('a', read)).toBe(1);
    now += 100; // at the edge: still fresh
    expect(await c.get('a', read)).toBe(1);
    expect(c.fresh('a')).toBe(1);
    now += 1;
    expect(c.fresh('a')).toBeUndefined();
    expect(await c.get('a', read)).toBe(2);
    expect(reads).toBe(2);
  });

  it('counts the TTL from the start of a slow read, and keeps nothing when the read outlived it', async () => {
    let now = 0;
    const c = new TtlCache<string, string>({ ttlMs: 100, maxEntries: 10, now: () => now });
    const slow = deferred<string>();
    const p = c.get('a', () => slow.promise);
    now = 60;
    slow.resolve('v1');
    expect(await p).toBe('v1');
    now = 100;
    expect(c.fresh('a')).toBe('v1');
    now = 101;
    expect(c.fresh('a')).toBeUndefined();

    const slower = deferred<string>();
    const q = c.get('b', () => slower.promise);
    now = 250;
    slower.resolve('late');
    expect(await q).toBe('late');
    expect(c.fresh('b')).toBeUndefined();
  });

  it('shares one read among concurrent callers, even with a TTL of 0, and caches null', async () => {
    const c = new TtlCache<string, string | null>({ ttlMs: 0, maxEntries: 10, now: () => 0 });
    const d = deferred<string | null>();
    let reads = 0;
    const all = Array.from({ length: 20 }, () =>
      c.get('a', () => {
        reads += 1;
        return d.promise;
      }),
    );
    d.resolve(null);
    expect(new Set(await Promise.all(all))).toEqual(new Set([null]));
    expect(reads).toBe(1);
    // TTL 0: nothing is kept once the read settled.
    expect(c.size).toBe(0);

    const kept = new TtlCache<string, string | null>({ ttlMs: 1_000, maxEntries: 10, now: () => 0 });
    await kept.get('x', async () => null);
    expect(await kept.get('x', async () => 'not read')).toBeNull();
  });

  it('does not keep a failed read: the next caller reads again', async () => {
    const c = new TtlCache<string, number>({ ttlMs: 10_000, maxEntries: 10, now: () => 0 });
    await expect(c.get('a', () => Promise.reject(new Error('venue down')))).rejects.toThrow('venue down');
    expect(await c.get('a', async () => 7)).toBe(7);
  });

  it('delete() during a read: later callers read again and the old read is not stored', async () => {
    const c = new TtlCache<string, string>({ ttlMs: 10_000, maxEntries: 10, now: () => 0 });
    const before = deferred<string>();
    const first = c.get('a', () => before.promise);
    c.delete('a'); // a write happened after `first` began reading
    const second = c.get('a', async () => 'after the write');
    before.resolve('before the write');
    expect(await first).toBe('before the write');
    expect(await second).toBe('after the write');
    expect(await c.get('a', async () => 'not read')).toBe('after the write');

    const again = deferred<string>();
    const third = c.get('b', () => again.promise);
    c.clear();
    again.resolve('old');
    await third;
    expect(c.fresh('b')).toBeUndefined();
  });

  it('is bounded, dropping the least recently used first', async () => {
    const c = new TtlCache<string, string>({ ttlMs: 10_000, maxEntries: 2, now: () => 0 });
    c.set('a', 'A');
    c.set('b', 'B');
    expect(c.fresh('a')).toBe('A'); // a is now the most recently used
    c.set('c', 'C');
    expect(c.fresh('b')).toBeUndefined();
    expect(c.fresh('a')).toBe('A');
    expect(c.size).toBe(2);
  });

  it('keepStale: stale() returns an expired value that get() would read again', async () => {
    let now = 0;
    const c = new TtlCache<string, string>({ ttlMs: 10, maxEntries: 10, now: () => now, keepStale: true });
    c.set('a', 'old');
    now = 50;
    expect(c.fresh('a')).toBeUndefined();
    expect(c.stale('a')).toBe('old');
    expect(await c.get('a', async () => 'new')).toBe('new');
    expect(c.stale('a')).toBe('new');
  });
});
