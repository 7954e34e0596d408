// TOTP two-factor authentication through the API: enrol (secret encrypted at rest), confirm (recovery
// codes stored hashed), sign-in with a code or a recovery code, replay refusal, lockout, step-up for
// credential changes and the emergency stop, and disable. Codes are generated here with otpauth.
import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptTotpSecret } from '../../../src/auth/totp-secret.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

describe('two-factor authentication', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => api?.app.close());

  const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    api.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      ...(payload !== undefined ? { payload: payload as object } : {}),
      headers,
    });
  const code = (secret: string, at = api.clock.now()) =>
    TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at.getTime() });
  const nextStep = () => api.clock.advance(30_000);
  const userRow = (id: string) =>
    t.current.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const count = async (table: string, userId: string) =>
    Number(
      (
        await sql<{
          n: string;
        }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE user_id = ${userId}`.execute(t.current.db)
      ).rows[0]!.n,
    );

  /** A user with 2FA on; returns its secret and recovery codes. */
  async function enabledUser() {
    const u = await signUp(api);
    const enroll = await post('/auth/2fa/enroll', undefined, u.auth);
    expect(enroll.statusCode, enroll.body).toBe(200);
    const { secret } = enroll.json() as { secret: string };
    const confirm = await post('/auth/2fa/confirm', { code: code(secret) }, u.auth);
    expect(confirm.statusCode, confirm.body).toBe(200);
    nextStep();
    return { ...u, secret, recoveryCodes: (confirm.json() as { recoveryCodes: string[] }).recoveryCodes };
  }

  it('enrols with an otpauth URI and a QR code, stores the secret encrypted, and enables only on a right code', async () => {
    const u = await signUp(api);
    const res = await post('/auth/2fa/enroll', undefined, u.auth);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { secret: string; otpauthUri: string; qrCodeDataUrl: string };
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(body.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/polycopy:${u.email}`);
    expect(uri.searchParams.get('secret')).toBe(body.secret);
    expect(uri.searchParams.get('issuer')).toBe('polycopy');
    expect(body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]{200,}$/);

    let row = await userRow(u.userId);
    expect(row.two_factor_enabled).toBe(false);
    const raw = row.two_factor_secret!;
    expect(raw.toString('latin1')).not.toContain(body.secret);
    expect(raw.includes(Buffer.from(body.secret))).toBe(false);
    expect(decryptTotpSecret(api.masterKey, u.userId, raw)).toBe(body.secret);
    // Bound to the user: another user id does not decrypt it.
    expect(() => decryptTotpSecret(api.masterKey, String(Number(u.userId) + 1), raw)).toThrow();

    // Not on yet: sign-in needs no code.
    expect((await post('/auth/login', { email: u.email, password: u.password })).statusCode).toBe(200);

    // A wrong code changes nothing.
    const wrong = code(body.secret) === '000000' ? '111111' : '000000';
    const bad = await post('/auth/2fa/confirm', { code: wrong }, u.auth);
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_totp' } });
    expect((await userRow(u.userId)).two_factor_enabled).toBe(false);
    expect(await count('auth_recovery_codes', u.userId)).toBe(0);
    expect((await post('/auth/2fa/confirm', { code: 'abcdef' }, u.auth)).statusCode).toBe(400);

    const ok = await post('/auth/2fa/confirm', { code: code(body.secret) }, u.auth);
    expect(ok.statusCode, ok.body).toBe(200);
    const { recoveryCodes } = ok.json() as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    row = await userRow(u.userId);
    expect(row.two_factor_enabled).toBe(true);
    const stored = await t.current.db
      .selectFrom('auth_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', u.userId)
      .execute();
    expect(stored).toHaveLength(10);
    const dump = JSON.stringify(stored).toLowerCase();
    for (const c of recoveryCodes) expect(dump).not.toContain(c.replace(/-/g, ''));

    const me = await api.app.inject({ method: 'GET', url: '/api/v1/me', headers: u.auth });
    expect(me.json()).toMatchObject({ twoFactorEnabled: true });
    expect(me.body).not.toContain(body.secret);
    // On already: a second enrolment or confirmation is a conflict, and the secret stays.
    expect((await post('/auth/2fa/enroll', undefined, u.auth)).statusCode).toBe(409);
    expect((await userRow(u.userId)).two_factor_secret).toEqual(row.two_factor_secret);
  });

  it('requires a code at sign-in, accepts each TOTP code once and each recovery code once', async () => {
    const u = await enabledUser();
    const sessions = () => count('auth_sessions', u.userId);
    const before = await sessions();

    const missing = await post('/auth/login', { email: u.email, password: u.password });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ error: { code: 'totp_required' } });
    expect(await sessions()).toBe(before);

    // The right code with the wrong password is still a wrong password.
    const wrongPw = await post('/auth/login', {
      email: u.email,
      password: 'not the password',
      totp: code(u.secret),
    });
    expect(wrongPw.json()).toMatchObject({ error: { code: 'invalid_credentials' } });

    const c = code(u.secret);
    const ok = await post('/auth/login', { email: u.email, password: u.password, totp: c });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String) });
    expect(await sessions()).toBe(before + 1);

    // The same code again (same 30-second step): refused.
    const replay = await post('/auth/login', { email: u.email, password: u.password, totp: c });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ error: { code: 'invalid_totp' } });
    expect(await sessions()).toBe(before + 1);

    // A code from two steps ago is outside the window.
    const old = code(u.secret, new Date(api.clock.now().getTime() - 60_000));
    nextStep();
    if (old !== code(u.secret)) {
      expect(
        (await post('/auth/login', { email: u.email, password: u.password, totp: old })).statusCode,
      ).toBe(401);
    }

    // A recovery code works once (any case, dashes optional).
    const rc = u.recoveryCodes[3]!;
    const viaRecovery = await post('/auth/login', {
      email: u.email,
      password: u.password,
      totp: rc.toUpperCase().replace(/-/g, ''),
    });
    expect(viaRecovery.statusCode, viaRecovery.body).toBe(200);
    expect(await count('auth_recovery_codes', u.userId)).toBe(10);
    const used = await t.current.db
      .selectFrom('auth_recovery_codes')
      .select('id')
      .where('user_id', '=', u.userId)
      .where('used_at', 'is not', null)
      .execute();
    expect(used).toHaveLength(1);
    const again = await post('/auth/login', { email: u.email, password: u.password, totp: rc });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ error: { code: 'invalid_totp' } });
    expect(await sessions()).toBe(before + 2);
  });

  it('counts wrong codes as failed sign-ins: five lock the account', async () => {
    const u = await enabledUser();
    for (let i = 0; i < 5; i++) {
      const res = await post('/auth/login', {
        email: u.email,
        password: u.password,
        totp: '999999' === code(u.secret) ? '888888' : '999999',
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'invalid_totp' } });
    }
    // Sign-in on a locked account answers what an unknown email gets (it says nothing of the lock).
    const locked = await post('/auth/login', { email: u.email, password: u.password, totp: code(u.secret) });
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
    // Step-up is locked too, so a stolen session cannot keep guessing.
    const stop = await post(
      '/emergency-stop',
      { closePositions: false },
      { ...u.auth, 'x-totp': code(u.secret) },
    );
    expect(stop.statusCode).toBe(423);
    api.clock.advance(31 * 60_000);
    expect(
      (await post('/auth/login', { email: u.email, password: u.password, totp: code(u.secret) })).statusCode,
    ).toBe(200);
  });

  it('requires a fresh code in x-totp for adding and revoking credentials and for the emergency stop', async () => {
    const u = await enabledUser();
    const creds = {
      apiKey: `key-${u.userId}-2fa`,
      apiSecret: 'c2VjcmV0',
      apiPassphrase: 'pass',
      signatureType: 0,
    };
    const keys = () => count('polymarket_api_keys', u.userId);

    const noCode = await post('/credentials', creds, u.auth);
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json()).toMatchObject({ error: { code: 'totp_required' } });
    const badCode = await post('/credentials', creds, { ...u.auth, 'x-totp': '12345x' });
    expect(badCode.statusCode).toBe(401);
    expect(badCode.json()).toMatchObject({ error: { code: 'invalid_totp' } });
    expect(await keys()).toBe(0);
    expect(api.verifier.seen.filter((s) => s.apiKey === creds.apiKey)).toHaveLength(0);

    const added = await post('/credentials', creds, { ...u.auth, 'x-totp': code(u.secret) });
    expect(added.statusCode, added.body).toBe(201);
    expect(await keys()).toBe(1);
    const id = (added.json() as { id: string }).id;

    // The code just used does not work a second time.
    const reused = await post(`/credentials/${id}/revoke`, {}, { ...u.auth, 'x-totp': code(u.secret) });
    expect(reused.statusCode).toBe(401);
    const missing = await post(`/credentials/${id}/revoke`, {}, u.auth);
    expect(missing.json()).toMatchObject({ error: { code: 'totp_required' } });
    const row = () =>
      t.current.db
        .selectFrom('polymarket_api_keys')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    expect((await row()).status).toBe('active');
    nextStep();
    const revoked = await post(`/credentials/${id}/revoke`, {}, { ...u.auth, 'x-totp': code(u.secret) });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect((await row()).status).toBe('revoked');

    const events = () => count('position_events', u.userId);
    const stopWithout = await post('/emergency-stop', { closePositions: false }, u.auth);
    expect(stopWithout.statusCode).toBe(401);
    expect(stopWithout.json()).toMatchObject({ error: { code: 'totp_required' } });
    expect(await events()).toBe(0);
    nextStep();
    const stop = await post(
      '/emergency-stop',
      { closePositions: false },
      { ...u.auth, 'x-totp': code(u.secret) },
    );
    expect(stop.statusCode, stop.body).toBe(200);
    expect(await events()).toBe(1);
  });

  it('disables with a current code only, forgetting the secret and the recovery codes', async () => {
    const u = await enabledUser();
    const wrong = await post(
      '/auth/2fa/disable',
      { code: code(u.secret) === '123456' ? '654321' : '123456' },
      u.auth,
    );
    expect(wrong.statusCode).toBe(401);
    expect((await userRow(u.userId)).two_factor_enabled).toBe(true);
    expect((await post('/auth/2fa/disable', {}, u.auth)).statusCode).toBe(400);

    const off = await post('/auth/2fa/disable', { code: code(u.secret) }, u.auth);
    expect(off.statusCode, off.body).toBe(204);
    const row = await userRow(u.userId);
    expect(row.two_factor_enabled).toBe(false);
    expect(row.two_factor_secret).toBeNull();
    expect(await count('auth_recovery_codes', u.userId)).toBe(0);
    expect((await post('/auth/2fa/disable', { code: code(u.secret) }, u.auth)).statusCode).toBe(409);

    // Off: no code needed anywhere.
    expect((await post('/auth/login', { email: u.email, password: u.password })).statusCode).toBe(200);
    expect((await post('/emergency-stop', { closePositions: false }, u.auth)).statusCode).toBe(200);
  });

  it('never returns or logs the secret after enrolment', async () => {
    const u = await enabledUser();
    const logs = api.logLines.join('\n');
    expect(logs).not.toContain(u.secret);
    for (const c of u.recoveryCodes) expect(logs).not.toContain(c);
    const me = await api.app.inject({ method: 'GET', url: '/api/v1/me', headers: u.auth });
    expect(me.body).not.toContain(u.secret);
  });
});
