// The OpenAPI document lists every status and media type the API sends. This walks every operation
// of the document and provokes what the edges answer for any route — a body too large (413), a body
// that is not JSON (415), malformed JSON (400), a path parameter over 100 characters (414) — then
// checks each answer's status is declared for that operation; and that the two non-JSON answers
// (text/event-stream, text/csv) are declared. A client generated from the document can expect what
// the server sends.
import { beforeAll, describe, expect, it } from 'vitest';
import { UserEventHub } from '../../../src/events/hub.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

type Op = { responses: Record<string, { content?: Record<string, unknown> }> };
type Doc = { paths: Record<string, Record<string, Op>> };

const SAMPLE: Record<string, string> = {
  wallet: `0x${'a'.repeat(40)}`,
  kind: 'email',
  assetId: '123',
};

describe('the OpenAPI document and what the API answers', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let doc: Doc;
  let headers: Record<string, string>;

  beforeAll(async () => {
    // A hub that is never started: only the /events route's declaration is read here.
    const hub = new UserEventHub({ databaseUrl: t.current.url, logger: createLogger('silent') });
    api = await buildTestApi(t.current.db, { settings: { bodyLimitBytes: 1024 }, events: { hub } });
    const admin = await signUp(api);
    await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.userId).execute();
    headers = admin.auth;
    doc = (await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as Doc;
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([m]) => ['get', 'post', 'patch', 'put', 'delete'].includes(m))
        .map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
  const urlOf = (path: string, long?: string) =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) => (long ? long : (SAMPLE[name] ?? '1')));

  it('declares every status the edges answer, on every operation', async () => {
    const undeclared: string[] = [];
    let provoked = 0;
    for (const { path, method, op } of operations()) {
      const tries: Array<{ why: string; url: string; payload?: string; type?: string; expect: number }> = [];
      if (path.includes('{'))
        tries.push({ why: 'long parameter', url: urlOf(path, 'x'.repeat(101)), expect: 414 });
      if (method !== 'GET') {
        tries.push(
          {
            why: 'too large',
            url: urlOf(path),
            payload: JSON.stringify({ x: 'y'.repeat(2048) }),
            type: 'application/json',
            expect: 413,
          },
          { why: 'not json', url: urlOf(path), payload: '<a/>', type: 'application/xml', expect: 415 },
          {
            why: 'malformed json',
            url: urlOf(path),
            payload: '{"a":',
            type: 'application/json',
            expect: 400,
          },
        );
      }
      for (const tr of tries) {
        const res = await api.app.inject({
          method: method as 'GET',
          url: tr.url,
          headers: { ...headers, ...(tr.type ? { 'content-type': tr.type } : {}) },
          ...(tr.payload !== undefined ? { payload: tr.payload } : {}),
        });
        provoked += 1;
        expect(res.statusCode, `${method} ${path} (${tr.why})`).toBe(tr.expect);
        if (!(String(res.statusCode) in op.responses))
          undeclared.push(`${method} ${path} → ${res.statusCode} (${tr.why})`);
      }
      // Every operation is behind the per-IP limiter and can fail unexpectedly.
      for (const s of ['400', '429', '500'])
        if (!(s in op.responses)) undeclared.push(`${method} ${path} lacks ${s}`);
    }
    expect(undeclared).toEqual([]);
    expect(provoked).toBeGreaterThan(100);
  });

  it('declares the answers that are not JSON', () => {
    expect(Object.keys(doc.paths['/api/v1/events']!.get!.responses['200']!.content ?? {})).toEqual([
      'text/event-stream',
    ]);
    expect(Object.keys(doc.paths['/api/v1/positions']!.get!.responses['200']!.content ?? {}).sort()).toEqual([
      'application/json',
      'text/csv',
    ]);
  });
});
