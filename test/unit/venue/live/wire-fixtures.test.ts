// Wire parsing on recorded fixtures. These JSON bodies are FIXTURES FROM THE DOC
// (shared/docs/polymarket-api.md, the section named in each test), not captures of live traffic:
// they pin the field names, types and quirks the adapter relies on (money as JSON numbers on the
// Data API and Gamma, strings on the CLOB, books best-last, Gamma's JSON-encoded arrays, the
// leaderboard's string rank, `ORDER_STATUS_` prefixes, "" for unset amounts).
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../../src/domain/money.ts';
import {
  balanceAllowanceSchema,
  bookSchema,
  clobMarketInfoSchema,
  midpointSchema,
  openOrderSchema,
  orderResponseSchema,
  tickSizeSchema,
} from '../../../../src/venue/polymarket/clob-wire.ts';
import { dataTradeSchema, leaderboardRowSchema } from '../../../../src/venue/polymarket/data-api-client.ts';
import { gammaMarketSchema } from '../../../../src/venue/polymarket/gamma-client.ts';
import { parseLosslessJson } from '../../../../src/venue/polymarket/lossless-json.ts';
import {
  bookFromWire,
  marketFromClob,
  marketFromGamma,
} from '../../../../src/venue/polymarket/market-mapping.ts';
import {
  decodeMarketFrames,
  mapMarketFrame,
  type TokenRules,
} from '../../../../src/venue/polymarket/market-stream.ts';
import { decodeRtdsFrame } from '../../../../src/venue/polymarket/rtds-stream.ts';

const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const CID = '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1';

const wire = (text: string): unknown => parseLosslessJson(text);

