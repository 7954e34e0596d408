// Display formatting of the API's decimal strings. Money stays a decimal (decimal.js) until it is
// text: no float ever rounds a figure the person reads. Times are shown in the viewer's zone.
import Decimal from 'decimal.js';

export type Tone = 'positive' | 'negative' | 'neutral';

export function dec(value: string | null | undefined): Decimal | null {
  if (value === null || value === undefined || value === '') return null;
  try {
    return new Decimal(value);
  } catch {
    return null;
  }
}

function group(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1234.5" → "1,234.50" (places decimals, half away from zero). */
export function fixed(d: Decimal, places: number): string {
  const s = d.abs().toFixed(places, Decimal.ROUND_HALF_UP);
  const [i, f] = s.split('.');
  return f ? `${group(i!)}.${f}` : group(i!);
}

export function tone(value: string | null | undefined): Tone {
  const d = dec(value);
  if (!d || d.isZero()) return 'neutral';
  return d.isNegative() ? 'negative' : 'positive';
}

/** "$1,234.50"; signed: "+$1,234.50" / "−$3.00" (a true minus sign). */
export function money(
  value: string | null | undefined,
  opts: { signed?: boolean; places?: number } = {},
): string {
  const d = dec(value);
  if (!d) return '—';
  const places = opts.places ?? 2;
  const body = `$${fixed(d, places)}`;
  const zero = d.toDecimalPlaces(places).isZero();
  if (d.isNegative() && !zero) return `−${body}`;
  return opts.signed && !zero ? `+${body}` : body;
}

/** A ratio (0.125) or a percentage (12.5) as "+12.50%". */
export function percent(
  value: string | null | undefined,
  opts: { ratio?: boolean; signed?: boolean; places?: number } = {},
): string {
  let d = dec(value);
  if (!d) return '—';
  if (opts.ratio) d = d.times(100);
  const places = opts.places ?? 2;
  const zero = d.toDecimalPlaces(places).isZero();
  const body = `${fixed(d, places)}%`;
  if (d.isNegative() && !zero) return `−${body}`;
  return opts.signed && !zero ? `+${body}` : body;
}

export function number(value: string | number | null | undefined, places = 0): string {
  if (value === null || value === undefined) return '—';
  const d = dec(String(value));
  if (!d) return '—';
  return `${d.isNegative() ? '−' : ''}${fixed(d, places)}`;
}

export function shortWallet(wallet: string): string {
  return wallet.length > 12 ? `${wallet.slice(0, 6)}…${wallet.slice(-4)}` : wallet;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** An ISO instant in the viewer's time zone. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? '—' : dateTime.format(t);
}

export function clock(iso: string): string {
  return timeOnly.format(new Date(iso));
}

export function day(iso: string): string {
  return dateOnly.format(new Date(iso));
}

/** Chart coordinates: the one place decimals become floats, for drawing only. */
export function plot(value: string | null | undefined): number {
  return dec(value)?.toNumber() ?? 0;
}
