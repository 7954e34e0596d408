import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, dec } from '../../../../src/domain/money.ts';
import type { FeeSchedule } from '../../../../src/domain/book-walk.ts';
import type { BookSides, Side } from '../../../../src/domain/order-book.ts';
import {
  copyLimitPrice,
  priceCopyOrder,
  type CopyPricingInput,
} from '../../../../src/domain/copy-pricing.ts';

const lv = (price: string, size: string) => ({ price: dec(price), size: dec(size) });
const book: BookSides = {
  bids: [lv('0.48', '10'), lv('0.47', '50'), lv('0.40', '100')],
  asks: [lv('0.50', '10'), lv('0.51', '100')],
};
const fee4: FeeSchedule = { rate: dec('0.04'), exponent: 1, takerOnly: true };
const TICK = dec('0.01');

const limitOf = (side: Side, target: string, slip: string, tick = '0.01') =>
  copyLimitPrice(side, dec(target), dec(slip), dec(tick)).limit?.toFixed() ?? null;

function price(over: Partial<CopyPricingInput> & { size?: string; amount?: string }) {
  const { size, amount, ...rest } = over;
  return priceCopyOrder({
    side: 'BUY',
    targetPrice: dec('0.5'),
    maxSlippagePercent: dec('1'),
    book,
    quantity: amount !== undefined ? { amount: dec(amount) } : { size: dec(size ?? '10') },
    tickSize: TICK,
    ...rest,
  });
}

