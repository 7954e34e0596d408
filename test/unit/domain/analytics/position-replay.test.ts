// The position accounting behind every leader metric (src/domain/analytics/position-replay.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../../src/domain/money.ts';
import { replayPosition, type PositionFill } from '../../../../src/domain/analytics/position-replay.ts';

const DUST = new Decimal('0.01');
let seq = 0n;
const fill = (at: string, side: 'BUY' | 'SELL', size: string, price: string, fees = '0'): PositionFill => ({
  seq: ++seq,
  at: new Date(at),
  side,
  price: new Decimal(price),
  size: new Decimal(size),
  notional: new Decimal(price).times(size).toDecimalPlaces(6, Decimal.ROUND_HALF_UP),
  fees: new Decimal(fees),
});
const s = (x: Decimal) => x.toFixed();

describe('replayPosition', () => {
  it('revalues held shares fill to fill, and a closed position earns proceeds − cost − fees', () => {
    // BUY 100 @ 0.40, BUY 100 @ 0.50, SELL 200 @ 0.60 (fee 0.10 on the sale):
    //   increments 0; 100 × (0.50 − 0.40) = 10; 200 × (0.60 − 0.50) − 0.10 = 19.90
    //   total 29.90 = proceeds 120 − cost (40 + 50) − fees 0.10
    const r = replayPosition(
      [
        fill('2030-01-01T10:00:00Z', 'BUY', '100', '0.40'),
        fill('2030-01-03T10:00:00Z', 'BUY', '100', '0.50'),
        fill('2030-01-05T10:00:00Z', 'SELL', '200', '0.60', '0.10'),
      ],
      DUST,
    );
    expect(r.fills.map((f) => s(f.increment))).toEqual(['0', '10', '19.9']);
    expect(r.fills.map((f) => s(f.sharesAfter))).toEqual(['100', '200', '0']);
    expect(r.episodes).toHaveLength(1);
    expect(r.episodes[0]).toMatchObject({ number: 1, closedAt: new Date('2030-01-05T10:00:00Z') });
    expect(s(r.episodes[0]!.pnl)).toBe('29.9');
    expect(s(r.episodes[0]!.cost)).toBe('90');
  });

  it('splits P&L by average cost: realized on the sale, unrealized on what is held', () => {
    // BUY 10 @ 0.40 and 10 @ 0.60: average cost 0.50. SELL 5 @ 0.70 realizes 5 × 0.20 = 1.00 and
    // leaves 15 shares costing 7.50; at the last price 0.70 they are worth 10.50: unrealized 3.00.
    // The increments say the same in total: 0 + 10 × 0.20 + 20 × 0.10 = 4.00 = 1.00 + 3.00.
    const r = replayPosition(
      [
        fill('2030-01-01T00:00:00Z', 'BUY', '10', '0.40'),
        fill('2030-01-02T00:00:00Z', 'BUY', '10', '0.60'),
        fill('2030-01-03T00:00:00Z', 'SELL', '5', '0.70'),
      ],
      DUST,
    );
    expect(s(r.fills[2]!.realized)).toBe('1');
    expect(s(r.costBasis)).toBe('7.5');
    expect(s(r.shares.times(r.lastPrice!).minus(r.costBasis))).toBe('3');
    expect(s(r.fills.reduce((a, f) => a.plus(f.increment), new Decimal(0)))).toBe('4');
    expect(r.episodes[0]!.closedAt).toBeNull();
    expect(r.lastEpisode).toBe(1);
  });

  it('sells no more than is held: the rest was bought before recording began and is left out', () => {
    // BUY 10 @ 0.40, SELL 15 @ 0.50: 10 matched (increment 10 × 0.10 = 1), 5 unknown.
    // Then BUY 4 @ 0.30 opens a second position from zero; SELL 4 @ 0.35 closes it (+0.20).
    const r = replayPosition(
      [
        fill('2030-01-01T00:00:00Z', 'BUY', '10', '0.40'),
        fill('2030-01-02T00:00:00Z', 'SELL', '15', '0.50'),
        fill('2030-01-03T00:00:00Z', 'BUY', '4', '0.30'),
        fill('2030-01-04T00:00:00Z', 'SELL', '4', '0.35'),
      ],
      DUST,
    );
    expect(r.fills.map((f) => s(f.matchedSold))).toEqual(['0', '10', '0', '4']);
    expect(r.fills.map((f) => s(f.sharesAfter))).toEqual(['10', '0', '4', '0']);
    expect(r.fills.map((f) => s(f.increment))).toEqual(['0', '1', '0', '0.2']);
    expect(r.episodes.map((e) => [e.number, s(e.pnl), s(e.cost)])).toEqual([
      [1, '1', '4'],
      [2, '0.2', '1.2'],
    ]);
  });

  it('a sale while flat belongs to no position; its fee still counts', () => {
    const r = replayPosition([fill('2030-01-01T00:00:00Z', 'SELL', '5', '0.50', '0.02')], DUST);
    expect(r.fills[0]).toMatchObject({ episode: null, closes: false });
    expect(s(r.fills[0]!.increment)).toBe('-0.02');
    expect(r.episodes).toEqual([]);
    expect(s(r.shares)).toBe('0');
  });

  it('closes at dust; the dust rides into the next position', () => {
    // BUY 10 @ 0.50, SELL 9.995 @ 0.60: 0.005 shares left ≤ 0.01 dust → closed.
    // BUY 1 @ 0.70 opens the next one; its increment revalues the dust: 0.005 × 0.10 = 0.0005.
    const r = replayPosition(
      [
        fill('2030-01-01T00:00:00Z', 'BUY', '10', '0.50'),
        fill('2030-01-02T00:00:00Z', 'SELL', '9.995', '0.60'),
        fill('2030-01-03T00:00:00Z', 'BUY', '1', '0.70'),
      ],
      DUST,
    );
    expect(r.fills.map((f) => [f.episode, f.closes])).toEqual([
      [1, false],
      [1, true],
      [2, false],
    ]);
    expect(s(r.episodes[1]!.pnl)).toBe('0.0005');
    expect(s(r.shares)).toBe('1.005');
  });

  it('orders fills by time, then by recording order', () => {
    const a = fill('2030-01-01T00:00:00Z', 'BUY', '1', '0.50');
    const b = fill('2030-01-01T00:00:00Z', 'SELL', '1', '0.60');
    const r = replayPosition([b, a], DUST);
    expect(r.fills.map((f) => f.fill.side)).toEqual(['BUY', 'SELL']);
    expect(s(r.episodes[0]!.pnl)).toBe('0.1');
  });

  it('for any history: shares never negative, and Σ increments + fees = realized + unrealized', () => {
    const arbFill = fc.record({
      buy: fc.boolean(),
      size: fc.integer({ min: 1, max: 500_000 }),
      price: fc.integer({ min: 1, max: 99 }),
      fee: fc.integer({ min: 0, max: 50 }),
      minute: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(
      fc.property(fc.array(arbFill, { minLength: 1, maxLength: 40 }), (raw) => {
        const fills = raw.map((f) =>
          fill(
            new Date(Date.UTC(2030, 0, 1) + f.minute * 60_000).toISOString(),
            f.buy ? 'BUY' : 'SELL',
            new Decimal(f.size).div(1000).toFixed(),
            new Decimal(f.price).div(100).toFixed(),
            new Decimal(f.fee).div(100).toFixed(),
          ),
        );
        const r = replayPosition(fills, DUST);
        const sum = (xs: Decimal[]) => xs.reduce((a, x) => a.plus(x), new Decimal(0));
        for (const f of r.fills) expect(f.sharesAfter.isNegative()).toBe(false);
        const increments = sum(r.fills.map((f) => f.increment));
        const fees = sum(r.fills.map((f) => f.fill.fees));
        const realized = sum(r.fills.map((f) => f.realized));
        const unrealized = r.shares.times(r.lastPrice!).minus(r.costBasis);
        expect(increments.plus(fees).minus(realized.plus(unrealized)).abs().lt('1e-20')).toBe(true);
        // Every closed episode ended at dust or less, and episodes are numbered 1, 2, ...
        expect(r.episodes.map((e) => e.number)).toEqual(r.episodes.map((_, i) => i + 1));
      }),
      { numRuns: 300 },
    );
  });
});
