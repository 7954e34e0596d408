// Each production error string (docs/polymarket-api.md §3.6) produced by the case that triggers
// it, with the production status code; and `--accept-v1` taking a V1-signed order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorServer } from '../../../src/simulator/server/index.ts';
import { buildL1Headers } from '../../../src/venue/polymarket/l1-auth.ts';
import { buildL2Headers } from '../../../src/venue/polymarket/l2-auth.ts';
import { defaultsV1, signOrderV1 } from '../../../src/venue/polymarket/legacy-order-v1.ts';
import { limitOrderAmounts } from '../../../src/venue/polymarket/order-amounts.ts';
import { postOrderBodyV1, serializePostOrderBodyV2 } from '../../../src/venue/polymarket/order-body.ts';
import { buildOrderV2, signOrderV2 } from '../../../src/venue/polymarket/order-signing.ts';
import {
  createKey,
  fund,
  json,
  l2,
  limitOrder,
  marketOrder,
  newAccount,
  pickMarket,
  postOrder,
  setBook,
  startSmall,
  type OrderResponse,
  type SimMarketSummary,
  type Trader,
} from './harness.ts';

let s: SimulatorServer;
let m: SimMarketSummary;
let token: string;
let alice: Trader;
let broke: Trader;

beforeAll(async () => {
  s = await startSmall();
  m = await pickMarket(s, '0.01', false);
  token = m.tokens[0]!.tokenId;
  await setBook(s, token, [['0.40', '100']], [['0.60', '10']]);
  alice = await createKey(s, newAccount());
  broke = await createKey(s, newAccount());
  await fund(s, alice.account.address, '500');
});
afterAll(async () => {
  await s.close();
});

const common = () => ({ tokenId: token, tickSize: '0.01' as const, negRisk: false });

async function v1Body(t: Trader, negRisk: boolean): Promise<string> {
  const amounts = limitOrderAmounts({ side: 'BUY', price: '0.5', size: '10', tickSize: '0.01' });
  const order = await signOrderV1(
    defaultsV1({
      salt: 12345n,
      maker: t.account.address,
      signer: t.account.address,
      tokenId: BigInt(token),
      makerAmount: amounts.makerAmount,
      takerAmount: amounts.takerAmount,
      side: 'BUY',
    }),
    t.account,
    negRisk,
  );
  return JSON.stringify(postOrderBodyV1(order, { owner: t.creds.key, orderType: 'GTC' }));
}

