// zod building blocks for Polymarket wire shapes. The same field arrives as a JSON number on one
// API and a string on another (prices: numbers on the Data API and Gamma, strings on the CLOB),
// and optional decimals may arrive as "" (§3.5, §6.1). These helpers accept every documented
// spelling and produce one type: money and prices → Decimal, counts and times → integer numbers.
import { z } from 'zod';
import { Decimal } from '../../domain/money.ts';
import { JsonNumber } from './lossless-json.ts';

const DECIMAL_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toDecimal(raw: string, ctx: z.RefinementCtx): Decimal {
  const text = raw.trim();
  if (!DECIMAL_TEXT.test(text)) {
    ctx.addIssue({ code: 'custom', message: `not a decimal: ${JSON.stringify(raw)}` });
    return z.NEVER;
  }
  return new Decimal(text);
}

const numberLike = z.union([z.string(), z.instanceof(JsonNumber)]);

/** A required decimal: "0.55", 0.55 or "1e-6". */
export const decimalField = numberLike.transform((v, ctx) =>
  toDecimal(typeof v === 'string' ? v : v.text, ctx),
);

/** A decimal that may be absent, null or "" (unset amounts), → Decimal | null. */
export const optionalDecimalField = z
  .union([z.string(), z.instanceof(JsonNumber), z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined) return null;
    const text = typeof v === 'string' ? v : v.text;
    if (text.trim() === '') return null;
    return toDecimal(text, ctx);
  });

/** A whole number (counts, epoch seconds/ms, indexes), sent as a number or a digit string. */
export const intField = numberLike.transform((v, ctx) => {
  const text = (typeof v === 'string' ? v : v.text).trim();
  // Accept "1.0"-style spellings of integers, which some JSON encoders emit.
  const match = /^(-?\d+)(?:\.0+)?$/.exec(text);
  const n = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: 'custom', message: `not a safe integer: ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return n;
});

export const optionalIntField = z
  .union([z.string(), z.instanceof(JsonNumber), z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined) return null;
    const text = typeof v === 'string' ? v : v.text;
    if (text.trim() === '') return null;
    const parsed = intField.safeParse(text);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: `not a safe integer: ${JSON.stringify(text)}` });
      return z.NEVER;
    }
    return parsed.data;
  });

/** A boolean, also tolerating "true"/"false" strings. */
export const boolField = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((v) => v === true || v === 'true');

/** Token ids are uint256 decimal strings; never numbers (they exceed 2^53). */
export const tokenIdField = z.string().regex(/^\d{1,78}$/, 'token id must be a decimal string');

export const sideField = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(['BUY', 'SELL']));

/** A string that may be missing or null, → string (empty when absent). */
export const textField = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => v ?? '');

/**
 * Gamma sends some arrays as JSON-encoded strings (`outcomes`, `clobTokenIds`, `outcomePrices`,
 * §2.3). Accepts the string form or a real array, → string[].
 */
export const jsonStringArrayField = z
  .union([z.string(), z.array(z.union([z.string(), z.instanceof(JsonNumber)])), z.null()])
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return [] as string[];
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : x.text));
    let parsed: unknown;
    try {
      // Outcome labels and token-id strings only: no money passes through a float here.
      parsed = JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a JSON-encoded array' });
      return z.NEVER;
    }
    if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== 'string')) {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON-encoded array of strings' });
      return z.NEVER;
    }
    return parsed as string[];
  });

/** Decimal[] from a JSON-encoded string of decimal strings (Gamma `outcomePrices`). */
export const jsonDecimalArrayField = jsonStringArrayField.transform((items, ctx) =>
  items.map((item) => toDecimal(item, ctx)),
);
