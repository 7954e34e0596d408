// Shared zod pieces of the API's request and response schemas. Money and percentages are decimal
// strings on the wire, checked for scale and range here so the database never sees an out-of-range
// value (which would be a 500 instead of a 400).
import { z } from 'zod';
import { dec, isDecimalString } from '../../domain/money.ts';

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string().meta({ example: 'body.email: Invalid email address' }),
    }),
  })
  .meta({ id: 'Error' });

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 423 | 429 | 503;

/** Response entries for the error statuses a route can answer. */
export function errors(...statuses: Status[]): Record<number, typeof ErrorBodySchema> {
  return Object.fromEntries([...statuses, 429].map((s) => [s, ErrorBodySchema]));
}

// The users table's CHECK on email, so a valid request never trips the database constraint.
const EMAIL_RE = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

export const EmailSchema = z
  .string()
  .trim()
  .max(255)
  .regex(EMAIL_RE, 'must be an email address')
  .transform((v) => v.toLowerCase())
  .meta({ example: 'alice@example.com' });

export const WalletSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 40-hex-digit address')
  .meta({ example: '0x56687bf447db6ffa42ffe2204a05edaa20f55839' });

/** A BIGSERIAL id in a path: digits only, small enough to always be a valid bigint. */
export const IdParamSchema = z.strictObject({
  id: z.string().regex(/^[1-9]\d{0,17}$/, 'must be a numeric id'),
});

export interface DecimalRule {
  /** Digits allowed after the point (the column's scale). */
  scale: number;
  /** Largest value (the column's precision allows). */
  max: string;
  /** Smallest value; exclusive when minExclusive. */
  min: string;
  minExclusive?: boolean;
  example: string;
}

export function decimalString(rule: DecimalRule) {
  return z
    .string()
    .max(40)
    .superRefine((v, ctx) => {
      if (!isDecimalString(v) || v.startsWith('-')) {
        ctx.addIssue({ code: 'custom', message: 'must be a non-negative decimal string, e.g. "12.5"' });
        return;
      }
      if ((v.split('.')[1]?.length ?? 0) > rule.scale) {
        ctx.addIssue({ code: 'custom', message: `at most ${rule.scale} decimal places` });
        return;
      }
      const d = dec(v);
      const min = dec(rule.min);
      if (rule.minExclusive ? d.lte(min) : d.lt(min)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be ${rule.minExclusive ? 'greater than' : 'at least'} ${rule.min}`,
        });
      } else if (d.gt(dec(rule.max))) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${rule.max}` });
      }
    })
    .meta({ example: rule.example, description: `decimal string, ≤ ${rule.scale} decimal places` });
}

export const BearerSecurity = [{ bearerAuth: [] }];

/** Pagination query fields shared by every list: limit 1-100 (default 25) and the opaque cursor. */
export const PageQuery = {
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be an integer from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100'))
    .optional()
    .default(25)
    .describe('page size, 1-100 (default 25)'),
  cursor: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextCursor from a previous page')
    .optional()
    .describe('nextCursor of the previous page'),
};

/** A list page: the items and the cursor of the next page (null on the last). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last page'),
  });
}

/** A NUMERIC amount as an exact decimal string. */
export const Money = z.string().meta({ example: '12.500000', description: 'decimal string' });

/** A TOTP code (6 digits) or a recovery code (xxxx-xxxx-xxxx-xxxx). */
export const SecondFactorCode = z
  .string()
  .trim()
  .min(6)
  .max(64)
  .meta({ example: '123456', description: 'a current authenticator code, or an unused recovery code' });

/**
 * Sensitive actions (credential changes, emergency stop) need a fresh code in this header when the
 * user has two-factor authentication on.
 */
export const TotpHeaderSchema = z.object({
  'x-totp': SecondFactorCode.optional().describe(
    'required when two-factor authentication is on: a current authenticator code (each code works once) or a recovery code',
  ),
});