describe('CLOB fixtures from the doc', () => {
  it('§3.1 book: strings, best price last on the wire, best first after mapping', () => {
    const book = bookSchema.parse(
      wire(`{"market":"${CID}","asset_id":"${TOKEN}","timestamp":"1776894289310",
        "hash":"0123456789abcdef0123456789abcdef01234567",
        "bids":[{"price":"0.48","size":"30"},{"price":"0.52","size":"10"}],
        "asks":[{"price":"0.60","size":"5"},{"price":"0.55","size":"12.5"}],
        "min_order_size":"5","tick_size":"0.01","neg_risk":false,"last_trade_price":"0.53"}`),
    );
    const mapped = bookFromWire(book);
    expect(mapped.bids.map((l) => l.price.toFixed())).toEqual(['0.52', '0.48']);
    expect(mapped.asks.map((l) => [l.price.toFixed(), l.size.toFixed()])).toEqual([
      ['0.55', '12.5'],
      ['0.6', '5'],
    ]);
    expect(mapped.timestampMs).toBe(1776894289310);
    expect(mapped.tickSize.toFixed()).toBe('0.01');
    expect(mapped.lastTradePrice?.toFixed()).toBe('0.53');
  });

  it('§3.1 midpoint is `mid` (the docs page says `mid_price`; both parse), tick size a number', () => {
    expect(midpointSchema.parse(wire('{"mid":"0.55"}'))?.toFixed()).toBe('0.55');
    expect(midpointSchema.parse(wire('{"mid_price":"0.55"}'))?.toFixed()).toBe('0.55');
    expect(tickSizeSchema.parse(wire('{"minimum_tick_size":0.001}')).toFixed()).toBe('0.001');
  });

  it('§3.1 clob-markets compact info → Market rules and fee curve', () => {
    const info = clobMarketInfoSchema.parse(
      wire(`{"c":"${CID}","t":[{"t":"${TOKEN}","o":"Yes"},{"t":"1","o":"No"}],"mts":0.01,"nr":true,
        "fd":{"r":0.04,"e":1,"to":true},"mbf":0,"tbf":400,"r":null,"ao":true,"mos":5}`),
    );
    const m = marketFromClob(info, null);
    expect(m.tokens.map((t) => t.outcome)).toEqual(['Yes', 'No']);
    expect([m.tickSize.toFixed(), m.minOrderSize.toFixed(), m.negRisk, m.acceptingOrders]).toEqual([
      '0.01',
      '5',
      true,
      true,
    ]);
    expect([m.fees.rate.toFixed(), m.fees.exponent, m.fees.takerOnly]).toEqual(['0.04', 1, true]);
  });

  it('§3.5 order response: decimals, "" for unset amounts', () => {
    const matched = orderResponseSchema.parse(
      wire(`{"success":true,"errorMsg":"","orderID":"0x${'ab'.repeat(32)}","status":"matched",
        "makingAmount":"5.5","takingAmount":"10","tradeIDs":["t-1"],"transactionsHashes":["0x${'cd'.repeat(32)}"]}`),
    );
    expect([matched.makingAmount?.toFixed(), matched.takingAmount?.toFixed(), matched.status]).toEqual([
      '5.5',
      '10',
      'matched',
    ]);
    const live = orderResponseSchema.parse(
      wire(
        '{"success":true,"errorMsg":"","orderID":"0x1","status":"live","makingAmount":"","takingAmount":""}',
      ),
    );
    expect([live.makingAmount, live.takingAmount, live.tradeIDs]).toEqual([null, null, undefined]);
  });

  it('§3.2 OpenOrder with the ORDER_STATUS_ prefix', () => {
    const o = openOrderSchema.parse(
      wire(`{"id":"0xabc","status":"ORDER_STATUS_LIVE","owner":"uuid","maker_address":"0x1","market":"${CID}",
        "asset_id":"${TOKEN}","side":"BUY","original_size":"10","size_matched":"2.5","price":"0.4",
        "outcome":"Yes","expiration":"0","order_type":"GTC","associate_trades":["t-1"],"created_at":1760000000}`),
    );
    expect([o.status, o.original_size.toFixed(), o.size_matched.toFixed(), o.expiration]).toEqual([
      'ORDER_STATUS_LIVE',
      '10',
      '2.5',
      0,
    ]);
  });

  it('§3.2 balance-allowance in both the V2 (`allowances`) and V1 (`allowance`) shapes', () => {
    const v2 = balanceAllowanceSchema.parse(
      wire('{"balance":"12500000","allowances":{"0xE111180000d2663C0091e4f400237545B87B996B":"1000000"}}'),
    );
    expect(v2.balance.toFixed()).toBe('12500000');
    expect(Object.values(v2.allowances ?? {})[0]?.toFixed()).toBe('1000000');
    const v1 = balanceAllowanceSchema.parse(wire('{"balance":"0","allowance":"5"}'));
    expect(v1.allowance?.toFixed()).toBe('5');
  });
});

describe('Data API fixtures from the doc', () => {
  it('§1.1 trade: numbers become exact Decimals, timestamp in seconds', () => {
    const t = dataTradeSchema.parse(
      wire(`{"proxyWallet":"0x1111111111111111111111111111111111111111","side":"BUY",
        "asset":"${TOKEN}","conditionId":"${CID}","size":40,"price":0.55,"timestamp":1760000000,
        "title":"Will X happen?","slug":"will-x-happen","icon":"https://...","eventSlug":"x-event",
        "outcome":"Yes","outcomeIndex":0,"name":"alice","pseudonym":"Calm-Otter","bio":"","profileImage":"",
        "profileImageOptimized":"","transactionHash":"0xabc...def"}`),
    );
    expect(t.price).toBeInstanceOf(Decimal);
    expect([t.price.toFixed(), t.size.toFixed(), t.timestamp, t.outcomeIndex]).toEqual([
      '0.55',
      '40',
      1760000000,
      0,
    ]);
  });

  it('a price no double can hold survives parsing exactly', () => {
    const t = dataTradeSchema.parse(
      wire(`{"proxyWallet":"0x1","side":"SELL","asset":"1","conditionId":"${CID}","size":0.30000000000000004123,
        "price":0.1234567890123456789,"timestamp":1,"outcomeIndex":1,"transactionHash":"0x2"}`),
    );
    expect(t.price.toFixed()).toBe('0.1234567890123456789');
    expect(t.size.toFixed()).toBe('0.30000000000000004123');
  });

  it('§1.7 leaderboard: rank is a string on the wire', () => {
    const row = leaderboardRowSchema.parse(
      wire(
        '{"rank":"1","proxyWallet":"0x1","userName":"a","vol":123.4,"pnl":56.7,"profileImage":"","xUsername":"","verifiedBadge":false}',
      ),
    );
    expect([row.rank, row.vol.toFixed(), row.pnl.toFixed()]).toEqual([1, '123.4', '56.7']);
  });
});

