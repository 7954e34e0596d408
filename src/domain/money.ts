// Money and prices are decimals, never JS numbers: a float cannot hold 0.1 exactly, and a copy
// engine that rounds the wrong way on a tick boundary places the wrong order. NUMERIC in
// PostgreSQL, Decimal here, strings on the wire.
import { Decimal as DecimalJs } from 'decimal.js';

// An isolated constructor so no other library's global Decimal settings can change ours.
// 40 significant digits covers numeric(20,10) and 1e18-scaled token amounts with room to spare.
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Decimal = InstanceType<typeof Decimal>;

export type DecimalInput = Decimal | string | number | bigint;

/** Parses a decimal from a wire string (or an exact integer). Throws on anything that is not a finite number. */
export function dec(value: DecimalInput): Decimal {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    // Fractions as JS numbers are exactly what this module exists to keep out.
    throw new TypeError(`refusing a non-integer JS number as money: ${value}`);
  }
  const d = new Decimal(typeof value === 'bigint' ? value.toString() : value);
  if (!d.isFinite()) throw new TypeError(`not a finite decimal: ${String(value)}`);
  return d;
}

/** True when the string is a plain decimal literal (what we accept on the wire). */
export function isDecimalString(value: string): boolean {
  return /^-?(?:\d+)(?:\.\d+)?$/.test(value) || /^-?\.\d+$/.test(value);
}

/** The canonical wire form: plain notation, no exponent, trailing zeros removed. */
export function toWire(value: Decimal): string {
  return value.toFixed();
}

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);

export function minDec(...values: Decimal[]): Decimal {
  if (values.length === 0) throw new RangeError('minDec of nothing');
  return Decimal.min(...values);
}

export function maxDec(...values: Decimal[]): Decimal {
  if (values.length === 0) throw new RangeError('maxDec of nothing');
  return Decimal.max(...values);
}
