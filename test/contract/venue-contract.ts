// The shared venue contract (house rule 3): every Venue adapter — paper over a fake source, the live
// adapter pointed at the simulator, ... — runs this suite. It asserts behaviour through the Venue
// interface only; the harness supplies what the interface cannot (funding, seeding books).
//
// Harness requirements: `market` is a binary market with tick 0.01 and minimum order size 5 (shares)
// whose book for `market.tokenId` the harness fully controls through `setBook` (no other liquidity),
// and the account starts with no position in that token.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal, dec } from '../../src/domain/money.ts';
import { VenueError } from '../../src/venue/errors.ts';
import type { Venue } from '../../src/venue/venue.ts';

export type ContractLevel = readonly [price: string, size: string];

export interface VenueContractHarness {
  readonly venue: Venue;
  readonly market: { readonly conditionId: string; readonly tokenId: string };
  /** Credits the account with pUSD. */
  fundWallet(amount: Decimal): Promise<void>;
  /**
   * Makes the token's book exactly these levels. Levels come in Polymarket wire order (best last);
   * the venue must serve them best-first.
   */
  setBook(
    tokenId: string,
    book: { bids: readonly ContractLevel[]; asks: readonly ContractLevel[] },
  ): Promise<void>;
  /** Waits until balances reflect completed fills (for venues whose balances lag). */
  settle?(): Promise<void>;
  close(): Promise<void>;
}

let sequence = 0;
function newClientOrderId(label: string): string {
  sequence += 1;
  return `contract-${label}-${Date.now()}-${sequence}`;
}

async function expectVenueError(
  promise: Promise<unknown>,
  kind: string,
  reason?: string,
): Promise<VenueError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a VenueError').toBeInstanceOf(VenueError);
  const error = caught as VenueError;
  expect(error.kind).toBe(kind);
  if (reason !== undefined) expect(error.reason).toBe(reason);
  return error;
}

function prices(levels: ReadonlyArray<{ price: Decimal }>): string[] {
  return levels.map((l) => l.price.toFixed());
}

