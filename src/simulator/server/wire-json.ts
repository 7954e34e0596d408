// JSON for the simulator's wire. Polymarket's Data API and Gamma send prices and sizes as JSON
// *numbers*; our money is Decimal and never becomes a JS number. This serializer writes a Decimal
// as a bare number literal from its exact decimal text, so `{"price":0.55}` reaches the client
// without a float ever holding the value. Everything else follows JSON.stringify.
import { randomBytes } from 'node:crypto';
import { Decimal } from '../../domain/money.ts';

function isDecimal(v: unknown): v is Decimal {
  return v instanceof Decimal;
}

function write(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  if (isDecimal(value)) {
    out.push(value.isFinite() ? value.toFixed() : 'null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      out.push(Number.isFinite(value) ? String(value) : 'null');
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    default:
      break;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      const v: unknown = value[i];
      write(v === undefined || typeof v === 'function' ? null : v, out);
    }
    out.push(']');
    return;
  }
  const obj = value as Record<string, unknown>;
  out.push('{');
  let first = true;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(v, out);
  }
  out.push('}');
}

// The fast path: JSON.stringify (native, little garbage) with each Decimal and bigint replaced by a
// marked string, whose quotes are then taken off. A first run's backfill pages a month of fills
// through here, and the hand-written writer above cost seconds of CPU and garbage collection
// (issue 12 item 1). The mark holds a NUL, which JSON always escapes, and a per-process nonce, so
// no string from the data can be mistaken for one. Objects with their own toJSON other than
// Decimal (Date) go through the slow writer, which writes them as it always did.
const NONCE = randomBytes(6).toString('hex');
const MARK = `\u0000${NONCE}:`;
const MARKED = new RegExp(`"\\\\u0000${NONCE}:([^"]*)"`, 'g');

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  if (isDecimal(raw)) return raw.isFinite() ? MARK + raw.toFixed() : null;
  if (typeof raw === 'bigint') return MARK + raw.toString();
  if (raw instanceof Date) throw new SlowPath();
  return value;
}

class SlowPath extends Error {}

/** Serialises `value`; Decimal instances become JSON number literals with their exact digits. */
export function wireJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, replacer);
    return text === undefined ? 'null' : text.replace(MARKED, '$1');
  } catch (err) {
    if (!(err instanceof SlowPath)) throw err;
  }
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

/** A Decimal from an exact decimal string, for fields production sends as JSON numbers. */
export function num(text: string | Decimal): Decimal {
  return typeof text === 'string' ? new Decimal(text) : text;
}
