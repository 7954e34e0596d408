// Property-based fuzzing of EVERY route in the catalog (route-catalog.ts; the authorization matrix
// proves the catalog is every registered route, so a new route is fuzzed as soon as it is
// classified):
//   - bodies: arbitrary JSON, and the route's valid sample body with one field replaced by an
//     arbitrary value or an unknown field added — for every route that declares a body schema;
//   - query strings: arbitrary keys and values, and the sample's query with a value replaced;
//   - path parameters: arbitrary strings in place of each :param.
// Each request is sent as the caller the route is for (a user, an admin). The properties: never a
// 5xx, always the one error body for a 4xx, and a rejected request writes nothing (every table's
// fingerprint unchanged; db-fingerprint.ts) — except the few refusals whose point is to record
// something: a failed sign-in factor counts towards the lockout, and Polymarket's rejection of
// credentials is audited.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, type TestApi } from './api-harness.ts';
import { changedTables, dbFingerprint } from './db-fingerprint.ts';
import { TEST_BOT_TOKEN } from './identity-helpers.ts';
import { methodOf, ROUTES, type RouteSpec } from './route-catalog.ts';
import { buildActor, buildWorld, type Actor, type World } from './route-world.ts';

/** Refusals that write by design (they are what the write records). */
const WRITING_REFUSALS = new Set(['invalid_credentials', 'invalid_totp', 'credential_rejected']);

const RUNS = { body: 40, query: 25, params: 25 };

// Besides the random runs, every field, query key and path parameter is also tried once with each of
// these (random generation alone would meet them only by luck): overflowing and negative numbers,
// empty and huge strings, wrong JSON types, lookalikes of valid ids.
const EDGE_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  '1.5',
  '1e3',
  '99999999999999999999',
  '9223372036854775808',
  '0x',
  `0x${'f'.repeat(40)}`,
  'null',
  '%00',
  'x'.repeat(5000),
  '../../etc/passwd',
  "' OR 1=1 --",
];
const EDGE_JSON: unknown[] = [
  ...EDGE_STRINGS,
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 60, // beyond Number.MAX_SAFE_INTEGER
  [],
  {},
  ['x'],
  JSON.parse('{"__proto__":{"polluted":1}}') as unknown, // an own __proto__ key, as a client sends it
];