describe('order rejections', () => {
  it('price off the tick → 400 breaks minimum tick size rule', async () => {
    // Signed with 0.001 rounding on a 0.01 market.
    const o = await limitOrder(alice, {
      ...common(),
      side: 'BUY',
      price: '0.555',
      size: '10',
      tickSize: '0.001',
    });
    const r = await postOrder(s, alice, o);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: expect.stringMatching(
        /^order 0x[0-9a-f]{64} is invalid\. Price \(0\.555\) breaks minimum tick size rule: 0\.01$/,
      ),
    });
  });

  it('below the minimum size → 400 Size (x) lower than the minimum: 5', async () => {
    const o = await limitOrder(alice, { ...common(), side: 'BUY', price: '0.3', size: '2' });
    const r = await postOrder(s, alice, o);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^order 0x[0-9a-f]{64} is invalid\. Size \(2\) lower than the minimum: 5$/);
  });

  it('an unfunded wallet → 400 not enough balance / allowance', async () => {
    const o = await limitOrder(broke, { ...common(), side: 'BUY', price: '0.3', size: '10' });
    const r = await postOrder(s, broke, o);
    expect(r).toEqual({ status: 400, body: { error: 'not enough balance / allowance' } });
    // Selling tokens it does not hold fails the same way.
    const sell = await limitOrder(alice, { ...common(), side: 'SELL', price: '0.7', size: '10' });
    expect((await postOrder(s, alice, sell)).body).toEqual({ error: 'not enough balance / allowance' });
  });

  it('a FOK that cannot fill → 400 FOK orders are fully filled or killed', async () => {
    const o = await marketOrder(alice, { ...common(), side: 'BUY', amount: '20', price: '0.6' });
    const r = await postOrder(s, alice, o, 'FOK');
    expect(r).toEqual({
      status: 400,
      body: { error: "order couldn't be fully filled. FOK orders are fully filled or killed." },
    });
  });

  it('a FAK with nothing to match → 400 no orders found to match with FAK order', async () => {
    const o = await marketOrder(alice, { ...common(), side: 'BUY', amount: '5', price: '0.5' });
    const r = await postOrder(s, alice, o, 'FAK');
    expect(r.body.error).toBe(
      'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.',
    );
  });

  it('a marketable BUY under $1 → invalid amount for a marketable BUY order', async () => {
    const o = await marketOrder(alice, { ...common(), side: 'BUY', amount: '0.86', price: '0.6' });
    expect((await postOrder(s, alice, o, 'FOK')).body.error).toBe(
      'invalid amount for a marketable BUY order ($0.86), min size: $1',
    );
  });

  it('market-order amounts with too many decimals → the precision error', async () => {
    // A limit-sized order (maker 1.2915 pUSD) sent as FOK.
    const o = await limitOrder(alice, {
      ...common(),
      side: 'BUY',
      price: '0.123',
      size: '10.5',
      tickSize: '0.001',
    });
    expect((await postOrder(s, alice, o, 'FOK')).body.error).toBe(
      'invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals',
    );
  });

  it('the same signed order twice → Duplicated, and both arrivals are in the ledger', async () => {
    const o = await limitOrder(alice, { ...common(), side: 'BUY', price: '0.35', size: '10' });
    const first = await postOrder(s, alice, o);
    expect(first.body).toMatchObject({ success: true, status: 'live' });
    const second = await postOrder(s, alice, o);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe(`order ${first.body.orderID} is invalid. Duplicated.`);
    const ledger = (
      await json<{ orderHash: string; accepted: boolean }[]>(`${s.url}/sim/ledger?apiKey=${alice.creds.key}`)
    ).body;
    expect(ledger.filter((e) => e.orderHash === first.body.orderID).map((e) => e.accepted)).toEqual([
      true,
      false,
    ]);
  });

  it('owner ≠ API key → the order owner has to be the owner of the API KEY', async () => {
    const o = await limitOrder(alice, { ...common(), side: 'BUY', price: '0.3', size: '10' });
    const r = await postOrder(s, alice, o, 'GTC', { owner: broke.creds.key });
    expect(r).toEqual({ status: 400, body: { error: 'the order owner has to be the owner of the API KEY' } });
  });

  it("another wallet's signed order → the order signer address has to be the address of the API KEY", async () => {
    const o = await limitOrder(broke, { ...common(), side: 'BUY', price: '0.3', size: '10' });
    const r = await postOrder(s, alice, o);
    expect(r.body.error).toBe('the order signer address has to be the address of the API KEY');
  });

  it('an order signed for the wrong exchange (neg-risk domain) → invalid signature', async () => {
    const o = await limitOrder(alice, { ...common(), negRisk: true, side: 'BUY', price: '0.3', size: '10' });
    expect((await postOrder(s, alice, o)).body).toEqual({ error: 'invalid signature' });
  });

  it('a tampered amount → invalid signature', async () => {
    const o = await limitOrder(alice, { ...common(), side: 'BUY', price: '0.3', size: '10' });
    const r = await postOrder(s, alice, { ...o, takerAmount: o.takerAmount + 10_000n });
    expect(r.body.error).toBe('invalid signature');
  });

  it('a V1-signed order → 400 {"error":"order_version_mismatch"} (exact body)', async () => {
    const body = await v1Body(alice, false);
    const headers = buildL2Headers({
      address: alice.account.address,
      credentials: alice.creds,
      method: 'POST',
      requestPath: '/order',
      body,
    });
    const r = await fetch(`${s.url}/order`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    expect(r.status).toBe(400);
    expect(await r.text()).toBe('{"error":"order_version_mismatch"}');
  });

  it('garbage → Invalid order payload; too many orders → Too many orders in payload', async () => {
    expect(
      (await l2(s, alice, 'POST', '/order', '{"order":{"foo":1},"owner":"x","orderType":"GTC"}')).body,
    ).toEqual({
      error: 'Invalid order payload',
    });
    const o = await limitOrder(alice, { ...common(), side: 'BUY', price: '0.3', size: '10' });
    const one = JSON.parse(
      serializePostOrderBodyV2(o, { owner: alice.creds.key, orderType: 'GTC' }),
    ) as unknown;
    const r = await l2(s, alice, 'POST', '/orders', JSON.stringify(Array.from({ length: 16 }, () => one)));
    expect(r).toEqual({ status: 400, body: { error: 'Too many orders in payload: 16, max allowed: 15' } });
  });

  it('a batch answers per order inside HTTP 200', async () => {
    const good = await limitOrder(alice, { ...common(), side: 'BUY', price: '0.31', size: '10' });
    const small = await limitOrder(alice, { ...common(), side: 'BUY', price: '0.31', size: '1' });
    const body = JSON.stringify(
      [good, small].map(
        (o) =>
          JSON.parse(serializePostOrderBodyV2(o, { owner: alice.creds.key, orderType: 'GTC' })) as unknown,
      ),
    );
    const r = await l2<OrderResponse[]>(s, alice, 'POST', '/orders', body);
    expect(r.status).toBe(200);
    expect(r.body[0]).toMatchObject({ success: true, status: 'live' });
    expect(r.body[1]).toMatchObject({
      success: false,
      errorMsg: expect.stringMatching(/lower than the minimum: 5$/),
    });
  });

  it('a bad L2 HMAC → 401 Unauthorized/Invalid api key', async () => {
    const headers = buildL2Headers({
      address: alice.account.address,
      credentials: alice.creds,
      method: 'GET',
      requestPath: '/data/orders',
    });
    const forged = {
      ...headers,
      POLY_SIGNATURE: headers.POLY_SIGNATURE.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    };
    const r = await json(`${s.url}/data/orders`, { headers: forged });
    expect(r).toEqual({ status: 401, body: { error: 'Unauthorized/Invalid api key' } });
    // The body is covered too: the same headers with another body fail.
    const o = await limitOrder(alice, { ...common(), side: 'BUY', price: '0.3', size: '10' });
    const body = serializePostOrderBodyV2(o, { owner: alice.creds.key, orderType: 'GTC' });
    const h2 = buildL2Headers({
      address: alice.account.address,
      credentials: alice.creds,
      method: 'POST',
      requestPath: '/order',
      body,
    });
    const r2 = await fetch(`${s.url}/order`, {
      method: 'POST',
      headers: { ...h2, 'content-type': 'application/json' },
      body: body.replace('"GTC"', '"FOK"'),
    });
    expect(r2.status).toBe(401);
  });

  it('a stale L1 timestamp → 401 Invalid L1 Request headers; derive of an unknown nonce → 400', async () => {
    const acct = newAccount();
    const stale = await buildL1Headers({ signer: acct, timestampSec: Math.floor(Date.now() / 1000) - 3600 });
    expect(await json(`${s.url}/auth/api-key`, { method: 'POST', headers: { ...stale } })).toEqual({
      status: 401,
      body: { error: 'Invalid L1 Request headers' },
    });
    const other = newAccount();
    const forged = { ...(await buildL1Headers({ signer: other })), POLY_ADDRESS: acct.address };
    expect((await json(`${s.url}/auth/api-key`, { method: 'POST', headers: { ...forged } })).status).toBe(
      401,
    );
    const fresh = await buildL1Headers({ signer: acct, nonce: 7n });
    expect(await json(`${s.url}/auth/derive-api-key`, { headers: { ...fresh } })).toEqual({
      status: 400,
      body: { error: 'Could not derive api key!' },
    });
    await createKey(s, acct, 7n);
    expect(
      await json(`${s.url}/auth/api-key`, {
        method: 'POST',
        headers: { ...(await buildL1Headers({ signer: acct, nonce: 7n })) },
      }),
    ).toEqual({
      status: 400,
      body: { error: 'Could not create api key' },
    });
  });

  it('a proxy wallet (type 1) is debited as the maker, and cannot be borrowed by another signer', async () => {
    const proxy = '0x00000000000000000000000000000000000abcde' as const;
    await fund(s, proxy, '100');
    const o = await limitOrder(alice, {
      ...common(),
      side: 'BUY',
      price: '0.3',
      size: '10',
      maker: proxy,
      signatureType: 1,
    });
    expect((await postOrder(s, alice, o)).body).toMatchObject({ success: true, status: 'live' });
    const bal = await json<{ reserved: string }>(`${s.url}/sim/balance?address=${proxy}`);
    expect(bal.body.reserved).toBe('3');
    const theirs = await limitOrder(broke, {
      ...common(),
      side: 'BUY',
      price: '0.3',
      size: '10',
      maker: proxy,
      signatureType: 1,
    });
    expect((await postOrder(s, broke, theirs)).body.error).toBe(
      'maker address not allowed, please use the deposit wallet flow',
    );
  });

  it('GTD: an expiration inside the 60 s threshold → invalid expiration', async () => {
    const amounts = limitOrderAmounts({ side: 'BUY', price: '0.3', size: '10', tickSize: '0.01' });
    const order = buildOrderV2({
      signer: alice.account,
      tokenId: token,
      negRisk: false,
      ...amounts,
      expiration: BigInt(Math.floor(s.sim.now / 1000) + 30),
    });
    const signed = await signOrderV2(order, alice.account, false);
    expect((await postOrder(s, alice, signed, 'GTD')).body).toEqual({ error: 'invalid expiration' });
  });
});

describe('--accept-v1', () => {
  let v1: SimulatorServer;
  beforeAll(async () => {
    v1 = await startSmall({ acceptV1: true });
  });
  afterAll(async () => {
    await v1.close();
  });

  it('accepts a V1-signed order verified on the V1 domain, and refuses one signed for V2', async () => {
    const vm = await pickMarket(v1, '0.01', false);
    token = vm.tokens[0]!.tokenId;
    const t = await createKey(v1, newAccount());
    await fund(v1, t.account.address, '100');
    const body = await v1Body(t, false);
    const r = await l2<OrderResponse>(v1, t, 'POST', '/order', body);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true });
    const ledger = (
      await json<{ version: number; orderHash: string }[]>(`${v1.url}/sim/ledger?apiKey=${t.creds.key}`)
    ).body;
    expect(ledger).toEqual([expect.objectContaining({ version: 1, orderHash: r.body.orderID })]);
    // The same fields signed on the neg-risk V1 domain, for a non-neg-risk market: refused (it is
    // checked before the duplicate rule, as the hash is the accepted order's).
    const wrong = await v1Body(t, true);
    expect((await l2<OrderResponse>(v1, t, 'POST', '/order', wrong)).body.error).toBe('invalid signature');
  });
});
