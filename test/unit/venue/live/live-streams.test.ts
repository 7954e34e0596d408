// The market channel and RTDS streams against the simulator's websockets: snapshots and updates,
// the watchdog replacing a connection that went silent while staying open, and RTDS delivering a
// wallet's fills exactly once each (checked against the Data API's record of the same fills).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/money.ts';
import { PolymarketMarketStream } from '../../../../src/venue/polymarket/market-stream.ts';
import { RtdsActivityStream, type LeaderFill } from '../../../../src/venue/polymarket/rtds-stream.ts';
import type { MarketEvent } from '../../../../src/venue/venue.ts';
import { SimHarness, type SimMarketSummary } from './sim-harness.ts';

let sim: SimHarness;
let market: SimMarketSummary;
let tokenId: string;

beforeAll(async () => {
  sim = await SimHarness.start({ seed: 23 });
  market = await sim.binaryMarket();
  tokenId = market.tokens[0]?.tokenId as string;
});

afterAll(async () => {
  await sim.faults({ reset: true });
  await sim.close();
});

async function until<T>(probe: () => T | undefined | null | false, timeoutMs = 5_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('market channel stream', () => {
  it('starts with a best-first book snapshot and reports level changes and trades', async () => {
    await sim.setBook(tokenId, {
      bids: [
        ['0.40', '10'],
        ['0.45', '20'],
      ],
      asks: [
        ['0.60', '10'],
        ['0.55', '20'],
      ],
    });
    const stream = new PolymarketMarketStream({ url: sim.hosts.wsMarket, tokenIds: [tokenId] });
    const events: MarketEvent[] = [];
    stream.on('event', (e) => events.push(e));
    try {
      const iterator = stream[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.done).toBe(false);
      const snapshot = first.value as MarketEvent;
      expect(snapshot.type).toBe('book');
      if (snapshot.type !== 'book') return;
      expect(snapshot.book.tokenId).toBe(tokenId);
      expect(snapshot.book.bids.map((l) => l.price.toFixed())).toEqual(['0.45', '0.4']);
      expect(snapshot.book.asks.map((l) => l.price.toFixed())).toEqual(['0.55', '0.6']);
      expect(snapshot.book.tickSize.toFixed()).toBe('0.01');
      expect(stream.state).toBe('connected');
      expect(stream.lastMessageAt).not.toBeNull();

      // A resting bid from an account shows up as a level change on the bid side.
      const { venue } = await sim.newAccount();
      await sim.fund(venue.funderAddress, dec('100'));
      await venue.placeOrder({
        clientOrderId: 'stream-bid',
        tokenId,
        side: 'BUY',
        orderType: 'GTC',
        price: dec('0.42'),
        size: dec('7'),
      });
      const change = await until(() =>
        events.find((e) => e.type === 'price_change' && e.price.toFixed() === '0.42'),
      );
      expect(change).toMatchObject({ type: 'price_change', tokenId, side: 'BUY' });
      if (change.type === 'price_change') expect(change.size.toFixed()).toBe('7');

      // A taker trade prints a last-trade event.
      await venue.placeOrder({
        clientOrderId: 'stream-take',
        tokenId,
        side: 'BUY',
        orderType: 'FOK',
        price: dec('0.55'),
        amount: dec('5.5'),
      });
      const trade = await until(() => events.find((e) => e.type === 'last_trade'));
      expect(trade).toMatchObject({ type: 'last_trade', tokenId, side: 'BUY' });
      if (trade.type === 'last_trade') expect(trade.price.toFixed()).toBe('0.55');
    } finally {
      await stream.close();
    }
    expect(stream.state).toBe('closed');
  });

  it('the watchdog replaces a connection that stays open but goes silent, then resynchronises', async () => {
    const stream = new PolymarketMarketStream({
      url: sim.hosts.wsMarket,
      tokenIds: [tokenId],
      pingIntervalMs: 100,
      staleAfterMs: 400,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    const reasons: string[] = [];
    stream.on('reconnect', (reason) => reasons.push(reason));
    let books = 0;
    stream.on('event', (e) => {
      if (e.type === 'book') books += 1;
    });
    try {
      await until(() => books >= 1);
      const before = books;
      await sim.faults({ silentStreams: true });
      await until(() => reasons.length >= 1, 3_000);
      expect(reasons[0]).toMatch(/watchdog/);
      await sim.faults({ silentStreams: false });
      // After the next reconnect the server answers the subscription with a fresh snapshot.
      await until(() => books > before && stream.state === 'connected', 8_000);
      expect(stream.reconnectCount).toBeGreaterThanOrEqual(1);
    } finally {
      await sim.faults({ reset: true });
      await stream.close();
    }
  }, 15_000);

  it('the venue streams the same channel', async () => {
    const { venue } = await sim.newAccount();
    const stream = venue.streamMarket([tokenId]);
    try {
      const first = await stream[Symbol.asyncIterator]().next();
      expect((first.value as MarketEvent).type).toBe('book');
    } finally {
      await stream.close();
    }
    // Iteration ends once closed.
    expect((await stream[Symbol.asyncIterator]().next()).done).toBe(true);
  });
});

describe('RTDS activity stream', () => {
  it("delivers a known synthetic wallet's fills, each exactly once", async () => {
    const all = new RtdsActivityStream({ url: sim.hosts.rtds as string });
    const fills: LeaderFill[] = [];
    all.on('fill', (f) => fills.push(f));
    try {
      await until(() => all.state === 'connected');
      // Give the subscription a moment to register before time moves.
      await new Promise((r) => setTimeout(r, 100));
      const before = await sim.control<{ now: number }>('GET', '/sim/clock');
      await sim.control('POST', '/sim/advance', { ms: 10 * 60_000 });
      await until(() => fills.length > 0);
      // Let the flush finish: stable count for 200 ms.
      let last = -1;
      await until(() => {
        const stable = fills.length === last;
        last = fills.length;
        return stable;
      });
      await new Promise((r) => setTimeout(r, 200));

      const counts = new Map<string, number>();
      for (const f of fills)
        if (f.messageType === 'trades') counts.set(f.wallet, (counts.get(f.wallet) ?? 0) + 1);
      const traders = await sim.control<{ address: string; style: string }[]>('GET', '/sim/traders');
      const known = traders
        .filter((t) => t.style !== 'market-maker')
        .map((t) => t.address.toLowerCase())
        .sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0))[0] as string;
      expect(counts.get(known) ?? 0).toBeGreaterThan(0);

      const key = (f: {
        transactionHash: string;
        asset: string;
        side: string;
        price: string;
        size: string;
      }) => [f.transactionHash, f.asset, f.side, f.price, f.size].join('|');
      const sinceSec = Math.floor(before.now / 1000);
      const streamed = fills
        .filter((f) => f.messageType === 'trades' && f.wallet === known && f.timestamp > sinceSec)
        .map((f) => key({ ...f, price: f.price.toFixed(), size: f.size.toFixed() }))
        .sort();

      const { venue } = await sim.newAccount();
      const recorded: string[] = [];
      for await (const page of venue.data.iterateTrades({ user: known }, 200)) {
        for (const t of page) {
          if (t.timestamp > sinceSec) {
            recorded.push(key({ ...t, price: t.price.toFixed(), size: t.size.toFixed() }));
          }
        }
        if ((page.at(-1)?.timestamp ?? 0) <= sinceSec) break;
      }
      recorded.sort();
      expect(streamed.length).toBeGreaterThan(0);
      expect(streamed).toEqual(recorded);

      // A stream filtered on that wallet sees only its fills.
      const filtered = new RtdsActivityStream({
        url: sim.hosts.rtds as string,
        wallets: [known.toUpperCase().replace('0X', '0x')],
      });
      const mine: LeaderFill[] = [];
      filtered.on('fill', (f) => mine.push(f));
      try {
        await until(() => filtered.state === 'connected');
        await new Promise((r) => setTimeout(r, 100));
        const mark = fills.length;
        await sim.control('POST', '/sim/advance', { ms: 10 * 60_000 });
        await until(() => fills.length > mark);
        await new Promise((r) => setTimeout(r, 300));
        const expected = fills.slice(mark).filter((f) => f.wallet === known).length;
        expect(mine.length).toBe(expected);
        expect(mine.every((f) => f.wallet === known)).toBe(true);
      } finally {
        await filtered.close();
      }
    } finally {
      await all.close();
    }
  }, 30_000);

  it('reports connection state and closes cleanly', async () => {
    const stream = new RtdsActivityStream({ url: sim.hosts.rtds as string, type: 'orders_matched' });
    const states: string[] = [];
    stream.on('state', (s) => states.push(s));
    await until(() => stream.state === 'connected');
    await stream.close();
    expect(states).toEqual(['connected', 'closed']);
    expect((await stream[Symbol.asyncIterator]().next()).done).toBe(true);
  });
});
