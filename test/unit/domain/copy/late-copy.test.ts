// The price rule for late copies (src/domain/late-copy.ts): a signed order is re-sent only while the
// book would fill it within its own limit; a late copy refused for slippage reads as price_moved.
import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/money.ts';
import type { FeeSchedule } from '../../../../src/domain/book-walk.ts';
import type { BookSides } from '../../../../src/domain/order-book.ts';
import { judgeSignedOrder, refusalForLateCopy } from '../../../../src/domain/late-copy.ts';

const lv = (price: string, size: string) => ({ price: dec(price), size: dec(size) });
const fee: FeeSchedule = { rate: dec('0.02'), exponent: 1, takerOnly: true };

describe('judgeSignedOrder', () => {
  const buy = { side: 'BUY' as const, limit: dec('0.51'), quantity: { amount: dec('5.10') }, fees: fee };

  it('accepts a signed BUY the asks still fill within its limit', () => {
    const book: BookSides = { bids: [lv('0.40', '100')], asks: [lv('0.50', '6'), lv('0.51', '100')] };
    expect(judgeSignedOrder(buy, book)).toEqual({ ok: true });
  });

  it('refuses it as price_moved when the asks moved beyond the limit', () => {
    const book: BookSides = { bids: [lv('0.40', '100')], asks: [lv('0.53', '1000')] };
    expect(judgeSignedOrder(buy, book)).toEqual({
      ok: false,
      reason: 'price_moved',
      detail:
        "the book moved beyond your slippage from the leader's price while the copy waited: " +
        '$5.1 cannot fill within the limit 0.51 (best 0.53)',
    });
  });

  it('refuses it as price_moved when only part fills within the limit (FOK: all or nothing)', () => {
    const book: BookSides = { bids: [], asks: [lv('0.51', '5'), lv('0.60', '1000')] };
    expect(judgeSignedOrder(buy, book)).toMatchObject({ ok: false, reason: 'price_moved' });
  });

  it('refuses it as book_cannot_fill when the book holds too little at any price, or nothing', () => {
    expect(judgeSignedOrder(buy, { bids: [], asks: [lv('0.50', '2'), lv('0.70', '3')] })).toEqual({
      ok: false,
      reason: 'book_cannot_fill',
      detail: 'the book holds less than $5.1',
    });
    expect(judgeSignedOrder(buy, { bids: [lv('0.4', '10')], asks: [] })).toEqual({
      ok: false,
      reason: 'book_cannot_fill',
      detail: 'the ask side is empty',
    });
  });

  it('judges a SELL against the bids at its floor', () => {
    const sell = { side: 'SELL' as const, limit: dec('0.49'), quantity: { size: dec('10') } };
    expect(judgeSignedOrder(sell, { bids: [lv('0.50', '4'), lv('0.49', '6')], asks: [] })).toEqual({
      ok: true,
    });
    expect(judgeSignedOrder(sell, { bids: [lv('0.50', '4'), lv('0.45', '60')], asks: [] })).toMatchObject({
      ok: false,
      reason: 'price_moved',
    });
  });
});

describe('refusalForLateCopy', () => {
  it('names a slippage refusal price_moved only for a late copy', () => {
    expect(refusalForLateCopy('slippage_exceeded', true)).toBe('price_moved');
    expect(refusalForLateCopy('slippage_exceeded', false)).toBe('slippage_exceeded');
    expect(refusalForLateCopy('book_cannot_fill', true)).toBe('book_cannot_fill');
  });
});
