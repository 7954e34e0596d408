import { describe, expect, it } from 'vitest';
import { DUST_SHARES, isDust } from '../../../../src/domain/dust.ts';
import { dec } from '../../../../src/domain/money.ts';
import { MIN_MARKETABLE_NOTIONAL } from '../../../../src/domain/order-rules.ts';

describe('dust', () => {
  it('is more than nothing and less than one share', () => {
    expect(isDust(dec('0.0063'))).toBe(true);
    expect(isDust(dec('0.99'))).toBe(true);
    expect(isDust(dec('1'))).toBe(false);
    expect(isDust(dec('42.1'))).toBe(false);
    expect(isDust(dec('0'))).toBe(false);
  });

  it('can never be sold by a marketable order: worth under $1 at the highest price a share trades', () => {
    const justUnder = DUST_SHARES.minus(dec('0.01')); // the most a SELL of dust can carry (2 decimals)
    expect(justUnder.times(dec('0.999')).lt(MIN_MARKETABLE_NOTIONAL)).toBe(true);
  });
});
