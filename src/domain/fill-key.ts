// Stable identity for a leader's fill. Polymarket gives fills no id, and one transaction can carry
// several fills that look exactly alike (a taker order matched against several makers at one price
// and size, or a bot splitting an order). Keying by (tx, wallet, asset, side, price, size) alone
// would merge N real fills into one; keying by a source's own row order would make two sources
// disagree. So the key adds an occurrence index: the k-th copy of an identical tuple in a tx.
//
// Why two sources agree: fills that share the whole tuple are indistinguishable, so it does not
// matter which physical fill gets which index, only that the *set* of keys is the same. A source
// that lists k identical fills of a tx numbers them 0..k-1 whatever order it lists them in, so
// every source that sees all k produces the same k keys, and a reconnect that re-lists the tx
// produces them again (idempotent upsert, no double count). A source that saw only j < k of them
// produces 0..j-1, a subset of the full set, so merging sources by key never over-counts.
// The one requirement: each numbering scope (a poll response, one stream connection) must hold
// every fill it knows for the tx; a scope that restarted numbering mid-tx would reuse indexes.
import { createHash } from 'node:crypto';
import type { Decimal } from './money.ts';
import { dec, toWire } from './money.ts';
import type { Side } from './order-book.ts';

/** What a source says about one fill; price and size as wire strings or decimals. */
export interface FillIdentity {
  readonly txHash: string;
  /** The trader's proxy wallet (Data API `proxyWallet`), not the signing EOA. */
  readonly wallet: string;
  /** CLOB token id, a decimal uint256 string. */
  readonly assetId: string;
  readonly side: Side;
  readonly price: Decimal | string;
  readonly size: Decimal | string;
}

export interface IndexedFill extends FillIdentity {
  /** 0-based position among identical tuples of the same transaction. */
  readonly occurrence: number;
}

/** Key format version, hashed in so a future change of fields can never collide with old keys. */
const KEY_VERSION = 'polycopy-fill-v1';

const TX_HASH = /^0x[0-9a-f]{64}$/;
const WALLET = /^0x[0-9a-f]{40}$/;
const UINT = /^(?:\d+|0x[0-9a-f]+)$/;

/**
 * Canonical decimal text: "0.50", "0.5", ".5" and a Decimal 0.5 all become "0.5". Sources disagree on
 * trailing zeros (JSON numbers vs strings vs base units divided out), and the key must not.
 */
export function canonicalDecimal(value: Decimal | string): string {
  const d = dec(value);
  // -0 would print as "0" anyway; normalise explicitly so the intent is visible.
  return d.isZero() ? '0' : toWire(d);
}

interface CanonicalTuple {
  readonly txHash: string;
  readonly wallet: string;
  readonly assetId: string;
  readonly side: Side;
  readonly price: string;
  readonly size: string;
}

function canonicalTuple(fill: FillIdentity): CanonicalTuple {
  const txHash = fill.txHash.trim().toLowerCase();
  if (!TX_HASH.test(txHash)) throw new RangeError(`not a transaction hash: ${fill.txHash}`);
  const wallet = fill.wallet.trim().toLowerCase();
  if (!WALLET.test(wallet)) throw new RangeError(`not a wallet address: ${fill.wallet}`);
  const rawAsset = fill.assetId.trim().toLowerCase();
  if (!UINT.test(rawAsset)) throw new RangeError(`not a token id: ${fill.assetId}`);
  // On-chain logs give the id as a uint256 (maybe hex); the APIs give decimal text.
  const assetId = BigInt(rawAsset).toString(10);
  if (fill.side !== 'BUY' && fill.side !== 'SELL') throw new RangeError(`not a side: ${String(fill.side)}`);
  return {
    txHash,
    wallet,
    assetId,
    side: fill.side,
    price: canonicalDecimal(fill.price),
    size: canonicalDecimal(fill.size),
  };
}

function tupleText(t: CanonicalTuple): string {
  // JSON of a fixed-order array is unambiguous (no separator can be smuggled inside a field).
  return JSON.stringify([t.txHash, t.wallet, t.assetId, t.side, t.price, t.size]);
}

/** The identity tuple without the occurrence index: fills with equal tuples are indistinguishable. */
export function fillTupleKey(fill: FillIdentity): string {
  return tupleText(canonicalTuple(fill));
}

/** The stable key of one fill: sha256 hex (64 chars) of the canonical tuple and occurrence index. */
export function fillKey(fill: IndexedFill): string {
  if (!Number.isSafeInteger(fill.occurrence) || fill.occurrence < 0) {
    throw new RangeError(`occurrence must be a non-negative integer, got ${fill.occurrence}`);
  }
  const t = canonicalTuple(fill);
  const text = JSON.stringify([
    KEY_VERSION,
    t.txHash,
    t.wallet,
    t.assetId,
    t.side,
    t.price,
    t.size,
    fill.occurrence,
  ]);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Numbers identical tuples 0..N-1 in the order the source lists them, for one numbering scope
 * (one poll response, one backfill page set): the batch must contain every fill that source knows
 * for each transaction in it, or a later batch would number the same tx from 0 again.
 */
export function assignOccurrenceIndexes<T extends FillIdentity>(
  fills: readonly T[],
): Array<T & { readonly occurrence: number }> {
  const counter = new OccurrenceCounter();
  return fills.map((fill) => ({ ...fill, occurrence: counter.next(fill) }));
}

/**
 * Occurrence numbering for a stream, which delivers a transaction's fills one message at a time.
 * Scope one counter to one connection: a reconnect that replays the tx must start again from 0 so
 * the replayed fills get the keys they had (a counter kept across reconnects would give replays new
 * indexes and double-count them). `forget` bounds memory once a tx can no longer be replayed.
 */
export class OccurrenceCounter {
  private readonly byTx = new Map<string, Map<string, number>>();

  /** The occurrence index of this fill within its tx, counting fills already seen in this scope. */
  next(fill: FillIdentity): number {
    const t = canonicalTuple(fill);
    let tuples = this.byTx.get(t.txHash);
    if (!tuples) {
      tuples = new Map();
      this.byTx.set(t.txHash, tuples);
    }
    const key = tupleText(t);
    const index = tuples.get(key) ?? 0;
    tuples.set(key, index + 1);
    return index;
  }

  forget(txHash: string): void {
    this.byTx.delete(txHash.trim().toLowerCase());
  }

  /** Transactions currently tracked (for memory bounds and tests). */
  get size(): number {
    return this.byTx.size;
  }
}
