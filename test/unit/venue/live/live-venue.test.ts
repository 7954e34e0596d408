// The live adapter's failure handling against the simulator: a dropped order response, a 429, a
// timed-out placement, 5xx on reads, and idempotency across a process restart. The simulator's
// `/sim/ledger` is the witness of how many times an order actually arrived.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/money.ts';
import { VenueError } from '../../../../src/venue/errors.ts';
import { PolymarketVenue } from '../../../../src/venue/polymarket/polymarket-venue.ts';
import { SignatureType } from '../../../../src/venue/polymarket/order-struct.ts';
import { placeOrderSafely } from '../../../../src/venue/retry.ts';
import type { PlaceOrderRequest } from '../../../../src/venue/venue.ts';
import { SimHarness, type SimMarketSummary } from './sim-harness.ts';

let sim: SimHarness;
let market: SimMarketSummary;
let tokenId: string;
let seq = 0;

beforeAll(async () => {
  sim = await SimHarness.start({ seed: 11 });
  market = await sim.binaryMarket();
  tokenId = market.tokens[0]?.tokenId as string;
});

afterEach(async () => {
  await sim.faults({ reset: true });
});

afterAll(async () => {
  await sim.close();
});

function buy(label: string, overrides: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest {
  seq += 1;
  return {
    clientOrderId: `live-${label}-${seq}`,
    tokenId,
    side: 'BUY',
    orderType: 'FOK',
    price: dec('0.55'),
    amount: dec('5'),
    signedAtMs: 1_760_000_000_000 + seq,
    ...overrides,
  } as PlaceOrderRequest;
}

async function caught(promise: Promise<unknown>): Promise<VenueError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VenueError);
  return error as VenueError;
}

describe('PolymarketVenue against the simulator: ambiguous failures', () => {
  it('a dropped order response is unknown_outcome, and the order did land', async () => {
    const { venue, credentials } = await sim.newAccount();
    await sim.fund(venue.funderAddress, dec('100'));
    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
    await sim.faults({ dropNextOrderResponses: 1 });
    const request = buy('dropped');
    const error = await caught(venue.placeOrder(request));
    expect(error.kind).toBe('unknown_outcome');

    const ledger = await sim.ledger(credentials.apiKey);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ accepted: true, responseDropped: true });
    const found = await venue.lookupOrder({ clientOrderId: request.clientOrderId });
    expect(found?.venueOrderId).toBe(ledger[0]?.orderHash);
    expect(found?.status).toBe('matched');
    expect(found?.filledSize.toFixed()).toBe('10');
    expect(found?.notional.toFixed()).toBe('5');
  });

  it('placeOrderSafely recovers a dropped response by lookup and never re-sends', async () => {
    const { venue, credentials } = await sim.newAccount();
    await sim.fund(venue.funderAddress, dec('100'));
    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
    await sim.faults({ dropNextOrderResponses: 1 });
    const request = buy('safely');
    const placed = await placeOrderSafely(venue, request, { lookupDelayMs: 50 });
    expect(placed).toMatchObject({ sends: 1, recoveredByLookup: true });
    expect(placed.result.clientOrderId).toBe(request.clientOrderId);
    expect(placed.result.filledSize.toFixed()).toBe('10');

    const ledger = await sim.ledger(credentials.apiKey);
    expect(ledger.map((e) => e.orderHash)).toEqual([placed.result.venueOrderId]);
    expect((await venue.getTokenBalance(tokenId)).balance.toFixed()).toBe('10');
  });

  it('a restarted process re-derives the same order: lookup finds it, a re-send is de-duplicated', async () => {
    const first = await sim.newAccount();
    await sim.fund(first.venue.funderAddress, dec('100'));
    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
    await sim.faults({ dropNextOrderResponses: 1 });
    const request = buy('restart');
    expect((await caught(first.venue.placeOrder(request))).kind).toBe('unknown_outcome');

    // A new adapter instance with the same key and credentials: nothing in memory.
    const second = new PolymarketVenue({
      hosts: sim.hosts,
      chainId: 137,
      credentials: first.credentials,
      signer: first.signer,
      signatureType: SignatureType.EOA,
    });
    expect(await second.lookupOrder({ clientOrderId: request.clientOrderId })).toBeNull();
    const prepared = await second.prepare(request);
    const found = await second.lookupOrder({ clientOrderId: request.clientOrderId });
    expect(found?.venueOrderId).toBe(prepared.orderHash);

    const again = await second.placeOrder(request);
    expect(again.venueOrderId).toBe(prepared.orderHash);
    expect(again.filledSize.toFixed()).toBe('10');
    const ledger = await sim.ledger(first.credentials.apiKey);
    expect(ledger.map((e) => [e.orderHash, e.accepted])).toEqual([
      [prepared.orderHash, true],
      [prepared.orderHash, false],
    ]);
    expect((await second.getTokenBalance(tokenId)).balance.toFixed()).toBe('10');
  });

  it('without signedAtMs a retry in the same process still sends the identical order', async () => {
    const { venue, credentials } = await sim.newAccount();
    await sim.fund(venue.funderAddress, dec('100'));
    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
    const request = { ...buy('no-ts'), signedAtMs: undefined };
    const a = await venue.placeOrder(request);
    const b = await venue.placeOrder(request);
    expect(b.venueOrderId).toBe(a.venueOrderId);
    const ledger = await sim.ledger(credentials.apiKey);
    expect(ledger.map((e) => e.orderHash)).toEqual([a.venueOrderId, a.venueOrderId]);
    expect(ledger.map((e) => e.accepted)).toEqual([true, false]);
  });

  it('reusing a clientOrderId for a different order is a conflict, sent nowhere', async () => {
    const { venue, credentials } = await sim.newAccount();
    await sim.fund(venue.funderAddress, dec('100'));
    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
    const request = buy('conflict');
    await venue.placeOrder(request);
    const error = await caught(venue.placeOrder({ ...request, price: dec('0.56') } as PlaceOrderRequest));
    expect([error.kind, error.reason]).toEqual(['rejected', 'client_order_id_conflict']);
    expect(await sim.ledger(credentials.apiKey)).toHaveLength(1);
  });

  it('a placement that times out is unknown_outcome; proven absent, the re-send is the only order', async () => {
    const { venue: base, signer, credentials } = await sim.newAccount();
    const venue = new PolymarketVenue({
      hosts: sim.hosts,
      chainId: 137,
      credentials,
      signer,
      signatureType: SignatureType.EOA,
      timeouts: { placeMs: 200 },
    });
    await sim.fund(base.funderAddress, dec('100'));
    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
    await sim.faults({ latencyMs: 600, paths: ['/order'] });
    const request = buy('timeout');
    const error = await caught(venue.placeOrder(request));
    expect([error.kind, error.reason]).toEqual(['unknown_outcome', 'timeout']);
    await sim.faults({ reset: true });
    await new Promise((r) => setTimeout(r, 700));
    // The simulator dropped the request with the connection: the lookup proves it absent.
    expect(await venue.lookupOrder({ clientOrderId: request.clientOrderId })).toBeNull();
    const placed = await venue.placeOrder(request);
    expect(placed.status).toBe('matched');
    const ledger = await sim.ledger(credentials.apiKey);
    expect(ledger.map((e) => [e.orderHash, e.accepted])).toEqual([[placed.venueOrderId, true]]);
  });
});

