// Property-based fuzzing of request bodies: arbitrary JSON, and valid bodies with one field replaced
// by an arbitrary value or an unknown field added. Never a 5xx; a rejected request writes nothing.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallet } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

describe('request fuzzing', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let auth: Record<string, string>;
  let followId: string;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    const u = await signUp(api);
    auth = u.auth;
    const f = await api.app.inject({
      method: 'POST',
      url: '/api/v1/follows',
      headers: auth,
      payload: { traderWallet: wallet(), mode: 'paper' },
    });
    followId = (f.json() as { id: string }).id;
  });
  afterAll(async () => api?.app.close());

  const snapshot = async () =>
    (
      await sql<{ s: string }>`
        SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM copy_relationships) || '/' ||
               (SELECT count(*) FROM traders) || '/' || (SELECT count(*) FROM polymarket_api_keys) || '/' ||
               (SELECT coalesce(max(updated_at)::text, '') FROM copy_relationships) AS s`.execute(
        t.current.db,
      )
    ).rows[0]!.s;

  const valid: Record<
    string,
    { method: 'POST' | 'PATCH'; url: () => string; body: Record<string, unknown> }
  > = {
    register: {
      method: 'POST',
      url: () => '/api/v1/auth/register',
      body: { email: 'x@example.com', password: 'p' },
    },
    login: {
      method: 'POST',
      url: () => '/api/v1/auth/login',
      body: { email: 'x@example.com', password: 'p' },
    },
    follow: {
      method: 'POST',
      url: () => '/api/v1/follows',
      body: {
        traderWallet: `0x${'3'.repeat(40)}`,
        mode: 'paper',
        proportionalityFactor: '0.1',
        maxSlippagePercent: '2',
      },
    },
    editFollow: {
      method: 'PATCH',
      url: () => `/api/v1/follows/${followId}`,
      body: { status: 'paused', stopLossPercent: '5' },
    },
    credentials: {
      method: 'POST',
      url: () => '/api/v1/credentials',
      body: { apiKey: 'k', apiSecret: 's', apiPassphrase: 'p', signatureType: 0, dailySpendLimitUsd: '10' },
    },
  };

  const json = fc.jsonValue({ maxDepth: 3 });
  const mutated = (body: Record<string, unknown>) =>
    fc.oneof(
      json,
      fc.tuple(fc.constantFrom(...Object.keys(body)), json).map(([k, v]) => ({ ...body, [k]: v })),
      fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), json).map(([k, v]) => ({ ...body, [k]: v })),
    );

  for (const [name, route] of Object.entries(valid)) {
    it(`${name}: never a 5xx, and a rejection writes nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(mutated(route.body), async (payload) => {
          const before = await snapshot();
          const res = await api.app.inject({
            method: route.method,
            url: route.url(),
            headers: { ...auth, 'content-type': 'application/json' },
            payload: JSON.stringify(payload),
          });
          expect(res.statusCode, res.body).toBeLessThan(500);
          const body = res.json() as { error?: { code: string; message: string } };
          if (res.statusCode >= 400) {
            expect(typeof body.error?.code).toBe('string');
            expect(await snapshot()).toBe(before);
          }
        }),
        { numRuns: 120 },
      );
    }, 120_000);
  }
});
