import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/money.ts';
import { VenueError } from '../../../../src/venue/errors.ts';
import { PaperVenue, paperOrderId } from '../../../../src/venue/paper/paper-venue.ts';
import { InMemoryPaperLedgerStore } from '../../../../src/venue/paper/ledger-store.ts';
import type { PlaceOrderRequest } from '../../../../src/venue/venue.ts';
import { FakeMarketData } from '../fake-market-data.ts';

const CID = `0x${'aa'.repeat(32)}`;
const YES = '111';
const NO = '222';

function setup(options: { initial?: string; feeRate?: string; nowMs?: () => number } = {}) {
  const source = new FakeMarketData();
  source.addMarket({
    conditionId: CID,
    tokens: [
      { tokenId: YES, outcome: 'Yes' },
      { tokenId: NO, outcome: 'No' },
    ],
    feeRate: options.feeRate ?? '0.04',
  });
  const store = new InMemoryPaperLedgerStore();
  const venue = new PaperVenue({
    source,
    store,
    initialCollateral: dec(options.initial ?? '100'),
    now: options.nowMs,
  });
  return { source, store, venue };
}

const buy = (clientOrderId: string, extra: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest =>
  ({
    clientOrderId,
    tokenId: YES,
    side: 'BUY',
    orderType: 'FOK',
    price: dec('0.55'),
    size: dec('15'),
    ...extra,
  }) as PlaceOrderRequest;

async function rejection(p: Promise<unknown>): Promise<VenueError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VenueError);
  return e as VenueError;
}

