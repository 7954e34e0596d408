// Websockets: the RTDS activity stream delivers a wallet's fills each exactly once (checked
// against the Data API), the CLOB market channel sends book snapshots and price changes after an
// order, and the user channel reports the key's orders and trades.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorServer } from '../../../src/simulator/server/index.ts';
import {
  WsClient,
  createKey,
  fund,
  json,
  limitOrder,
  newAccount,
  pickMarket,
  post,
  postOrder,
  setBook,
  settle,
  startSmall,
  synced,
  waitUntil,
  type SimMarketSummary,
  type Trader,
} from './harness.ts';

let s: SimulatorServer;
beforeAll(async () => {
  s = await startSmall({ seed: 5 });
});
afterAll(async () => {
  await s.close();
});

interface Activity {
  topic: string;
  type: string;
  timestamp: number;
  connection_id: string;
  payload: {
    proxyWallet: string;
    transactionHash: string;
    asset: string;
    side: string;
    size: number;
    price: number;
    timestamp: number;
    eventSlug: string;
    conditionId: string;
    outcomeIndex: number;
  };
}

interface TradeRow {
  proxyWallet: string;
  transactionHash: string;
  asset: string;
  side: string;
  size: number;
  price: number;
  timestamp: number;
}

const key = (r: {
  transactionHash: string;
  asset: string;
  side: string;
  size: number;
  price: number;
  timestamp: number;
}) => [r.transactionHash, r.asset, r.side, r.size, r.price, r.timestamp].join('|');

describe('RTDS activity stream', () => {
  it('delivers every fill of a synthetic wallet exactly once, as the Data API records them', async () => {
    expect((await json<unknown[]>(`${s.url}/data-api/trades?takerOnly=false&limit=10`)).body).toEqual([]);
    const all = await WsClient.open(s.endpoints.ws.rtds);
    // Two overlapping subscriptions on one connection must not double deliveries.
    all.send({
      action: 'subscribe',
      subscriptions: [
        { topic: 'activity', type: 'trades' },
        { topic: 'activity', type: '*' },
      ],
    });
    const markets = (await json<SimMarketSummary[]>(`${s.url}/sim/markets?active=true`)).body;
    const slug = markets[0]!.eventSlug;
    const filtered = await WsClient.open(s.endpoints.ws.rtds);
    filtered.send({
      action: 'subscribe',
      subscriptions: [{ topic: 'activity', type: 'trades', filters: JSON.stringify({ event_slug: slug }) }],
    });
    await synced(all, 'ping', 'pong');
    await synced(filtered, 'ping', 'pong');
    await post(`${s.url}/sim/advance`, { ms: 6 * 3_600_000 });
    // Every fill has two legs (taker and maker), each one `trades` message.
    const legs = (await json<unknown[]>(`${s.url}/data-api/trades?takerOnly=false&limit=10000`)).body.length;
    expect(legs).toBeLessThan(10_000);
    await waitUntil(() => all.frames.filter((f) => f.includes('"type":"trades"')).length >= legs);
    await settle(50);

    const msgs = all.parsed() as Activity[];
    const trades = msgs.filter((m) => m.type === 'trades');
    expect(trades.length).toBe(legs);
    expect(trades.length).toBeGreaterThan(50);
    expect(msgs.every((m) => m.topic === 'activity' && m.connection_id.length > 0)).toBe(true);

    // The most active synthetic trader.
    const traders = (await json<{ address: string; style: string }[]>(`${s.url}/sim/traders`)).body;
    const synthetic = new Set(traders.filter((t) => t.style !== 'market-maker').map((t) => t.address));
    const counts = new Map<string, number>();
    for (const m of trades) {
      if (synthetic.has(m.payload.proxyWallet))
        counts.set(m.payload.proxyWallet, (counts.get(m.payload.proxyWallet) ?? 0) + 1);
    }
    const [wallet] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const streamed = trades
      .filter((m) => m.payload.proxyWallet === wallet)
      .map((m) => key(m.payload))
      .sort();
    const rows = (
      await json<TradeRow[]>(`${s.url}/data-api/trades?user=${wallet}&takerOnly=false&limit=10000`)
    ).body;
    expect(rows.length).toBeGreaterThan(0);
    expect(streamed).toEqual(rows.map(key).sort());

    // orders_matched: one per taker match (= one transaction) of the wallet.
    const matched = msgs.filter((m) => m.type === 'orders_matched' && m.payload.proxyWallet === wallet);
    const takerRows = (await json<TradeRow[]>(`${s.url}/data-api/trades?user=${wallet}&limit=10000`)).body;
    expect(matched.length).toBe(new Set(takerRows.map((r) => r.transactionHash)).size);

    // The filtered subscriber sees exactly that event's trades.
    const f = filtered.parsed() as Activity[];
    expect(f.every((m) => m.payload.eventSlug === slug)).toBe(true);
    expect(f.length).toBe(trades.filter((m) => m.payload.eventSlug === slug).length);

    all.close();
    filtered.close();
  });
});

