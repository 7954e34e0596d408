import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MatchingEngine, type OrderRequest } from '../../../src/simulator/engine/matching-engine.ts';
import { dec } from '../../../src/domain/money.ts';

const YES = '1001';
const NO = '1002';
const CID = `0x${'ab'.repeat(32)}`;
const A = '0x000000000000000000000000000000000000000a';
const B = '0x000000000000000000000000000000000000000b';
const C = '0x000000000000000000000000000000000000000c';
const T = '0x0000000000000000000000000000000000000007';

function setup(opts: { feeRateBps?: number; tickSize?: string } = {}) {
  let now = Date.UTC(2026, 0, 1);
  const clock = { set: (t: number) => (now = t), get: () => now };
  const engine = new MatchingEngine({ seed: 42, clock: () => now });
  engine.addMarket({
    conditionId: CID,
    tokenIds: [YES, NO],
    tickSize: opts.tickSize ?? '0.01',
    minOrderSize: '5',
    feeRateBps: opts.feeRateBps ?? 0,
    negRisk: false,
  });
  const place = (o: Partial<OrderRequest> & Pick<OrderRequest, 'maker' | 'side' | 'price'>) =>
    engine.placeOrder({ tokenId: YES, size: '10', orderType: 'GTC', ...o });
  const pusd = (a: string) => (engine.ledger.peek(a)?.pusdMicro ?? 0) / 1e6;
  const tokens = (a: string, outcome: 0 | 1) => {
    const m = engine.market(CID)!;
    return (engine.ledger.peek(a)?.peekHolding(m, outcome)?.balanceMicro ?? 0) / 1e6;
  };
  return { engine, clock, place, pusd, tokens };
}

describe('matching engine: priority and fills', () => {
  it('fills by price first, then by time at the same price', () => {
    const { engine, place } = setup();
    for (const w of [A, B, C]) engine.fundTokens(w, YES, '100', '0.5', T);
    engine.fundPusd(T, '1000');
    place({ maker: A, side: 'SELL', price: '0.55', size: '10' });
    place({ maker: B, side: 'SELL', price: '0.55', size: '10' });
    place({ maker: C, side: 'SELL', price: '0.54', size: '10' });
    const r = place({ maker: T, side: 'BUY', price: '0.55', size: '25' });
    expect(r.success).toBe(true);
    expect(r.fills.map((f) => [f.maker.address, f.maker.priceMicro, f.sizeMicro])).toEqual([
      [C, 540_000, 10_000_000],
      [A, 550_000, 10_000_000],
      [B, 550_000, 5_000_000],
    ]);
    // B keeps the rest of its order at the head of the 0.55 level.
    const book = engine.getBook(YES);
    expect(book.asks).toEqual([{ price: '0.55', size: '5' }]);
    expect(r.makingAmount.toFixed()).toBe(dec('5.4').plus('5.5').plus('2.75').toFixed());
    expect(r.takingAmount.toFixed()).toBe('25');
  });

  it('partially fills a resting order and leaves the rest live', () => {
    const { engine, place, pusd } = setup();
    engine.fundPusd(A, '100');
    engine.fundTokens(B, YES, '4', '0.5', T);
    const maker = place({ maker: A, side: 'BUY', price: '0.40', size: '10' });
    expect(maker.status).toBe('live');
    expect(pusd(A)).toBe(100);
    expect(engine.ledger.peek(A)!.reservedMicro).toBe(4_000_000);
    const taker = place({ maker: B, side: 'SELL', price: '0.40', size: '4', orderType: 'FAK' });
    expect(taker.fills).toHaveLength(1);
    const o = engine.getOrder(maker.orderID)!;
    expect(o.status).toBe('LIVE');
    expect(o.matchedMicro).toBe(4_000_000);
    expect(o.remainingMicro).toBe(6_000_000);
    expect(engine.ledger.peek(A)!.reservedMicro).toBe(2_400_000);
    expect(pusd(A)).toBeCloseTo(98.4, 9);
    expect(engine.getBook(YES).bids).toEqual([{ price: '0.4', size: '6' }]);
  });

  it('reports books like production: best price last, NO book mirrored', () => {
    const { engine, place } = setup();
    engine.fundPusd(A, '1000');
    engine.fundTokens(B, YES, '100', '0.5', T);
    place({ maker: A, side: 'BUY', price: '0.40' });
    place({ maker: A, side: 'BUY', price: '0.42' });
    place({ maker: B, side: 'SELL', price: '0.47' });
    place({ maker: B, side: 'SELL', price: '0.45' });
    const yes = engine.getBook(YES);
    expect(yes.bids.map((l) => l.price)).toEqual(['0.4', '0.42']);
    expect(yes.asks.map((l) => l.price)).toEqual(['0.47', '0.45']);
    const no = engine.getBook(NO);
    expect(no.bids.map((l) => l.price)).toEqual(['0.53', '0.55']);
    expect(no.asks.map((l) => l.price)).toEqual(['0.6', '0.58']);
    expect(engine.midpoint(YES)?.toFixed()).toBe('0.435');
    expect(engine.spread(NO)?.toFixed()).toBe('0.03');
  });

  it('rejects prices off the tick grid and sizes below the minimum', () => {
    const { engine, place } = setup();
    engine.fundPusd(A, '100');
    const r = place({ maker: A, side: 'BUY', price: '0.555', orderId: '0xabc' });
    expect(r.success).toBe(false);
    expect(r.errorMsg).toBe('order 0xabc is invalid. Price (0.555) breaks minimum tick size rule: 0.01');
    const s = place({ maker: A, side: 'BUY', price: '0.5', size: '4', orderId: '0xdef' });
    expect(s.errorMsg).toBe('order 0xdef is invalid. Size (4) lower than the minimum: 5');
    expect(engine.getBook(YES).bids).toEqual([]);
  });
});