describe('Gamma fixture from the doc', () => {
  it('§2.3 market: JSON-encoded string arrays, numbers as Decimals, resolution from outcomePrices', () => {
    const g = gammaMarketSchema.parse(
      wire(`{"id":"572481","question":"Will X happen by Dec 31?","slug":"will-x-happen-by-dec-31",
        "conditionId":"${CID}","outcomes":"[\\"Yes\\", \\"No\\"]","outcomePrices":"[\\"0.55\\", \\"0.45\\"]",
        "clobTokenIds":"[\\"${TOKEN}\\", \\"52114319501245915516055106046884209969926127482827954674443846427813813222426\\"]",
        "active":true,"closed":false,"acceptingOrders":true,"enableOrderBook":true,
        "endDate":"2026-12-31T12:00:00Z","orderPriceMinTickSize":0.01,"orderMinSize":5,
        "negRisk":false,"bestBid":0.54,"bestAsk":0.56,"lastTradePrice":0.55,
        "feesEnabled":true,"feeSchedule":{"exponent":1,"rate":0.04,"takerOnly":true,"rebateRate":0.25}}`),
    );
    expect(g.outcomes).toEqual(['Yes', 'No']);
    expect(g.tokenIds[0]).toBe(TOKEN);
    expect(g.outcomePrices.map((p) => p.toFixed())).toEqual(['0.55', '0.45']);
    expect(g.endDate?.toISOString()).toBe('2026-12-31T12:00:00.000Z');
    const m = marketFromGamma(g);
    expect([m?.tickSize.toFixed(), m?.minOrderSize.toFixed(), m?.fees.rate.toFixed(), m?.resolved]).toEqual([
      '0.01',
      '5',
      '0.04',
      false,
    ]);
    const resolved = marketFromGamma(
      gammaMarketSchema.parse({
        ...(wire(
          JSON.stringify({
            conditionId: CID,
            clobTokenIds: `["${TOKEN}","2"]`,
            outcomes: '["Yes","No"]',
            closed: true,
            umaResolutionStatus: 'resolved',
          }),
        ) as object),
        outcomePrices: '["0","1"]',
      }),
    );
    expect([resolved?.resolved, resolved?.winningTokenId]).toEqual([true, '2']);
  });

  it('§2.3 Protocol V2 markets take their token ids from positionIds, chosen by version', () => {
    const g = gammaMarketSchema.parse(
      wire(
        `{"id":"1","conditionId":"${CID}","version":"v2","clobTokenIds":"[\\"9\\"]","positionIds":["7","8"],"outcomes":"[\\"Yes\\",\\"No\\"]"}`,
      ),
    );
    expect(g.tokenIds).toEqual(['7', '8']);
  });
});

