// The authorization matrix over EVERY route the app registers (enumerated by an onRoute hook, so a
// route nobody classified in route-catalog.ts fails here), each classified public / user / admin
// (and step-up):
//   - without a token (or with a forged one) every user and admin route answers 401 unauthenticated;
//   - public routes never refuse for want of a token;
//   - an ordinary user is served on user routes and refused (403 forbidden) on admin routes; admins
//     are served;
//   - another user's id in the URL reads as 404 not_found — exactly like an id that does not exist —
//     never 403, never their data, and nothing is written; lists never show another user's rows;
//   - step-up routes refuse a caller with 2FA on and no code (401 totp_required, nothing written)
//     and serve them with a fresh code.
// The OpenAPI document must describe every API route, with bearer security exactly where a token is
// required.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserEventHub } from '../../../src/events/hub.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, type TestApi } from './api-harness.ts';
import { changedTables, dbFingerprint } from './db-fingerprint.ts';
import { TEST_BOT_TOKEN } from './identity-helpers.ts';
import {
  isDocsRoute,
  LAST,
  methodOf,
  routeKey,
  ROUTES,
  type RouteSpec,
  type SampleRequest,
} from './route-catalog.ts';
import { buildWorld, type Actor, type World } from './route-world.ts';

interface Answer {
  status: number;
  body: string;
  code: string | undefined;
}

