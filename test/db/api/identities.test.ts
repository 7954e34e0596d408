// Unlinking sign-in identities (DELETE /api/v1/auth/identities/{kind}): the removed identity no
// longer signs in to the account; the last way to sign in is never removed (whatever the order, and
// under concurrency); removing the email forgets the password and retires reset links; with 2FA on
// a fresh code is needed and a refused unlink does not spend it. Proofs are generated here (SIWE
// signed by viem, Telegram hashed with the bot token).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';
import {
  enableTwoFactor,
  newWallet,
  siweProof,
  TEST_BOT_TOKEN,
  telegramPayload,
  totpCode,
} from './identity-helpers.ts';

describe('unlinking identities', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db, {
      settings: { telegramBotToken: TEST_BOT_TOKEN },
      accessTokenTtlSeconds: 86_400,
    });
  });
  afterAll(async () => api?.app.close());

  const inject = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    headers: Record<string, string> = {},
    payload?: unknown,
  ) =>
    api.app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const userRow = (id: string) =>
    t.current.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** An email account with a wallet and a Telegram account linked through the API. */
  async function fullyLinked() {
    const u = await signUp(api);
    const w = newWallet();
    const linkedWallet = await inject('POST', '/auth/link/wallet', u.auth, await siweProof(api, w.account));
    expect(linkedWallet.statusCode, linkedWallet.body).toBe(200);
    const tg = telegramPayload(api);
    const linkedTg = await inject('POST', '/auth/link/telegram', u.auth, tg);
    expect(linkedTg.statusCode, linkedTg.body).toBe(200);
    return { ...u, wallet: w, telegramId: tg.id };
  }

  it('removes a wallet: it then signs in to a new account, not this one', async () => {
    const u = await fullyLinked();
    const res = await inject('DELETE', '/auth/identities/wallet', u.auth);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: u.userId, walletAddress: null, email: u.email });
    expect((await userRow(u.userId)).wallet_address).toBeNull();
    const signIn = await inject('POST', '/auth/siwe/verify', {}, await siweProof(api, u.wallet.account));
    expect(signIn.statusCode, signIn.body).toBe(200);
    const me = await inject('GET', '/me', {
      authorization: `Bearer ${(signIn.json() as { accessToken: string }).accessToken}`,
    });
    expect((me.json() as { id: string }).id).not.toBe(u.userId);
    // Unlinking what is not linked: 404.
    const again = await inject('DELETE', '/auth/identities/wallet', u.auth);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('removes email + password: the password stops working, reset links are retired, sessions stay', async () => {
    const u = await fullyLinked();
    expect((await inject('POST', '/auth/password-reset/request', {}, { email: u.email })).statusCode).toBe(
      202,
    );
    const resetToken = decodeURIComponent(/token=(.+)$/.exec(api.mails.at(-1)!.link!)![1]!);

    const res = await inject('DELETE', '/auth/identities/email', u.auth);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ email: null, emailVerified: false, telegramId: String(u.telegramId) });
    const row = await userRow(u.userId);
    expect(row.email).toBeNull();
    expect(row.password_hash).toBeNull();
    expect(
      (await inject('POST', '/auth/login', {}, { email: u.email, password: u.password })).statusCode,
    ).toBe(401);
    const reset = await inject(
      'POST',
      '/auth/password-reset/confirm',
      {},
      {
        token: resetToken,
        password: 'a brand new passphrase',
      },
    );
    expect(reset.statusCode).toBe(401);
    expect((await userRow(u.userId)).password_hash).toBeNull();
    // The session used for the unlink still works; Telegram still signs in to the same account.
    expect((await inject('GET', '/me', u.auth)).statusCode).toBe(200);
    const tg = await inject('POST', '/auth/telegram', {}, telegramPayload(api, u.telegramId));
    const me = await inject('GET', '/me', {
      authorization: `Bearer ${(tg.json() as { accessToken: string }).accessToken}`,
    });
    expect((me.json() as { id: string }).id).toBe(u.userId);
  });

  it('never removes the last way to sign in', async () => {
    const u = await fullyLinked();
    expect((await inject('DELETE', '/auth/identities/telegram', u.auth)).statusCode).toBe(200);
    expect((await inject('DELETE', '/auth/identities/email', u.auth)).statusCode).toBe(200);
    const last = await inject('DELETE', '/auth/identities/wallet', u.auth);
    expect(last.statusCode).toBe(409);
    expect(last.json()).toMatchObject({ error: { code: 'conflict' } });
    expect((await userRow(u.userId)).wallet_address).not.toBeNull();

    // An email without a password is not a way to sign in: it does not count.
    const v = await signUp(api);
    await t.current.db
      .updateTable('users')
      .set({ wallet_address: newWallet().account.address.toLowerCase(), password_hash: null })
      .where('id', '=', v.userId)
      .execute();
    expect((await inject('DELETE', '/auth/identities/wallet', v.auth)).statusCode).toBe(409);
    expect((await inject('DELETE', '/auth/identities/email', v.auth)).statusCode).toBe(200);
  });

  it('two concurrent unlinks of the last two identities: one succeeds, one is refused', async () => {
    const u = await fullyLinked();
    expect((await inject('DELETE', '/auth/identities/telegram', u.auth)).statusCode).toBe(200);
    const [a, b] = await Promise.all([
      inject('DELETE', '/auth/identities/email', u.auth),
      inject('DELETE', '/auth/identities/wallet', u.auth),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const row = await userRow(u.userId);
    expect(
      [row.email !== null && row.password_hash !== null, row.wallet_address !== null].filter(Boolean),
    ).toHaveLength(1);
  });

  it('with 2FA on needs a fresh code, and a refused unlink does not spend it', async () => {
    const u = await signUp(api);
    const { secret } = await enableTwoFactor(api, u.auth);
    const without = await inject('DELETE', '/auth/identities/email', u.auth);
    expect(without.statusCode).toBe(401);
    expect(without.json()).toMatchObject({ error: { code: 'totp_required' } });
    const code = totpCode(api, secret);
    // The email is the only identity: refused (409), code not spent...
    const refused = await inject('DELETE', '/auth/identities/email', { ...u.auth, 'x-totp': code });
    expect(refused.statusCode).toBe(409);
    // ...so after linking a wallet, the same code unlinks the email.
    const w = newWallet();
    expect(
      (await inject('POST', '/auth/link/wallet', u.auth, await siweProof(api, w.account))).statusCode,
    ).toBe(200);
    const ok = await inject('DELETE', '/auth/identities/email', { ...u.auth, 'x-totp': code });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(
      (await inject('DELETE', '/auth/identities/wallet', { ...u.auth, 'x-totp': code })).statusCode,
    ).toBe(401);
  });

  it('refuses unknown kinds with 400', async () => {
    const u = await signUp(api);
    const res = await inject('DELETE', '/auth/identities/password', u.auth);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });
});
