// The /sim control API (endpoints, fault injection, ledger, resolution, clock) and spot checks
// of the Gamma, Data API and CLOB shapes against the field names of docs/polymarket-api.md.
import { Decimal } from '../../../src/domain/money.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorServer } from '../../../src/simulator/server/index.ts';
import {
  WsClient,
  createKey,
  fund,
  json,
  l2,
  limitOrder,
  newAccount,
  pickMarket,
  post,
  postOrder,
  setBook,
  settle,
  startSmall,
  type SimMarketSummary,
  type Trader,
} from './harness.ts';

let s: SimulatorServer;
let m: SimMarketSummary;
let token: string;
let t: Trader;

beforeAll(async () => {
  s = await startSmall({ seed: 3 });
  m = await pickMarket(s, '0.01', false);
  token = m.tokens[0]!.tokenId;
  t = await createKey(s, newAccount());
  await fund(s, t.account.address, '1000');
});
afterAll(async () => {
  await s.close();
});

const order = (price: string, size = '10') =>
  limitOrder(t, { tokenId: token, side: 'BUY', price, size, tickSize: '0.01', negRisk: false });

describe('/sim control API', () => {
  it('GET /sim/endpoints gives the base URLs on the one port', async () => {
    const r = await json<Record<string, unknown>>(`${s.url}/sim/endpoints`);
    const host = new URL(s.url).host;
    expect(r.body).toEqual({
      clob: `http://${host}`,
      gamma: `http://${host}/gamma`,
      data: `http://${host}/data-api`,
      ws: {
        base: `ws://${host}/ws`,
        market: `ws://${host}/ws/market`,
        user: `ws://${host}/ws/user`,
        rtds: `ws://${host}/ws/rtds`,
      },
      chain: { http: `http://${host}/rpc`, ws: `ws://${host}/rpc`, chainId: 137 },
    });
  });

  it('lists synthetic traders with their styles', async () => {
    const r = await json<{ address: string; style: string }[]>(`${s.url}/sim/traders`);
    const styles = new Set(r.body.map((x) => x.style));
    for (const st of ['informed', 'noise', 'whale', 'flipper', 'multi-fill', 'market-maker'])
      expect(styles).toContain(st);
    expect(r.body.every((x) => /^0x[0-9a-f]{40}$/.test(x.address))).toBe(true);
  });

  it('429 fault rate: requests are answered Too Many Requests and not processed', async () => {
    await post(`${s.url}/sim/faults`, { rate429: 1, paths: ['/order', '/book'] });
    const o = await order('0.2');
    const r = await postOrder(s, t, o);
    expect(r).toEqual({ status: 429, body: { error: 'Too Many Requests' } });
    expect((await json(`${s.url}/book?token_id=${token}`)).status).toBe(429);
    expect((await json(`${s.url}/midpoint?token_id=${token}`)).status).not.toBe(429);
    await post(`${s.url}/sim/faults`, { reset: true });
    const ledger = (await json<{ orderHash: string }[]>(`${s.url}/sim/ledger?apiKey=${t.creds.key}`)).body;
    expect(ledger.some((e) => e.orderHash === r.body.orderID)).toBe(false);
    expect(ledger).toHaveLength(0);
  });

  it('a dropped response: the client gets no answer, yet the order is in the ledger and on /data/order', async () => {
    await post(`${s.url}/sim/faults`, { dropNextOrderResponses: 1 });
    const o = await order('0.21');
    await expect(postOrder(s, t, o)).rejects.toThrow();
    const ledger = (
      await json<{ orderHash: string; accepted: boolean; responseDropped: boolean }[]>(
        `${s.url}/sim/ledger?apiKey=${t.creds.key}`,
      )
    ).body;
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ accepted: true, responseDropped: true });
    const id = ledger[0]!.orderHash;
    const look = await l2<{ id: string; status: string }>(s, t, 'GET', `/data/order/${id}`);
    expect(look.body).toMatchObject({ id, status: 'LIVE' });
    // The next order is answered normally (the count was one).
    expect((await postOrder(s, t, await order('0.22'))).body.status).toBe('live');
  });

  it('keeps a ledger per API key with hash and salt of every order received', async () => {
    const other = await createKey(s, newAccount());
    await fund(s, other.account.address, '100');
    const o = await limitOrder(other, {
      tokenId: token,
      side: 'BUY',
      price: '0.23',
      size: '10',
      tickSize: '0.01',
      negRisk: false,
    });
    const r = await postOrder(s, other, o);
    const mine = (
      await json<{ orderHash: string; salt: string; apiKey: string }[]>(
        `${s.url}/sim/ledger?apiKey=${other.creds.key}`,
      )
    ).body;
    expect(mine).toEqual([
      expect.objectContaining({
        orderHash: r.body.orderID,
        salt: o.salt.toString(),
        apiKey: other.creds.key,
      }),
    ]);
    const all = (await json<{ apiKey: string }[]>(`${s.url}/sim/ledger`)).body;
    expect(new Set(all.map((e) => e.apiKey))).toEqual(new Set([t.creds.key, other.creds.key]));
  });

  it('silent streams: sockets stay open but nothing is sent, not even PONG', async () => {
    const c = await WsClient.open(s.endpoints.ws.market);
    await post(`${s.url}/sim/faults`, { silentStreams: true });
    c.send({ assets_ids: [token], type: 'market' });
    c.send('PING');
    await settle(150);
    expect(c.frames).toEqual([]);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    await post(`${s.url}/sim/faults`, { reset: true });
    c.send('PING');
    await c.waitFor((f) => f === 'PONG');
    c.close();
  });

  it('rejects an unknown fault field', async () => {
    expect((await post(`${s.url}/sim/faults`, { nope: 1 })).status).toBe(400);
  });

  it('advances the frozen clock only on /sim/advance', async () => {
    const before = (await json<{ now: number; speed: number }>(`${s.url}/sim/clock`)).body;
    expect(before.speed).toBe(0);
    await settle(60);
    expect((await json<{ now: number }>(`${s.url}/sim/clock`)).body.now).toBe(before.now);
    const r = await post<{ now: number }>(`${s.url}/sim/advance`, { ms: 60_000 });
    expect(r.body.now).toBe(before.now + 60_000);
  });

  it('resolves a market: holders are paid 1 pUSD per winning share', async () => {
    const rm = (await json<SimMarketSummary[]>(`${s.url}/sim/markets?active=true`)).body.find(
      (x) => !x.negRisk && x.conditionId !== m.conditionId && x.tickSize === '0.01',
    )!;
    const yes = rm.tokens[0]!.tokenId;
    const buyer = await createKey(s, newAccount());
    await fund(s, buyer.account.address, '100');
    await setBook(s, yes, [], [['0.50', '20']]);
    const o = await limitOrder(buyer, {
      tokenId: yes,
      side: 'BUY',
      price: '0.5',
      size: '20',
      tickSize: '0.01',
      negRisk: false,
    });
    expect((await postOrder(s, buyer, o)).body.status).toBe('matched');
    const res = await post<{ closed: boolean; winner: string }[]>(`${s.url}/sim/resolve`, {
      conditionId: rm.conditionId,
      outcome: 'Yes',
    });
    expect(res.body[0]).toMatchObject({ closed: true, winner: 'Yes' });
    const bal = await json<{ pusd: string }>(`${s.url}/sim/balance?address=${buyer.account.address}`);
    // 100 − 10 paid − taker fee (20 × rate × p(1−p)) + 20 redeemed
    const rate = new Decimal(rm.feeRateBps).div(10_000);
    const fee = new Decimal(20).mul(rate).mul('0.25');
    expect(bal.body.pusd).toBe(new Decimal(110).minus(fee).toFixed());
    expect((await post(`${s.url}/sim/resolve`, { conditionId: rm.conditionId, outcome: 'No' })).status).toBe(
      400,
    );
    const gm = await json<{ closed: boolean; outcomePrices: string }[]>(
      `${s.url}/gamma/markets?condition_ids=${rm.conditionId}&closed=true`,
    );
    expect(gm.body[0]).toMatchObject({ closed: true, outcomePrices: '["1", "0"]' });
  });
});

