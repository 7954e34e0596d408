// Dust: what is left of a position that no order can sell. Polymarket's marketable orders must be
// worth at least $1 (MIN_MARKETABLE_NOTIONAL) and no share is ever worth more than $1 − one tick, so
// fewer than one share can never be sold by a marketable order at any price (and resting orders need
// the market's minimum size, 5 shares on most markets). Such residues arise where a market BUY's
// shares carry 4 decimals and sells only 2 (a full close leaves e.g. 0.0063 shares).
//
// Dust is shown as dust, not as an open position, and never counted as exposure; it is never queued
// for a closing sell (the scheduler used to re-queue a doomed close every 30 s); it settles at
// resolution like any holding (src/positions/resolution.ts).
//
// The rule is by shares, not by value, so it needs no price: a position of 3 shares at 0.10 ($0.30)
// cannot be sold now either, but it is still a position (its price may rise); 0.4 shares never can.
import { Decimal, ZERO } from './money.ts';

/** A position holding fewer shares than this (and more than none) is dust. */
export const DUST_SHARES = new Decimal(1);

export function isDust(shares: Decimal): boolean {
  return shares.gt(ZERO) && shares.lt(DUST_SHARES);
}
