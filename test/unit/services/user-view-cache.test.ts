// The per-user read cache's rules that need no database: events drop one user's entry, a new LISTEN
// drops everything (events sent while the hub was down are never replayed), no LISTEN: no caching.
import { describe, expect, it } from 'vitest';
import { UserViewCache, type InvalidationFeed } from '../../../src/services/user-view-cache.ts';

function feed() {
  const listeners = new Set<(e: { userId: string }) => void>();
  const f = {
    isListening: true,
    listenEpoch: 1,
    subscribeAll(fn: (e: { userId: string }) => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    emit: (userId: string) => listeners.forEach((fn) => fn({ userId })),
    listeners,
  };
  return f satisfies InvalidationFeed;
}

describe('UserViewCache', () => {
  it("serves a user's view until that user's event, within the TTL", async () => {
    const f = feed();
    let now = 0;
    const c = new UserViewCache<string>(f, { ttlMs: 1_000, now: () => now });
    let reads = 0;
    const read = (v: string) => async () => `${v}${++reads}`;
    expect(await c.get('u1', read('a'))).toBe('a1');
    expect(await c.get('u2', read('b'))).toBe('b2');
    expect(await c.get('u1', read('a'))).toBe('a1');
    f.emit('u1');
    expect(await c.get('u1', read('a'))).toBe('a3');
    expect(await c.get('u2', read('b'))).toBe('b2'); // another user's event leaves u2 alone
    now = 1_001; // the documented bound for changes no event announces
    expect(await c.get('u2', read('b'))).toBe('b4');
  });

  it('drops everything after a new LISTEN and reads through while not listening', async () => {
    const f = feed();
    const c = new UserViewCache<number>(f, { ttlMs: 60_000, now: () => 0 });
    let n = 0;
    const read = async () => ++n;
    expect(await c.get('u', read)).toBe(1);
    f.isListening = false;
    expect(await c.get('u', read)).toBe(2);
    expect(await c.get('u', read)).toBe(3);
    f.isListening = true;
    f.listenEpoch = 2; // reconnected: what was kept before may have missed an event
    expect(await c.get('u', read)).toBe(4);
    expect(await c.get('u', read)).toBe(4);
    c.close();
    expect(f.listeners.size).toBe(0);
  });
});
