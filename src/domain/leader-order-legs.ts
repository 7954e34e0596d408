// One leader order, one copy (issue 14, item 9). A leader order that sweeps several price levels
// reaches us as several fills ("legs") of one transaction; sized alone, each small leg can fall
// under the follower's minimum and be skipped, so the follower under-copies the order. Legs of the
// same transaction, wallet, token and side that arrive within a short window (INGEST_LEG_WINDOW_MS,
// default 25 ms) are copied as one order: the combined size at the size-weighted average price.
// Each leg is still recorded (and de-duplicated by its fill key) on its own; a leg that arrives
// after the window is copied on its own, sized on its own.
import { Decimal } from './money.ts';

export interface Leg {
  readonly txHash: string;
  readonly wallet: string;
  readonly assetId: string;
  readonly side: 'BUY' | 'SELL';
  readonly price: Decimal;
  readonly size: Decimal;
}

/** Legs with the same key belong to one leader order. */
export function legGroupKey(l: Pick<Leg, 'txHash' | 'wallet' | 'assetId' | 'side'>): string {
  return `${l.txHash.toLowerCase()}|${l.wallet.toLowerCase()}|${l.assetId}|${l.side}`;
}

/**
 * The one order the legs make: their summed size at the size-weighted average price (rounded half
 * up to 6 places: a target price, from which the copy's slippage limit is measured). Throws on no
 * legs, on legs of different orders, and on a non-positive size (a fill the fan-out refuses anyway).
 * _Asks 0.50 × 60, 0.51 × 30, 0.52 × 10 → 100 shares at 0.505._
 */
export function combineLegs<L extends Leg>(legs: readonly L[]): { size: Decimal; price: Decimal } {
  if (legs.length === 0) throw new RangeError('no legs to combine');
  const key = legGroupKey(legs[0]!);
  if (legs.some((l) => legGroupKey(l) !== key)) throw new RangeError('legs of different leader orders');
  const size = legs.reduce((s, l) => s.plus(l.size), new Decimal(0));
  if (!size.gt(0)) throw new RangeError('legs with no size');
  const cost = legs.reduce((s, l) => s.plus(l.price.times(l.size)), new Decimal(0));
  return { size, price: cost.div(size).toDecimalPlaces(6, Decimal.ROUND_HALF_UP) };
}