describe('websocket fixtures from the doc', () => {
  const rules = () => new Map<string, TokenRules>();

  it('§6.1 price_change: one event per entry, size is the new level total', () => {
    const [frame] = decodeMarketFrames(
      `{"event_type":"price_change","market":"${CID}","timestamp":"1760000000123",
        "price_changes":[{"asset_id":"${TOKEN}","price":"0.54","size":"250","side":"BUY",
        "hash":"9f2c","best_bid":"0.54","best_ask":"0.56"}]}`,
    );
    const events = mapMarketFrame(frame, rules(), 0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'price_change',
      tokenId: TOKEN,
      side: 'BUY',
      timestampMs: 1760000000123,
    });
    if (events[0]?.type === 'price_change') {
      expect([events[0].price.toFixed(), events[0].size.toFixed(), events[0].bestAsk?.toFixed()]).toEqual([
        '0.54',
        '250',
        '0.56',
      ]);
    }
  });

  it('§6.1 an initial dump arrives as an array of book events; tick changes update later books', () => {
    const r = rules();
    const frames = decodeMarketFrames(
      `[{"event_type":"book","market":"${CID}","asset_id":"${TOKEN}","timestamp":"1","hash":"h",
        "bids":[{"price":"0.1","size":"1"},{"price":"0.2","size":"2"}],"asks":[]}]`,
    );
    expect(frames).toHaveLength(1);
    const [book] = mapMarketFrame(frames[0], r, 0);
    expect(book?.type === 'book' && book.book.bids.map((l) => l.price.toFixed())).toEqual(['0.2', '0.1']);
    const [tick] = mapMarketFrame(
      {
        event_type: 'tick_size_change',
        market: CID,
        asset_id: TOKEN,
        old_tick_size: '0.01',
        new_tick_size: '0.001',
        timestamp: '2',
      },
      r,
      0,
    );
    expect(tick?.type === 'tick_size_change' && tick.newTickSize.toFixed()).toBe('0.001');
    const [again] = mapMarketFrame(
      { event_type: 'book', market: CID, asset_id: TOKEN, timestamp: '3', hash: '', bids: [], asks: [] },
      r,
      0,
    );
    expect(again?.type === 'book' && again.book.tickSize.toFixed()).toBe('0.001');
    expect(mapMarketFrame({ event_type: 'best_bid_ask' }, r, 0)).toEqual([]);
  });

  it('§6.1 last_trade_price and market_resolved', () => {
    const [trade] = mapMarketFrame(
      parseLosslessJson(
        `{"event_type":"last_trade_price","market":"${CID}","asset_id":"${TOKEN}","price":"0.55","size":"10","side":"SELL","fee_rate_bps":"0","timestamp":"5"}`,
      ),
      rules(),
      0,
    );
    expect(trade).toMatchObject({ type: 'last_trade', side: 'SELL', timestampMs: 5 });
    const [resolved] = mapMarketFrame(
      { event_type: 'market_resolved', market: CID, winning_asset_id: TOKEN, timestamp: '6' },
      rules(),
      0,
    );
    expect(resolved).toEqual({
      type: 'market_resolved',
      conditionId: CID,
      winningTokenId: TOKEN,
      timestampMs: 6,
    });
  });

  it('§6.3 RTDS activity trade: envelope, payload with JSON-number price/size, empty first frame', () => {
    expect(decodeRtdsFrame('', 0)).toEqual([]);
    const fills = decodeRtdsFrame(
      `{"topic":"activity","type":"trades","timestamp":1760000000456,"connection_id":"c1","payload":{
        "asset":"${TOKEN}","bio":"","conditionId":"${CID}","eventSlug":"x-event","icon":"","name":"alice",
        "outcome":"Yes","outcomeIndex":0,"price":0.55,"profileImage":"",
        "proxyWallet":"0x1111111111111111111111111111111111111111","pseudonym":"Calm-Otter","side":"BUY",
        "size":40,"slug":"will-x-happen","timestamp":1760000000,"title":"Will X happen?","transactionHash":"0xabc"}}`,
      0,
    );
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({
      transactionHash: '0xabc',
      wallet: '0x1111111111111111111111111111111111111111',
      asset: TOKEN,
      side: 'BUY',
      timestamp: 1760000000,
      conditionId: CID,
      slug: 'will-x-happen',
      outcome: 'Yes',
      outcomeIndex: 0,
      receivedAtMs: 1760000000456,
    });
    expect([fills[0]?.price.toFixed(), fills[0]?.size.toFixed()]).toEqual(['0.55', '40']);
    // Other topics are not fills.
    expect(decodeRtdsFrame('{"topic":"comments","type":"comment_created","payload":{}}', 0)).toEqual([]);
  });
});
