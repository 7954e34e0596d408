import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Decimal } from '../../../src/domain/money.ts';
import { dec } from '../../../src/domain/money.ts';
import {
  limitForSlippage,
  slippage,
  takerFee,
  walkBook,
  type FeeSchedule,
  type OrderType,
} from '../../../src/domain/book-walk.ts';
import type { BookSides } from '../../../src/domain/order-book.ts';

const lv = (price: string, size: string) => ({ price: dec(price), size: dec(size) });
const fee4: FeeSchedule = { rate: dec('0.04'), exponent: 1, takerOnly: true };

// Wire order (best last) on purpose: the walk must not depend on it.
const book: BookSides = {
  bids: [lv('0.40', '50'), lv('0.45', '20'), lv('0.48', '10')],
  asks: [lv('0.60', '100'), lv('0.52', '10'), lv('0.50', '10')],
};

const s = (d: Decimal | null | undefined) => d?.toFixed() ?? null;

describe('walkBook', () => {
  it('fills a BUY across levels up to the limit with fees worked out by hand', () => {
    const r = walkBook({
      side: 'BUY',
      book,
      limitPrice: dec('0.55'),
      quantity: { size: dec('15') },
      orderType: 'FOK',
      fee: fee4,
    });
    expect(r.outcome).toBe('filled');
    expect(r.fills.map((f) => [s(f.price), s(f.size), s(f.notional), s(f.fee)])).toEqual([
      ['0.5', '10', '5', '0.1'], // 10 × 0.04 × 0.5 × 0.5
      ['0.52', '5', '2.6', '0.04992'], // 5 × 0.04 × 0.52 × 0.48
    ]);
    expect(s(r.filledSize)).toBe('15');
    expect(s(r.notional)).toBe('7.6');
    expect(s(r.fees)).toBe('0.14992');
    expect(r.averagePrice?.toFixed(10)).toBe('0.5066666667');
    expect(s(r.worstPrice)).toBe('0.52');
    expect(r.fullyFillable).toBe(true);
    expect(s(r.remaining)).toBe('0');
  });

  it('kills a FOK when depth within the limit is insufficient', () => {
    const r = walkBook({
      side: 'BUY',
      book,
      limitPrice: dec('0.55'),
      quantity: { size: dec('25') },
      orderType: 'FOK',
    });
    expect(r.outcome).toBe('killed');
    expect(r.fills).toEqual([]);
    expect(s(r.filledSize)).toBe('0');
    expect(r.averagePrice).toBeNull();
    expect(r.fullyFillable).toBe(false);
    expect(s(r.remaining)).toBe('25');
  });

  it('fills a FAK in part and kills the rest', () => {
    const r = walkBook({
      side: 'BUY',
      book,
      limitPrice: dec('0.55'),
      quantity: { size: dec('25') },
      orderType: 'FAK',
    });
    expect(r.outcome).toBe('partial');
    expect(s(r.filledSize)).toBe('20');
    expect(s(r.notional)).toBe('10.2');
    expect(s(r.remaining)).toBe('5');
    expect(s(r.restingSize)).toBe('0');
  });

  it('leaves the unfilled part of a GTC resting, and rests it all when nothing is marketable', () => {
    const partial = walkBook({
      side: 'BUY',
      book,
      limitPrice: dec('0.55'),
      quantity: { size: dec('25') },
      orderType: 'GTC',
    });
    expect(partial.outcome).toBe('partial');
    expect(s(partial.restingSize)).toBe('5');
    const none = walkBook({
      side: 'BUY',
      book,
      limitPrice: dec('0.45'),
      quantity: { size: dec('25') },
      orderType: 'GTD',
    });
    expect(none.outcome).toBe('none');
    expect(s(none.restingSize)).toBe('25');
  });

  it('walks bids for a SELL and never goes below the limit', () => {
    const r = walkBook({
      side: 'SELL',
      book,
      limitPrice: dec('0.45'),
      quantity: { size: dec('40') },
      orderType: 'FAK',
    });
    expect(r.fills.map((f) => [s(f.price), s(f.size)])).toEqual([
      ['0.48', '10'],
      ['0.45', '20'],
    ]);
    expect(s(r.notional)).toBe('13.8');
    expect(s(r.averagePrice)).toBe('0.46');
  });

  it('spends a pUSD amount on a BUY, rounding shares down at the last level', () => {
    const r = walkBook({
      side: 'BUY',
      book,
      limitPrice: dec('0.55'),
      quantity: { amount: dec('6') },
      orderType: 'FOK',
      sizeDecimals: 4,
    });
    // 10 @ 0.50 = 5; the last 1 buys floor4(1 / 0.52) = 1.923 shares for 0.99996
    expect(r.fills.map((f) => [s(f.price), s(f.size), s(f.notional)])).toEqual([
      ['0.5', '10', '5'],
      ['0.52', '1.923', '0.99996'],
    ]);
    expect(r.outcome).toBe('filled');
    expect(s(r.remaining)).toBe('0.00004');
  });

  it('kills an amount FOK the book within the limit cannot absorb', () => {
    const r = walkBook({
      side: 'BUY',
      book,
      limitPrice: dec('0.52'),
      quantity: { amount: dec('20') },
      orderType: 'FOK',
    });
    expect(r.outcome).toBe('killed');
  });

  it('refuses amounts on a SELL or a resting order', () => {
    expect(() =>
      walkBook({
        side: 'SELL',
        book,
        limitPrice: dec('0.4'),
        quantity: { amount: dec('5') },
        orderType: 'FAK',
      }),
    ).toThrow(RangeError);
    expect(() =>
      walkBook({
        side: 'BUY',
        book,
        limitPrice: dec('0.4'),
        quantity: { amount: dec('5') },
        orderType: 'GTC',
      }),
    ).toThrow(RangeError);
  });

  it('never fills beyond the limit or the requested size, and FOK is all-or-nothing (property)', () => {
    const level = fc
      .record({ p: fc.integer({ min: 1, max: 99 }), q: fc.integer({ min: 1, max: 500 }) })
      .map(({ p, q }) => lv(`0.${String(p).padStart(2, '0')}`, String(q)));
    fc.assert(
      fc.property(
        fc.array(level, { maxLength: 8 }),
        fc.array(level, { maxLength: 8 }),
        fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.constantFrom<OrderType>('FOK', 'FAK', 'GTC'),
        (bids, asks, side, limitCents, size, orderType) => {
          const limitPrice = dec(limitCents).div(100);
          const r = walkBook({
            side,
            book: { bids, asks },
            limitPrice,
            quantity: { size: dec(size) },
            orderType,
          });
          for (const f of r.fills) {
            expect(side === 'BUY' ? f.price.lte(limitPrice) : f.price.gte(limitPrice)).toBe(true);
          }
          expect(r.filledSize.lte(size)).toBe(true);
          expect(r.filledSize.plus(r.remaining).eq(size)).toBe(true);
          if (orderType === 'FOK') expect(r.filledSize.isZero() || r.filledSize.eq(size)).toBe(true);
          const prices = r.fills.map((f) => f.price);
          for (let i = 1; i < prices.length; i++) {
            const ok = side === 'BUY' ? prices[i]!.gt(prices[i - 1]!) : prices[i]!.lt(prices[i - 1]!);
            expect(ok).toBe(true);
          }
        },
      ),
    );
  });
});

