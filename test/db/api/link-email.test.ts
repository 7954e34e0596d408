// Adding email + password to a wallet account (POST /api/v1/auth/link/email): the account then signs
// in with either, the address starts unverified with a link mailed, and the verification works.
// Refused, with nothing written: a weak password, an address another account has, an account that
// already has a password, no session; with 2FA on, no (or a wrong) code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';
import { enableTwoFactor, newWallet, siweProof, totpCode } from './identity-helpers.ts';

const PASSWORD = 'a long enough passphrase 42';

describe('adding email + password to a wallet account', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db, { accessTokenTtlSeconds: 86_400 });
  });
  afterAll(async () => api?.app.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload: payload as object });
  const userRow = (id: string) =>
    t.current.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** A new account made by signing in with a wallet. */
  async function walletAccount() {
    const w = newWallet();
    const res = await post('/auth/siwe/verify', await siweProof(api, w.account));
    expect(res.statusCode, res.body).toBe(200);
    const { accessToken } = res.json() as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    const me = (await api.app.inject({ method: 'GET', url: '/api/v1/me', headers: auth })).json() as {
      id: string;
    };
    return { userId: me.id, auth, wallet: w };
  }
  const email = () => `linked-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;

  it('links, mails a verification link, signs in with the password and still with the wallet', async () => {
    const u = await walletAccount();
    const address = email();
    const mailsBefore = api.mails.length;
    const res = await post(
      '/auth/link/email',
      { email: ` ${address.toUpperCase()} `, password: PASSWORD },
      u.auth,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: u.userId,
      email: address,
      emailVerified: false,
      balanceUsd: '10000',
    });
    expect(JSON.stringify(res.json())).not.toContain(PASSWORD);
    expect((await userRow(u.userId)).password_hash).toMatch(/^\$argon2id\$/);

    const mail = api.mails.slice(mailsBefore).find((m) => m.to === address);
    expect(mail?.link).toMatch(/\/verify-email#token=/);
    const token = decodeURIComponent(mail!.link!.split('#token=')[1]!);
    const verify = await post('/auth/verify-email/confirm', { token });
    expect(verify.statusCode, verify.body).toBe(204);
    expect((await userRow(u.userId)).is_verified).toBe(true);

    const login = await post('/auth/login', { email: address, password: PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
    const viaWallet = await post('/auth/siwe/verify', await siweProof(api, u.wallet.account));
    expect(viaWallet.statusCode).toBe(200);
    const meAgain = await api.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${(viaWallet.json() as { accessToken: string }).accessToken}` },
    });
    expect((meAgain.json() as { id: string }).id).toBe(u.userId);
  });

  it('refuses a weak password, a taken address, a second password and no session; writes nothing', async () => {
    const u = await walletAccount();
    const other = await signUp(api);
    const before = await userRow(u.userId);

    const weak = await post('/auth/link/email', { email: email(), password: 'short' }, u.auth);
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ error: { code: 'weak_password' } });
    const taken = await post('/auth/link/email', { email: other.email, password: PASSWORD }, u.auth);
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: { code: 'email_taken' } });
    const malformed = await post('/auth/link/email', { email: 'not-an-address', password: PASSWORD }, u.auth);
    expect(malformed.statusCode).toBe(400);
    const anonymous = await post('/auth/link/email', { email: email(), password: PASSWORD });
    expect(anonymous.statusCode).toBe(401);
    expect(await userRow(u.userId)).toEqual(before);

    const again = await post('/auth/link/email', { email: email(), password: PASSWORD }, other.auth);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'conflict' } });
  });

  it('with 2FA on, needs a fresh code: refused without one (nothing written), linked with one', async () => {
    const u = await walletAccount();
    const { secret } = await enableTwoFactor(api, u.auth);
    const address = email();
    const without = await post('/auth/link/email', { email: address, password: PASSWORD }, u.auth);
    expect(without.statusCode).toBe(401);
    expect((await userRow(u.userId)).email).toBeNull();
    const withCode = await post(
      '/auth/link/email',
      { email: address, password: PASSWORD },
      { ...u.auth, 'x-totp': totpCode(api, secret) },
    );
    expect(withCode.statusCode, withCode.body).toBe(200);
    expect((await userRow(u.userId)).email).toBe(address);
  });
});
