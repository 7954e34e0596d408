import { describe, expect, it } from 'vitest';
import { dec } from '../../../src/domain/money.ts';
import {
  isOnTick,
  quantiseOrder,
  quantisePrice,
  roundingConfigFor,
} from '../../../src/domain/order-rules.ts';

const rules = { tickSize: dec('0.01'), minOrderSize: dec('5') };
const NOW = 1_760_000_000_000;

describe('quantisePrice', () => {
  it('rounds a BUY down and a SELL up onto the tick grid', () => {
    expect(quantisePrice('BUY', dec('0.5099'), dec('0.01')).toFixed()).toBe('0.5');
    expect(quantisePrice('SELL', dec('0.5001'), dec('0.01')).toFixed()).toBe('0.51');
    expect(quantisePrice('BUY', dec('0.1237'), dec('0.0025')).toFixed()).toBe('0.1225');
    expect(quantisePrice('SELL', dec('0.5'), dec('0.01')).toFixed()).toBe('0.5');
    expect(isOnTick(dec('0.1225'), dec('0.0025'))).toBe(true);
    expect(isOnTick(dec('0.123'), dec('0.0025'))).toBe(false);
  });

  it('knows the official rounding per tick and derives one for an unlisted tick', () => {
    expect(roundingConfigFor(dec('0.001'))).toEqual({ priceDecimals: 3, sizeDecimals: 2, amountDecimals: 5 });
    expect(roundingConfigFor(dec('0.02'))).toEqual({ priceDecimals: 2, sizeDecimals: 2, amountDecimals: 4 });
  });
});

describe('quantiseOrder', () => {
  it('quantises price and size of a resting order', () => {
    const r = quantiseOrder(
      { side: 'BUY', orderType: 'GTC', price: dec('0.4567'), size: dec('12.3456') },
      rules,
      NOW,
    );
    expect(r.ok && [r.order.price.toFixed(), r.order.size?.toFixed()]).toEqual(['0.45', '12.34']);
  });

  it('rejects a resting order below the minimum size with the venue wording', () => {
    const r = quantiseOrder(
      { side: 'BUY', orderType: 'GTC', price: dec('0.4'), size: dec('4.999') },
      rules,
      NOW,
      '0xabc',
    );
    expect(r).toEqual({
      ok: false,
      reason: 'below_min_size',
      message: 'order 0xabc is invalid. Size (4.99) lower than the minimum: 5',
    });
  });

  it('requires $1 on marketable orders, by size or by amount', () => {
    const bySize = quantiseOrder(
      { side: 'SELL', orderType: 'FOK', price: dec('0.2'), size: dec('4') },
      rules,
      NOW,
    );
    expect(bySize.ok).toBe(false);
    expect(!bySize.ok && bySize.message).toBe(
      'invalid amount for a marketable SELL order ($0.8), min size: $1',
    );
    const byAmount = quantiseOrder(
      { side: 'BUY', orderType: 'FAK', price: dec('0.5'), amount: dec('0.999') },
      rules,
      NOW,
    );
    expect(!byAmount.ok && byAmount.message).toBe(
      'invalid amount for a marketable BUY order ($0.99), min size: $1',
    );
    const ok = quantiseOrder(
      { side: 'BUY', orderType: 'FAK', price: dec('0.5'), amount: dec('2.345') },
      rules,
      NOW,
    );
    expect(ok.ok && ok.order.amount?.toFixed()).toBe('2.34');
  });

  it('rejects prices outside (0, 1) and prices that quantise off the grid', () => {
    for (const price of ['0', '1', '1.2', '-0.1']) {
      const r = quantiseOrder(
        { side: 'BUY', orderType: 'GTC', price: dec(price), size: dec('10') },
        rules,
        NOW,
      );
      expect(!r.ok && r.reason).toBe('invalid_price');
    }
    const tooLow = quantiseOrder(
      { side: 'BUY', orderType: 'GTC', price: dec('0.004'), size: dec('10') },
      rules,
      NOW,
    );
    expect(!tooLow.ok && tooLow.message).toBe('invalid price (0), min: 0.01 - max: 0.99');
    const tooHigh = quantiseOrder(
      { side: 'SELL', orderType: 'GTC', price: dec('0.995'), size: dec('10') },
      rules,
      NOW,
    );
    expect(!tooHigh.ok && tooHigh.reason).toBe('invalid_price');
  });

  it('checks GTD expiry against the one-minute threshold and forbids expiry elsewhere', () => {
    const nowSec = NOW / 1000;
    const base = { side: 'BUY' as const, price: dec('0.4'), size: dec('10') };
    expect(quantiseOrder({ ...base, orderType: 'GTD', expiresAt: nowSec + 60 }, rules, NOW).ok).toBe(false);
    expect(quantiseOrder({ ...base, orderType: 'GTD' }, rules, NOW).ok).toBe(false);
    const ok = quantiseOrder({ ...base, orderType: 'GTD', expiresAt: nowSec + 61 }, rules, NOW);
    expect(ok.ok && ok.order.expiresAt).toBe(nowSec + 61);
    const r = quantiseOrder({ ...base, orderType: 'GTC', expiresAt: nowSec + 600 }, rules, NOW);
    expect(!r.ok && r.reason).toBe('invalid_expiration');
  });

  it('refuses amounts on sells and resting orders, post-only on marketable orders, and both quantities', () => {
    const amountSell = quantiseOrder(
      { side: 'SELL', orderType: 'FOK', price: dec('0.5'), amount: dec('5') },
      rules,
      NOW,
    );
    expect(!amountSell.ok && amountSell.reason).toBe('invalid_amount');
    const amountGtc = quantiseOrder(
      { side: 'BUY', orderType: 'GTC', price: dec('0.5'), amount: dec('5') },
      rules,
      NOW,
    );
    expect(!amountGtc.ok && amountGtc.reason).toBe('invalid_amount');
    const postOnly = quantiseOrder(
      { side: 'BUY', orderType: 'FOK', price: dec('0.5'), size: dec('5'), postOnly: true },
      rules,
      NOW,
    );
    expect(!postOnly.ok && postOnly.reason).toBe('invalid_post_only_order_type');
    const both = quantiseOrder(
      { side: 'BUY', orderType: 'FOK', price: dec('0.5'), size: dec('5'), amount: dec('5') },
      rules,
      NOW,
    );
    expect(!both.ok && both.reason).toBe('invalid_size');
  });
});
