import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, dec } from '../../../../src/domain/money.ts';
import {
  closePosition,
  markToMarket,
  positionValue,
  realizedPnl,
  realizedPnlPercent,
  resolutionFor,
  riskTrigger,
  settlePosition,
  settlementPrice,
  unrealizedPnl,
  type OpenPosition,
} from '../../../../src/domain/pnl.ts';

const s = (d: Decimal | null) => (d === null ? null : d.toFixed());

// 100 shares bought at 0.42: $42 entry, $0.84 fees, $0.03 gas.
const position: OpenPosition = {
  quantity: dec('100'),
  entryValueUsd: dec('42'),
  feesUsd: dec('0.84'),
  gasFeeUsd: dec('0.03'),
};

describe('seed P&L formulas', () => {
  it('realized = exit − entry − fees − gas; percent = realized / entry × 100', () => {
    const realized = realizedPnl({
      exitValueUsd: dec('60'),
      entryValueUsd: dec('42'),
      feesUsd: dec('0.5'),
      gasFeeUsd: dec('0.1'),
    });
    expect(s(realized)).toBe('17.4');
    expect(s(realizedPnlPercent(realized, dec('42')))).toBe('41.4286'); // 41.428571… to 4 dp
    expect(s(realizedPnlPercent(dec('-21'), dec('42')))).toBe('-50');
    expect(realizedPnlPercent(dec('1'), dec('0'))).toBeNull();
  });

  it('unrealized = current − entry', () => {
    expect(s(unrealizedPnl(dec('50'), dec('42')))).toBe('8');
    expect(s(unrealizedPnl(dec('30.5'), dec('42')))).toBe('-11.5');
  });

  it('values positions to pUSD base units, half-up', () => {
    expect(s(positionValue(dec('100'), dec('0.555')))).toBe('55.5');
    expect(s(positionValue(dec('0.0000015'), dec('1')))).toBe('0.000002');
    const m = markToMarket(position, dec('0.5'));
    expect([s(m.currentValueUsd), s(m.unrealizedPnlUsd)]).toEqual(['50', '8']);
  });
});

