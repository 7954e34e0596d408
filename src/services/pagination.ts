// Pagination for every list the API reads: `limit` rows (1-100, default 25) and an opaque `cursor`
// naming where the previous page ended. Cursors are keyset positions (the last row's sort values),
// not offsets, so a row inserted while a client pages through a feed never shifts a page and never
// appears twice. The encoding (base64url JSON with a kind tag) is private to this file: clients pass
// `nextCursor` back untouched, and a cursor that is not one of ours, or belongs to another list or
// another sort order, is a 400.
import { z } from 'zod';
import { AppError } from './app-error.ts';

export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 100;

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** A keyset position: the sort values of the last row served, and the list it belongs to. */
const CursorSchema = z.strictObject({
  k: z.string().max(40),
  v: z.array(z.union([z.string().max(200), z.number().int().nonnegative(), z.null()])).max(4),
});
export type CursorValues = (string | number | null)[];

export function encodeCursor(kind: string, values: CursorValues): string {
  return Buffer.from(JSON.stringify({ k: kind, v: values }), 'utf8').toString('base64url');
}

/** The values of a cursor of `kind`, or a 400 for anything else. */
export function decodeCursor(kind: string, cursor: string): CursorValues {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const r = CursorSchema.safeParse(parsed);
  if (!r.success || r.data.k !== kind) throw invalidCursor();
  return r.data.v;
}

export const invalidCursor = () =>
  new AppError(
    'validation_failed',
    'query.cursor: not a cursor of this list (pass back nextCursor unchanged)',
  );

/**
 * Builds the page from rows fetched with `limit + 1`: the extra row only says whether there is a
 * next page; the cursor points after the last row served.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  kind: string,
  keyOf: (row: R) => CursorValues,
  view: (row: R) => T,
): Page<T> {
  const served = rows.slice(0, limit);
  const last = served.at(-1);
  return {
    items: served.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(kind, keyOf(last)) : null,
  };
}

/** Narrowing helpers for decoded cursor values. */
export function cursorString(v: CursorValues, i: number): string {
  const x = v[i];
  // PostgreSQL text cannot hold NUL (22021 → a 500), and no sort value of ours contains a control character.
  if (typeof x !== 'string' || [...x].some((c) => c.charCodeAt(0) < 0x20)) throw invalidCursor();
  return x;
}

const BIGINT_MAX = 9_223_372_036_854_775_807n;

/** A positive bigint id. 19 digits can still exceed PostgreSQL's bigint (22003 → a 500), so the value is checked too. */
export function cursorId(v: CursorValues, i: number): string {
  const x = cursorString(v, i);
  if (!/^[1-9]\d{0,18}$/.test(x) || BigInt(x) > BIGINT_MAX) throw invalidCursor();
  return x;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(?:([+-])(\d{2})(?::?(\d{2}))?|Z)$/;

/**
 * A timestamp as PostgreSQL printed it (full microsecond precision). The shape alone is not enough:
 * `2030-13-45T99:99:99Z`, `2024-02-30 …` or year 0 would reach SQL and fail there (22008 → a 500),
 * so every field is checked to name a real instant.
 */
export function cursorTimestamp(v: CursorValues, i: number): string {
  const x = cursorString(v, i);
  const m = TIMESTAMP.exec(x);
  if (!m) throw invalidCursor();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 15 && Number(m[10] ?? 0) < 60);
  if (
    year < 1 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    !offsetOk
  )
    throw invalidCursor();
  return x;
}

export function cursorDecimal(v: CursorValues, i: number): string {
  const x = cursorString(v, i);
  if (!/^-?\d{1,30}(\.\d{1,20})?$/.test(x)) throw invalidCursor();
  return x;
}