describe('matching engine: order types', () => {
  it('kills a FOK order that cannot fill completely, changing nothing', () => {
    const { engine, place, pusd } = setup();
    engine.fundTokens(A, YES, '10', '0.5', T);
    engine.fundPusd(B, '100');
    place({ maker: A, side: 'SELL', price: '0.50', size: '10' });
    const before = JSON.stringify(engine.getBook(YES));
    const r = place({ maker: B, side: 'BUY', price: '0.50', size: '11', orderType: 'FOK' });
    expect(r.success).toBe(false);
    expect(r.errorCode).toBe('FOK_ORDER_NOT_FILLED_ERROR');
    expect(r.errorMsg).toBe("order couldn't be fully filled. FOK orders are fully filled or killed.");
    expect(JSON.stringify(engine.getBook(YES))).toBe(before);
    expect(pusd(B)).toBe(100);
    const ok = place({ maker: B, side: 'BUY', price: '0.50', size: '10', orderType: 'FOK' });
    expect(ok.success).toBe(true);
    expect(ok.takingAmount.toFixed()).toBe('10');
  });

  it('fills a FAK order partially and cancels the rest', () => {
    const { engine, place, tokens } = setup();
    engine.fundTokens(A, YES, '6', '0.5', T);
    engine.fundPusd(B, '100');
    place({ maker: A, side: 'SELL', price: '0.50', size: '6' });
    const r = place({ maker: B, side: 'BUY', price: '0.60', size: '10', orderType: 'FAK' });
    expect(r.success).toBe(true);
    expect(r.takingAmount.toFixed()).toBe('6');
    expect(tokens(B, 0)).toBe(6);
    const o = engine.getOrder(r.orderID)!;
    expect(o.cancelReason).toBe('killed');
    expect(engine.getBook(YES).bids).toEqual([]);
    expect(engine.ledger.peek(B)!.reservedMicro).toBe(0);
    const none = place({ maker: B, side: 'BUY', price: '0.60', size: '10', orderType: 'FAK' });
    expect(none.errorCode).toBe('FAK_ORDER_NOT_FILLED_ERROR');
  });

  it('a market BUY by amount spends at most the amount', () => {
    const { engine, place } = setup();
    engine.fundTokens(A, YES, '100', '0.5', T);
    engine.fundPusd(B, '100');
    place({ maker: A, side: 'SELL', price: '0.40', size: '10' });
    place({ maker: A, side: 'SELL', price: '0.50', size: '50' });
    const r = engine.placeOrder({
      maker: B,
      tokenId: YES,
      side: 'BUY',
      price: '0.5',
      amount: '10',
      orderType: 'FOK',
    });
    expect(r.success).toBe(true);
    // $4 buys 10 @0.40, the other $6 buys 12 @0.50.
    expect(r.makingAmount.toFixed()).toBe('10');
    expect(r.takingAmount.toFixed()).toBe('22');
  });

  it('expires GTD orders at expiration minus the 60 s security threshold and releases funds', () => {
    const { engine, place, clock } = setup();
    const t0 = clock.get();
    engine.fundPusd(A, '10');
    expect(
      place({ maker: A, side: 'BUY', price: '0.5', orderType: 'GTD', expiration: t0 + 30_000 }).errorCode,
    ).toBe('INVALID_ORDER_EXPIRATION');
    const r = place({ maker: A, side: 'BUY', price: '0.5', orderType: 'GTD', expiration: t0 + 150_000 });
    expect(r.status).toBe('live');
    expect(engine.ledger.peek(A)!.availableMicro).toBe(5_000_000);
    clock.set(t0 + 89_999);
    expect(engine.expireOrders(clock.get())).toBe(0);
    expect(engine.getOrder(r.orderID)!.status).toBe('LIVE');
    clock.set(t0 + 90_000);
    expect(engine.expireOrders(clock.get())).toBe(1);
    const o = engine.getOrder(r.orderID)!;
    expect(o.status).toBe('CANCELED');
    expect(o.cancelReason).toBe('expired');
    expect(engine.ledger.peek(A)!.availableMicro).toBe(10_000_000);
    expect(engine.getBook(YES).bids).toEqual([]);
  });

  it('rejects a post-only order that would cross', () => {
    const { engine, place } = setup();
    engine.fundTokens(A, YES, '10', '0.5', T);
    engine.fundPusd(B, '10');
    place({ maker: A, side: 'SELL', price: '0.5' });
    const r = place({ maker: B, side: 'BUY', price: '0.5', postOnly: true });
    expect(r.errorMsg).toBe('invalid post-only order: order crosses book');
    expect(place({ maker: B, side: 'BUY', price: '0.49', postOnly: true }).status).toBe('live');
  });
});

