import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dec } from '../../../../src/domain/money.ts';
import {
  OccurrenceCounter,
  assignOccurrenceIndexes,
  canonicalDecimal,
  fillKey,
  fillTupleKey,
  type FillIdentity,
} from '../../../../src/domain/fill-key.ts';

const TX1 = '0x' + 'ab'.repeat(32);
const TX2 = '0x' + 'cd'.repeat(32);
const ALICE = '0x' + '11'.repeat(20);
const BOB = '0x' + '22'.repeat(20);

const fill = (over: Partial<FillIdentity> = {}): FillIdentity => ({
  txHash: TX1,
  wallet: ALICE,
  assetId: '123456789',
  side: 'BUY',
  price: '0.5',
  size: '10',
  ...over,
});

const keysOf = (fills: readonly FillIdentity[]) => assignOccurrenceIndexes(fills).map(fillKey);

describe('canonicalDecimal', () => {
  it('prints every spelling of one number the same way', () => {
    expect(canonicalDecimal('0.50')).toBe('0.5');
    expect(canonicalDecimal('0.5')).toBe('0.5');
    expect(canonicalDecimal('.5')).toBe('0.5');
    expect(canonicalDecimal(dec('0.500000'))).toBe('0.5');
    expect(canonicalDecimal('10.00')).toBe('10');
    expect(canonicalDecimal('-0')).toBe('0');
    expect(canonicalDecimal('1e-7')).toBe('0.0000001');
  });
});

describe('fillKey', () => {
  it('is a sha256 hex digest of the versioned canonical tuple (stored keys must never change)', () => {
    // Golden value: if this changes, every fill key already in the database changes with it.
    expect(fillKey({ ...fill(), occurrence: 0 })).toBe(
      '99efd03f17f7e9de775566a9f3fe4a53b78826bbe97d308cf4924d49fe26a3e6',
    );
  });

  it('keys "0.50"/"0.5", checksummed/lowercase hashes and hex/decimal token ids alike', () => {
    const base = fillKey({ ...fill(), occurrence: 0 });
    expect(fillKey({ ...fill({ price: '0.50', size: '10.000' }), occurrence: 0 })).toBe(base);
    expect(fillKey({ ...fill({ price: dec('0.5'), size: dec('10') }), occurrence: 0 })).toBe(base);
    expect(fillKey({ ...fill({ txHash: TX1.toUpperCase().replace('0X', '0x') }), occurrence: 0 })).toBe(base);
    expect(fillKey({ ...fill({ wallet: ' 0x' + '11'.repeat(20) + ' ' }), occurrence: 0 })).toBe(base);
    expect(fillKey({ ...fill({ assetId: '0x' + (123456789).toString(16) }), occurrence: 0 })).toBe(base);
    expect(fillKey({ ...fill({ assetId: '000123456789' }), occurrence: 0 })).toBe(base);
  });

  it('changes with every field of the tuple and with the occurrence index', () => {
    const base = fillKey({ ...fill(), occurrence: 0 });
    const variants = [
      fill({ txHash: TX2 }),
      fill({ wallet: BOB }),
      fill({ assetId: '123456780' }),
      fill({ side: 'SELL' }),
      fill({ price: '0.51' }),
      fill({ size: '10.01' }),
    ].map((f) => fillKey({ ...f, occurrence: 0 }));
    variants.push(fillKey({ ...fill(), occurrence: 1 }));
    expect(new Set([base, ...variants]).size).toBe(8);
  });

  it('rejects malformed identities instead of keying garbage', () => {
    expect(() => fillKey({ ...fill({ txHash: '0x1234' }), occurrence: 0 })).toThrow(RangeError);
    expect(() => fillKey({ ...fill({ wallet: 'alice' }), occurrence: 0 })).toThrow(RangeError);
    expect(() => fillKey({ ...fill({ assetId: 'yes' }), occurrence: 0 })).toThrow(RangeError);
    expect(() => fillKey({ ...fill(), occurrence: -1 })).toThrow(RangeError);
    expect(() => fillKey({ ...fill(), occurrence: 0.5 })).toThrow(RangeError);
    expect(() => fillKey({ ...fill({ price: 'abc' }), occurrence: 0 })).toThrow();
  });
});

