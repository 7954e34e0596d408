import { describe, expect, it } from 'vitest';
import { combineLegs, legGroupKey } from '../../../../src/domain/leader-order-legs.ts';
import { Decimal } from '../../../../src/domain/money.ts';

const leg = (price: string, size: string, over: Partial<Parameters<typeof legGroupKey>[0]> = {}) => ({
  txHash: '0xABC',
  wallet: '0xLeader',
  assetId: '123',
  side: 'BUY' as const,
  price: new Decimal(price),
  size: new Decimal(size),
  ...over,
});

describe('leader order legs', () => {
  it('groups by transaction, wallet, token and side (case-insensitive hashes and wallets)', () => {
    expect(legGroupKey(leg('0.5', '1'))).toBe(
      legGroupKey(leg('0.6', '2', { txHash: '0xabc', wallet: '0xleader' })),
    );
    expect(legGroupKey(leg('0.5', '1'))).not.toBe(legGroupKey(leg('0.5', '1', { side: 'SELL' })));
    expect(legGroupKey(leg('0.5', '1'))).not.toBe(legGroupKey(leg('0.5', '1', { assetId: '124' })));
    expect(legGroupKey(leg('0.5', '1'))).not.toBe(legGroupKey(leg('0.5', '1', { txHash: '0xabd' })));
  });

  it('combines legs into their summed size at the size-weighted average price', () => {
    const o = combineLegs([leg('0.50', '60'), leg('0.51', '30'), leg('0.52', '10')]);
    expect(o.size.toFixed()).toBe('100');
    expect(o.price.toFixed()).toBe('0.505');
    expect(combineLegs([leg('0.3', '3'), leg('0.4', '3'), leg('0.4', '3')]).price.toFixed()).toBe('0.366667');
  });

  it('refuses no legs, legs of different orders, and legs with no size', () => {
    expect(() => combineLegs([])).toThrow(RangeError);
    expect(() => combineLegs([leg('0.5', '1'), leg('0.5', '1', { side: 'SELL' })])).toThrow(RangeError);
    expect(() => combineLegs([leg('0.5', '0')])).toThrow(RangeError);
  });
});
