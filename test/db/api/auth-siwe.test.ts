// Sign-In with Ethereum through the API, with messages signed here by viem local accounts: nonce
// issue, sign-in (creating the account), single-use and expiring nonces, domain and expiry checks,
// bad signatures, two-factor, and linking a wallet to an email account.
import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

describe('Sign-In with Ethereum', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db); // PUBLIC_URL http://app.test
  });
  afterAll(async () => api?.app.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as object, headers });
  const newNonce = async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/auth/siwe/nonce' });
    expect(res.statusCode).toBe(200);
    return res.json() as { nonce: string; expiresAt: string };
  };
  const signed = async (
    account: PrivateKeyAccount,
    nonce: string,
    over: Partial<Parameters<typeof createSiweMessage>[0]> = {},
  ) => {
    const message = createSiweMessage({
      address: account.address,
      chainId: 137,
      domain: 'app.test',
      nonce,
      uri: 'http://app.test/login',
      version: '1',
      issuedAt: api.clock.now(),
      statement: 'Sign in to polycopy',
      ...over,
    });
    return { message, signature: await account.signMessage({ message }) };
  };
  const snapshot = async () =>
    (
      await sql<{ s: string }>`
        SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM auth_sessions) || '/' ||
               (SELECT count(*) FROM auth_siwe_nonces WHERE used_at IS NOT NULL) AS s`.execute(t.current.db)
    ).rows[0]!.s;
  const expectRejected = async (payload: unknown, status: number, code: string, headers = {}) => {
    const before = await snapshot();
    const res = await post('/auth/siwe/verify', payload, headers);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ error: { code } });
    expect(await snapshot()).toBe(before);
  };

  it('issues stored 10-minute nonces and signs in (creating the account once) with a signed message', async () => {
    const { nonce, expiresAt } = await newNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9]{16,96}$/);
    expect(new Date(expiresAt).getTime() - api.clock.now().getTime()).toBe(10 * 60_000);
    const row = await t.current.db
      .selectFrom('auth_siwe_nonces')
      .selectAll()
      .where('nonce', '=', nonce)
      .executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();

    const account = privateKeyToAccount(generatePrivateKey());
    const res = await post('/auth/siwe/verify', await signed(account, nonce));
    expect(res.statusCode, res.body).toBe(200);
    const tokens = res.json() as { accessToken: string };
    const me = await api.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(me.json()).toMatchObject({ walletAddress: account.address.toLowerCase(), email: null });
    const userId = (me.json() as { id: string }).id;

    // Again, with a new nonce: the same account.
    const again = await post('/auth/siwe/verify', await signed(account, (await newNonce()).nonce));
    expect(again.statusCode).toBe(200);
    const users = await t.current.db
      .selectFrom('users')
      .select('id')
      .where('wallet_address', '=', account.address.toLowerCase())
      .execute();
    expect(users).toEqual([{ id: userId }]);
  });

  it('refuses a replayed nonce, an unknown or expired nonce, and an expired message, writing nothing', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const { nonce } = await newNonce();
    const proof = await signed(account, nonce);
    expect((await post('/auth/siwe/verify', proof)).statusCode).toBe(200);
    await expectRejected(proof, 401, 'invalid_token'); // replay

    await expectRejected(await signed(account, 'madeUpNonce12345'), 401, 'invalid_token');

    const stale = await newNonce();
    const staleProof = await signed(account, stale.nonce);
    api.clock.advance(10 * 60_000 + 1);
    await expectRejected(staleProof, 401, 'invalid_token');

    const fresh = await newNonce();
    const expired = await signed(account, fresh.nonce, {
      expirationTime: new Date(api.clock.now().getTime() - 1000),
    });
    await expectRejected(expired, 401, 'invalid_signature');
    const notYet = await signed(account, fresh.nonce, {
      notBefore: new Date(api.clock.now().getTime() + 60_000),
    });
    await expectRejected(notYet, 401, 'invalid_signature');
    // The nonce was not spent by those refusals.
    expect((await post('/auth/siwe/verify', await signed(account, fresh.nonce))).statusCode).toBe(200);
  });

  it('refuses another domain, a tampered message, a signature by another key, and malformed input', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const other = privateKeyToAccount(generatePrivateKey());
    const { nonce } = await newNonce();

    await expectRejected(await signed(account, nonce, { domain: 'evil.test' }), 401, 'invalid_signature');

    const good = await signed(account, nonce);
    await expectRejected(
      { ...good, message: good.message.replace('Sign in to polycopy', 'Sign in to polycopz') },
      401,
      'invalid_signature',
    );
    // Signed by another key, claiming this address.
    const forged = { message: good.message, signature: await other.signMessage({ message: good.message }) };
    await expectRejected(forged, 401, 'invalid_signature');
    // A signature that is not a curve point.
    await expectRejected(
      { message: good.message, signature: `0x${'ff'.repeat(65)}` },
      401,
      'invalid_signature',
    );

    await expectRejected({ message: 'hello', signature: good.signature }, 400, 'validation_failed');
    await expectRejected({ message: good.message, signature: '0x1234' }, 400, 'validation_failed');
    await expectRejected({ ...good, extra: 1 }, 400, 'validation_failed');
    await expectRejected({ message: good.message }, 400, 'validation_failed');

    // Still usable: none of the refusals spent it.
    expect((await post('/auth/siwe/verify', good)).statusCode).toBe(200);
  });

  it('asks a wallet account with two-factor on for a code, without spending the nonce', async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const first = await post('/auth/siwe/verify', await signed(account, (await newNonce()).nonce));
    const auth = { authorization: `Bearer ${(first.json() as { accessToken: string }).accessToken}` };
    const { secret } = (await post('/auth/2fa/enroll', {}, auth)).json() as { secret: string };
    const code = () =>
      TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: api.clock.now().getTime() });
    expect((await post('/auth/2fa/confirm', { code: code() }, auth)).statusCode).toBe(200);
    api.clock.advance(30_000);

    const proof = await signed(account, (await newNonce()).nonce);
    await expectRejected(proof, 401, 'totp_required');
    const ok = await post('/auth/siwe/verify', { ...proof, totp: code() });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('links a wallet to an email account; the wallet then signs in to it; another account cannot take it', async () => {
    const u = await signUp(api);
    const account = privateKeyToAccount(generatePrivateKey());
    const linked = await post('/auth/link/wallet', await signed(account, (await newNonce()).nonce), u.auth);
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json()).toMatchObject({
      id: u.userId,
      email: u.email,
      walletAddress: account.address.toLowerCase(),
    });

    const signIn = await post('/auth/siwe/verify', await signed(account, (await newNonce()).nonce));
    const me = await api.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${(signIn.json() as { accessToken: string }).accessToken}` },
    });
    expect(me.json()).toMatchObject({ id: u.userId });

    const v = await signUp(api);
    const { nonce } = await newNonce();
    const taken = await post('/auth/link/wallet', await signed(account, nonce), v.auth);
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: { code: 'identity_taken' } });
    const vRow = await t.current.db
      .selectFrom('users')
      .select('wallet_address')
      .where('id', '=', v.userId)
      .executeTakeFirstOrThrow();
    expect(vRow.wallet_address).toBeNull();
    const nonceRow = await t.current.db
      .selectFrom('auth_siwe_nonces')
      .select('used_at')
      .where('nonce', '=', nonce)
      .executeTakeFirstOrThrow();
    expect(nonceRow.used_at).toBeNull();

    // A second, different wallet on the same account: conflict. Unauthenticated: 401.
    const second = privateKeyToAccount(generatePrivateKey());
    expect(
      (await post('/auth/link/wallet', await signed(second, (await newNonce()).nonce), u.auth)).statusCode,
    ).toBe(409);
    expect((await post('/auth/link/wallet', await signed(second, (await newNonce()).nonce))).statusCode).toBe(
      401,
    );
  });
});