describe('PolymarketVenue: remembered identities', () => {
  it('forgets the oldest prepared orders beyond maxRememberedOrders; a forgotten id reads as unseen', async () => {
    const { signer, credentials } = await sim.newAccount();
    const venue = new PolymarketVenue({
      hosts: sim.hosts,
      chainId: 137,
      credentials,
      signer,
      signatureType: SignatureType.EOA,
      maxRememberedOrders: 1,
    });
    await sim.fund(venue.funderAddress, dec('100'));
    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
    const first = buy('forget-1');
    const placed = await venue.placeOrder(first);
    await venue.prepare(buy('forget-2'));
    expect(await venue.lookupOrder({ clientOrderId: first.clientOrderId })).toBeNull();
    // The order itself is still found by its venue id (without a clientOrderId to report).
    const byHash = await venue.lookupOrder({ venueOrderId: placed.venueOrderId });
    expect(byHash).toMatchObject({ clientOrderId: '', venueOrderId: placed.venueOrderId, status: 'matched' });
  });
});

describe('PolymarketVenue against the simulator: throttling and server errors', () => {
  it('429 on a placement is rate_limited with the Retry-After, and nothing arrived', async () => {
    const { venue, credentials } = await sim.newAccount();
    await sim.fund(venue.funderAddress, dec('100'));
    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
    await sim.faults({ rate429: 1, paths: ['/order'] });
    const error = await caught(venue.placeOrder(buy('throttled')));
    expect([error.kind, error.reason, error.retryAfterMs, error.httpStatus]).toEqual([
      'rate_limited',
      'too_many_requests',
      1000,
      429,
    ]);
    expect(await sim.ledger(credentials.apiKey)).toHaveLength(0);
  });

  it('429 on a read is rate_limited too', async () => {
    const { venue } = await sim.newAccount();
    await sim.faults({ rate429: 1, paths: ['/book'] });
    const error = await caught(venue.getOrderBook(tokenId));
    expect([error.kind, error.retryAfterMs]).toEqual(['rate_limited', 1000]);
  });

  it('a 500 on a read is retryable; on a placement it is unknown_outcome', async () => {
    const { venue } = await sim.newAccount();
    await sim.faults({ rate5xx: 1, status5xx: 500, paths: ['/book', '/order'] });
    expect((await caught(venue.getOrderBook(tokenId))).kind).toBe('retryable');
    expect((await caught(venue.placeOrder(buy('five-hundred')))).kind).toBe('unknown_outcome');
  });

  it('a 503 "Trading is currently disabled" is retryable even for a placement (nothing was accepted)', async () => {
    const { venue } = await sim.newAccount();
    await sim.faults({ rate5xx: 1, status5xx: 503, paths: ['/order'] });
    const error = await caught(venue.placeOrder(buy('disabled')));
    expect([error.kind, error.reason]).toEqual(['retryable', 'trading_disabled']);
  });

  it('an unknown token is not_found, an unknown market null', async () => {
    const { venue } = await sim.newAccount();
    const error = await caught(venue.getOrderBook('123'));
    expect(error.kind).toBe('not_found');
    expect(await venue.getMarketByToken('123')).toBeNull();
    expect((await caught(venue.placeOrder(buy('ghost', { tokenId: '123' })))).kind).toBe('not_found');
  });

  it('balances carry the exchange allowances', async () => {
    const { venue } = await sim.newAccount();
    await sim.fund(venue.funderAddress, dec('12.5'));
    const cash = await venue.getCollateralBalance();
    expect(cash.balance.toFixed()).toBe('12.5');
    expect(cash.allowance?.gt(dec('1e60'))).toBe(true);
  });
});