describe('assignOccurrenceIndexes', () => {
  it('makes three identical fills in one transaction three distinct fills', () => {
    const batch = [fill(), fill(), fill()];
    const indexed = assignOccurrenceIndexes(batch);
    expect(indexed.map((f) => f.occurrence)).toEqual([0, 1, 2]);
    expect(new Set(indexed.map(fillKey)).size).toBe(3);
  });

  it('numbers each identical tuple separately, per transaction, in listing order', () => {
    const batch = [fill(), fill({ size: '5' }), fill(), fill({ txHash: TX2 }), fill({ size: '5.0' }), fill()];
    expect(assignOccurrenceIndexes(batch).map((f) => f.occurrence)).toEqual([0, 0, 1, 0, 1, 2]);
  });

  it('gives a second source listing the same fills the same keys, however it spells or orders them', () => {
    const sourceA = [fill(), fill(), fill(), fill({ side: 'SELL', wallet: BOB }), fill({ txHash: TX2 })];
    // Data API style: trailing zeros, upper-case hex, a different interleaving of the same multiset.
    const sourceB = [
      fill({ txHash: TX2 }),
      fill({ price: '0.50', size: '10.0' }),
      fill({ side: 'SELL', wallet: BOB.toUpperCase().replace('0X', '0x') }),
      fill({ price: '0.500' }),
      fill({ size: '10.00' }),
    ];
    expect(new Set(keysOf(sourceB))).toEqual(new Set(keysOf(sourceA)));
  });

  it('is idempotent across a reconnect that re-lists the transaction', () => {
    const batch = [fill(), fill(), fill({ size: '7' })];
    expect(keysOf(batch)).toEqual(keysOf(batch));
  });

  it('gives a source that missed some of N identical fills a subset of the keys, never new ones', () => {
    const full = keysOf([fill(), fill(), fill()]);
    const partial = keysOf([fill(), fill()]);
    expect(partial.every((k) => full.includes(k))).toBe(true);
    // Merging both by key yields exactly the three real fills.
    expect(new Set([...full, ...partial]).size).toBe(3);
  });

  it('produces the same key set for any permutation of any batch (property)', () => {
    const fillArb = fc.record({
      txHash: fc.constantFrom(TX1, TX2),
      wallet: fc.constantFrom(ALICE, BOB),
      assetId: fc.constantFrom('1', '2'),
      side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
      price: fc.constantFrom('0.5', '0.50', '0.51'),
      size: fc.constantFrom('10', '10.0', '3'),
    });
    fc.assert(
      fc.property(
        fc
          .array(fillArb, { maxLength: 25 })
          .chain((fills) =>
            fc.tuple(fc.constant(fills), fc.shuffledSubarray(fills, { minLength: fills.length })),
          ),
        ([fills, shuffled]) => {
          const a = keysOf(fills);
          const b = keysOf(shuffled);
          expect(new Set(a).size).toBe(fills.length); // every fill keeps its own identity
          expect(new Set(b)).toEqual(new Set(a));
        },
      ),
    );
  });
});

describe('OccurrenceCounter (streams)', () => {
  it('numbers fills arriving one message at a time like a batch holding them all', () => {
    const fills = [fill(), fill({ txHash: TX2 }), fill(), fill()];
    const counter = new OccurrenceCounter();
    const streamed = fills.map((f) => fillKey({ ...f, occurrence: counter.next(f) }));
    expect(streamed).toEqual(keysOf(fills));
  });

  it('gives replayed fills their original keys when a new connection gets a new counter', () => {
    const fills = [fill(), fill()];
    const first = new OccurrenceCounter();
    const before = fills.map((f) => fillKey({ ...f, occurrence: first.next(f) }));
    const afterReconnect = new OccurrenceCounter();
    const replayed = fills.map((f) => fillKey({ ...f, occurrence: afterReconnect.next(f) }));
    expect(replayed).toEqual(before);
    // Keeping the old counter would have invented a third and fourth fill.
    expect(fills.map((f) => first.next(f))).toEqual([2, 3]);
  });

  it('forgets a transaction so memory stays bounded', () => {
    const counter = new OccurrenceCounter();
    counter.next(fill());
    counter.next(fill({ txHash: TX2 }));
    expect(counter.size).toBe(2);
    counter.forget(TX1.toUpperCase().replace('0X', '0x'));
    expect(counter.size).toBe(1);
    expect(counter.next(fill())).toBe(0);
  });

  it('treats equal tuples in different spellings as the same tuple', () => {
    expect(fillTupleKey(fill({ price: '0.50' }))).toBe(fillTupleKey(fill()));
    const counter = new OccurrenceCounter();
    expect(counter.next(fill({ price: '0.50' }))).toBe(0);
    expect(counter.next(fill({ price: '0.5' }))).toBe(1);
  });
});
