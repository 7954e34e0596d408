import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../../src/domain/money.ts';
import {
  ROUNDING_CONFIG,
  TICK_SIZES,
  fromBaseUnits,
  impliedPrice,
  limitOrderAmounts,
  marketAmountPrecisionIssues,
  marketOrderAmounts,
  parseTickSize,
  roundPriceToTick,
  toBaseUnits,
  validateLimitOrder,
  validateMarketOrder,
  validatePrice,
  type TickSize,
} from '../../../../src/venue/polymarket/order-amounts.ts';

/** An on-tick price strictly inside (0, 1) for the tick, from an integer number of ticks. */
const onTickPrice = (tick: TickSize) => {
  const t = new Decimal(tick);
  const maxTicks = new Decimal(1).div(t).minus(1).toNumber();
  return fc.integer({ min: 1, max: maxTicks }).map((k) => t.times(k));
};
const cents = fc.integer({ min: 1, max: 100_000_000 }).map((c) => new Decimal(c).div(100));
const side = fc.constantFrom('BUY' as const, 'SELL' as const);
const tickArb = fc.constantFrom(...TICK_SIZES);

describe('limit order amounts', () => {
  it('truncates size to 2 decimals and rounds price half-up to the tick decimals', () => {
    const a = limitOrderAmounts({ side: 'BUY', price: '0.555', size: '10.019', tickSize: '0.01' });
    expect(a.price.toFixed()).toBe('0.56');
    expect(a.shares.toFixed()).toBe('10.01');
    expect(a.takerAmount).toBe(10_010_000n);
    expect(a.makerAmount).toBe(5_605_600n);
  });

  it('refuses a JS fraction as money and a non-positive size', () => {
    expect(() => limitOrderAmounts({ side: 'BUY', price: 0.5, size: '1', tickSize: '0.01' })).toThrow(
      TypeError,
    );
    expect(() => limitOrderAmounts({ side: 'BUY', price: '0.5', size: '0.004', tickSize: '0.01' })).toThrow(
      RangeError,
    );
  });

  it('property: on-tick prices give integer amounts whose implied price is exactly the limit', () => {
    fc.assert(
      fc.property(
        tickArb.chain((tick) => fc.tuple(fc.constant(tick), onTickPrice(tick), cents, side)),
        ([tick, price, size, s]) => {
          const a = limitOrderAmounts({ side: s, price, size, tickSize: tick });
          expect(a.makerAmount).toBeGreaterThan(0n);
          expect(a.takerAmount).toBeGreaterThan(0n);
          // shares carry at most 2 decimals, pUSD at most the tick's amount decimals
          const shareUnits = s === 'BUY' ? a.takerAmount : a.makerAmount;
          const usdUnits = s === 'BUY' ? a.makerAmount : a.takerAmount;
          expect(shareUnits % 10_000n).toBe(0n);
          expect(fromBaseUnits(usdUnits).decimalPlaces()).toBeLessThanOrEqual(ROUNDING_CONFIG[tick].amount);
          expect(impliedPrice(s, a.makerAmount, a.takerAmount).eq(price)).toBe(true);
          expect(shareUnits).toBe(toBaseUnits(size));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('market order amounts', () => {
  it('BUY spends the amount truncated to cents; SELL sells shares truncated to 2 decimals', () => {
    const b = marketOrderAmounts({ side: 'BUY', price: '0.3', amount: '10.009', tickSize: '0.1' });
    expect(b.makerAmount).toBe(10_000_000n);
    expect(b.takerAmount).toBe(33_333_000n); // 33.333… shares, 3 decimals on a 0.1 tick
    const s = marketOrderAmounts({ side: 'SELL', price: '0.427', amount: '40.019', tickSize: '0.01' });
    expect(s.price.toFixed()).toBe('0.42'); // market prices round down
    expect([s.makerAmount, s.takerAmount]).toEqual([40_010_000n, 16_804_200n]);
  });

  it('property: BUY never asks for more shares than amount ÷ price, and is short by less than one amount-decimal unit', () => {
    fc.assert(
      fc.property(
        tickArb.chain((tick) => fc.tuple(fc.constant(tick), onTickPrice(tick), cents)),
        ([tick, price, amount]) => {
          const a = marketOrderAmounts({ side: 'BUY', price, amount, tickSize: tick });
          expect(a.makerAmount).toBe(toBaseUnits(amount));
          const exactShares = amount.div(price);
          expect(a.shares.lte(exactShares)).toBe(true);
          expect(exactShares.minus(a.shares).lt(new Decimal(10).pow(-ROUNDING_CONFIG[tick].amount))).toBe(
            true,
          );
          // Implied price is at least the limit (asking fewer shares per pUSD) but never reaches
          // the next tick, so on an on-tick book it cannot fill at a worse level.
          const implied = impliedPrice('BUY', a.makerAmount, a.takerAmount);
          expect(implied.gte(price)).toBe(true);
          expect(implied.lt(price.plus(tick))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('property: SELL gets exactly shares × price (implied price = limit)', () => {
    fc.assert(
      fc.property(
        tickArb.chain((tick) => fc.tuple(fc.constant(tick), onTickPrice(tick), cents)),
        ([tick, price, amount]) => {
          const a = marketOrderAmounts({ side: 'SELL', price, amount, tickSize: tick });
          expect(a.makerAmount).toBe(toBaseUnits(amount));
          expect(a.takerAmount).toBe(toBaseUnits(amount.times(price)));
          expect(impliedPrice('SELL', a.makerAmount, a.takerAmount).eq(price)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('validation helpers', () => {
  it('accepts an on-tick price inside [tick, 1 − tick]', () => {
    expect(validatePrice('0.55', '0.01')).toEqual({ ok: true });
    expect(validatePrice('0.0025', '0.0025')).toEqual({ ok: true });
    expect(validatePrice('0.9975', '0.0025')).toEqual({ ok: true });
  });

  it('reports off-tick and out-of-range prices with Polymarket wording', () => {
    expect(validatePrice('0.123', '0.005')).toEqual({
      ok: false,
      issues: [{ code: 'PRICE_NOT_ON_TICK', message: 'Price (0.123) breaks minimum tick size rule: 0.005' }],
    });
    const r = validatePrice('0.995', '0.01');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.code)).toEqual(['PRICE_OUT_OF_RANGE', 'PRICE_NOT_ON_TICK']);
    const z = validatePrice('0', '0.01');
    expect(z.ok === false && z.issues[0]?.code).toBe('PRICE_OUT_OF_RANGE');
    const t = validatePrice('0.5', '0.02');
    expect(t.ok === false && t.issues[0]?.code).toBe('INVALID_TICK_SIZE');
  });

  it('checks minimum size after truncating to 2 decimals', () => {
    expect(validateLimitOrder({ price: '0.5', size: '5', tickSize: '0.01', minOrderSize: '5' })).toEqual({
      ok: true,
    });
    expect(validateLimitOrder({ price: '0.5', size: '4.999', tickSize: '0.01', minOrderSize: '5' })).toEqual({
      ok: false,
      issues: [{ code: 'SIZE_BELOW_MINIMUM', message: 'Size (4.99) lower than the minimum: 5' }],
    });
    const zero = validateLimitOrder({ price: '0.5', size: '0.001', tickSize: '0.01' });
    expect(zero.ok === false && zero.issues[0]?.code).toBe('SIZE_NOT_POSITIVE');
  });

  it('checks the $1 marketable BUY minimum, not for SELL', () => {
    const r = validateMarketOrder({ side: 'BUY', amount: '0.86', price: '0.5', tickSize: '0.01' });
    expect(r).toEqual({
      ok: false,
      issues: [
        {
          code: 'MARKETABLE_BUY_BELOW_MINIMUM',
          message: 'invalid amount for a marketable BUY order ($0.86), min size: $1',
        },
      ],
    });
    expect(validateMarketOrder({ side: 'SELL', amount: '0.86', price: '0.5', tickSize: '0.01' })).toEqual({
      ok: true,
    });
  });

  it('flags market amounts beyond 2/4 decimals (the official client makes such on fine ticks)', () => {
    const fine = marketOrderAmounts({ side: 'BUY', price: '0.003', amount: '1', tickSize: '0.001' });
    expect(marketAmountPrecisionIssues('BUY', fine.makerAmount, fine.takerAmount).map((i) => i.code)).toEqual(
      ['MARKET_AMOUNT_PRECISION'],
    );
    const coarse = marketOrderAmounts({ side: 'BUY', price: '0.5', amount: '3', tickSize: '0.01' });
    expect(marketAmountPrecisionIssues('BUY', coarse.makerAmount, coarse.takerAmount)).toEqual([]);
  });

  it('parses tick sizes from wire numbers and strings, refusing unknown ones', () => {
    expect(parseTickSize(0.01)).toBe('0.01');
    expect(parseTickSize(0.0001)).toBe('0.0001');
    expect(parseTickSize('0.010')).toBe('0.01');
    expect(parseTickSize('0.02')).toBeUndefined();
    expect(parseTickSize('abc')).toBeUndefined();
  });

  it('snaps prices to the tick without worsening them in the chosen direction', () => {
    expect(roundPriceToTick('0.5549', '0.01', 'down').toFixed()).toBe('0.55');
    expect(roundPriceToTick('0.5501', '0.01', 'up').toFixed()).toBe('0.56');
    expect(roundPriceToTick('0.1237', '0.005', 'nearest').toFixed()).toBe('0.125');
    expect(roundPriceToTick('0.55', '0.01', 'up').toFixed()).toBe('0.55');
  });

  it('base-unit conversion is exact and refuses hidden precision', () => {
    expect(toBaseUnits('1.000001')).toBe(1_000_001n);
    expect(() => toBaseUnits('1.0000001')).toThrow(RangeError);
    expect(fromBaseUnits(45_454_500n).toFixed()).toBe('45.4545');
  });
});
