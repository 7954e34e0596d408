// JSON for the simulator's wire. Polymarket's Data API and Gamma send prices and sizes as JSON
// *numbers*; our money is Decimal and never becomes a JS number. This serializer writes a Decimal
// as a bare number literal from its exact decimal text, so `{"price":0.55}` reaches the client
// without a float ever holding the value. Everything else follows JSON.stringify.
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

/** Serialises `value`; Decimal instances become JSON number literals with their exact digits. */
export function wireJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

/** A Decimal from an exact decimal string, for fields production sends as JSON numbers. */
export function num(text: string | Decimal): Decimal {
  return typeof text === 'string' ? new Decimal(text) : text;
}
