// The official @polymarket/clob-client-v2, as an independent client with no special casing,
// against the simulator: it creates (and re-derives) an API key with L1 auth, reads a book, and
// gets a FOK market order and a GTC limit order matched, then looks its orders and trades up.
import { ClobClient, OrderType, Side } from '@polymarket/clob-client-v2';
import { createWalletClient, http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorServer } from '../../../src/simulator/server/index.ts';
import { fund, json, newAccount, pickMarket, setBook, startSmall, type SimMarketSummary } from './harness.ts';

let s: SimulatorServer;
const account = newAccount();
const wallet = createWalletClient({ account, transport: http('http://127.0.0.1:9') });

beforeAll(async () => {
  s = await startSmall();
});
afterAll(async () => {
  await s.close();
});

function client(creds?: { key: string; secret: string; passphrase: string }): ClobClient {
  return new ClobClient({
    host: s.url,
    chain: 137,
    signer: wallet,
    ...(creds ? { creds } : {}),
    throwOnError: true,
  });
}

describe('official clob-client-v2 against the simulator', () => {
  let creds: { key: string; secret: string; passphrase: string };
  let binary: SimMarketSummary;
  let negRisk: SimMarketSummary;

  it('creates an API key, and createOrDerive returns the same key again', async () => {
    creds = await client().createApiKey();
    expect(creds.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(creds.secret.length).toBeGreaterThan(40);
    // A second create for the same nonce is refused (400) and the client falls back to derive.
    const again = await new ClobClient({ host: s.url, chain: 137, signer: wallet }).createOrDeriveApiKey();
    expect(again).toEqual(creds);
    const derived = await client().deriveApiKey();
    expect(derived).toEqual(creds);
    // Another nonce is another key.
    const other = await client().createApiKey(1);
    expect(other.key).not.toBe(creds.key);
  });

  it('reads a book in production order (best price last)', async () => {
    binary = await pickMarket(s, '0.01', false);
    const token = binary.tokens[0]!.tokenId;
    await setBook(
      s,
      token,
      [
        ['0.40', '100'],
        ['0.45', '50'],
      ],
      [
        ['0.60', '100'],
        ['0.55', '50'],
      ],
    );
    const c = client(creds);
    const book = await c.getOrderBook(token);
    expect(book.asset_id).toBe(token);
    expect(book.bids.map((l) => l.price)).toEqual(['0.4', '0.45']);
    expect(book.asks.map((l) => l.price)).toEqual(['0.6', '0.55']);
    expect(await c.getOrderBookHash({ ...book })).toBe(book.hash);
    expect(await c.getTickSize(token)).toBe('0.01');
    expect(await c.getNegRisk(token)).toBe(false);
    expect(await c.getMidpoint(token)).toEqual({ mid: '0.5' });
  });

  it('gets a FOK market BUY matched', async () => {
    await fund(s, account.address, '1000');
    const token = binary.tokens[0]!.tokenId;
    const c = client(creds);
    // $40 walks 0.55 (50 × 0.55 = 27.5) into 0.60: the client prices the order at 0.60.
    const resp = await c.createAndPostMarketOrder(
      { tokenID: token, amount: 40, side: Side.BUY, orderType: OrderType.FOK },
      undefined,
      OrderType.FOK,
    );
    expect(resp.success).toBe(true);
    expect(resp.status).toBe('matched');
    expect(resp.transactionsHashes).toHaveLength(1);
    expect(resp.tradeIDs).toHaveLength(1);
    // 50 @ 0.55 = 27.5, then 12.5 / 0.60 → 20.83 shares (whole 0.01 lots) for 12.498
    expect(resp.takingAmount).toBe('70.83');
    expect(resp.makingAmount).toBe('39.998');
    const trades = await c.getTrades({ id: resp.tradeIDs![0]! });
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      trader_side: 'TAKER',
      side: 'BUY',
      size: '70.83',
      status: 'CONFIRMED',
    });
    expect(trades[0]!.maker_orders).toHaveLength(2);
    const bal = await c.getBalanceAllowance({ asset_type: 'CONDITIONAL' as never, token_id: token });
    expect(bal.balance).toBe('70830000');
  });

  it('gets a GTC limit order matched, and a resting one listed and cancelled', async () => {
    const token = binary.tokens[0]!.tokenId;
    const c = client(creds);
    const resting = await c.createAndPostOrder(
      { tokenID: token, price: 0.42, size: 10, side: Side.BUY },
      { tickSize: '0.01' },
      OrderType.GTC,
    );
    expect(resting).toMatchObject({ success: true, status: 'live' });
    const open = await c.getOpenOrders({ market: binary.conditionId });
    expect(open.map((o) => o.id)).toContain(resting.orderID);
    const order = await c.getOrder(resting.orderID);
    expect(order).toMatchObject({ id: resting.orderID, status: 'LIVE', original_size: '10', price: '0.42' });

    const crossing = await c.createAndPostOrder(
      { tokenID: token, price: 0.6, size: 20, side: Side.BUY },
      { tickSize: '0.01' },
      OrderType.GTC,
    );
    expect(crossing).toMatchObject({
      success: true,
      status: 'matched',
      takingAmount: '20',
      makingAmount: '12',
    });
    expect((await c.getOrder(crossing.orderID)).status).toBe('MATCHED');

    const cancelled = await c.cancelOrder({ orderID: resting.orderID });
    expect(cancelled.canceled).toEqual([resting.orderID]);
    expect((await c.getOrder(resting.orderID)).status).toBe('CANCELED');
  });

  it('signs for the neg-risk exchange on a neg-risk market and gets matched', async () => {
    negRisk = (await json<SimMarketSummary[]>(`${s.url}/sim/markets?active=true`)).body.find(
      (m) => m.negRisk && !m.closed,
    )!;
    expect(negRisk).toBeDefined();
    const token = negRisk.tokens[0]!.tokenId;
    const ask = negRisk.tickSize === '0.01' ? '0.30' : '0.300';
    await setBook(s, token, [], [[ask, '100']]);
    const c = client(creds);
    expect(await c.getNegRisk(token)).toBe(true);
    const resp = await c.createAndPostMarketOrder(
      { tokenID: token, amount: 6, side: Side.BUY, orderType: OrderType.FOK },
      undefined,
      OrderType.FOK,
    );
    expect(resp).toMatchObject({ success: true, status: 'matched', takingAmount: '20', makingAmount: '6' });
  });

  it('rejects with production strings through the official client', async () => {
    const token = binary.tokens[0]!.tokenId;
    await setBook(s, token, [['0.40', '100']], [['0.60', '5']]);
    const c = client(creds);
    await expect(
      c.createAndPostMarketOrder(
        { tokenID: token, amount: 50, side: Side.BUY, orderType: OrderType.FAK, price: 0.6 },
        undefined,
        OrderType.FOK,
      ),
    ).rejects.toThrow("order couldn't be fully filled. FOK orders are fully filled or killed.");
  });
});
