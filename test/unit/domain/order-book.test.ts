import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/money.ts';
import { bestAsk, bestBid, isMarketable, midpoint, normaliseSides } from '../../../src/domain/order-book.ts';

const lv = (price: string, size: string) => ({ price: dec(price), size: dec(size) });

describe('order book normalisation', () => {
  it('orders both sides best-first, merges repeated prices and drops empty levels', () => {
    const sides = normaliseSides({
      bids: [lv('0.40', '5'), lv('0.48', '1'), lv('0.45', '0'), lv('0.40', '2.5')],
      asks: [lv('0.60', '1'), lv('0.52', '3'), lv('0.55', '0')],
    });
    expect(sides.bids.map((l) => [l.price.toFixed(), l.size.toFixed()])).toEqual([
      ['0.48', '1'],
      ['0.4', '7.5'],
    ]);
    expect(sides.asks.map((l) => l.price.toFixed())).toEqual(['0.52', '0.6']);
  });

  it('gives best prices, midpoint and marketability; no midpoint for a one-sided book', () => {
    const book = { bids: [lv('0.40', '1'), lv('0.44', '1')], asks: [lv('0.60', '1'), lv('0.50', '1')] };
    expect(bestBid(book)?.toFixed()).toBe('0.44');
    expect(bestAsk(book)?.toFixed()).toBe('0.5');
    expect(midpoint(book)?.toFixed()).toBe('0.47');
    expect(midpoint({ bids: book.bids, asks: [] })).toBeNull();
    expect(isMarketable(book, 'BUY', dec('0.5'))).toBe(true);
    expect(isMarketable(book, 'BUY', dec('0.49'))).toBe(false);
    expect(isMarketable(book, 'SELL', dec('0.44'))).toBe(true);
    expect(isMarketable(book, 'SELL', dec('0.45'))).toBe(false);
  });
});
