// Browser sessions (src/http/api/refresh-cookie.ts): sign-up signs in; every session answer sets the
// httpOnly SameSite=Strict refresh cookie scoped to /api/v1/auth; the web app (X-Requested-With:
// polycopy-web) never gets the refresh token in a body; refresh and logout accept the cookie only
// with the marker header and from an allowed Origin (CSRF), and a refused cookie is cleared.
import { NEW_FOLLOW_DEFAULTS } from '../../../src/domain/copy-settings.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, GOOD_PASSWORD, signUp, uniqueEmail, type TestApi } from './api-harness.ts';

const WEB = { 'x-requested-with': 'polycopy-web' };

interface InjectCookie {
  name: string;
  value: string;
  path?: string;
  httpOnly?: boolean;
  sameSite?: string;
  secure?: boolean;
  maxAge?: number;
}
type Res = { statusCode: number; cookies: InjectCookie[]; json: () => unknown; body: string };

const refreshCookieOf = (res: Res) => res.cookies.find((c) => c.name === 'polycopy_refresh');

describe('browser sessions: refresh cookie, CSRF, sign-up signs in', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => api?.app.close());

  const post = (
    url: string,
    opts: { payload?: unknown; headers?: Record<string, string>; cookie?: string } = {},
  ) =>
    api.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      ...(opts.payload !== undefined ? { payload: opts.payload as object } : {}),
      headers: opts.headers ?? {},
      ...(opts.cookie !== undefined ? { cookies: { polycopy_refresh: opts.cookie } } : {}),
    }) as unknown as Promise<Res>;
  const me = (accessToken: string) =>
    api.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${accessToken}` } });
  const sessionRow = (id: string) =>
    t.current.db.selectFrom('auth_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const liveRefreshTokens = async (sessionId: string) =>
    Number(
      (
        await t.current.db
          .selectFrom('auth_refresh_tokens')
          .select((e) => e.fn.countAll().as('n'))
          .where('session_id', '=', sessionId)
          .where('used_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('signs the new user in at sign-up: token pair in the body, refresh cookie set, lastLoginAt set', async () => {
    const email = uniqueEmail();
    const res = (await post('/auth/register', { payload: { email, password: GOOD_PASSWORD } })) as Res;
    expect(res.statusCode).toBe(201);
    const body = res.json() as Record<string, unknown> & { user: { id: string; lastLoginAt: string | null } };
    expect(body.tokenType).toBe('Bearer');
    expect(body.refreshToken).toMatch(/^rt_/);
    expect(body.user.lastLoginAt).toBe('2030-01-01T00:00:00.000Z');
    const cookie = refreshCookieOf(res)!;
    expect(cookie).toMatchObject({
      value: body.refreshToken,
      path: '/api/v1/auth',
      httpOnly: true,
      sameSite: 'Strict',
      maxAge: 30 * 86_400,
    });
    expect(cookie.secure).toBeUndefined();
    expect((await me(body.accessToken as string)).json()).toMatchObject({ id: body.user.id, email });
    const sessions = await t.current.db
      .selectFrom('auth_sessions')
      .select('id')
      .where('user_id', '=', body.user.id)
      .execute();
    expect(sessions.map((s) => s.id)).toEqual([body.sessionId]);
  });

  it('keeps the refresh token out of the body for the web app; the cookie carries it', async () => {
    const u = await signUp(api);
    const res = await post('/auth/login', {
      payload: { email: u.email, password: u.password },
      headers: WEB,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      'accessToken',
      'accessTokenExpiresAt',
      'refreshTokenExpiresAt',
      'sessionId',
      'tokenType',
    ]);
    expect(refreshCookieOf(res)!.value).toMatch(/^rt_/);
    expect(res.body).not.toContain(refreshCookieOf(res)!.value);
  });

  it('refreshes from the cookie with the marker header, rotating the cookie; a replayed cookie revokes the session and is cleared', async () => {
    const u = await signUp(api);
    const login = await post('/auth/login', {
      payload: { email: u.email, password: u.password },
      headers: WEB,
    });
    const first = refreshCookieOf(login)!.value;
    const sessionId = (login.json() as { sessionId: string }).sessionId;

    const r1 = await post('/auth/refresh', { headers: WEB, cookie: first });
    expect(r1.statusCode).toBe(200);
    const second = refreshCookieOf(r1)!.value;
    expect(second).toMatch(/^rt_/);
    expect(second).not.toBe(first);
    expect((r1.json() as Record<string, unknown>).refreshToken).toBeUndefined();
    expect((await me((r1.json() as { accessToken: string }).accessToken)).statusCode).toBe(200);

    // Also with an empty JSON body and this platform's own Origin.
    const r2 = await post('/auth/refresh', {
      payload: {},
      headers: { ...WEB, origin: 'http://app.test' },
      cookie: second,
    });
    expect(r2.statusCode).toBe(200);

    const replay = await post('/auth/refresh', { headers: WEB, cookie: first });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ error: { code: 'refresh_token_reused' } });
    expect(refreshCookieOf(replay)).toMatchObject({ value: '', path: '/api/v1/auth', maxAge: 0 });
    expect((await sessionRow(sessionId)).revoked_reason).toBe('refresh_token_reuse');
  });

  it('refuses the cookie without the marker header or from a foreign Origin (403 csrf_failed), spending nothing', async () => {
    const u = await signUp(api);
    const login = await post('/auth/login', {
      payload: { email: u.email, password: u.password },
      headers: WEB,
    });
    const cookie = refreshCookieOf(login)!.value;
    const sessionId = (login.json() as { sessionId: string }).sessionId;

    for (const headers of [
      {} as Record<string, string>,
      { 'x-requested-with': 'XMLHttpRequest' },
      { ...WEB, origin: 'https://evil.example.com' },
    ]) {
      const res = await post('/auth/refresh', { headers, cookie });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'csrf_failed' } });
      expect(refreshCookieOf(res)).toBeUndefined();
      const out = await post('/auth/logout', { headers, cookie });
      expect(out.statusCode).toBe(403);
    }
    expect(await liveRefreshTokens(sessionId)).toBe(1);
    expect((await sessionRow(sessionId)).revoked_at).toBeNull();
    // An origin on the CORS allow-list may use it.
    const ok = await post('/auth/refresh', {
      headers: { ...WEB, origin: 'https://app.example.com' },
      cookie,
    });
    expect(ok.statusCode).toBe(200);
  });

  it('still refreshes from the body for API clients (the body wins over a cookie); nothing at all is 401', async () => {
    const u = await signUp(api);
    const res = await post('/auth/refresh', {
      payload: { refreshToken: u.refreshToken },
      cookie: 'rt_garbage_cookie',
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { refreshToken: string }).refreshToken).toBe(refreshCookieOf(res)!.value);

    const none = await post('/auth/refresh', { headers: WEB });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: { code: 'invalid_token' } });
    const bad = await post('/auth/refresh', { headers: WEB, cookie: 'rt_not_a_real_token_at_all' });
    expect(bad.statusCode).toBe(401);
    expect(refreshCookieOf(bad)).toMatchObject({ value: '', maxAge: 0 });
  });

  it('logs out with the cookie alone (marker header), ending the session and clearing the cookie', async () => {
    const u = await signUp(api);
    const login = await post('/auth/login', {
      payload: { email: u.email, password: u.password },
      headers: WEB,
    });
    const { accessToken, sessionId } = login.json() as { accessToken: string; sessionId: string };
    const res = await post('/auth/logout', { headers: WEB, cookie: refreshCookieOf(login)!.value });
    expect(res.statusCode).toBe(204);
    expect(refreshCookieOf(res)).toMatchObject({ value: '', path: '/api/v1/auth', maxAge: 0 });
    expect((await sessionRow(sessionId)).revoked_reason).toBe('logout');
    expect((await me(accessToken)).statusCode).toBe(401);

    // With the bearer token (API clients, or the app while its token is valid): cookie cleared too.
    const other = await signUp(api);
    const bearer = await post('/auth/logout', { headers: other.auth });
    expect(bearer.statusCode).toBe(204);
    expect(refreshCookieOf(bearer)).toMatchObject({ value: '', maxAge: 0 });
    expect((await sessionRow(other.sessionId)).revoked_reason).toBe('logout');

    // Neither: 401.
    const anon = await post('/auth/logout');
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('tells the app its public settings (no Telegram widget without a bot)', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/config' });
    expect(res.json()).toEqual({
      publicUrl: 'http://app.test',
      siweDomain: 'app.test',
      telegramBotUsername: null,
      paperStartingBalanceUsd: '10000',
      followDefaults: {
        proportionalityFactor: NEW_FOLLOW_DEFAULTS.proportionalityFactor,
        maxInvestmentPerTradeUsd: NEW_FOLLOW_DEFAULTS.maxInvestmentPerTradeUsd,
        maxTotalExposureUsd: NEW_FOLLOW_DEFAULTS.maxTotalExposureUsd,
        minTradeSizeUsd: NEW_FOLLOW_DEFAULTS.minTradeSizeUsd,
        maxSlippagePercent: NEW_FOLLOW_DEFAULTS.maxSlippagePercent,
        maxConsecutiveFailures: NEW_FOLLOW_DEFAULTS.maxConsecutiveFailures,
      },
    });
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/config?x=1' })).statusCode).toBe(400);
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const secure = await buildTestApi(t.current.db, { settings: { publicUrl: 'https://polycopy.example' } });
    try {
      const res = (await secure.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: uniqueEmail(), password: GOOD_PASSWORD },
      })) as unknown as Res;
      expect(res.statusCode).toBe(201);
      expect(refreshCookieOf(res)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
    } finally {
      await secure.app.close();
    }
  });
});
