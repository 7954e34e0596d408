// The RTDS stream's bounded buffer: a consumer that falls behind loses new fills, never buffered
// ones, and the stream reports the lost stretch as a gap once the consumer has caught up. A local
// websocket server plays RTDS and sends fills as fast as the test likes.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { EventQueue } from '../../../../src/venue/polymarket/event-queue.ts';
import { RtdsActivityStream, type StreamGap } from '../../../../src/venue/polymarket/rtds-stream.ts';

const WALLET = `0x${'a1'.repeat(20)}`;
let server: WebSocketServer | null = null;
let client: WebSocket | null = null;

afterEach(async () => {
  const s = server;
  server = null;
  client = null;
  if (s) {
    for (const c of s.clients) c.terminate();
    await new Promise((r) => s.close(r));
  }
});

async function serve(): Promise<string> {
  const s = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server = s;
  await new Promise<void>((r) => s.once('listening', () => r()));
  s.on('connection', (ws) => {
    client = ws;
    ws.on('message', (d) => {
      if (String(d) === 'ping') ws.send('pong');
    });
  });
  return `ws://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function until(probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const frame = (i: number, wallet = WALLET) =>
  JSON.stringify({
    topic: 'activity',
    type: 'trades',
    timestamp: 1_780_000_000_000 + i,
    payload: {
      transactionHash: `0x${i.toString(16).padStart(64, '0')}`,
      proxyWallet: wallet,
      asset: '1001',
      side: 'BUY',
      price: 0.5,
      size: 10,
      timestamp: 1_780_000_000 + i,
      conditionId: `0x${'cd'.repeat(32)}`,
      slug: 's',
      eventSlug: 'e',
      title: 't',
      outcome: 'Yes',
      outcomeIndex: 0,
      name: '',
      pseudonym: '',
    },
  });

describe('EventQueue capacity', () => {
  it('refuses a push when full, keeps what it holds, and hands values straight to a waiting reader', async () => {
    const q = new EventQueue<number>({ capacity: 2 });
    expect([q.push(1), q.push(2), q.push(3)]).toEqual([true, true, false]);
    expect(q.size).toBe(2);
    expect(await q.next()).toEqual({ value: 1, done: false });
    expect(q.push(4)).toBe(true);
    expect([(await q.next()).value, (await q.next()).value]).toEqual([2, 4]);
    const waiting = q.next();
    expect(q.push(5)).toBe(true); // a reader was waiting: not buffered at all
    expect(await waiting).toEqual({ value: 5, done: false });
    q.end();
    expect(q.push(6)).toBe(false);
    expect(() => new EventQueue({ capacity: 0 })).toThrow(RangeError);
    // Unbounded by default (the market channel must never drop a book update).
    const unbounded = new EventQueue<number>();
    let all = true;
    for (let i = 0; i < 50_000; i++) all = unbounded.push(i) && all;
    expect([all, unbounded.size]).toEqual([true, 50_000]);
  });
});

describe('RTDS stream backpressure', () => {
  it('drops new fills when the buffer is full and reports one gap when the consumer catches up', async () => {
    const url = await serve();
    const stream = new RtdsActivityStream({ url, maxBufferedFills: 5, wallets: [WALLET] });
    const overflows: number[] = [];
    const gaps: StreamGap[] = [];
    const heard: number[] = [];
    stream.on('overflow', (n) => overflows.push(n));
    stream.on('gap', (g) => gaps.push(g));
    stream.on('fill', (f) => heard.push(f.timestamp));
    const it = stream[Symbol.asyncIterator]();
    try {
      await until(() => client !== null && stream.state === 'connected');
      // 12 fills while nobody reads: 5 are kept, 7 dropped (another wallet's fill is filtered out).
      for (let i = 0; i < 12; i++) client!.send(frame(i));
      client!.send(frame(99, `0x${'b2'.repeat(20)}`));
      await until(() => heard.length === 12);
      expect(stream.buffered).toBe(5);
      expect(stream.droppedFills).toBe(7);
      expect(overflows).toEqual([5]); // once per episode
      expect(gaps).toEqual([]); // not yet caught up

      const read: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await it.next();
        read.push((r.value as { timestamp: number }).timestamp - 1_780_000_000);
        expect((r.value as { connection: number }).connection).toBe(1);
      }
      // The oldest five, in order; the gap is the contiguous stretch after them.
      expect(read).toEqual([0, 1, 2, 3, 4]);
      expect(gaps).toHaveLength(1);
      expect(gaps[0]).toMatchObject({
        dropped: 7,
        earliestFillAtMs: (1_780_000_000 + 5) * 1000,
        latestFillAtMs: (1_780_000_000 + 11) * 1000,
      });
      expect([...gaps[0]!.wallets]).toEqual([WALLET]);
      expect(stream.gapCount).toBe(1);

      // Caught up: new fills flow again, and a later overflow is a new episode.
      const waiting = it.next();
      client!.send(frame(20));
      expect(((await waiting).value as { timestamp: number }).timestamp).toBe(1_780_000_020);
      for (let i = 30; i < 37; i++) client!.send(frame(i));
      await until(() => stream.droppedFills === 9);
      expect(overflows).toEqual([5, 5]);
    } finally {
      await stream.close();
    }
    // Closing reports the episode still open, so nothing is lost silently.
    expect(gaps).toHaveLength(2);
    expect(gaps[1]).toMatchObject({ dropped: 2 });
  });

  it('buffers nothing for a stream read only through fill listeners', async () => {
    const url = await serve();
    const stream = new RtdsActivityStream({ url, maxBufferedFills: 2 });
    const heard: unknown[] = [];
    stream.on('fill', (f) => heard.push(f));
    try {
      await until(() => client !== null && stream.state === 'connected');
      for (let i = 0; i < 10; i++) client!.send(frame(i));
      await until(() => heard.length === 10);
      expect(stream.buffered).toBe(0);
      expect(stream.droppedFills).toBe(0);
    } finally {
      await stream.close();
    }
  });
});