describe('CLOB market and user channels', () => {
  let m: SimMarketSummary;
  let token: string;
  let t: Trader;

  beforeAll(async () => {
    m = await pickMarket(s, '0.01', false);
    token = m.tokens[0]!.tokenId;
    await setBook(s, token, [['0.40', '100']], [['0.60', '50']]);
    t = await createKey(s, newAccount());
    await fund(s, t.account.address, '1000');
  });

  it('sends a book snapshot on subscribe, price changes after an order, a book and last trade after a match', async () => {
    const c = await WsClient.open(s.endpoints.ws.market);
    c.send({ assets_ids: [token], type: 'market', custom_feature_enabled: true });
    const first = JSON.parse(await c.waitFor((f) => f.startsWith('['))) as Record<string, unknown>[];
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      event_type: 'book',
      asset_id: token,
      market: m.conditionId,
      bids: [{ price: '0.4', size: '100' }],
      asks: [{ price: '0.6', size: '50' }],
      tick_size: '0.01',
      neg_risk: false,
    });
    expect(first[0]!.hash).toMatch(/^[0-9a-f]{40}$/);

    const resting = await limitOrder(t, {
      tokenId: token,
      side: 'BUY',
      price: '0.42',
      size: '10',
      tickSize: '0.01',
      negRisk: false,
    });
    expect((await postOrder(s, t, resting)).body.status).toBe('live');
    const pc = JSON.parse(await c.waitFor((f) => f.includes('"event_type":"price_change"'))) as {
      market: string;
      price_changes: Record<string, string>[];
    };
    expect(pc.market).toBe(m.conditionId);
    expect(pc.price_changes).toEqual([
      {
        asset_id: token,
        price: '0.42',
        size: '10',
        side: 'BUY',
        hash: expect.any(String),
        best_bid: '0.42',
        best_ask: '0.6',
      },
    ]);
    await c.waitFor((f) => f.includes('"best_bid_ask"') && f.includes('"best_bid":"0.42"'));

    const crossing = await limitOrder(t, {
      tokenId: token,
      side: 'BUY',
      price: '0.6',
      size: '20',
      tickSize: '0.01',
      negRisk: false,
    });
    expect((await postOrder(s, t, crossing)).body.status).toBe('matched');
    const last = JSON.parse(await c.waitFor((f) => f.includes('"event_type":"last_trade_price"'))) as Record<
      string,
      string
    >;
    expect(last).toMatchObject({ asset_id: token, price: '0.6', size: '20', side: 'BUY' });
    const book = JSON.parse(await c.waitFor((f) => f.startsWith('{"event_type":"book"'))) as {
      asks: unknown[];
    };
    expect(book.asks).toEqual([{ price: '0.6', size: '30' }]);

    c.send('PING');
    await c.waitFor((f) => f === 'PONG');
    c.close();
  });

  it('user channel: authenticated with the raw credentials, reports the key’s orders and trades', async () => {
    const bad = await WsClient.open(s.endpoints.ws.user);
    const closed = new Promise<number>((r) => bad.ws.once('close', (code) => r(code)));
    bad.send({
      auth: { apiKey: t.creds.key, secret: 'wrong', passphrase: t.creds.passphrase },
      type: 'user',
    });
    expect(await closed).toBe(1008);

    const u = await WsClient.open(s.endpoints.ws.user);
    u.send({
      auth: { apiKey: t.creds.key, secret: t.creds.secret, passphrase: t.creds.passphrase },
      markets: [],
      type: 'user',
    });
    await synced(u);
    const resting = await limitOrder(t, {
      tokenId: token,
      side: 'SELL',
      price: '0.7',
      size: '5',
      tickSize: '0.01',
      negRisk: false,
    });
    const placed = await postOrder(s, t, resting);
    expect(placed.body.status).toBe('live');
    const ev = JSON.parse(await u.waitFor((f) => f.includes('"event_type":"order"'))) as Record<
      string,
      unknown
    >;
    expect(ev).toMatchObject({
      id: placed.body.orderID,
      type: 'PLACEMENT',
      status: 'LIVE',
      side: 'SELL',
      price: '0.7',
      original_size: '5',
    });

    await setBook(s, token, [['0.40', '100']], [['0.65', '50']]);
    const buy = await limitOrder(t, {
      tokenId: token,
      side: 'BUY',
      price: '0.65',
      size: '10',
      tickSize: '0.01',
      negRisk: false,
    });
    const r = await postOrder(s, t, buy);
    const trades = await Promise.all(
      ['MATCHED', 'MINED', 'CONFIRMED'].map((st) =>
        u.waitFor((f) => f.includes('"event_type":"trade"') && f.includes(`"status":"${st}"`)),
      ),
    );
    const trade = JSON.parse(trades[2]!) as Record<string, unknown>;
    expect(trade).toMatchObject({
      id: r.body.tradeIDs![0],
      trader_side: 'TAKER',
      size: '10',
      price: '0.65',
      side: 'BUY',
    });
    u.close();
  });
});