describe('wire shapes', () => {
  it('Gamma markets and events: camelCase, JSON-encoded string arrays, numeric ticks', async () => {
    const r = await json<Record<string, unknown>[]>(`${s.url}/gamma/markets?condition_ids=${m.conditionId}`);
    expect(r.body).toHaveLength(1);
    const g = r.body[0]!;
    expect(typeof g.id).toBe('string');
    expect(g.conditionId).toBe(m.conditionId);
    expect(JSON.parse(g.clobTokenIds as string)).toEqual(m.tokens.map((x) => x.tokenId));
    expect(JSON.parse(g.outcomes as string)).toEqual(['Yes', 'No']);
    expect((JSON.parse(g.outcomePrices as string) as string[]).every((p) => typeof p === 'string')).toBe(
      true,
    );
    expect(g.orderPriceMinTickSize).toBe(0.01);
    expect(g.orderMinSize).toBe(5);
    for (const k of [
      'active',
      'closed',
      'acceptingOrders',
      'enableOrderBook',
      'negRisk',
      'endDate',
      'volume',
      'bestBid',
      'bestAsk',
      'feeSchedule',
    ]) {
      expect(g).toHaveProperty(k);
    }
    const ev = await json<Record<string, unknown>[]>(`${s.url}/gamma/events?slug=${m.eventSlug}`);
    expect(ev.body[0]).toMatchObject({ slug: m.eventSlug, negRisk: false, enableNegRisk: false });
    expect((ev.body[0]!.markets as unknown[]).length).toBe(1);
    const bySlug = await json<{ slug: string }>(`${s.url}/gamma/markets/slug/${m.slug}`);
    expect(bySlug.body.slug).toBe(m.slug);
  });

  it('Data API: camelCase rows, numbers as numbers, epoch-second timestamps, takerOnly default', async () => {
    await post(`${s.url}/sim/advance`, { ms: 2 * 3_600_000 });
    const rows = (await json<Record<string, unknown>[]>(`${s.url}/data-api/trades?limit=5`)).body;
    expect(rows.length).toBe(5);
    const row = rows[0]!;
    expect(Object.keys(row)).toEqual([
      'proxyWallet',
      'side',
      'asset',
      'conditionId',
      'size',
      'price',
      'timestamp',
      'title',
      'slug',
      'icon',
      'eventSlug',
      'outcome',
      'outcomeIndex',
      'name',
      'pseudonym',
      'bio',
      'profileImage',
      'profileImageOptimized',
      'transactionHash',
    ]);
    expect(typeof row.size).toBe('number');
    expect(typeof row.price).toBe('number');
    expect(row.timestamp).toBe(Math.floor(row.timestamp as number));
    expect(row.timestamp as number).toBeLessThan(1e11);
    const wallet = row.proxyWallet as string;
    const takerOnly = (await json<unknown[]>(`${s.url}/data-api/trades?user=${wallet}&limit=10000`)).body
      .length;
    const both = (
      await json<unknown[]>(`${s.url}/data-api/trades?user=${wallet}&takerOnly=false&limit=10000`)
    ).body.length;
    expect(both).toBeGreaterThanOrEqual(takerOnly);
    const act = (await json<Record<string, unknown>[]>(`${s.url}/data-api/activity?user=${wallet}&limit=3`))
      .body;
    expect(act[0]).toMatchObject({ proxyWallet: wallet, type: 'TRADE', usdcSize: expect.any(Number) });
    const pos = (
      await json<Record<string, unknown>[]>(`${s.url}/data-api/positions?user=${wallet}&sizeThreshold=0`)
    ).body;
    for (const k of [
      'asset',
      'conditionId',
      'size',
      'avgPrice',
      'currentValue',
      'cashPnl',
      'curPrice',
      'outcome',
      'oppositeAsset',
      'negativeRisk',
    ]) {
      expect(pos[0]).toHaveProperty(k);
    }
    const val = (await json<{ user: string; value: unknown }[]>(`${s.url}/data-api/value?user=${wallet}`))
      .body;
    expect(val).toEqual([{ user: wallet, value: expect.any(Number) }]);
    const lb = (
      await json<{ rank: unknown; vol: unknown }[]>(`${s.url}/data-api/v1/leaderboard?timePeriod=ALL&limit=3`)
    ).body;
    expect(lb).toHaveLength(3);
    expect(typeof lb[0]!.rank).toBe('string');
    expect(typeof lb[0]!.vol).toBe('number');
    expect((await json(`${s.url}/data-api/activity`)).status).toBe(400);
    expect((await json(`${s.url}/data-api/trades?offset=10001`)).status).toBe(400);
    expect((await json<unknown[]>(`${s.url}/data-api/closed-positions?user=${wallet}`)).status).toBe(200);
  });

  it('CLOB: book errors, tick size as a number, clob-markets compact form, balance in base units', async () => {
    expect(await json(`${s.url}/book?token_id=123`)).toEqual({
      status: 404,
      body: { error: 'No orderbook exists for the requested token id' },
    });
    expect(await json(`${s.url}/book`)).toEqual({ status: 400, body: { error: 'Invalid token id' } });
    expect((await json(`${s.url}/tick-size?token_id=${token}`)).body).toEqual({ minimum_tick_size: 0.01 });
    expect((await json(`${s.url}/version`)).body).toEqual({ version: 2 });
    expect(typeof (await json(`${s.url}/time`)).body).toBe('number');
    const cm = (await json<Record<string, unknown>>(`${s.url}/clob-markets/${m.conditionId}`)).body;
    expect(cm).toMatchObject({
      c: m.conditionId,
      mts: 0.01,
      mos: 5,
      t: m.tokens.map((x) => ({ t: x.tokenId, o: x.outcome })),
    });
    expect(cm).not.toHaveProperty('nr');
    expect((await json(`${s.url}/markets-by-token/${token}`)).body).toEqual({ condition_id: m.conditionId });
    await setBook(s, token, [['0.3', '10']], [['0.7', '10']]);
    expect((await json(`${s.url}/price?token_id=${token}&side=BUY`)).body).toEqual({ price: '0.3' });
    expect((await post(`${s.url}/prices`, [{ token_id: token, side: 'SELL' }])).body).toEqual({
      [token]: { SELL: '0.7' },
    });
    expect((await json(`${s.url}/spread?token_id=${token}`)).body).toEqual({ spread: '0.4' });
    const bal = await l2<{ balance: string; allowances: Record<string, string> }>(
      s,
      t,
      'GET',
      '/balance-allowance?asset_type=COLLATERAL',
    );
    expect(bal.body.balance).toMatch(/^\d+$/);
    expect(Object.keys(bal.body.allowances)).toHaveLength(2);
    expect((await l2(s, t, 'GET', '/balance-allowance?asset_type=NOPE')).body).toEqual({
      error: 'Invalid asset type',
    });
  });
});
