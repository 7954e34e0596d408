// The HTTP client's failure classification, against a throw-away local server: a timed-out
// placement is unknown_outcome while a timed-out read is retryable; a refused connection never
// reached the venue, so even a placement is retryable; a 2xx we cannot read is not success.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VenueError } from '../../../../src/venue/errors.ts';
import { PolymarketHttpClient, joinUrl } from '../../../../src/venue/polymarket/http-client.ts';
import type { JsonNumber } from '../../../../src/venue/polymarket/lossless-json.ts';
import { parseLosslessJson } from '../../../../src/venue/polymarket/lossless-json.ts';
import { RateLimiter } from '../../../../src/venue/rate-limits.ts';

let server: Server;
let base: string;
const seen: { method: string; url: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      const path = (req.url ?? '').split('?')[0]?.replace(/^\/root/, '');
      if (path === '/slow') return void setTimeout(() => res.end('{}'), 1_000);
      if (path === '/html') return void res.end('<html>gateway</html>');
      if (path === '/post-only') {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '79' });
        return void res.end(
          '{"error":"post-only mode: only post-only orders and cancels are allowed","code":"post_only_mode","retry_after_seconds":79}',
        );
      }
      if (path === '/tick') {
        res.writeHead(400, { 'content-type': 'application/json' });
        return void res.end(
          '{"error":"order 0xabc is invalid. Price (0.123) breaks minimum tick size rule: 0.01"}',
        );
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"price":0.1234567890123456789,"n":7}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/root`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const anything = z.unknown();

async function failure(promise: Promise<unknown>): Promise<VenueError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(VenueError);
  return e as VenueError;
}

describe('PolymarketHttpClient', () => {
  const client = (timeoutMs = 2_000) =>
    new PolymarketHttpClient({ baseUrl: `${base}/`, service: 'test', timeoutMs });

  it('joins the service root and encodes arrays as repeated keys, skipping empty values', () => {
    const url = joinUrl('http://h/gamma/', '/markets', {
      id: ['1', '2'],
      closed: false,
      x: undefined,
      y: null,
    });
    expect(url.toString()).toBe('http://h/gamma/markets?id=1&id=2&closed=false');
  });

  it('parses bodies losslessly and sends the exact body string', async () => {
    const body = '{"b":1,"a":2}';
    const res = await client().request({
      method: 'POST',
      path: '/echo',
      body,
      schema: anything,
      family: 'clob.general',
      operation: 'read',
    });
    expect((res as { price: JsonNumber }).price.text).toBe('0.1234567890123456789');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/root/echo', body });
  });

  it('a timed-out placement is unknown_outcome; a timed-out read is retryable', async () => {
    const place = await failure(
      client(150).request({
        method: 'POST',
        path: '/slow',
        body: '{}',
        schema: anything,
        family: 'clob.post_order',
        operation: 'place',
      }),
    );
    expect([place.kind, place.reason]).toEqual(['unknown_outcome', 'timeout']);
    const read = await failure(
      client(150).request({
        method: 'GET',
        path: '/slow',
        schema: anything,
        family: 'clob.general',
        operation: 'read',
      }),
    );
    expect([read.kind, read.reason]).toEqual(['retryable', 'timeout']);
  });

  it('a refused connection is retryable even for a placement: it never left', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const c = new PolymarketHttpClient({ baseUrl: `http://127.0.0.1:${port}`, service: 'test' });
    const e = await failure(
      c.request({
        method: 'POST',
        path: '/order',
        body: '{}',
        schema: anything,
        family: 'clob.post_order',
        operation: 'place',
      }),
    );
    expect([e.kind, e.reason]).toEqual(['retryable', 'network']);
  });

  it('maps venue errors through errors.ts, with Retry-After', async () => {
    const e = await failure(
      client().request({
        method: 'POST',
        path: '/post-only',
        body: '{}',
        schema: anything,
        family: 'clob.post_order',
        operation: 'place',
      }),
    );
    expect([e.kind, e.reason, e.retryAfterMs, e.httpStatus]).toEqual([
      'retryable',
      'post_only_mode',
      79_000,
      503,
    ]);
    const tick = await failure(
      client().request({
        method: 'POST',
        path: '/tick',
        body: '{}',
        schema: anything,
        family: 'clob.post_order',
        operation: 'place',
      }),
    );
    expect([tick.kind, tick.reason]).toEqual(['rejected', 'invalid_tick']);
  });

  it('a 2xx that does not match the schema is not success (unknown_outcome for a placement)', async () => {
    const schema = z.object({ orderID: z.string() });
    const place = await failure(
      client().request({
        method: 'POST',
        path: '/html',
        body: '{}',
        schema,
        family: 'clob.post_order',
        operation: 'place',
      }),
    );
    expect(place.kind).toBe('unknown_outcome');
    const read = await failure(
      client().request({ method: 'GET', path: '/html', schema, family: 'clob.general', operation: 'read' }),
    );
    expect(read.kind).toBe('retryable');
  });

  it('paces requests through the shared limiter', async () => {
    const waits: number[] = [];
    let now = 0;
    const limiter = new RateLimiter({
      clock: { now: () => now },
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
      table: {
        only: { api: 'clob', endpoints: ['*'], windows: [{ limit: 1, windowMs: 1_000 }], parents: [] },
      },
      headroom: 1,
    });
    const c = new PolymarketHttpClient({ baseUrl: base, service: 'test', limiter });
    const req = {
      method: 'GET' as const,
      path: '/x',
      schema: anything,
      family: 'only' as never,
      operation: 'read' as const,
    };
    await c.request(req);
    await c.request(req);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(1_000);
  });
});

describe('lossless JSON', () => {
  it('keeps number literals as text, handles escapes, rejects junk', () => {
    const v = parseLosslessJson('{"a":[1,-2.5e-3,{"s":"x\\"y\\u00e9"}],"t":true,"n":null}') as Record<
      string,
      unknown
    >;
    const a = v.a as unknown[];
    expect((a[0] as JsonNumber).text).toBe('1');
    expect((a[1] as JsonNumber).text).toBe('-2.5e-3');
    expect((a[2] as { s: string }).s).toBe('x"yé');
    expect([v.t, v.n]).toEqual([true, null]);
    for (const bad of ['{', '[1,]', '{"a" 1}', '01', '"abc', '[1] x', 'nul']) {
      expect(() => parseLosslessJson(bad)).toThrow(SyntaxError);
    }
  });

  it('keeps "__proto__" as plain data', () => {
    const v = parseLosslessJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