describe('matching engine: balances', () => {
  it('refuses orders a wallet cannot fund, counting reservations of open orders', () => {
    const { engine, place } = setup();
    engine.fundPusd(A, '10');
    expect(place({ maker: A, side: 'BUY', price: '0.6', size: '20' }).errorMsg).toBe(
      'not enough balance / allowance',
    );
    expect(place({ maker: A, side: 'BUY', price: '0.6', size: '10' }).success).toBe(true);
    const second = place({ maker: A, side: 'BUY', price: '0.5', size: '10' });
    expect(second.success).toBe(false);
    expect(second.errorCode).toBe('INVALID_ORDER_NOT_ENOUGH_BALANCE');
    expect(place({ maker: A, side: 'BUY', price: '0.5', size: '8' }).success).toBe(true);
    // Selling tokens one does not hold fails the same way.
    expect(place({ maker: B, side: 'SELL', price: '0.5' }).errorCode).toBe(
      'INVALID_ORDER_NOT_ENOUGH_BALANCE',
    );
    engine.fundTokens(B, YES, '10', '0.5', T);
    expect(place({ maker: B, side: 'SELL', price: '0.7', size: '10' }).success).toBe(true);
    expect(place({ maker: B, side: 'SELL', price: '0.7', size: '5' }).errorCode).toBe(
      'INVALID_ORDER_NOT_ENOUGH_BALANCE',
    );
  });

  it('charges the taker fee shares × rate × p(1−p) and nothing to the maker', () => {
    const { engine, place, pusd } = setup({ feeRateBps: 400 });
    engine.fundTokens(A, YES, '100', '0.3', T);
    engine.fundPusd(B, '100');
    place({ maker: A, side: 'SELL', price: '0.30', size: '100' });
    const before = pusd(A);
    const r = place({ maker: B, side: 'BUY', price: '0.30', size: '100', orderType: 'FOK' });
    // 100 × 0.04 × 0.3 × 0.7 = 0.84
    expect(r.fee.toFixed()).toBe('0.84');
    expect(pusd(B)).toBeCloseTo(100 - 30 - 0.84, 9);
    expect(pusd(A) - before).toBeCloseTo(30, 9);
    expect(engine.ledger.feesCollectedMicro).toBe(840_000);
    expect(engine.ledger.audit().ok).toBe(true);
  });
});