describe('closePosition', () => {
  it('realizes P&L on the sold fraction only and reduces the cost basis pro rata', () => {
    // Sell 25 of 100 at 0.60 with $0.06 fee and $0.01 gas. A quarter of entry: $10.5, fees $0.21, gas $0.0075.
    const r = closePosition(position, {
      quantity: dec('25'),
      price: dec('0.6'),
      feesUsd: dec('0.06'),
      gasFeeUsd: dec('0.01'),
    });
    expect({
      entry: s(r.closed.entryValueUsd),
      exit: s(r.closed.exitValueUsd),
      fees: s(r.closed.feesUsd),
      gas: s(r.closed.gasFeeUsd),
      pnl: s(r.closed.realizedPnlUsd),
      pct: s(r.closed.realizedPnlPercent),
    }).toEqual({ entry: '10.5', exit: '15', fees: '0.27', gas: '0.0175', pnl: '4.2125', pct: '40.119' });
    expect(r.remaining).not.toBeNull();
    const rest = r.remaining as OpenPosition;
    expect([s(rest.quantity), s(rest.entryValueUsd), s(rest.feesUsd), s(rest.gasFeeUsd)]).toEqual([
      '75',
      '31.5',
      '0.63',
      '0.0225',
    ]);

    // Close the rest at 0.40: 30 − 31.5 − 0.63 − 0.0225 = −2.1525.
    const last = closePosition(rest, {
      quantity: dec('75'),
      price: dec('0.4'),
      feesUsd: dec('0'),
      gasFeeUsd: dec('0'),
    });
    expect(last.remaining).toBeNull();
    expect(s(last.closed.realizedPnlUsd)).toBe('-2.1525');
    expect(s(r.closed.entryValueUsd.plus(last.closed.entryValueUsd))).toBe('42');
  });

  it('keeps the cost basis whole across partial closes that do not divide evenly', () => {
    const p: OpenPosition = {
      quantity: dec('3'),
      entryValueUsd: dec('1'),
      feesUsd: dec('0'),
      gasFeeUsd: dec('0'),
    };
    const a = closePosition(p, {
      quantity: dec('1'),
      price: dec('0.5'),
      feesUsd: dec('0'),
      gasFeeUsd: dec('0'),
    });
    expect(s(a.closed.entryValueUsd)).toBe('0.333333');
    const b = closePosition(a.remaining as OpenPosition, {
      quantity: dec('1'),
      price: dec('0.5'),
      feesUsd: dec('0'),
      gasFeeUsd: dec('0'),
    });
    expect(s(b.closed.entryValueUsd)).toBe('0.333334'); // 0.666667 / 2 = 0.3333335, half-up
    expect(s(b.remaining?.entryValueUsd ?? null)).toBe('0.333333');
  });

  it('splits entry value, fees and gas with nothing lost or invented (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }),
        (qtyCents, entryMicros, feeMicros, percents) => {
          let open: OpenPosition | null = {
            quantity: new Decimal(qtyCents).div(100),
            entryValueUsd: new Decimal(entryMicros).div(1e6),
            feesUsd: new Decimal(feeMicros).div(1e6),
            gasFeeUsd: dec('0'),
          };
          const start = open;
          let entrySum = dec(0);
          let feeSum = dec(0);
          for (const pct of percents) {
            if (open === null) break;
            const qty = open.quantity.times(pct).div(100).toDecimalPlaces(2, Decimal.ROUND_DOWN);
            if (qty.isZero()) continue;
            const r = closePosition(open, {
              quantity: qty,
              price: dec('0.5'),
              feesUsd: dec('0'),
              gasFeeUsd: dec('0'),
            });
            entrySum = entrySum.plus(r.closed.entryValueUsd);
            feeSum = feeSum.plus(r.closed.feesUsd);
            open = r.remaining;
          }
          const leftEntry = open?.entryValueUsd ?? dec(0);
          const leftFees = open?.feesUsd ?? dec(0);
          expect(entrySum.plus(leftEntry).eq(start.entryValueUsd)).toBe(true);
          expect(feeSum.plus(leftFees).eq(start.feesUsd)).toBe(true);
          expect(leftEntry.gte(0)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses impossible closes', () => {
    const exit = { price: dec('0.5'), feesUsd: dec('0'), gasFeeUsd: dec('0') };
    expect(() => closePosition(position, { ...exit, quantity: dec('100.01') })).toThrow(RangeError);
    expect(() => closePosition(position, { ...exit, quantity: dec('0') })).toThrow(RangeError);
    expect(() => closePosition(position, { ...exit, quantity: dec('1'), price: dec('1.01') })).toThrow(
      RangeError,
    );
  });
});

describe('resolution settlement', () => {
  it('settles winning shares at 1, losing at 0, void at 0.5', () => {
    expect(s(settlePosition(position, 'won').closed.realizedPnlUsd)).toBe('57.13'); // 100 − 42 − 0.84 − 0.03
    expect(s(settlePosition(position, 'lost').closed.realizedPnlUsd)).toBe('-42.87');
    expect(s(settlePosition(position, 'void').closed.realizedPnlUsd)).toBe('7.13');
    const redeemed = settlePosition(position, 'won', dec('0.02'));
    expect([s(redeemed.closed.gasFeeUsd), s(redeemed.closed.realizedPnlUsd)]).toEqual(['0.05', '57.11']);
    expect(settlePosition(position, 'lost').remaining).toBeNull();
  });

  it("maps the market's winning token to each held token's resolution", () => {
    expect(resolutionFor('111', '111')).toBe('won');
    expect(resolutionFor('222', '111')).toBe('lost');
    expect(resolutionFor('222', null)).toBe('void');
    expect(s(settlementPrice('won'))).toBe('1');
    expect(s(settlementPrice('lost'))).toBe('0');
  });
});

describe('riskTrigger', () => {
  const check = (current: string, sl: string | null, tp: string | null, entry = '100') =>
    riskTrigger({
      entryValueUsd: dec(entry),
      currentValueUsd: dec(current),
      stopLossPercent: sl === null ? null : dec(sl),
      takeProfitPercent: tp === null ? null : dec(tp),
    });

  it('fires stop_loss when the loss reaches the percentage of entry value', () => {
    expect(check('80', '20', null)).toBe('stop_loss'); // exactly 20% down
    expect(check('80.01', '20', null)).toBeNull();
    expect(check('10', '20', '50')).toBe('stop_loss');
  });

  it('fires take_profit when the gain reaches the percentage of entry value', () => {
    expect(check('150', null, '50')).toBe('take_profit'); // exactly 50% up
    expect(check('149.99', null, '50')).toBeNull();
    expect(check('150', '20', '50')).toBe('take_profit');
  });

  it('treats unset or non-positive percentages and empty positions as no trigger', () => {
    expect(check('1', null, null)).toBeNull();
    expect(check('100', '0', '0')).toBeNull();
    expect(check('50', '20', null, '0')).toBeNull();
  });
});
