// The stream's leg window (src/ingest/leg-grouper.ts): legs of one leader order within the window
// are recorded as one order; a leg after it, or of another order, is its own.
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import type { LeaderFill } from '../../../src/ingest/leader-fill.ts';
import { LegGrouper } from '../../../src/ingest/leg-grouper.ts';

const fill = (size: number, over: Partial<LeaderFill> = {}): LeaderFill => ({
  txHash: '0xaa',
  wallet: '0xleader',
  assetId: '1',
  conditionId: '0xc',
  side: 'BUY',
  price: new Decimal('0.5'),
  size: new Decimal(size),
  occurrence: 0,
  outcome: null,
  outcomeIndex: null,
  marketSlug: null,
  eventSlug: null,
  title: null,
  filledAt: new Date(0),
  source: 'rtds',
  ...over,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LegGrouper', () => {
  it('records the legs of one order within the window together, each getting its own result', async () => {
    const orders: number[][] = [];
    const g = new LegGrouper(40, async (legs) => {
      orders.push(legs.map((l) => l.size.toNumber()));
      return legs.map((l) => `r${l.size.toNumber()}`);
    });
    const a = g.add(fill(1));
    const other = g.add(fill(9, { side: 'SELL' }));
    await sleep(5);
    const b = g.add(fill(2));
    expect(await Promise.all([a, b, other])).toEqual(['r1', 'r2', 'r9']);
    expect(orders).toEqual([[1, 2], [9]]);
    // After the window: a late leg of the same transaction is an order of its own.
    expect(await g.add(fill(3))).toBe('r3');
    expect(orders).toEqual([[1, 2], [9], [3]]);
  });

  it('with a window of 0 records every fill alone, and passes a recording error to every leg', async () => {
    const orders: number[][] = [];
    const g = new LegGrouper(0, async (legs) => {
      orders.push(legs.map((l) => l.size.toNumber()));
      if (legs[0]!.size.eq(7)) throw new Error('database down');
      return legs.map(() => 'ok');
    });
    expect(await Promise.all([g.add(fill(1)), g.add(fill(2))])).toEqual(['ok', 'ok']);
    expect(orders).toEqual([[1], [2]]);
    await expect(g.add(fill(7))).rejects.toThrow('database down');
  });

  it('flushAll records open groups at once (on stop)', async () => {
    const orders: number[][] = [];
    const g = new LegGrouper(60_000, async (legs) => {
      orders.push(legs.map((l) => l.size.toNumber()));
      return legs.map(() => 'ok');
    });
    const p = Promise.all([g.add(fill(1)), g.add(fill(2))]);
    await g.flushAll();
    expect(await p).toEqual(['ok', 'ok']);
    expect(orders).toEqual([[1, 2]]);
  });
});