describe('matching engine: complementary tokens', () => {
  it('mints: a BUY YES matches a resting BUY NO at 1 − p, backed by 1 pUSD per pair', () => {
    const { engine, place, tokens, pusd } = setup();
    engine.fundPusd(A, '100');
    engine.fundPusd(B, '100');
    place({ maker: A, tokenId: NO, side: 'BUY', price: '0.40', size: '10' });
    expect(engine.getBook(YES).asks).toEqual([{ price: '0.6', size: '10' }]);
    const r = place({ maker: B, side: 'BUY', price: '0.65', size: '10' });
    expect(r.fills).toHaveLength(1);
    const f = r.fills[0]!;
    expect(f.matchType).toBe('MINT');
    expect(f.taker.priceMicro).toBe(600_000);
    expect(f.maker.priceMicro).toBe(400_000);
    expect(tokens(A, 1)).toBe(10);
    expect(tokens(B, 0)).toBe(10);
    expect(pusd(A)).toBe(96);
    expect(pusd(B)).toBe(94);
    expect(engine.market(CID)!.collateralMicro).toBe(10_000_000);
    expect(engine.ledger.audit()).toMatchObject({ ok: true, collateralMicro: 10_000_000 });
  });

  it('merges: a SELL YES matches a resting SELL NO, returning the pair collateral', () => {
    const { engine, place, tokens, pusd } = setup();
    engine.fundPusd(A, '100');
    engine.fundPusd(B, '100');
    place({ maker: A, tokenId: NO, side: 'BUY', price: '0.40', size: '10' });
    place({ maker: B, side: 'BUY', price: '0.60', size: '10' });
    // A now holds NO, B holds YES; they exit against each other.
    place({ maker: A, tokenId: NO, side: 'SELL', price: '0.30', size: '10' });
    expect(engine.getBook(YES).bids).toEqual([{ price: '0.7', size: '10' }]);
    const r = place({ maker: B, side: 'SELL', price: '0.70', size: '10', orderType: 'FOK' });
    expect(r.fills[0]!.matchType).toBe('MERGE');
    expect(tokens(A, 1)).toBe(0);
    expect(tokens(B, 0)).toBe(0);
    expect(pusd(A)).toBe(96 + 3);
    expect(pusd(B)).toBe(94 + 7);
    expect(engine.market(CID)!.collateralMicro).toBe(0);
    expect(engine.ledger.audit().ok).toBe(true);
    expect(engine.ledger.peek(B)!.realizedMicro).toBe(1_000_000);
  });
});