describe('PaperVenue', () => {
  it('derives balances from its own fills, fees included (worked by hand)', async () => {
    const { source, venue } = setup();
    source.setBook(YES, {
      bids: [['0.40', '100']],
      asks: [
        ['0.52', '10'],
        ['0.50', '10'],
      ],
    });
    const r = await venue.placeOrder(buy('a'));
    // fees: 10 × 0.04 × 0.5 × 0.5 = 0.1 ; 5 × 0.04 × 0.52 × 0.48 = 0.04992
    expect([r.notional.toFixed(), r.fees.toFixed()]).toEqual(['7.6', '0.14992']);
    expect((await venue.getCollateralBalance()).balance.toFixed()).toBe('92.25008');
    expect((await venue.getTokenBalance(YES)).balance.toFixed()).toBe('15');
    expect((await venue.getTokenBalance(NO)).balance.toFixed()).toBe('0');

    source.setBook(YES, { bids: [['0.60', '5']], asks: [['0.70', '10']] });
    const sell = await venue.placeOrder({
      clientOrderId: 'b',
      tokenId: YES,
      side: 'SELL',
      orderType: 'FOK',
      price: dec('0.60'),
      size: dec('5'),
    });
    // proceeds 3, fee 5 × 0.04 × 0.6 × 0.4 = 0.048
    expect(sell.fees.toFixed()).toBe('0.048');
    expect((await venue.getCollateralBalance()).balance.toFixed()).toBe('95.20208');
    expect((await venue.getTokenBalance(YES)).balance.toFixed()).toBe('10');
    await venue.deposit(dec('4.79792'));
    expect((await venue.getCollateralBalance()).balance.toFixed()).toBe('100');
  });

  it('is idempotent on clientOrderId and refuses to reuse one for a different order', async () => {
    const { source, store, venue } = setup();
    source.setBook(YES, { asks: [['0.50', '100']] });
    const [first, concurrent] = await Promise.all([
      venue.placeOrder(buy('same')),
      venue.placeOrder(buy('same')),
    ]);
    const again = await venue.placeOrder(buy('same'));
    expect(concurrent.venueOrderId).toBe(first.venueOrderId);
    expect(again).toEqual(first);
    expect(first.venueOrderId).toBe(paperOrderId('same'));
    expect(await store.listFills()).toHaveLength(1);
    expect((await venue.getTokenBalance(YES)).balance.toFixed()).toBe('15');

    const conflict = await rejection(venue.placeOrder(buy('same', { size: dec('16') })));
    expect([conflict.kind, conflict.reason]).toEqual(['rejected', 'client_order_id_conflict']);
  });

  it('rejects FOK that cannot fill and FAK with nothing to match, with the venue wording', async () => {
    const { source, store, venue } = setup();
    source.setBook(YES, { asks: [['0.50', '10']] });
    const fok = await rejection(venue.placeOrder(buy('fok')));
    expect([fok.kind, fok.reason, fok.message]).toEqual([
      'rejected',
      'fok_not_filled',
      "order couldn't be fully filled. FOK orders are fully filled or killed.",
    ]);
    const fak = await rejection(venue.placeOrder(buy('fak', { orderType: 'FAK', price: dec('0.45') })));
    expect(fak.reason).toBe('fak_not_filled');
    expect(await store.listFills()).toHaveLength(0);
    expect(await venue.lookupOrder({ clientOrderId: 'fok' })).toBeNull();

    const partial = await venue.placeOrder(buy('fak2', { orderType: 'FAK' }));
    expect([partial.status, partial.filledSize.toFixed()]).toEqual(['matched', '10']);
  });

  it('refuses what the paper account cannot pay for or does not hold', async () => {
    const { source, venue } = setup({ initial: '5' });
    source.setBook(YES, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
    // 10 × 0.50 = 5 plus 0.1 fees > 5
    const broke = await rejection(venue.placeOrder(buy('x', { size: dec('10'), price: dec('0.50') })));
    expect(broke.kind).toBe('insufficient_funds');
    expect(broke.venueMessage).toBe('not enough balance / allowance');
    // The exchange checks limit × size, not the cheaper fill: 9 × 0.55 = 4.95 + fees 0.09 > 5
    expect((await rejection(venue.placeOrder(buy('y', { size: dec('9') })))).kind).toBe('insufficient_funds');
    const ok = await venue.placeOrder(buy('z', { size: dec('9'), price: dec('0.50') }));
    expect(ok.filledSize.toFixed()).toBe('9');
    const oversell = await rejection(
      venue.placeOrder({
        clientOrderId: 's',
        tokenId: YES,
        side: 'SELL',
        orderType: 'FOK',
        price: dec('0.4'),
        size: dec('10'),
      }),
    );
    expect(oversell.kind).toBe('insufficient_funds');
  });

  it('buys by pUSD amount, fees on top', async () => {
    const { source, venue } = setup({ feeRate: '0' });
    source.setBook(YES, {
      asks: [
        ['0.52', '100'],
        ['0.50', '10'],
      ],
    });
    const r = await venue.placeOrder({
      clientOrderId: 'amt',
      tokenId: YES,
      side: 'BUY',
      orderType: 'FOK',
      price: dec('0.55'),
      amount: dec('6'),
    });
    expect([r.filledSize.toFixed(), r.notional.toFixed(), r.requestedAmount?.toFixed()]).toEqual([
      '11.923',
      '5.99996',
      '6',
    ]);
    expect((await venue.getCollateralBalance()).balance.toFixed()).toBe('94.00004');
  });

  it('rests the rest of a GTC, reserves for it, and fills it as a maker when a later book crosses', async () => {
    const { source, venue } = setup();
    source.setBook(YES, { bids: [['0.30', '100']], asks: [['0.60', '100']] });
    const placed = await venue.placeOrder(
      buy('gtc', { orderType: 'GTC', price: dec('0.40'), size: dec('100') }),
    );
    expect([placed.status, placed.restingSize.toFixed()]).toEqual(['live', '100']);
    const detail = await venue.getCollateralDetail();
    expect([detail.balance.toFixed(), detail.reserved.toFixed(), detail.available.toFixed()]).toEqual([
      '100',
      '40',
      '60',
    ]);
    // Only 60 is free: a FOK needing 0.60 × 100 + fees cannot go through.
    expect(
      (await rejection(venue.placeOrder(buy('other', { price: dec('0.60'), size: dec('100') })))).kind,
    ).toBe('insufficient_funds');

    source.setBook(YES, { bids: [['0.30', '100']], asks: [['0.38', '30']] });
    const after = await venue.lookupOrder({ clientOrderId: 'gtc' });
    // Maker fill at its own limit, no taker fee.
    expect([
      after?.status,
      after?.filledSize.toFixed(),
      after?.averagePrice?.toFixed(),
      after?.fees.toFixed(),
    ]).toEqual(['live', '30', '0.4', '0']);
    // The same snapshot is never matched twice.
    expect((await venue.lookupOrder({ clientOrderId: 'gtc' }))?.filledSize.toFixed()).toBe('30');
    expect((await venue.getCollateralBalance()).balance.toFixed()).toBe('88');

    const cancel = await venue.cancelOrder({ clientOrderId: 'gtc' });
    expect(cancel.canceled).toBe(true);
    const final = await venue.getCollateralDetail();
    expect([final.balance.toFixed(), final.reserved.toFixed()]).toEqual(['88', '0']);
    expect((await venue.getTokenBalance(YES)).balance.toFixed()).toBe('30');
  });

  it('fills the marketable part of a GTC as a taker at once', async () => {
    const { source, venue } = setup({ feeRate: '0' });
    source.setBook(YES, { asks: [['0.40', '10']] });
    const r = await venue.placeOrder(buy('g', { orderType: 'GTC', price: dec('0.45'), size: dec('25') }));
    expect([r.status, r.filledSize.toFixed(), r.restingSize.toFixed()]).toEqual(['live', '10', '15']);
    // Unchanged book on the next call: no double fill from the same liquidity.
    expect((await venue.lookupOrder({ clientOrderId: 'g' }))?.filledSize.toFixed()).toBe('10');
  });

  it('expires a GTD at its expiration on the injected clock', async () => {
    let now = 1_760_000_000_000;
    const { source, venue } = setup({ nowMs: () => now });
    source.setBook(YES, { bids: [['0.30', '100']], asks: [['0.60', '100']] });
    const expiresAt = now / 1000 + 120;
    const r = await venue.placeOrder(
      buy('gtd', { orderType: 'GTD', price: dec('0.40'), size: dec('10'), expiresAt }),
    );
    expect(r.status).toBe('live');
    now += 119_000;
    expect((await venue.lookupOrder({ clientOrderId: 'gtd' }))?.status).toBe('live');
    now += 1_000;
    const expired = await venue.lookupOrder({ clientOrderId: 'gtd' });
    expect([expired?.status, expired?.cancelReason]).toEqual(['canceled', 'expired']);
    expect((await venue.getCollateralDetail()).reserved.toFixed()).toBe('0');
  });

  it('rejects post-only orders that would cross, closed markets and unknown tokens', async () => {
    const { source, venue } = setup();
    source.setBook(YES, { asks: [['0.50', '100']] });
    const cross = await rejection(
      venue.placeOrder(buy('po', { orderType: 'GTC', price: dec('0.50'), size: dec('10'), postOnly: true })),
    );
    expect(cross.reason).toBe('post_only_would_cross');
    expect((await rejection(venue.placeOrder(buy('u', { tokenId: '999' })))).kind).toBe('not_found');
    source.updateMarket(CID, { closed: true, acceptingOrders: false });
    expect((await rejection(venue.placeOrder(buy('c')))).reason).toBe('market_closed');
  });

  it('cancels a resting order left on a market that resolves', async () => {
    const { source, venue } = setup();
    source.setBook(YES, { asks: [['0.60', '100']] });
    await venue.placeOrder(buy('r', { orderType: 'GTC', price: dec('0.40'), size: dec('10') }));
    source.updateMarket(CID, { resolved: true, closed: true, winningTokenId: NO });
    const after = await venue.lookupOrder({ clientOrderId: 'r' });
    expect([after?.status, after?.cancelReason]).toEqual(['canceled', 'market_resolved']);
  });

  it('cancelling an unknown order is not_found; market data and streams pass through', async () => {
    const { source, venue } = setup();
    expect((await rejection(venue.cancelOrder({ venueOrderId: '0xnope' }))).kind).toBe('not_found');
    source.setBook(YES, { bids: [['0.40', '1']], asks: [['0.60', '1']] });
    expect((await venue.getMidpoint(YES))?.toFixed()).toBe('0.5');
    const stream = venue.streamMarket([YES]);
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(first.value?.type).toBe('book');
    source.setBook(YES, { bids: [['0.41', '1']] });
    const second = await it.next();
    expect(second.value?.type === 'book' && second.value.book.bids[0]?.price.toFixed()).toBe('0.41');
    await stream.close();
    expect((await it.next()).done).toBe(true);
    expect(source.openStreams).toBe(0);
  });
});
