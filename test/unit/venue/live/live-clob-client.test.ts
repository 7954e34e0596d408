// The CLOB client's endpoints one by one against the simulator: the public market-data family,
// key management, batch placement, open orders, trades, cancels and balance refresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, dec } from '../../../../src/domain/money.ts';
import { VenueError } from '../../../../src/venue/errors.ts';
import type { ClobClient } from '../../../../src/venue/polymarket/clob-client.ts';
import type { PolymarketVenue } from '../../../../src/venue/polymarket/polymarket-venue.ts';
import { SimHarness, type SimAccount, type SimMarketSummary } from './sim-harness.ts';

let sim: SimHarness;
let market: SimMarketSummary;
let yes: string;
let no: string;
let account: SimAccount;
let venue: PolymarketVenue;
let clob: ClobClient;

beforeAll(async () => {
  sim = await SimHarness.start({ seed: 5 });
  market = await sim.binaryMarket();
  yes = market.tokens[0]?.tokenId as string;
  no = market.tokens[1]?.tokenId as string;
  account = await sim.newAccount();
  venue = account.venue;
  clob = venue.clob;
  await sim.fund(venue.funderAddress, dec('200'));
  await sim.setBook(yes, {
    bids: [
      ['0.40', '50'],
      ['0.44', '20'],
    ],
    asks: [
      ['0.60', '50'],
      ['0.56', '20'],
    ],
  });
});

afterAll(async () => {
  await sim.close();
});

describe('CLOB public endpoints', () => {
  it('prices, spreads, midpoints, tick size, neg-risk, fee rate, last trade, time', async () => {
    expect((await clob.getPrice(yes, 'BUY'))?.toFixed()).toBe('0.44');
    expect((await clob.getPrice(yes, 'SELL'))?.toFixed()).toBe('0.56');
    const prices = await clob.getPrices([
      { tokenId: yes, side: 'BUY' },
      { tokenId: yes, side: 'SELL' },
    ]);
    expect([prices[yes]?.BUY?.toFixed(), prices[yes]?.SELL?.toFixed()]).toEqual(['0.44', '0.56']);
    expect((await clob.getSpread(yes))?.toFixed()).toBe('0.12');
    expect((await clob.getSpreads([yes]))[yes]?.toFixed()).toBe('0.12');
    expect((await clob.getMidpoint(yes))?.toFixed()).toBe('0.5');
    // The complementary token's book is the same book seen from the other side.
    expect((await clob.getMidpoint(no))?.toFixed()).toBe('0.5');
    expect((await clob.getTickSize(yes)).toFixed()).toBe('0.01');
    expect(await clob.getNegRisk(yes)).toBe(false);
    expect(await clob.getFeeRate(yes)).toBeInstanceOf(Decimal);
    const last = await clob.getLastTradePrice(yes);
    expect(last.price).toBeInstanceOf(Decimal);
    const time = await clob.getServerTime();
    expect(Math.abs(time - Date.now() / 1000)).toBeLessThan(60);
  });

  it('market lookups and the cursor-paged market list', async () => {
    expect(await clob.getMarketIdByToken(yes)).toBe(market.conditionId);
    const info = await clob.getClobMarketInfo(market.conditionId);
    expect(info.t.map((t) => t.t)).toEqual([yes, no]);
    const full = await clob.getMarket(market.conditionId);
    expect(full.tokens.map((t) => t.outcome)).toEqual(market.tokens.map((t) => t.outcome));
    const page = await clob.getMarkets();
    expect(page.data.some((m) => m.condition_id === market.conditionId)).toBe(true);
  });

  it('books in batch, best price last on the wire', async () => {
    const [book] = await clob.getOrderBooks([yes]);
    expect(book?.bids.map((l) => l.price.toFixed())).toEqual(['0.4', '0.44']);
  });
});

describe('CLOB authenticated endpoints', () => {
  it('create-or-derive returns the same key again', async () => {
    const again = await account.venue.clob.createOrDeriveApiKey(0n);
    expect(again.key).toBe(account.credentials.apiKey);
  });

  it('batch-places, lists open orders, reads trades, cancels one and then all', async () => {
    const a = await venue.prepare({
      clientOrderId: 'batch-a',
      tokenId: yes,
      side: 'BUY',
      orderType: 'GTC',
      price: dec('0.30'),
      size: dec('10'),
    });
    const b = await venue.prepare({
      clientOrderId: 'batch-b',
      tokenId: yes,
      side: 'BUY',
      orderType: 'GTC',
      price: dec('0.31'),
      size: dec('10'),
    });
    const responses = await clob.postOrders([a.body, b.body]);
    expect(responses.map((r) => [r.success, r.status, r.orderID])).toEqual([
      [true, 'live', a.orderHash],
      [true, 'live', b.orderHash],
    ]);
    const open = await clob.getOpenOrders({ assetId: yes });
    expect(open.map((o) => o.id).sort()).toEqual([a.orderHash, b.orderHash].sort());

    const one = await clob.cancelOrder(a.orderHash);
    expect(one.canceled).toEqual([a.orderHash]);
    const all = await clob.cancelAll();
    expect(all.canceled).toEqual([b.orderHash]);
    expect(await clob.getOpenOrders()).toEqual([]);

    const taken = await venue.placeOrder({
      clientOrderId: 'take',
      tokenId: yes,
      side: 'BUY',
      orderType: 'FAK',
      price: dec('0.56'),
      amount: dec('5.6'),
    });
    const trades = await clob.getTrades({ market: market.conditionId });
    expect(trades.map((t) => t.id)).toEqual(expect.arrayContaining([...taken.tradeIds]));
    expect(trades.find((t) => t.taker_order_id === taken.venueOrderId)?.trader_side).toBe('TAKER');
    // 0.02 × 10 shares × 0.56 × 0.44 = 0.04928, charged on top of the 5.6 notional.
    expect([taken.filledSize.toFixed(), taken.notional.toFixed()]).toEqual(['10', '5.6']);
    expect(taken.fees.toFixed()).toBe(
      new Decimal(market.feeRateBps)
        .div(10_000)
        .times(10)
        .times('0.2464')
        .toDecimalPlaces(6, Decimal.ROUND_DOWN)
        .toFixed(),
    );
    expect((await venue.getCollateralBalance()).balance.toFixed()).toBe(
      dec('200').minus(taken.notional).minus(taken.fees).toFixed(),
    );
  });

  it('refreshes and reads balances; a bad asset type is rejected with the venue wording', async () => {
    await clob.updateBalanceAllowance({ assetType: 'COLLATERAL', signatureType: 0 });
    const tokens = await clob.getBalanceAllowance({
      assetType: 'CONDITIONAL',
      tokenId: yes,
      signatureType: 0,
    });
    expect(tokens.balance.toFixed()).toBe('10000000');
    const bad = await clob.getBalanceAllowance({ assetType: 'NOPE' as 'COLLATERAL' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(VenueError);
    expect([(bad as VenueError).kind, (bad as VenueError).reason]).toEqual([
      'rejected',
      'invalid_asset_type',
    ]);
  });

  it('a client without credentials fails as auth before sending', async () => {
    const { ClobClient: Client } = await import('../../../../src/venue/polymarket/clob-client.ts');
    const { PolymarketHttpClient } = await import('../../../../src/venue/polymarket/http-client.ts');
    const bare = new Client({
      http: new PolymarketHttpClient({ baseUrl: sim.hosts.clob, service: 'clob' }),
      chainId: 137,
    });
    const e = await bare.getOpenOrders().then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(VenueError);
    expect((e as VenueError).kind).toBe('auth');
  });
});
