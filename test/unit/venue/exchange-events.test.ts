// Decoding of the exchange contracts' OrderFilled logs (V1, V2, ExchangeV3) against fixtures whose
// topics and data were written word by word from the published event layouts (not by viem), and the
// ABI items checked against the topic0 values in docs/polymarket-api.md §7.2.
import { readFileSync } from 'node:fs';
import { toEventSelector, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  decodeOrderFilled,
  ORDER_FILLED_V1,
  ORDER_FILLED_V2,
  ORDERS_MATCHED_V1,
  ORDERS_MATCHED_V2,
  TOPIC0,
} from '../../../src/venue/polymarket/exchange-events.ts';
import { aggregateLeg, legsOf, priceOf, amountsOf } from '../../../src/ingest/chain/chain-legs.ts';

interface Fixture {
  name: string;
  log: {
    address: string;
    topics: Hex[];
    data: Hex;
    blockNumber: string;
    blockHash: string;
    transactionHash: string;
    logIndex: string;
    removed: boolean;
  };
  expect: Record<string, string | number | boolean>;
}

const fixtures = JSON.parse(
  readFileSync(new URL('../../support/fixtures/order-filled-logs.json', import.meta.url), 'utf8'),
) as Fixture[];

const raw = (f: Fixture) => ({
  ...f.log,
  blockNumber: BigInt(f.log.blockNumber),
  logIndex: Number.parseInt(f.log.logIndex, 16),
});

describe('exchange event ABI items', () => {
  it('hash to the topic0 values published for the contracts', () => {
    expect(toEventSelector(ORDER_FILLED_V2)).toBe(TOPIC0.orderFilledV2);
    expect(toEventSelector(ORDERS_MATCHED_V2)).toBe(TOPIC0.ordersMatchedV2);
    expect(toEventSelector(ORDER_FILLED_V1)).toBe(TOPIC0.orderFilledV1);
    expect(toEventSelector(ORDERS_MATCHED_V1)).toBe(TOPIC0.ordersMatchedV1);
    expect(TOPIC0.orderFilledV2).toBe('0xd543adfd945773f1a62f74f0ee55a5e3b9b1a28262980ba90b1a89f2ea84d8ee');
  });
});

describe('decodeOrderFilled', () => {
  for (const f of fixtures) {
    it(`decodes ${f.name}`, () => {
      const d = decodeOrderFilled(raw(f));
      expect(d).not.toBeNull();
      const e = f.expect;
      expect(d!.layout).toBe(e.layout);
      expect(d!.exchange).toBe(e.exchange);
      expect(d!.maker).toBe(e.maker);
      expect(d!.taker).toBe(e.taker);
      expect(d!.side).toBe(e.side);
      expect(d!.tokenId).toBe(e.tokenId);
      expect(d!.makerAmount.toString()).toBe(e.makerAmount);
      expect(d!.takerAmount.toString()).toBe(e.takerAmount);
      expect(d!.fee.toString()).toBe(e.fee);
      expect(d!.logIndex).toBe(e.logIndex);
      expect(d!.removed).toBe(e.removed ?? false);
      expect(priceOf(d!).toFixed()).toBe(e.price);
      expect(amountsOf(d!).shares.toFixed()).toBe(e.size);
    });
  }

  it('ignores other events and logs not yet mined', () => {
    const f = fixtures[0]!;
    expect(
      decodeOrderFilled({ ...raw(f), topics: [TOPIC0.ordersMatchedV2, ...f.log.topics.slice(1)] }),
    ).toBeNull();
    expect(decodeOrderFilled({ ...raw(f), blockHash: null })).toBeNull();
  });

  it('refuses a V1 log where neither asset is collateral', () => {
    const f = fixtures.find((x) => x.name === 'v1 maker buy')!;
    const data = `0x${'0'.repeat(63)}5${f.log.data.slice(66)}` as Hex;
    expect(decodeOrderFilled({ ...raw(f), data })).toBeNull();
  });
});

describe('legsOf', () => {
  const v2 = fixtures.map(raw).map((l) => decodeOrderFilled(l)!);
  const makerBuy = v2[0]!;
  const takerSell = v2[1]!;

  it('reads a maker log as the maker order fill at its price', () => {
    const { legs, unsplit } = legsOf([makerBuy], []);
    expect(unsplit).toEqual([]);
    expect(legs.map((l) => [l.wallet, l.side, l.price.toFixed(), l.size.toFixed(), l.role])).toEqual([
      ['0x1111111111111111111111111111111111111111', 'BUY', '0.37', '100', 'MAKER'],
    ]);
  });

  it('splits a taker aggregate into one leg per counterparty log, complementary tokens at 1 − price', () => {
    const w = takerSell.maker;
    // Two makers hit by the taker's SELL: one buying the same token at 0.63, one selling the
    // complementary token (a MERGE) at 0.38 → the taker sold at 0.62.
    const same = {
      ...makerBuy,
      maker: '0x3333333333333333333333333333333333333333',
      taker: w,
      side: 'BUY' as const,
      makerAmount: 18_900_000n,
      takerAmount: 30_000_000n,
      logIndex: 5,
      exchange: takerSell.exchange,
    };
    const complement = {
      ...makerBuy,
      maker: '0x4444444444444444444444444444444444444444',
      taker: w,
      side: 'SELL' as const,
      tokenId: '999',
      makerAmount: 20_000_000n,
      takerAmount: 7_600_000n,
      logIndex: 6,
      exchange: takerSell.exchange,
    };
    const { legs, unsplit } = legsOf([takerSell], [complement, same]);
    expect(unsplit).toEqual([]);
    expect(
      legs.map((l) => [l.wallet, l.assetId, l.side, l.price.toFixed(), l.size.toFixed(), l.logIndex]),
    ).toEqual([
      [w, takerSell.tokenId, 'SELL', '0.63', '30', 5],
      [w, takerSell.tokenId, 'SELL', '0.62', '20', 6],
    ]);
  });

  it('returns an aggregate with no counterparty logs unsplit, and aggregateLeg prices it on average', () => {
    const { legs, unsplit } = legsOf([takerSell], []);
    expect(legs).toEqual([]);
    expect(unsplit).toEqual([takerSell]);
    const leg = aggregateLeg(takerSell);
    expect([leg.side, leg.price.toFixed(), leg.size.toFixed(), leg.fee.toFixed()]).toEqual([
      'SELL',
      '0.625',
      '50',
      '0.12',
    ]);
  });

  it('snaps a price a rounded notional moved off the tick, but not for dust', () => {
    const odd = { ...makerBuy, makerAmount: 456_790n, takerAmount: 1_234_567n };
    expect(priceOf(odd).toFixed()).toBe('0.37');
    const dust = { ...makerBuy, makerAmount: 1n, takerAmount: 3n };
    expect(priceOf(dust).toFixed(6)).toBe('0.333333');
  });
});
