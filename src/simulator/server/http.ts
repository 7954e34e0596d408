// Fastify helpers shared by the simulator's routes: raw bodies (the L2 HMAC covers the exact bytes
// sent), Polymarket-style `{"error": ...}` replies, wire JSON with Decimal numbers, query params.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { wireJson } from './wire-json.ts';

/** Marker for a body that was sent but is not JSON. */
export const INVALID_JSON = Symbol('invalid-json');

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/** Keeps every request body as its raw string and parses JSON leniently (no 400 from Fastify). */
export function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    req.rawBody = text;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(null, INVALID_JSON);
    }
  });
}

export function sendJson(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(wireJson(value));
}

export function sendError(reply: FastifyReply, status: number, error: string): FastifyReply {
  return sendJson(reply, status, { error });
}

export type Query = Record<string, string | string[] | undefined>;

export function query(req: FastifyRequest): Query {
  return (req.query ?? {}) as Query;
}

/** One value of a query param (the last if repeated). */
export function q1(qs: Query, name: string): string | undefined {
  const v = qs[name] ?? qs[`${name}[]`];
  if (Array.isArray(v)) return v[v.length - 1];
  return v;
}

/** A list param: repeated keys, `name[]` keys and comma-separated values all work. */
export function qList(qs: Query, name: string): string[] | undefined {
  const parts: string[] = [];
  for (const k of [name, `${name}[]`]) {
    const v = qs[k];
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      for (const s of item.split(',')) if (s.trim() !== '') parts.push(s.trim());
    }
  }
  return parts.length === 0 ? undefined : parts;
}

export function qBool(qs: Query, name: string): boolean | undefined {
  const v = q1(qs, name);
  if (v === undefined || v === '') return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

/** A non-negative integer param; NaN when present but malformed. */
export function qInt(qs: Query, name: string): number | undefined {
  const v = q1(qs, name);
  if (v === undefined || v === '') return undefined;
  return /^\d{1,15}$/.test(v) ? Number(v) : Number.NaN;
}

export function isAddress(s: string | undefined): s is string {
  return s !== undefined && /^0x[0-9a-fA-F]{40}$/.test(s);
}

export const base64Cursor = {
  encode(n: number): string {
    return n < 0 ? 'LTE=' : Buffer.from(String(n)).toString('base64');
  },
  decode(cursor: string | undefined): number | undefined {
    if (cursor === undefined || cursor === '') return 0;
    const text = Buffer.from(cursor, 'base64').toString('utf8');
    if (text === '-1') return -1;
    return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
  },
};
