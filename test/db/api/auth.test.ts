// Accounts and sessions through the API: register, login, lockout (with a moved clock), refresh
// rotation and reuse detection, logout, sessions, email verification and password reset.
import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/auth/opaque-tokens.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, GOOD_PASSWORD, signUp, uniqueEmail, type TestApi } from './api-harness.ts';

describe('accounts and sessions', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => api?.app.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as object, headers });
  const login = (email: string, password: string) => post('/auth/login', { email, password });

  it('registers with a lowercased email, stores an argon2id hash, and refuses weak passwords and duplicates', async () => {
    const email = uniqueEmail();
    const res = await post('/auth/register', { email: `  ${email.toUpperCase()} `, password: GOOD_PASSWORD });
    expect(res.statusCode).toBe(201);
    const user = (res.json() as { user: Record<string, unknown> }).user;
    expect(user).toMatchObject({ email, emailVerified: false, role: 'user', subscriptionTier: 'free' });
    expect(JSON.stringify(user)).not.toContain('password');
    // The paper balance is the one /me shows (the paper ledger), not the seed column's 0.
    const accessToken = (res.json() as { accessToken: string }).accessToken;
    const me = await api.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(user.balanceUsd).toBe('10000');
    expect(me.json()).toMatchObject({ id: user.id, balanceUsd: user.balanceUsd });
    const row = await t.current.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(row.password_hash).not.toContain(GOOD_PASSWORD);

    const dup = await post('/auth/register', { email: email.toUpperCase(), password: GOOD_PASSWORD });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ error: { code: 'email_taken' } });

    for (const [password, why] of [
      ['short', /at least 10/],
      ['password123', /common/],
      ['aaaaaaaaaaaaaaa', /repetitive/],
      ['Satoshi.Nakamoto-2024!', /email/],
    ] as const) {
      const weak = await post('/auth/register', {
        email: `satoshi.nakamoto@x${Date.now()}.example.com`,
        password,
      });
      expect(weak.statusCode, password).toBe(400);
      expect((weak.json() as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'weak_password',
        message: expect.stringMatching(why),
      });
    }
  });

  it('signs in, answers the same for unknown email and wrong password, and locks after 5 failures for 30 minutes', async () => {
    const u = await signUp(api);
    const me = await api.app.inject({ method: 'GET', url: '/api/v1/me', headers: u.auth });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: u.userId, email: u.email });

    const unknown = await login(uniqueEmail(), 'wrong password!!');
    const wrong = await login(u.email, 'wrong password!!');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());

    for (let i = 0; i < 4; i++) expect((await login(u.email, 'wrong password!!')).statusCode).toBe(401);
    // Five failures: locked. Even the right password is refused now, with the very answer an unknown
    // email gets (a distinct 423 told anyone which emails have accounts); the owner is told by mail.
    const locked = await login(u.email, u.password);
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toEqual(unknown.json());
    expect(locked.headers['retry-after']).toBeUndefined();
    const notices = api.mails.filter((m) => m.to === u.email && /locked/.test(m.subject));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('30 minutes');
    expect(notices[0]!.link).toBe('http://app.test/reset-password');

    api.clock.advance(29 * 60_000);
    expect((await login(u.email, u.password)).statusCode).toBe(401);
    expect(api.mails.filter((m) => m.to === u.email && /locked/.test(m.subject))).toHaveLength(1);
    api.clock.advance(61_000);
    const ok = await login(u.email, u.password);
    expect(ok.statusCode).toBe(200);
    const row = await t.current.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', u.userId)
      .executeTakeFirstOrThrow();
    expect(row.failed_login_attempts).toBe(0);
    expect(row.locked_until).toBeNull();
    expect(row.last_login_at).toEqual(api.clock.now());

    // Success resets the counter: four more failures do not lock.
    for (let i = 0; i < 4; i++) expect((await login(u.email, 'wrong password!!')).statusCode).toBe(401);
    expect((await login(u.email, u.password)).statusCode).toBe(200);
  });

  it('keeps a current hash on sign-in and upgrades one made with older parameters', async () => {
    const u = await signUp(api);
    const hashOf = async () =>
      (
        await t.current.db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', u.userId)
          .executeTakeFirstOrThrow()
      ).password_hash!;
    const current = await hashOf();
    expect((await login(u.email, u.password)).statusCode).toBe(200);
    expect(await hashOf()).toBe(current);
    const old = await argon2.hash(u.password, {
      type: argon2.argon2id,
      memoryCost: 8192,
      timeCost: 3,
      parallelism: 1,
    });
    await t.current.db.updateTable('users').set({ password_hash: old }).where('id', '=', u.userId).execute();
    expect((await login(u.email, u.password)).statusCode).toBe(200);
    expect(await hashOf()).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('rotates refresh tokens, stores only their hashes, and revokes the whole family on reuse', async () => {
    const u = await signUp(api);
    const stored = await t.current.db
      .selectFrom('auth_refresh_tokens')
      .selectAll()
      .where('session_id', '=', u.sessionId)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).toBe(hashToken(u.refreshToken));
    expect(JSON.stringify(stored)).not.toContain(u.refreshToken);

    const r1 = await post('/auth/refresh', { refreshToken: u.refreshToken });
    expect(r1.statusCode).toBe(200);
    const p1 = r1.json() as { accessToken: string; refreshToken: string; sessionId: string };
    expect(p1.sessionId).toBe(u.sessionId);
    expect(p1.refreshToken).not.toBe(u.refreshToken);
    const r2 = await post('/auth/refresh', { refreshToken: p1.refreshToken });
    expect(r2.statusCode).toBe(200);
    const p2 = r2.json() as { accessToken: string; refreshToken: string };

    // The first token again: reuse. The session is revoked; the newest tokens die with it.
    const reuse = await post('/auth/refresh', { refreshToken: u.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json()).toMatchObject({ error: { code: 'refresh_token_reused' } });
    const session = await t.current.db
      .selectFrom('auth_sessions')
      .selectAll()
      .where('id', '=', u.sessionId)
      .executeTakeFirstOrThrow();
    expect(session.revoked_reason).toBe('refresh_token_reuse');
    expect((await post('/auth/refresh', { refreshToken: p2.refreshToken })).statusCode).toBe(401);
    const me = await api.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${p2.accessToken}` },
    });
    expect(me.statusCode).toBe(401);

    expect((await post('/auth/refresh', { refreshToken: 'rt_not-a-real-token' })).json()).toMatchObject({
      error: { code: 'invalid_token' },
    });
  });

  it('expires refresh tokens', async () => {
    const u = await signUp(api);
    api.clock.advance(31 * 86_400_000);
    const res = await post('/auth/refresh', { refreshToken: u.refreshToken });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_token' } });
  });

  it('lists sessions, revokes one (another user’s reads as 404), and logs out', async () => {
    const u = await signUp(api);
    const second = await login(u.email, u.password);
    const s2 = second.json() as { sessionId: string; accessToken: string; refreshToken: string };
    const other = await signUp(api);

    const list = await api.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: u.auth });
    const sessions = (list.json() as { sessions: Array<{ id: string; current: boolean }> }).sessions;
    expect(sessions.map((s) => s.id).sort()).toEqual([u.sessionId, s2.sessionId].sort());
    expect(sessions.find((s) => s.current)?.id).toBe(u.sessionId);

    const foreign = await api.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${other.sessionId}`,
      headers: u.auth,
    });
    expect(foreign.statusCode).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/me', headers: other.auth })).statusCode).toBe(
      200,
    );

    const del = await api.app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${s2.sessionId}`,
      headers: u.auth,
    });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect(
      (
        await api.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${s2.accessToken}` },
        })
      ).statusCode,
    ).toBe(401);
    expect((await post('/auth/refresh', { refreshToken: s2.refreshToken })).statusCode).toBe(401);

    const out = await post('/auth/logout', undefined, u.auth);
    expect(out.statusCode).toBe(204);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/me', headers: u.auth })).statusCode).toBe(
      401,
    );
    expect((await post('/auth/refresh', { refreshToken: u.refreshToken })).statusCode).toBe(401);
  });

  it('verifies the email with a single-use, expiring token mailed at registration', async () => {
    const email = uniqueEmail();
    await post('/auth/register', { email, password: GOOD_PASSWORD });
    const mail = api.mails.findLast((m) => m.to === email)!;
    expect(mail.subject).toMatch(/Verify/);
    const token = decodeURIComponent(/token=([^\s]+)/.exec(mail.link!)![1]!);
    expect(mail.text).toContain(mail.link);
    const stored = await t.current.db
      .selectFrom('auth_one_time_tokens')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .execute();
    expect(stored).toHaveLength(1);

    expect((await post('/auth/verify-email/confirm', { token })).statusCode).toBe(204);
    expect(
      (
        await t.current.db
          .selectFrom('users')
          .select('is_verified')
          .where('email', '=', email)
          .executeTakeFirstOrThrow()
      ).is_verified,
    ).toBe(true);
    const again = await post('/auth/verify-email/confirm', { token });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ error: { code: 'invalid_token' } });

    // Re-sent links expire after 24 hours; a newer link retires the older one.
    const u = await signUp(api);
    const resend1 = await post('/auth/verify-email/request', undefined, u.auth);
    expect(resend1.statusCode).toBe(202);
    const t1 = decodeURIComponent(/token=(.+)$/.exec(api.mails.at(-1)!.link!)![1]!);
    await post('/auth/verify-email/request', undefined, u.auth);
    const t2 = decodeURIComponent(/token=(.+)$/.exec(api.mails.at(-1)!.link!)![1]!);
    expect((await post('/auth/verify-email/confirm', { token: t1 })).statusCode).toBe(401);
    api.clock.advance(24 * 3_600_000 + 1000);
    expect((await post('/auth/verify-email/confirm', { token: t2 })).statusCode).toBe(401);
  });

  it('resets a password with a single-use, expiring token, signing out every session; no account enumeration', async () => {
    const u = await signUp(api);
    const mailsBefore = api.mails.length;
    const unknown = await post('/auth/password-reset/request', { email: uniqueEmail() });
    expect(unknown.statusCode).toBe(202);
    expect(api.mails.length).toBe(mailsBefore);
    const known = await post('/auth/password-reset/request', { email: u.email });
    expect(known.statusCode).toBe(202);
    expect(known.json()).toEqual(unknown.json());
    const token = decodeURIComponent(/token=(.+)$/.exec(api.mails.at(-1)!.link!)![1]!);

    // Lock the account first: a reset lifts the lock.
    for (let i = 0; i < 5; i++) await login(u.email, 'wrong password!!');
    expect((await login(u.email, u.password)).statusCode).toBe(401);

    const weak = await post('/auth/password-reset/confirm', { token, password: 'short' });
    expect(weak.json()).toMatchObject({ error: { code: 'weak_password' } });
    const newPassword = 'a brand new passphrase';
    expect((await post('/auth/password-reset/confirm', { token, password: newPassword })).statusCode).toBe(
      204,
    );
    expect((await post('/auth/password-reset/confirm', { token, password: newPassword })).statusCode).toBe(
      401,
    );
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/me', headers: u.auth })).statusCode).toBe(
      401,
    );
    expect((await post('/auth/refresh', { refreshToken: u.refreshToken })).statusCode).toBe(401);
    expect((await login(u.email, u.password)).statusCode).toBe(401);
    expect((await login(u.email, newPassword)).statusCode).toBe(200);

    await post('/auth/password-reset/request', { email: u.email });
    const late = decodeURIComponent(/token=(.+)$/.exec(api.mails.at(-1)!.link!)![1]!);
    api.clock.advance(3_600_000 + 1000);
    expect(
      (await post('/auth/password-reset/confirm', { token: late, password: 'yet another passphrase' }))
        .statusCode,
    ).toBe(401);
  });
});
