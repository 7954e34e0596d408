// The API's edge: one error body, correct 4xx for every kind of bad input (and nothing written),
// security headers, CORS allow-list, body-size limit, rate limits, OpenAPI and /docs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, uniqueEmail, type TestApi } from './api-harness.ts';

describe('API foundation', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => api?.app.close());

  const userCount = async () =>
    Number(
      (
        await t.current.db
          .selectFrom('users')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  const expectError = (res: { statusCode: number; json: () => unknown }, status: number, code: string) => {
    expect(res.statusCode).toBe(status);
    const body = res.json() as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    return body.error;
  };

  it('answers malformed JSON, wrong types, unknown fields and out-of-range values with 400 and writes nothing', async () => {
    const before = await userCount();
    const post = (payload: string, contentType = 'application/json') =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload,
        headers: { 'content-type': contentType },
      });
    expectError(await post('{"email": "a@b.co", "password": '), 400, 'malformed_json');
    expectError(await post(''), 400, 'malformed_json');
    expectError(
      await post('{"__proto__": {"x": 1}, "email": "a@b.co", "password": "x"}'),
      400,
      'malformed_json',
    );
    const wrongType = expectError(
      await post('{"email": 42, "password": "long enough pass"}'),
      400,
      'validation_failed',
    );
    expect(wrongType.message).toContain('body.email');
    const unknown = expectError(
      await post(JSON.stringify({ email: uniqueEmail(), password: 'long enough pass', isAdmin: true })),
      400,
      'validation_failed',
    );
    expect(unknown.message).toMatch(/isAdmin/);
    expectError(
      await post(JSON.stringify({ email: 'x'.repeat(300) + '@example.com', password: 'p' })),
      400,
      'validation_failed',
    );
    expectError(await post(JSON.stringify([1, 2])), 400, 'validation_failed');
    expectError(await post('email=a', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    expectError(
      await post(JSON.stringify({ email: uniqueEmail(), password: 'a'.repeat(100_000) })),
      413,
      'payload_too_large',
    );
    expectError(await api.app.inject({ method: 'GET', url: '/api/v1/nope' }), 404, 'route_not_found');
    expect(await userCount()).toBe(before);
  });

  it('requires a bearer token on protected routes (401) and rejects forged tokens', async () => {
    expectError(await api.app.inject({ method: 'GET', url: '/api/v1/me' }), 401, 'unauthenticated');
    expectError(
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: 'Bearer abc.def.ghi' },
      }),
      401,
      'unauthenticated',
    );
    const u = await signUp(api);
    const [h, p] = u.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: String(Number(u.userId) + 1) })).toString('base64url')}.${u.accessToken.split('.')[2]}`;
    expectError(
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${forged}` },
      }),
      401,
      'unauthenticated',
    );
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    expectError(
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${none}` },
      }),
      401,
      'unauthenticated',
    );
    // Unauthenticated before validation: a bad body to a protected route is still a 401.
    expectError(
      await api.app.inject({ method: 'POST', url: '/api/v1/follows', payload: { nonsense: true } }),
      401,
      'unauthenticated',
    );
    // An access token expires.
    api.clock.advance(901_000);
    expectError(
      await api.app.inject({ method: 'GET', url: '/api/v1/me', headers: u.auth }),
      401,
      'unauthenticated',
    );
  });

  it('sends security headers and honours the CORS allow-list', async () => {
    const res = await api.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/login',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const evil = await api.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/auth/login',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const get = await api.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(get.headers['x-content-type-options']).toBe('nosniff');
    expect(get.headers['strict-transport-security']).toBeDefined();
    expect(get.headers['content-security-policy']).toBeDefined();
    expect(get.headers['x-frame-options']).toBe('DENY');
  });

  it('answers an unknown URL, inside the API or not, with the one error body', async () => {
    for (const [url, body] of [
      ['/nope', { error: { code: 'route_not_found', message: 'no route GET /nope' } }],
      ['/api/v1/nope?x=1', { error: { code: 'route_not_found', message: 'no route GET /api/v1/nope' } }],
    ] as const) {
      const res = await api.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toEqual(body);
    }
  });

  it('serves the OpenAPI document and the docs page, describing every API route', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/auth/register',
      '/api/v1/auth/login',
      '/api/v1/auth/refresh',
      '/api/v1/auth/logout',
      '/api/v1/auth/sessions',
      '/api/v1/auth/sessions/{id}',
      '/api/v1/me',
      '/api/v1/admin/users/{id}/tier',
      '/api/v1/auth/verify-email/request',
      '/api/v1/auth/verify-email/confirm',
      '/api/v1/auth/password-reset/request',
      '/api/v1/auth/password-reset/confirm',
      '/api/v1/credentials',
      '/api/v1/credentials/{id}',
      '/api/v1/credentials/{id}/revoke',
      '/api/v1/follows',
      '/api/v1/follows/{id}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const register = doc.paths['/api/v1/auth/register']!.post as {
      requestBody: {
        content: { 'application/json': { schema: { required: string[]; additionalProperties: boolean } } };
      };
      responses: Record<string, unknown>;
    };
    expect(register.requestBody.content['application/json'].schema.required).toEqual(['email', 'password']);
    expect(register.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '429']));
    // The schema states the password rule the server applies (10 characters), not a bare minimum of 1.
    type Body = {
      requestBody: {
        content: {
          'application/json': {
            schema: { properties: Record<string, { minLength?: number; maxLength?: number }> };
          };
        };
      };
    };
    const passwordOf = (path: string, method: string) =>
      (doc.paths[path]![method] as Body).requestBody.content['application/json'].schema.properties.password!;
    expect(passwordOf('/api/v1/auth/register', 'post')).toMatchObject({ minLength: 10, maxLength: 512 });
    expect(passwordOf('/api/v1/auth/password-reset/confirm', 'post')).toMatchObject({ minLength: 10 });
    // Signing in checks an existing password: any non-empty string is a (possibly wrong) answer.
    expect(passwordOf('/api/v1/auth/login', 'post')).toMatchObject({ minLength: 1 });
    const docs = await api.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });
});

describe('API rate limits', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db, {
      settings: { rateLimit: { perIp: 30, perUser: 5, authPerIp: 3 } },
    });
  });
  afterAll(async () => api?.app.close());

  it('limits sign-in attempts per IP, signed-in users per user, and everything per IP', async () => {
    const login = (ip: string) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        payload: { email: 'nobody@example.com', password: 'whatever it is' },
      });
    for (let i = 0; i < 3; i++) expect((await login('10.0.0.1')).statusCode).toBe(401);
    const limited = await login('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login('10.0.0.2')).statusCode).toBe(401); // another IP has its own budget

    // Per user: the sixth request of one user within the minute is refused, whatever the IP.
    const raw = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      remoteAddress: '10.0.0.3',
      payload: { email: uniqueEmail(), password: 'correct horse battery staple' },
    });
    expect(raw.statusCode).toBe(201);
    const email = (raw.json() as { user: { email: string } }).user.email;
    const tokens = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.0.0.4',
      payload: { email, password: 'correct horse battery staple' },
    });
    const auth = { authorization: `Bearer ${(tokens.json() as { accessToken: string }).accessToken}` };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await api.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: auth,
        remoteAddress: `10.1.0.${i}`,
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);

    // Per IP over all routes.
    const perIp: number[] = [];
    for (let i = 0; i < 31; i++) {
      perIp.push(
        (await api.app.inject({ method: 'GET', url: '/api/v1/nope', remoteAddress: '10.9.9.9' })).statusCode,
      );
    }
    expect(perIp.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(perIp[30]).toBe(429);
  });
});
