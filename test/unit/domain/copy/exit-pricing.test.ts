import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/money.ts';
import type { FeeSchedule } from '../../../../src/domain/book-walk.ts';
import type { BookSides } from '../../../../src/domain/order-book.ts';
import { priceCopyOrder } from '../../../../src/domain/copy-pricing.ts';
import {
  DEFAULT_EXIT_SLIPPAGE_PERCENT,
  exitReference,
  priceExitOrder,
} from '../../../../src/domain/exit-pricing.ts';

const lv = (price: string, size: string) => ({ price: dec(price), size: dec(size) });
const TICK = dec('0.01');
const exit = (book: BookSides, size = '50', slip = DEFAULT_EXIT_SLIPPAGE_PERCENT, fees?: FeeSchedule) =>
  priceExitOrder({
    book,
    size: dec(size),
    exitSlippagePercent: slip,
    tickSize: TICK,
    ...(fees ? { fees } : {}),
  });

// A wide spread: 0.30 / 0.40, midpoint 0.35.
const wide: BookSides = { bids: [lv('0.30', '1000')], asks: [lv('0.40', '1000')] };

describe('exit pricing', () => {
  it('sells into a wide spread that the midpoint × (1 − 1%) rule refused', () => {
    // The old rule: the exit targeted the midpoint with the relationship's 1% → limit 0.35: refused.
    const old = priceCopyOrder({
      side: 'SELL',
      targetPrice: dec('0.35'),
      maxSlippagePercent: dec('1'),
      book: wide,
      quantity: { size: dec('50') },
      tickSize: TICK,
    });
    expect(old).toMatchObject({ ok: false, reason: 'slippage_exceeded' });

    // From the best bid with 5%: 0.30 × 0.95 = 0.285 → limit 0.29 (a SELL rounds up); all 50 at 0.30.
    const r = exit(wide);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.order.limitPrice.toFixed()).toBe('0.29');
    expect(r.order.slippageBound.toFixed()).toBe('0.285');
    expect(r.order.size?.toFixed()).toBe('50');
    expect(r.order.expectedAveragePrice.toFixed()).toBe('0.3');
    expect(r.order.expectedNotional.toFixed()).toBe('15');
  });

  it('walks the bids down to the tolerance and no further', () => {
    // 20 at 0.30 and 30 at 0.29: inside 0.285 → average (6 + 8.7) / 50 = 0.294.
    const stepped: BookSides = {
      bids: [lv('0.30', '20'), lv('0.29', '30'), lv('0.10', '1000')],
      asks: [lv('0.40', '10')],
    };
    const ok = exit(stepped);
    expect(ok.ok && ok.order.expectedAveragePrice.toFixed()).toBe('0.294');
    // 70 shares need the 0.10 level: the book could take them, but only far beyond the tolerance.
    const far = exit(stepped, '70');
    expect(far).toMatchObject({ ok: false, reason: 'slippage_exceeded' });
    expect(!far.ok && far.detail).toContain('within the limit 0.29');
    // A wider tolerance (configured) reaches the deeper bids it allows, still not 0.10.
    expect(exit(stepped, '70', dec('25'))).toMatchObject({ ok: false, reason: 'slippage_exceeded' });
  });

  it('refuses a bid side too thin to take every share', () => {
    const thin: BookSides = { bids: [lv('0.30', '10')], asks: [lv('0.40', '1000')] };
    const r = exit(thin);
    expect(r).toMatchObject({ ok: false, reason: 'book_cannot_fill' });
    expect(!r.ok && r.detail).toContain('less than 50 shares on the bid side');
  });

  it('refuses an empty bid side and a stub bid far under the midpoint', () => {
    expect(exit({ bids: [], asks: [lv('0.40', '10')] })).toEqual({
      ok: false,
      reason: 'book_cannot_fill',
      detail: 'the book has no bids to sell into',
    });
    // 0.05 / 0.60: midpoint 0.325, the bid is 85% under it — plenty of size, but no real buyer.
    const stub: BookSides = { bids: [lv('0.05', '100000')], asks: [lv('0.60', '100')] };
    const r = exit(stub);
    expect(r).toMatchObject({ ok: false, reason: 'slippage_exceeded' });
    expect(!r.ok && r.detail).toContain('more than 50% under the midpoint 0.325');
    // At exactly half the midpoint it is still a market (0.20 / 0.60: mid 0.40, floor 0.20).
    expect(exitReference({ bids: [lv('0.20', '1')], asks: [lv('0.60', '1')] })).toMatchObject({ ok: true });
    expect(exitReference({ bids: [lv('0.19', '1')], asks: [lv('0.60', '1')] })).toMatchObject({ ok: false });
    // No asks: no midpoint to judge against; the best bid is the market.
    expect(exitReference({ bids: [lv('0.05', '1')], asks: [] })).toMatchObject({ ok: true });
  });

  it('deducts fees from the proceeds as a copy SELL does, and rejects a nonsensical tolerance', () => {
    const fee: FeeSchedule = { rate: dec('0.04'), exponent: 1, takerOnly: true };
    const r = exit(wide, '50', DEFAULT_EXIT_SLIPPAGE_PERCENT, fee);
    expect(r.ok && r.order.expectedFees.gt(0)).toBe(true);
    expect(() => exit(wide, '50', dec('-1'))).toThrow(RangeError);
    // 0: at the best bid only (rounded up to the tick, 0.30 here), which the 0.30 bid takes.
    const atBid = exit(wide, '50', dec('0'));
    expect(atBid.ok && atBid.order.limitPrice.toFixed()).toBe('0.3');
    expect(() => exit(wide, '50', dec('50'))).toThrow(RangeError);
  });
});