describe('authorization matrix', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let hub: UserEventHub;
  let w: World;
  let baseUrl: string;

  beforeAll(async () => {
    const { createLogger } = await import('../../../src/observability/logger.ts');
    hub = new UserEventHub({ databaseUrl: t.current.url, logger: createLogger('silent') });
    await hub.start();
    api = await buildTestApi(t.current.db, {
      settings: { telegramBotToken: TEST_BOT_TOKEN },
      metrics: {},
      events: { hub },
      accessTokenTtlSeconds: 86_400,
    });
    baseUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
    w = await buildWorld(api, t.current.db);
  }, 120_000);
  afterAll(async () => {
    await api?.app.close();
    await hub?.close();
  });

  /** The registered routes as catalog keys (HEAD mirrors of GET routes and CORS preflight aside). */
  const registered = () =>
    [...new Set(api.routes.filter((r) => r.method !== 'HEAD').map((r) => routeKey(r.method, r.url)))]
      .filter((k) => k !== 'OPTIONS *')
      .filter((k) => !isDocsRoute(methodOf(k), k.slice(k.indexOf(' ') + 1)));

  async function send(
    key: string,
    req: SampleRequest,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await api.app.inject({
      method: methodOf(key),
      url: req.url,
      headers,
      ...(req.body !== undefined ? { payload: req.body as object } : {}),
    });
    let code: string | undefined;
    try {
      code = (res.json() as { error?: { code?: string } }).error?.code;
    } catch {
      code = undefined;
    }
    return { status: res.statusCode, body: res.body, code };
  }

  /** A stream route over real HTTP: the status, and the first bytes when it is 200. */
  async function openStream(url: string, headers: Record<string, string>): Promise<Answer> {
    const ac = new AbortController();
    const res = await fetch(`${baseUrl}${url}`, { headers, signal: ac.signal });
    if (res.status !== 200) {
      const body = await res.text();
      return { status: res.status, body, code: (JSON.parse(body) as { error: { code: string } }).error.code };
    }
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    return { status: 200, body: first, code: undefined };
  }

  const bearer = (a: Actor) => ({ authorization: `Bearer ${a.accessToken}` });
  const call = (key: string, spec: RouteSpec, req: SampleRequest, headers: Record<string, string>) =>
    spec.stream ? openStream(req.url, headers) : send(key, req, headers);

  // Served: not refused for who the caller is (a 401 invalid_totp for a wrong code in the sample's
  // body, or a 409 for a state the sample cannot change twice, is the route at work).
  const expectServed = (key: string, a: Answer) => {
    expect(a.status, `${key}: ${a.body}`).toBeLessThan(500);
    expect(
      ['unauthenticated', 'forbidden', 'totp_required'],
      `${key} refused an authorized caller: ${a.body}`,
    ).not.toContain(a.code);
    expect(a.status, `${key}: ${a.body}`).not.toBe(403);
  };
  const expectError = (a: Answer, status: number, code: string, key: string) => {
    expect(a.status, `${key}: ${a.body}`).toBe(status);
    expect(JSON.parse(a.body), key).toEqual({ error: { code, message: expect.any(String) } });
  };

  it('classifies every registered route, and every classification names a registered route', () => {
    const routes = registered();
    expect(routes.length).toBeGreaterThan(40);
    const unclassified = routes.filter((k) => !(k in ROUTES));
    expect(unclassified, 'add these routes to test/db/api/route-catalog.ts').toEqual([]);
    // Checked against the router itself, which also knows the routes buildHttpApp registers before
    // any hook can be added (/health, /ready).
    const stale = Object.keys(ROUTES).filter(
      (k) => !api.app.hasRoute({ method: methodOf(k), url: k.slice(k.indexOf(' ') + 1) }),
    );
    expect(stale, 'these catalog entries name no registered route').toEqual([]);
    // The docs pages exist (classified public as a group).
    expect(api.routes.some((r) => isDocsRoute(r.method, r.url))).toBe(true);
  });

  it('describes every API route in the OpenAPI document, with bearer security exactly on signed-in routes', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    for (const r of api.routes) {
      if (r.hidden || r.method === 'HEAD' || !r.url.startsWith('/api/v1/')) continue;
      const key = routeKey(r.method, r.url);
      const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      expect(op, `${key} is not in the OpenAPI document`).toBeDefined();
      const spec = ROUTES[key]!;
      if (spec.access === 'public') expect(op!.security, key).toBeUndefined();
      else expect(op!.security, key).toEqual([{ bearerAuth: [] }]);
    }
  });

  // Declared statically from the catalog (the first test proves it matches the app); routes that end
  // the caller's session go last.
  const keys = Object.keys(ROUTES).sort((a, b) => Number(LAST.has(a)) - Number(LAST.has(b)));
  for (const key of keys) {
    const spec = ROUTES[key]!;
    it(`${key} — ${spec.access}${spec.stepUp ? ' + step-up' : ''}${spec.owned ? ', owner-scoped' : ''}`, async () => {
      if (spec.access === 'public') {
        const a = await call(key, spec, await spec.sample(w.bob, w), {});
        expect(a.status, `${key}: ${a.body}`).toBeLessThan(500);
        expect(['unauthenticated', 'forbidden', 'totp_required']).not.toContain(a.code);
        return;
      }

      // No token, a forged token, a malformed header: 401 unauthenticated, nothing written.
      const req = await spec.sample(w.bob, w);
      const before = await dbFingerprint(w.db);
      expectError(await call(key, spec, req, {}), 401, 'unauthenticated', key);
      expectError(
        await call(key, spec, req, { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.forged' }),
        401,
        'unauthenticated',
        key,
      );
      expectError(
        await call(key, spec, req, { authorization: 'Basic Ym9iOmJvYg==' }),
        401,
        'unauthenticated',
        key,
      );
      expect(changedTables(before, await dbFingerprint(w.db)), key).toEqual([]);

      if (spec.access === 'admin') {
        // Ordinary users (with or without 2FA) are refused before anything else happens.
        for (const u of [w.bob, w.carol]) {
          const r = await spec.sample(u, w);
          const snap = await dbFingerprint(w.db);
          expectError(await call(key, spec, r, bearer(u)), 403, 'forbidden', key);
          expect(changedTables(snap, await dbFingerprint(w.db)), key).toEqual([]);
        }
        if (spec.stepUp) {
          const r = await spec.sample(w.admin2fa, w);
          const snap = await dbFingerprint(w.db);
          expectError(await call(key, spec, r, bearer(w.admin2fa)), 401, 'totp_required', key);
          expect(changedTables(snap, await dbFingerprint(w.db)), key).toEqual([]);
          expectServed(
            key,
            await call(key, spec, await spec.sample(w.admin2fa, w), {
              ...bearer(w.admin2fa),
              ...w.stepUp(w.admin2fa),
            }),
          );
        }
        expectServed(key, await call(key, spec, await spec.sample(w.admin, w), bearer(w.admin)));
        return;
      }

      // access: user
      if (spec.owned) {
        // Alice's resource, and one that does not exist, both read as 404 for bob; nothing written.
        const missing: Actor = {
          ...w.alice,
          followId: '987654321',
          credentialId: '987654321',
          spareSessionId: randomUUID(),
        };
        for (const target of [w.alice, missing]) {
          const r = await spec.sample(target, w);
          const snap = await dbFingerprint(w.db);
          const a = await call(key, spec, r, bearer(w.bob));
          expectError(a, 404, 'not_found', `${key} (${target === missing ? 'missing' : "alice's"})`);
          for (const m of w.aliceMarkers) expect(a.body, key).not.toContain(m);
          expect(changedTables(snap, await dbFingerprint(w.db)), key).toEqual([]);
        }
      }
      if (spec.stepUp) {
        const r = await spec.sample(w.carol, w);
        const snap = await dbFingerprint(w.db);
        expectError(await call(key, spec, r, bearer(w.carol)), 401, 'totp_required', key);
        expect(changedTables(snap, await dbFingerprint(w.db)), key).toEqual([]);
        expectServed(
          key,
          await call(key, spec, await spec.sample(w.carol, w), { ...bearer(w.carol), ...w.stepUp(w.carol) }),
        );
      }
      const served = await call(key, spec, await spec.sample(w.bob, w), bearer(w.bob));
      expectServed(key, served);
      if (spec.list) {
        expect(served.status, served.body).toBe(200);
        for (const m of w.aliceMarkers) expect(served.body, `${key} leaked ${m}`).not.toContain(m);
        // And bob's own rows are there: the check above is not vacuous.
        const own = [w.bob.traderWallet, w.bob.sessionId, `${w.bob.name}-key`];
        expect(
          own.some((m) => served.body.includes(m)),
          `${key} shows none of bob's rows`,
        ).toBe(true);
      }
    }, 30_000);
  }
});
