// Order-book shape shared by every venue and by pricing code. Polymarket's wire lists bids ascending
// and asks descending (best price last) while its own docs claim the opposite, so nothing downstream
// may trust wire order: books are normalised here to best-first once, and code that walks a book
// still sorts defensively (see book-walk.ts).
import type { Decimal } from './money.ts';
import { ZERO } from './money.ts';

export type Side = 'BUY' | 'SELL';

export interface BookLevel {
  readonly price: Decimal;
  readonly size: Decimal;
}

export interface BookSides {
  /** Best (highest) bid first. */
  readonly bids: readonly BookLevel[];
  /** Best (lowest) ask first. */
  readonly asks: readonly BookLevel[];
}

/**
 * Orders one side best-first, merges repeated price levels and drops empty ones.
 * `side` is the side the levels rest on: 'BUY' for bids, 'SELL' for asks.
 */
export function normaliseLevels(levels: readonly BookLevel[], side: Side): BookLevel[] {
  const bySize = new Map<string, { price: Decimal; size: Decimal }>();
  for (const level of levels) {
    if (!level.size.gt(ZERO)) continue;
    const key = level.price.toFixed();
    const existing = bySize.get(key);
    if (existing) existing.size = existing.size.plus(level.size);
    else bySize.set(key, { price: level.price, size: level.size });
  }
  const out = [...bySize.values()];
  out.sort((a, b) => (side === 'BUY' ? b.price.comparedTo(a.price) : a.price.comparedTo(b.price)));
  return out;
}

/** Normalises both sides of a book to best-first, whatever order they arrived in. */
export function normaliseSides(sides: BookSides): BookSides {
  return { bids: normaliseLevels(sides.bids, 'BUY'), asks: normaliseLevels(sides.asks, 'SELL') };
}

/** The levels a taker on `side` trades against, best-first: asks for a BUY, bids for a SELL. */
export function contraLevels(sides: BookSides, side: Side): BookLevel[] {
  return side === 'BUY' ? normaliseLevels(sides.asks, 'SELL') : normaliseLevels(sides.bids, 'BUY');
}

export function bestBid(sides: BookSides): Decimal | null {
  return normaliseLevels(sides.bids, 'BUY')[0]?.price ?? null;
}

export function bestAsk(sides: BookSides): Decimal | null {
  return normaliseLevels(sides.asks, 'SELL')[0]?.price ?? null;
}

/**
 * Midpoint of the best bid and best ask, or null when either side is empty (a one-sided book has
 * no honest midpoint; callers decide whether to fall back to a last trade price).
 */
export function midpoint(sides: BookSides): Decimal | null {
  const bid = bestBid(sides);
  const ask = bestAsk(sides);
  if (bid === null || ask === null) return null;
  return bid.plus(ask).div(2);
}

/** True when a limit at `price` on `side` would trade immediately against this book. */
export function isMarketable(sides: BookSides, side: Side, price: Decimal): boolean {
  const best = side === 'BUY' ? bestAsk(sides) : bestBid(sides);
  if (best === null) return false;
  return side === 'BUY' ? best.lte(price) : best.gte(price);
}