export function runVenueContract(name: string, makeVenue: () => Promise<VenueContractHarness>): void {
  describe(`Venue contract: ${name}`, () => {
    let h: VenueContractHarness;
    let venue: Venue;
    let tokenId: string;

    const settle = async () => {
      await h.settle?.();
    };
    const collateral = async () => {
      await settle();
      return (await venue.getCollateralBalance()).balance;
    };
    const shares = async () => {
      await settle();
      return (await venue.getTokenBalance(tokenId)).balance;
    };

    beforeEach(async () => {
      h = await makeVenue();
      venue = h.venue;
      tokenId = h.market.tokenId;
      await h.fundWallet(dec('1000'));
    });

    afterEach(async () => {
      await h.close();
    });

    it('lists the market with its tokens and trading rules', async () => {
      let cursor: string | undefined;
      let found = null;
      for (let page = 0; page < 50 && !found; page++) {
        const result = await venue.listMarkets(cursor === undefined ? {} : { cursor });
        found = result.markets.find((m) => m.conditionId === h.market.conditionId) ?? null;
        if (result.nextCursor === null) break;
        cursor = result.nextCursor;
      }
      expect(found).not.toBeNull();
      expect(found?.tokens.map((t) => t.tokenId)).toContain(tokenId);
      expect(new Set(found?.tokens.map((t) => t.tokenId)).size).toBe(found?.tokens.length);
      expect(found?.tickSize.toFixed()).toBe('0.01');
      expect(found?.minOrderSize.toFixed()).toBe('5');

      const byId = await venue.getMarket(h.market.conditionId);
      const byToken = await venue.getMarketByToken(tokenId);
      expect(byId?.conditionId).toBe(h.market.conditionId);
      expect(byToken?.conditionId).toBe(h.market.conditionId);
      expect(await venue.getMarket(`0x${'0'.repeat(63)}1`)).toBeNull();
    });

    it('serves books best-first whatever the wire order, and midpoints from them', async () => {
      await h.setBook(tokenId, {
        bids: [
          ['0.40', '10'],
          ['0.45', '20'],
          ['0.48', '30'],
        ],
        asks: [
          ['0.60', '10'],
          ['0.55', '20'],
          ['0.52', '30'],
        ],
      });
      const book = await venue.getOrderBook(tokenId);
      expect(book.tokenId).toBe(tokenId);
      expect(prices(book.bids)).toEqual(['0.48', '0.45', '0.4']);
      expect(prices(book.asks)).toEqual(['0.52', '0.55', '0.6']);
      expect(book.bids[0]?.size.toFixed()).toBe('30');
      expect(book.bids[0]?.price).toBeInstanceOf(Decimal);
      expect(book.tickSize.toFixed()).toBe('0.01');

      expect((await venue.getMidpoint(tokenId))?.toFixed()).toBe('0.5');
      const mids = await venue.getMidpoints([tokenId]);
      expect(mids.get(tokenId)?.toFixed()).toBe('0.5');
      const books = await venue.getOrderBooks([tokenId]);
      expect(prices(books.get(tokenId)?.asks ?? [])).toEqual(['0.52', '0.55', '0.6']);
    });

    it('fills a FOK BUY across levels within the limit and moves balances by the fill', async () => {
      await h.setBook(tokenId, {
        bids: [['0.40', '100']],
        asks: [
          ['0.70', '100'],
          ['0.52', '10'],
          ['0.50', '10'],
        ],
      });
      const cashBefore = await collateral();
      const sharesBefore = await shares();
      const clientOrderId = newClientOrderId('fok');
      const result = await venue.placeOrder({
        clientOrderId,
        tokenId,
        side: 'BUY',
        orderType: 'FOK',
        price: dec('0.55'),
        size: dec('15'),
      });
      expect(result.status).toBe('matched');
      expect(result.clientOrderId).toBe(clientOrderId);
      expect(result.filledSize.toFixed()).toBe('15');
      expect(result.notional.toFixed()).toBe('7.6'); // 10 × 0.50 + 5 × 0.52
      expect(result.averagePrice?.toFixed(6)).toBe('0.506667');
      expect(result.fees.gte(0)).toBe(true);
      expect(result.venueOrderId).not.toBe('');

      expect((await collateral()).toFixed()).toBe(
        cashBefore.minus(result.notional).minus(result.fees).toFixed(),
      );
      expect((await shares()).toFixed()).toBe(sharesBefore.plus(15).toFixed());

      const byClient = await venue.lookupOrder({ clientOrderId });
      const byVenue = await venue.lookupOrder({ venueOrderId: result.venueOrderId });
      expect(byClient?.venueOrderId).toBe(result.venueOrderId);
      expect(byVenue?.clientOrderId).toBe(clientOrderId);
      expect(byClient?.filledSize.toFixed()).toBe('15');
    });

    it('rejects a FOK that cannot fill entirely and changes nothing', async () => {
      await h.setBook(tokenId, {
        bids: [['0.40', '100']],
        asks: [
          ['0.60', '100'],
          ['0.50', '6'],
        ],
      });
      const cashBefore = await collateral();
      const clientOrderId = newClientOrderId('fok-fail');
      await expectVenueError(
        venue.placeOrder({
          clientOrderId,
          tokenId,
          side: 'BUY',
          orderType: 'FOK',
          price: dec('0.55'),
          size: dec('10'),
        }),
        'rejected',
        'fok_not_filled',
      );
      expect((await collateral()).toFixed()).toBe(cashBefore.toFixed());
      expect(await venue.lookupOrder({ clientOrderId })).toBeNull();
    });

    it('fills a FAK in part and kills the rest; a FAK with nothing to match is rejected', async () => {
      await h.setBook(tokenId, {
        bids: [['0.40', '100']],
        asks: [
          ['0.70', '100'],
          ['0.50', '6'],
        ],
      });
      const cashBefore = await collateral();
      const result = await venue.placeOrder({
        clientOrderId: newClientOrderId('fak'),
        tokenId,
        side: 'BUY',
        orderType: 'FAK',
        price: dec('0.55'),
        size: dec('10'),
      });
      expect(result.status).toBe('matched');
      expect(result.filledSize.toFixed()).toBe('6');
      expect(result.notional.toFixed()).toBe('3');
      expect(result.restingSize.toFixed()).toBe('0');
      expect((await collateral()).toFixed()).toBe(cashBefore.minus(3).minus(result.fees).toFixed());

      await h.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.70', '100']] });
      await expectVenueError(
        venue.placeOrder({
          clientOrderId: newClientOrderId('fak-none'),
          tokenId,
          side: 'BUY',
          orderType: 'FAK',
          price: dec('0.55'),
          size: dec('10'),
        }),
        'rejected',
        'fak_not_filled',
      );
    });

    it('is idempotent on clientOrderId: the second place returns the first order', async () => {
      await h.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
      const sharesBefore = await shares();
      const request = {
        clientOrderId: newClientOrderId('idem'),
        tokenId,
        side: 'BUY' as const,
        orderType: 'FOK' as const,
        price: dec('0.55'),
        size: dec('10'),
      };
      const first = await venue.placeOrder(request);
      const second = await venue.placeOrder(request);
      expect(second.venueOrderId).toBe(first.venueOrderId);
      expect(second.filledSize.toFixed()).toBe('10');
      expect((await shares()).toFixed()).toBe(sharesBefore.plus(10).toFixed());
    });

    it('looks up unknown orders as null', async () => {
      expect(await venue.lookupOrder({ clientOrderId: newClientOrderId('never-placed') })).toBeNull();
      expect(await venue.lookupOrder({ venueOrderId: `0x${'ab'.repeat(32)}` })).toBeNull();
    });

    it('rests a non-marketable GTC, finds it live, cancels it once', async () => {
      await h.setBook(tokenId, { bids: [['0.30', '100']], asks: [['0.60', '100']] });
      const cashBefore = await collateral();
      const clientOrderId = newClientOrderId('gtc');
      const placed = await venue.placeOrder({
        clientOrderId,
        tokenId,
        side: 'BUY',
        orderType: 'GTC',
        price: dec('0.40'),
        size: dec('10'),
      });
      expect(placed.status).toBe('live');
      expect(placed.filledSize.toFixed()).toBe('0');
      expect(placed.restingSize.toFixed()).toBe('10');

      expect((await venue.lookupOrder({ clientOrderId }))?.status).toBe('live');
      const cancel = await venue.cancelOrder({ venueOrderId: placed.venueOrderId });
      expect(cancel).toMatchObject({ venueOrderId: placed.venueOrderId, canceled: true });
      const after = await venue.lookupOrder({ clientOrderId });
      expect(after?.status).toBe('canceled');
      expect(after?.restingSize.toFixed()).toBe('0');
      expect((await venue.cancelOrder({ clientOrderId })).canceled).toBe(false);
      expect((await collateral()).toFixed()).toBe(cashBefore.toFixed());
    });

    it('sells shares into the bids and credits the proceeds net of fees', async () => {
      await h.setBook(tokenId, { bids: [['0.30', '100']], asks: [['0.50', '100']] });
      await venue.placeOrder({
        clientOrderId: newClientOrderId('buy-for-sell'),
        tokenId,
        side: 'BUY',
        orderType: 'FOK',
        price: dec('0.50'),
        size: dec('10'),
      });
      await h.setBook(tokenId, {
        bids: [
          ['0.30', '100'],
          ['0.45', '20'],
        ],
        asks: [['0.60', '100']],
      });
      const cashBefore = await collateral();
      const sharesBefore = await shares();
      const sell = await venue.placeOrder({
        clientOrderId: newClientOrderId('sell'),
        tokenId,
        side: 'SELL',
        orderType: 'FOK',
        price: dec('0.40'),
        size: dec('10'),
      });
      expect(sell.filledSize.toFixed()).toBe('10');
      expect(sell.averagePrice?.toFixed()).toBe('0.45');
      expect((await collateral()).toFixed()).toBe(cashBefore.plus(sell.notional).minus(sell.fees).toFixed());
      expect((await shares()).toFixed()).toBe(sharesBefore.minus(10).toFixed());
    });

    it('rejects orders the account cannot pay for as insufficient_funds', async () => {
      const cash = await collateral();
      const size = cash.div('0.5').ceil().plus(20);
      await h.setBook(tokenId, { bids: [['0.30', '100']], asks: [['0.50', size.plus(100).toFixed()]] });
      await expectVenueError(
        venue.placeOrder({
          clientOrderId: newClientOrderId('broke'),
          tokenId,
          side: 'BUY',
          orderType: 'FOK',
          price: dec('0.50'),
          size,
        }),
        'insufficient_funds',
      );
      expect((await collateral()).toFixed()).toBe(cash.toFixed());
    });

    it('rejects a resting order below the minimum size', async () => {
      await h.setBook(tokenId, { bids: [['0.30', '100']], asks: [['0.60', '100']] });
      await expectVenueError(
        venue.placeOrder({
          clientOrderId: newClientOrderId('tiny'),
          tokenId,
          side: 'BUY',
          orderType: 'GTC',
          price: dec('0.40'),
          size: dec('1'),
        }),
        'rejected',
        'below_min_size',
      );
    });

    it('quantises an off-tick limit without worsening it', async () => {
      await h.setBook(tokenId, {
        bids: [['0.30', '100']],
        asks: [
          ['0.51', '100'],
          ['0.50', '10'],
        ],
      });
      const result = await venue.placeOrder({
        clientOrderId: newClientOrderId('offtick'),
        tokenId,
        side: 'BUY',
        orderType: 'FAK',
        price: dec('0.5099'),
        size: dec('20'),
      });
      expect(result.price.toFixed()).toBe('0.5');
      expect(result.filledSize.toFixed()).toBe('10');
    });
  });
}