describe('copyLimitPrice', () => {
  it('rounds a BUY limit down and a SELL limit up, so the limit never passes the slippage bound', () => {
    expect(limitOf('BUY', '0.5', '1')).toBe('0.5'); // bound 0.505; 0.51 would allow 2%
    expect(limitOf('SELL', '0.5', '1')).toBe('0.5'); // bound 0.495; 0.49 would allow 2%
    expect(limitOf('BUY', '0.42', '5')).toBe('0.44'); // bound 0.441
    expect(limitOf('SELL', '0.42', '5')).toBe('0.4'); // bound 0.399
    expect(limitOf('BUY', '0.5', '2')).toBe('0.51'); // bound exactly on tick
    expect(limitOf('BUY', '0.42', '5', '0.001')).toBe('0.441');
  });

  it('clamps into [tick, 1 − tick] only in the direction that tightens the limit', () => {
    expect(limitOf('BUY', '0.99', '5')).toBe('0.99'); // bound 1.0395
    expect(limitOf('SELL', '0.02', '100')).toBe('0.01'); // bound 0
  });

  it('has no limit when no valid price lies within the bound', () => {
    expect(limitOf('BUY', '0.005', '0')).toBeNull(); // below one tick
    expect(limitOf('SELL', '0.999', '0')).toBeNull(); // above 1 − tick
  });

  it('keeps every limit on tick, in range and within the bound (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('0.1', '0.01', '0.001', '0.0001'),
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom<Side>('BUY', 'SELL'),
        (tickText, targetBp, slipHundredths, side) => {
          const tick = dec(tickText);
          const target = new Decimal(targetBp).div(10_000);
          const slip = new Decimal(slipHundredths).div(100);
          const { limit, bound } = copyLimitPrice(side, target, slip, tick);
          if (limit === null) return;
          expect(limit.mod(tick).isZero()).toBe(true);
          expect(limit.gte(tick) && limit.lte(dec(1).minus(tick))).toBe(true);
          if (side === 'BUY') expect(limit.lte(bound)).toBe(true);
          else expect(limit.gte(bound)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('priceCopyOrder', () => {
  it('fills at the leader price with zero slippage when the book allows', () => {
    const r = price({ size: '10' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.order.orderType).toBe('FOK');
    expect(r.order.limitPrice.toFixed()).toBe('0.5');
    expect(r.order.size?.toFixed()).toBe('10');
    expect(r.order.amount).toBeNull();
    expect(r.order.expectedAveragePrice.toFixed()).toBe('0.5');
    expect(r.order.expectedSlippageBps.toFixed()).toBe('0');
  });

  it('refuses with slippage_exceeded when the liquidity sits beyond the limit', () => {
    // 20 shares: 10 at 0.50, the next 10 at 0.51 — beyond the 1% limit of 0.50.
    expect(price({ size: '20' })).toMatchObject({ ok: false, reason: 'slippage_exceeded' });
  });

  it('walks levels within a wider limit and reports slippage in percent and bps, with fees', () => {
    const r = price({ size: '20', maxSlippagePercent: dec('2'), fees: fee4 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.order.limitPrice.toFixed()).toBe('0.51');
    expect(r.order.expectedNotional.toFixed()).toBe('10.1'); // 10 × 0.50 + 10 × 0.51
    expect(r.order.expectedAveragePrice.toFixed()).toBe('0.505');
    expect(r.order.expectedWorstPrice.toFixed()).toBe('0.51');
    expect(r.order.expectedSlippagePercent.toFixed()).toBe('1'); // (0.505 − 0.5) / 0.5
    expect(r.order.expectedSlippageBps.toFixed()).toBe('100');
    expect(r.order.expectedFees.toFixed()).toBe('0.19996'); // 10×0.04×0.25 + 10×0.04×0.51×0.49
  });

  it('refuses with book_cannot_fill when the book holds too little at any price', () => {
    expect(price({ size: '200', maxSlippagePercent: dec('2') })).toMatchObject({
      ok: false,
      reason: 'book_cannot_fill',
    });
    expect(price({ size: '10', book: { bids: book.bids, asks: [] } })).toMatchObject({
      ok: false,
      reason: 'book_cannot_fill',
    });
  });

  it('prices a SELL against the bids with the limit rounded up', () => {
    // Target 0.48, 3% → bound 0.4656 → limit 0.47: 10 × 0.48 + 10 × 0.47 = 9.5, average 0.475.
    const r = price({ side: 'SELL', targetPrice: dec('0.48'), maxSlippagePercent: dec('3'), size: '20' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.order.limitPrice.toFixed()).toBe('0.47');
    expect(r.order.expectedAveragePrice.toFixed()).toBe('0.475');
    // (0.48 − 0.475) / 0.48 = 1.0416…%
    expect(r.order.expectedSlippagePercent.toDecimalPlaces(4).toFixed()).toBe('1.0417');
    expect(r.order.expectedSlippageBps.toDecimalPlaces(2).toFixed()).toBe('104.17');
    // At 2% the bound 0.4704 rounds up to 0.48, where only 10 shares bid.
    const tight = price({ side: 'SELL', targetPrice: dec('0.48'), maxSlippagePercent: dec('2'), size: '20' });
    expect(tight).toMatchObject({ ok: false, reason: 'slippage_exceeded' });
  });

  it('refuses when no valid price lies within the bound', () => {
    const r = price({ side: 'SELL', targetPrice: dec('0.999'), maxSlippagePercent: dec('0'), size: '10' });
    expect(r).toMatchObject({ ok: false, reason: 'slippage_exceeded' });
  });

  it('spends a pUSD amount on a BUY', () => {
    const r = price({ amount: '5' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.order.amount?.toFixed()).toBe('5');
    expect(r.order.size).toBeNull();
    expect(r.order.expectedFilledSize.toFixed()).toBe('10');
    // $6 needs the 0.51 level, beyond the limit.
    expect(price({ amount: '6' })).toMatchObject({ ok: false, reason: 'slippage_exceeded' });
  });

  it("applies the venue's precision and minimum to what it posts", () => {
    const r = price({ size: '5.129' });
    expect(r.ok && r.order.size?.toFixed()).toBe('5.12');
    expect(price({ size: '1' })).toMatchObject({ ok: false, reason: 'below_venue_minimum' }); // $0.50
    expect(price({ amount: '0.99' })).toMatchObject({ ok: false, reason: 'below_venue_minimum' });
  });

  it('never expects an average price beyond the slippage bound (property)', () => {
    let priced = 0;
    const levels = fc.array(
      fc.record({ tick: fc.integer({ min: 1, max: 99 }), size: fc.integer({ min: 1, max: 5000 }) }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(
        levels,
        levels,
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 300, max: 20_000 }),
        fc.constantFrom<Side>('BUY', 'SELL'),
        (bids, asks, targetTicks, slipHundredths, sizeCents, side) => {
          const toLevels = (ls: typeof bids) =>
            ls.map((l) => ({ price: new Decimal(l.tick).div(100), size: new Decimal(l.size) }));
          const target = new Decimal(targetTicks).div(100);
          const slip = new Decimal(slipHundredths).div(100);
          const r = priceCopyOrder({
            side,
            targetPrice: target,
            maxSlippagePercent: slip,
            book: { bids: toLevels(bids), asks: toLevels(asks) },
            quantity: { size: new Decimal(sizeCents).div(100) },
            tickSize: TICK,
          });
          if (!r.ok) return;
          priced++;
          const bound = r.order.slippageBound;
          if (side === 'BUY') {
            expect(r.order.limitPrice.lte(bound)).toBe(true);
            expect(r.order.expectedWorstPrice.lte(r.order.limitPrice)).toBe(true);
          } else {
            expect(r.order.limitPrice.gte(bound)).toBe(true);
            expect(r.order.expectedWorstPrice.gte(r.order.limitPrice)).toBe(true);
          }
          expect(r.order.expectedSlippagePercent.lte(slip)).toBe(true);
          expect(r.order.expectedFilledSize.eq(r.order.size as Decimal)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    // The property must not hold vacuously: plenty of generated orders do get priced.
    expect(priced).toBeGreaterThan(25);
  });
});