describe('request fuzzing over every route', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let w: World;

  beforeAll(async () => {
    api = await buildTestApi(t.current.db, {
      settings: { telegramBotToken: TEST_BOT_TOKEN },
      metrics: {},
      accessTokenTtlSeconds: 86_400,
    });
    w = await buildWorld(api, t.current.db);
  }, 120_000);
  afterAll(async () => api?.app.close());

  // A valid fuzzed request can change its caller (log them out, unlink, stop their follows) or, for
  // admins, the victim: each route gets a fresh caller so one route's accepted requests cannot turn
  // another route's requests into 401s that would prove nothing.
  const callerFor = async (spec: RouteSpec): Promise<Actor | null> =>
    spec.access === 'public'
      ? null
      : buildActor(api, t.current.db, `fuzz${Math.random().toString(36).slice(2, 8)}`, {
          ...(spec.access === 'admin' ? { role: 'admin' as const } : {}),
        });

  const json = fc.jsonValue({ maxDepth: 3 });
  const mutatedBody = (body: unknown) => {
    if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0)
      return json;
    const b = body as Record<string, unknown>;
    return fc.oneof(
      json,
      fc.tuple(fc.constantFrom(...Object.keys(b)), json).map(([k, v]) => ({ ...b, [k]: v })),
      fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), json).map(([k, v]) => ({ ...b, [k]: v })),
      fc
        .constantFrom(...Object.keys(b))
        .map((k) => Object.fromEntries(Object.entries(b).filter(([x]) => x !== k))),
    );
  };
  const queryValue = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom('-1', '0', '101', '1e3', '99999999999999999999', 'null', 'true', '0x', ' ', '%00'),
  );

  async function check(
    key: string,
    caller: Actor | null,
    url: string,
    payload: { raw: string } | null,
  ): Promise<void> {
    const before = await dbFingerprint(t.current.db);
    const res = await api.app.inject({
      method: methodOf(key),
      url,
      headers: {
        ...(caller ? { authorization: `Bearer ${caller.accessToken}` } : {}),
        ...(payload ? { 'content-type': 'application/json' } : {}),
      },
      ...(payload ? { payload: payload.raw } : {}),
    });
    if (res.statusCode >= 500) {
      // Say why: the server logged the error it hid from the client.
      const logged = api.logLines.filter((l) => l.includes('"level":50')).at(-1) ?? '';
      expect.fail(
        `${key} ${url} ${payload?.raw.slice(0, 300) ?? ''}: ${res.statusCode} ${res.body}\n${logged.slice(0, 2000)}`,
      );
    }
    if (res.statusCode >= 400) {
      const body = res.json() as { error?: { code?: unknown; message?: unknown } };
      expect(typeof body.error?.code, res.body).toBe('string');
      expect(typeof body.error?.message, res.body).toBe('string');
      if (!WRITING_REFUSALS.has(body.error!.code as string))
        expect(changedTables(before, await dbFingerprint(t.current.db)), `${key} ${res.body}`).toEqual([]);
    }
  }

  /** Splits a sample URL into path and query parameters. */
  const parse = (url: string) => {
    const u = new URL(url, 'http://x');
    return { path: u.pathname, query: Object.fromEntries(u.searchParams) };
  };
  const withQuery = (path: string, q: Record<string, string>) => {
    const qs = new URLSearchParams(q).toString();
    return qs ? `${path}?${qs}` : path;
  };

  for (const [key, spec] of Object.entries(ROUTES)) {
    if (spec.stream) continue; // an accepted request would not end; its 401s are in the matrix
    const method = methodOf(key);
    const template = key.slice(key.indexOf(' ') + 1);
    const params = [...template.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);

    it(`${key}: never a 5xx, one error body, and a rejection writes nothing`, async () => {
      const caller = await callerFor(spec);
      const sample = await spec.sample(caller ?? w.bob, w);
      const { path, query } = parse(sample.url);

      // Bodies, for routes that take one (POST/PATCH/DELETE with a body schema).
      const registered = api.routes.find((r) => r.method === method && r.url === template);
      if (registered?.hasBody) {
        await fc.assert(
          fc.asyncProperty(mutatedBody(sample.body ?? {}), async (body) => {
            await check(key, caller, sample.url, { raw: JSON.stringify(body) });
          }),
          { numRuns: RUNS.body },
        );
        // And bodies that are not JSON at all.
        for (const raw of ['{', '[1,', '"\\ud800"', 'null', '{"__proto__":{"x":1}}', ''])
          await check(key, caller, sample.url, { raw });
        // Every field with every edge value.
        const fields =
          sample.body !== null && typeof sample.body === 'object' ? Object.keys(sample.body) : [];
        for (const f of fields)
          for (const v of EDGE_JSON)
            await check(key, caller, sample.url, {
              raw: JSON.stringify({ ...(sample.body as object), [f]: v }),
            });
      }
      const bodyAgain = sample.body !== undefined ? { raw: JSON.stringify(sample.body) } : null;
      for (const k of Object.keys(query))
        for (const v of EDGE_STRINGS)
          await check(key, caller, withQuery(path, { ...query, [k]: v }), bodyAgain);

      // Query strings.
      const queryKeys = Object.keys(query);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), queryValue, { maxKeys: 3 }),
            queryKeys.length > 0
              ? fc.tuple(fc.constantFrom(...queryKeys), queryValue).map(([k, v]) => ({ ...query, [k]: v }))
              : fc.constant({}),
          ),
          async (q) => {
            await check(
              key,
              caller,
              withQuery(path, q),
              sample.body !== undefined ? { raw: JSON.stringify(sample.body) } : null,
            );
          },
        ),
        { numRuns: RUNS.query },
      );

      // Path parameters.
      const urlWith = (param: string, value: string) => {
        let url = template;
        for (const p of params) {
          const concrete = sample.url.split('?')[0]!.split('/')[template.split('/').indexOf(`:${p}`)]!;
          url = url.replace(`:${p}`, p === param ? encodeURIComponent(value) : concrete);
        }
        return url;
      };
      for (const p of params)
        for (const v of EDGE_STRINGS.filter((e) => e !== ''))
          await check(key, caller, urlWith(p, v), bodyAgain);
      if (params.length > 0) {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...params),
            fc.oneof(
              fc.string({ minLength: 1, maxLength: 40 }),
              fc.constantFrom('0', '-1', '99999999999999999999', '1.5', '0x', 'null', '%', '..', 'ZZ'),
            ),
            async (param, value) => {
              await check(key, caller, urlWith(param, value), bodyAgain);
            },
          ),
          { numRuns: RUNS.params },
        );
      }
    }, 180_000);
  }
});
