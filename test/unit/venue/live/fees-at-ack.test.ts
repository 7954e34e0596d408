// Fees at the ack from the market's fee schedule (issue 14, item 1): a filled placement reports its
// fee from the fee curve already cached to sign the order, with no GET /data/trades, and the figure
// is the one the trades give (exact for a fill at one price level).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, dec } from '../../../../src/domain/money.ts';
import type { PlaceOrderRequest } from '../../../../src/venue/venue.ts';
import { SimHarness, type SimMarketSummary } from './sim-harness.ts';

let sim: SimHarness;
let market: SimMarketSummary;
let tokenId: string;

beforeAll(async () => {
  sim = await SimHarness.start({ seed: 19 });
  market = await sim.binaryMarket();
  tokenId = market.tokens[0]!.tokenId;
});
afterAll(async () => {
  await sim.close();
});

/** A fetch that counts the trades reads it forwards. */
function countingFetch(counter: { trades: number }): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes('/data/trades')) counter.trades += 1;
    return fetch(input, init);
  };
}

const buy = (id: string): PlaceOrderRequest => ({
  clientOrderId: id,
  tokenId,
  side: 'BUY',
  orderType: 'FOK',
  price: dec('0.50'),
  amount: dec('20'),
  signedAtMs: 1_760_000_000_000,
});

describe('feesAtAck', () => {
  it("'schedule' reads no trades and reports the fee the trades report", async () => {
    expect(market.feeRateBps).toBeGreaterThan(0);
    const bySchedule = { trades: 0 };
    const byTrades = { trades: 0 };
    const a = await sim.newAccount({ feesAtAck: 'schedule', fetch: countingFetch(bySchedule) });
    const b = await sim.newAccount({ fetch: countingFetch(byTrades) });
    await sim.fund(a.venue.funderAddress, dec('100'));
    await sim.fund(b.venue.funderAddress, dec('100'));

    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '1000']] });
    const scheduled = await a.venue.placeOrder(buy('fees-schedule'));
    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '1000']] });
    const exact = await b.venue.placeOrder(buy('fees-trades'));

    // $20 at 0.50: 40 shares; fee = 40 × rate × (0.5 × 0.5), floored to pUSD base units.
    const expected = dec('40')
      .times(market.feeRateBps)
      .div(10_000)
      .times('0.25')
      .toDecimalPlaces(6, Decimal.ROUND_DOWN);
    expect(scheduled.filledSize.toFixed()).toBe('40');
    expect(scheduled.fees.toFixed()).toBe(expected.toFixed());
    expect(exact.fees.toFixed()).toBe(expected.toFixed());
    expect(bySchedule.trades).toBe(0);
    expect(byTrades.trades).toBeGreaterThanOrEqual(1);
    // The exact figure stays available: a lookup reads the trades.
    const looked = await a.venue.lookupOrder({ clientOrderId: 'fees-schedule' });
    expect(looked?.fees.toFixed()).toBe(expected.toFixed());
  });
});
