// Internal units of the simulator engine, and the exact conversions at its boundary.
//
// Inside the engine every amount is a JS safe integer:
//   - pUSD in micro-units (1e-6 pUSD, the token's 6 decimals),
//   - outcome-token sizes in micro-shares (1e-6 share, the CTF's 6 decimals),
//   - prices in micro-pUSD per share (0.55 -> 550_000); the book indexes prices by tick.
// Public methods take and return Decimal (src/domain/money.ts); conversion is exact in both
// directions and rejects anything that does not fit (more than 6 decimals, unsafe magnitude).
//
// Sizes are further restricted to whole lots of 0.01 share (10_000 micro-shares), the size
// precision of Polymarket limit orders. Every tick size divides 0.0001 = 100 micro, so
// size * price is then always a whole number of micro-pUSD: no rounding ever happens in a trade,
// which is what lets the ledger conserve collateral exactly (YES price + NO price = 1 pUSD).
import { Decimal, dec, type DecimalInput } from '../../domain/money.ts';

export const MICRO = 1_000_000;
/** One lot = 0.01 share in micro-shares: the smallest size the engine trades. */
export const LOT_MICRO = 10_000;
/** Smallest tick the engine supports (0.0001) in micro-pUSD. */
export const MIN_TICK_MICRO = 100;

const MICRO_DEC = new Decimal(MICRO);

/** Exact Decimal -> integer micro-units. Throws if the value has more than 6 decimals. */
export function toMicro(value: DecimalInput): number {
  const d = dec(value).mul(MICRO_DEC);
  if (!d.isInteger()) throw new RangeError(`more than 6 decimals: ${dec(value).toFixed()}`);
  const n = d.toNumber();
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount out of range: ${dec(value).toFixed()}`);
  return n;
}

/** Exact integer micro-units -> Decimal. */
export function fromMicro(micro: number): Decimal {
  return new Decimal(micro).div(MICRO_DEC);
}

/** floor(a * b / d) for non-negative safe integers, exact (falls back to bigint on overflow). */
export function mulDiv(a: number, b: number, d: number): number {
  if (a === 0 || b === 0) return 0;
  if (a <= Number.MAX_SAFE_INTEGER / b) return Math.floor((a * b) / d);
  return Number((BigInt(a) * BigInt(b)) / BigInt(d));
}

/** pUSD notional of `sizeMicro` shares at `priceMicro`, exact given the lot and tick rules. */
export function notionalMicro(sizeMicro: number, priceMicro: number): number {
  return (sizeMicro / LOT_MICRO) * (priceMicro / MIN_TICK_MICRO);
}

/**
 * Taker fee (§3.7): shares × rate × p × (1 − p), exponent 1, rounded down to a micro-pUSD.
 * `rateBps` is the fee-schedule rate in basis points (0.04 -> 400).
 */
export function takerFeeMicro(sizeMicro: number, priceMicro: number, rateBps: number): number {
  if (rateBps === 0) return 0;
  // p(1-p) in micro² (≤ 2.5e11) times rateBps (≤ 1e4) stays safe; the last product may not.
  const curve = priceMicro * (MICRO - priceMicro) * rateBps;
  // size[µ] × curve / (1e12 µ²/unit² × 1e4 bps) = fee in micro-pUSD.
  return mulDiv(sizeMicro, curve, 1e16);
}