describe('takerFee', () => {
  it('uses shares × rate × (p(1−p))^exponent, rounded half-up to 6 dp', () => {
    expect(s(takerFee(dec('10'), dec('0.5'), { rate: dec('0.25'), exponent: 2, takerOnly: true }))).toBe(
      '0.15625',
    );
    expect(s(takerFee(dec('1'), dec('0.123'), { rate: dec('0.01'), exponent: 1, takerOnly: true }))).toBe(
      '0.001079',
    );
    expect(s(takerFee(dec('100'), dec('0.5'), { rate: dec('0'), exponent: 1, takerOnly: true }))).toBe('0');
  });
});

describe('slippage', () => {
  it('is positive when worse for the taker, in percent and bps', () => {
    const buy = slippage('BUY', dec('0.51'), dec('0.50'));
    expect([s(buy.absolute), s(buy.percent), s(buy.bps)]).toEqual(['0.01', '2', '200']);
    const sell = slippage('SELL', dec('0.45'), dec('0.50'));
    expect([s(sell.absolute), s(sell.percent), s(sell.bps)]).toEqual(['0.05', '10', '1000']);
    expect(slippage('BUY', dec('0.49'), dec('0.50')).bps.toFixed()).toBe('-200');
  });

  it('turns a bps budget into a limit price', () => {
    expect(s(limitForSlippage('BUY', dec('0.5'), dec('200')))).toBe('0.51');
    expect(s(limitForSlippage('SELL', dec('0.5'), dec('200')))).toBe('0.49');
  });
});
