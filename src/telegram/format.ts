// How the bot writes numbers, money, wallets and text: short, numeric, freqtrade-style. Messages
// use Telegram's HTML parse mode, so every piece of text that did not come from this file goes
// through esc() (market titles come from the venue and may hold '<' or '&').
import { Decimal } from '../domain/money.ts';

/** Telegram's hard limit is 4096 characters; stay under it with room for a footer. */
export const MAX_MESSAGE_CHARS = 3900;

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const bold = (text: string) => `<b>${esc(text)}</b>`;
export const code = (text: string) => `<code>${esc(text)}</code>`;

function d(v: Decimal | string | number): Decimal {
  return v instanceof Decimal ? v : new Decimal(v);
}

/** Groups thousands: 12345.6 → "12,345.60". */
function grouped(v: Decimal, places: number): string {
  const [int, frac] = v.abs().toFixed(places, Decimal.ROUND_HALF_UP).split('.');
  const withCommas = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? withCommas : `${withCommas}.${frac}`;
}

/** "$1,234.50", "-$3.20". */
export function usd(v: Decimal | string | number): string {
  const x = d(v);
  return `${x.isNegative() && !x.isZero() ? '-' : ''}$${grouped(x, 2)}`;
}

/** A P&L: always signed, "+$3.20" / "-$1.05" / "$0.00". */
export function pnl(v: Decimal | string | number): string {
  const x = d(v).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  if (x.isZero()) return '$0.00';
  return `${x.isNegative() ? '-' : '+'}$${grouped(x, 2)}`;
}

/** A percentage given as a percent number: "12.5%"; signed when asked. */
export function pct(v: Decimal | string | number, opts: { signed?: boolean; places?: number } = {}): string {
  const x = d(v).toDecimalPlaces(opts.places ?? 2, Decimal.ROUND_HALF_UP);
  const sign = opts.signed && x.gt(0) ? '+' : '';
  return `${sign}${x.toFixed()}%`;
}

/** A ratio (0.634) as a percentage ("63.4%"). */
export function ratioPct(v: Decimal | string | number, places = 1): string {
  return `${d(v).times(100).toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed()}%`;
}

/** A price or size without trailing zeros, at most `places` decimals. */
export function num(v: Decimal | string | number, places = 4): string {
  return d(v).toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed();
}

/** "0xabcd…1234". */
export function shortWallet(wallet: string): string {
  return wallet.length > 12 ? `${wallet.slice(0, 6)}…${wallet.slice(-4)}` : wallet;
}

/** A trader as people see it: their name when known, with the short wallet. */
export function traderName(wallet: string, displayName?: string | null): string {
  const name = displayName?.trim();
  return name ? `${esc(name.slice(0, 40))} (${shortWallet(wallet)})` : shortWallet(wallet);
}

/** Cuts text to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** "3 s", "1.2 s", "4 min", "2 h". */
export function duration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

/** "2030-01-02 14:05 UTC". */
export function utc(at: Date | string): string {
  const iso = (typeof at === 'string' ? new Date(at) : at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Joins lines and keeps the message under Telegram's limit, saying how much was left out. */
export function fitLines(lines: readonly string[], footer: (hidden: number) => string): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const next = out === '' ? lines[i]! : `${out}\n${lines[i]!}`;
    if (next.length > MAX_MESSAGE_CHARS) return `${out}\n${footer(lines.length - i)}`;
    out = next;
  }
  return out;
}
