// Watchdog cases the simulator cannot stage: a server that keeps answering pings but sends no data.
// A local websocket server plays that part: its first connection answers PING with PONG and
// nothing else; later connections behave.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { PolymarketMarketStream } from '../../../../src/venue/polymarket/market-stream.ts';
import { RtdsActivityStream } from '../../../../src/venue/polymarket/rtds-stream.ts';

const TOKEN = '1001';
let server: WebSocketServer | null = null;

afterEach(async () => {
  const s = server;
  server = null;
  if (s) {
    for (const c of s.clients) c.terminate();
    await new Promise((r) => s.close(r));
  }
});

async function serve(onConnection: (ws: WebSocket, n: number, frames: string[]) => void): Promise<string> {
  const s = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server = s;
  await new Promise<void>((r) => s.once('listening', () => r()));
  let n = 0;
  s.on('connection', (ws) => {
    n += 1;
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(String(d)));
    onConnection(ws, n, frames);
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

const book = JSON.stringify({
  event_type: 'book',
  market: '0xm',
  asset_id: TOKEN,
  timestamp: '1',
  hash: '',
  bids: [{ price: '0.4', size: '1' }],
  asks: [],
});

describe('stream watchdogs', () => {
  it('market stream: pongs without a snapshot after subscribing → reconnect and resubscribe', async () => {
    const subscriptions: string[] = [];
    const url = await serve((ws, n) => {
      ws.on('message', (d) => {
        const text = String(d);
        if (text === 'PING') return void ws.send('PONG');
        subscriptions.push(text);
        if (n >= 2) ws.send(book);
      });
    });
    const stream = new PolymarketMarketStream({
      url,
      tokenIds: [TOKEN],
      pingIntervalMs: 50,
      staleAfterMs: 10_000,
      snapshotTimeoutMs: 300,
      backoff: { initialMs: 10, maxMs: 20 },
    });
    const reasons: string[] = [];
    stream.on('reconnect', (r) => reasons.push(r));
    try {
      const first = await stream[Symbol.asyncIterator]().next();
      expect(first.value?.type).toBe('book');
      expect(reasons).toEqual(['no data after subscribing (watchdog)']);
      expect(subscriptions).toHaveLength(2);
      expect(JSON.parse(subscriptions[1] as string)).toMatchObject({ assets_ids: [TOKEN], type: 'market' });
    } finally {
      await stream.close();
    }
  });

  it('market stream: a socket with no frames at all (not even PONG) is replaced', async () => {
    const url = await serve((ws, n) => {
      ws.on('message', (d) => {
        if (n >= 2) ws.send(String(d) === 'PING' ? 'PONG' : book);
      });
      // The first connection sends one snapshot and then nothing, pongs included.
      if (n === 1) ws.send(book);
    });
    const stream = new PolymarketMarketStream({
      url,
      tokenIds: [TOKEN],
      pingIntervalMs: 50,
      staleAfterMs: 250,
      backoff: { initialMs: 10, maxMs: 20 },
    });
    const reasons: string[] = [];
    stream.on('reconnect', (r) => reasons.push(r));
    let books = 0;
    stream.on('event', () => (books += 1));
    try {
      await until(() => books >= 2);
      expect(reasons[0]).toBe('no frames (watchdog)');
      expect(stream.state).toBe('connected');
    } finally {
      await stream.close();
    }
  });

  it('RTDS: answered pings but no activity for dataSilenceMs → reconnect', async () => {
    const subs: string[] = [];
    const url = await serve((ws) => {
      ws.on('message', (d) => {
        const text = String(d);
        if (text === 'ping') ws.send('pong');
        else subs.push(text);
      });
    });
    const stream = new RtdsActivityStream({
      url,
      pingIntervalMs: 50,
      staleAfterMs: 10_000,
      dataSilenceMs: 200,
      backoff: { initialMs: 10, maxMs: 20 },
      filters: JSON.stringify({ event_slug: 'x' }),
    });
    const reasons: string[] = [];
    stream.on('reconnect', (r) => reasons.push(r));
    try {
      await until(() => reasons.length >= 1 && subs.length >= 2);
      expect(reasons[0]).toBe('no data (watchdog)');
      expect(JSON.parse(subs[0] as string)).toEqual({
        action: 'subscribe',
        subscriptions: [{ topic: 'activity', type: 'trades', filters: '{"event_slug":"x"}' }],
      });
    } finally {
      await stream.close();
    }
  });

  it('backs off between failed connection attempts and stops when closed', async () => {
    const url = await serve(() => {});
    const s = server as WebSocketServer;
    await new Promise((r) => s.close(r));
    server = null;
    const stream = new PolymarketMarketStream({
      url,
      tokenIds: [TOKEN],
      backoff: { initialMs: 20, maxMs: 40 },
    });
    const attempts: number[] = [];
    stream.on('reconnect', (_r, attempt) => attempts.push(attempt));
    await until(() => attempts.length >= 3);
    expect(attempts.slice(0, 3)).toEqual([1, 2, 3]);
    await stream.close();
    const count = attempts.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(attempts.length).toBe(count);
    expect(stream.state).toBe('closed');
  });
});