describe('matching engine: transactions and resolution', () => {
  it('one taker order sweeping several makers yields several fills in one transaction', () => {
    const { engine, place } = setup();
    for (const w of [A, B, C]) engine.fundTokens(w, YES, '10', '0.5', T);
    engine.fundPusd(T, '100');
    place({ maker: A, side: 'SELL', price: '0.50' });
    place({ maker: B, side: 'SELL', price: '0.51' });
    place({ maker: C, side: 'SELL', price: '0.52' });
    const r = place({ maker: T, side: 'BUY', price: '0.52', size: '25', orderType: 'FAK' });
    expect(r.fills).toHaveLength(3);
    expect(new Set(r.fills.map((f) => f.txHash)).size).toBe(1);
    expect(r.transactionsHashes).toEqual([r.fills[0]!.txHash]);
    expect(r.fills.map((f) => f.logIndex)).toEqual([0, 1, 2]);
    expect(new Set(r.fills.map((f) => f.id)).size).toBe(3);
    expect(r.fills[0]!.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    const next = place({ maker: T, side: 'BUY', price: '0.52', size: '5', orderType: 'FAK' });
    expect(next.fills[0]!.txHash).not.toBe(r.fills[0]!.txHash);
  });

  it('resolution pays 1 per winning share, 0 per losing share, and cancels resting orders', () => {
    const { engine, place, pusd, tokens } = setup();
    engine.fundPusd(A, '100');
    engine.fundPusd(B, '100');
    place({ maker: A, tokenId: NO, side: 'BUY', price: '0.30', size: '20' });
    place({ maker: B, side: 'BUY', price: '0.70', size: '20' }); // mint: B YES @0.70, A NO @0.30
    const resting = place({ maker: A, side: 'BUY', price: '0.10', size: '50' });
    expect(engine.ledger.peek(A)!.reservedMicro).toBe(5_000_000);
    engine.resolveMarket(CID, 0);
    expect(engine.getOrder(resting.orderID)!.status).toBe('CANCELED_MARKET_RESOLVED');
    expect(engine.ledger.peek(A)!.reservedMicro).toBe(0);
    expect(pusd(B)).toBe(100 - 14 + 20);
    expect(pusd(A)).toBe(100 - 6);
    expect(tokens(A, 1)).toBe(0);
    expect(engine.ledger.peek(B)!.realizedMicro).toBe(6_000_000);
    expect(engine.ledger.peek(A)!.realizedMicro).toBe(-6_000_000);
    expect(engine.ledger.audit()).toMatchObject({ ok: true, collateralMicro: 0 });
    expect(place({ maker: A, side: 'BUY', price: '0.5' }).errorCode).toBe('MARKET_NOT_READY');
  });

  it('conserves pUSD and keeps every YES+NO pair collateralised under random order flow', () => {
    const wallets = [A, B, C, T];
    const seen = new Set<string>();
    const order = fc.record({
      w: fc.integer({ min: 0, max: 3 }),
      token: fc.constantFrom(YES, NO),
      side: fc.constantFrom('BUY' as const, 'SELL' as const),
      tick: fc.integer({ min: 1, max: 99 }),
      lots: fc.integer({ min: 500, max: 3000 }),
      type: fc.constantFrom('GTC' as const, 'FAK' as const, 'FOK' as const),
      cancel: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(order, { minLength: 5, maxLength: 60 }),
        fc.integer({ min: 0, max: 1 }),
        (orders, winner) => {
          const { engine } = setup({ feeRateBps: 300 });
          for (const w of wallets) {
            engine.fundPusd(w, '200');
            engine.fundTokens(w, YES, '50', '0.5', T);
          }
          const ids: string[] = [];
          for (const o of orders) {
            const r = engine.placeOrder({
              maker: wallets[o.w]!,
              tokenId: o.token,
              side: o.side,
              price: dec(o.tick).div(100),
              size: dec(o.lots).div(100),
              orderType: o.type,
            });
            for (const f of r.fills) seen.add(f.matchType);
            if (r.success && r.status === 'live') ids.push(r.orderID);
            if (o.cancel && ids.length > 0) engine.cancelOrder(ids.shift()!);
            const audit = engine.ledger.audit();
            if (!audit.ok) throw new Error(audit.problems.join('; '));
          }
          engine.resolveMarket(CID, winner as 0 | 1);
          const audit = engine.ledger.audit();
          expect(audit.problems).toEqual([]);
          expect(audit.collateralMicro).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
    expect([...seen].sort()).toEqual(['MERGE', 'MINT', 'NORMAL']);
  });
});
