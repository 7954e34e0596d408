// Step-up (a fresh TOTP or recovery code in x-totp when 2FA is on) for credential changes, and the
// spending rule: a code is spent in the same transaction as the action it authorises, so
//   - an action that fails leaves the code usable (the spend rolls back with it);
//   - two concurrent requests with one code cannot both succeed (the spend is a conditional write
//     under the user's row lock), and exactly one audit row / change results.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';
import { enableTwoFactor, totpCode } from './identity-helpers.ts';

describe('step-up codes', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db, { accessTokenTtlSeconds: 86_400 });
  });
  afterAll(async () => api?.app.close());

  const req = (
    method: 'POST' | 'PATCH' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: unknown,
  ) =>
    api.app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  /** A user with 2FA on and one stored credential. */
  async function userWithKey() {
    const u = await signUp(api);
    const { secret, recoveryCodes } = await enableTwoFactor(api, u.auth);
    const added = await req(
      'POST',
      '/credentials',
      { ...u.auth, 'x-totp': totpCode(api, secret) },
      { apiKey: `key-${u.userId}`, apiSecret: 'c2VjcmV0', apiPassphrase: 'p', signatureType: 0 },
    );
    expect(added.statusCode, added.body).toBe(201);
    api.clock.advance(30_000);
    return { ...u, secret, recoveryCodes, keyId: (added.json() as { id: string }).id };
  }
  const keyRow = (id: string) =>
    t.current.db.selectFrom('polymarket_api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const audits = async (id: string) =>
    Number(
      (
        await sql<{ n: string }>`SELECT count(*) AS n FROM credential_audit_log
                                  WHERE api_key_id = ${id} AND action = 'update'`.execute(t.current.db)
      ).rows[0]!.n,
    );

  it('PATCH /credentials/{id} needs a fresh code with 2FA on: raising the spend limit without one is refused', async () => {
    const u = await userWithKey();
    const raise = { dailySpendLimitUsd: '5000' };
    const without = await req('PATCH', `/credentials/${u.keyId}`, u.auth, raise);
    expect(without.statusCode).toBe(401);
    expect(without.json()).toMatchObject({ error: { code: 'totp_required' } });
    const wrong = await req('PATCH', `/credentials/${u.keyId}`, { ...u.auth, 'x-totp': '000000' }, raise);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 'invalid_totp' } });
    expect((await keyRow(u.keyId)).daily_spend_limit_usd).toBe('1000.00');
    expect(await audits(u.keyId)).toBe(0);
    // A wrong code counts towards the lockout like a wrong sign-in factor.
    expect(
      (
        await t.current.db
          .selectFrom('users')
          .select('failed_login_attempts')
          .where('id', '=', u.userId)
          .executeTakeFirstOrThrow()
      ).failed_login_attempts,
    ).toBe(1);

    const ok = await req(
      'PATCH',
      `/credentials/${u.keyId}`,
      { ...u.auth, 'x-totp': totpCode(api, u.secret) },
      raise,
    );
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ dailySpendLimitUsd: '5000.00' });
    expect(await audits(u.keyId)).toBe(1);
  });

  it('a failed action does not spend the code: the same code then authorises the retry', async () => {
    const u = await userWithKey();
    // Today's spend is 40: a limit below it is refused (409) after the code was checked...
    await t.current.db
      .updateTable('polymarket_api_keys')
      .set({ daily_spent_usd: '40' })
      .where('id', '=', u.keyId)
      .execute();
    const code = totpCode(api, u.secret);
    const refused = await req(
      'PATCH',
      `/credentials/${u.keyId}`,
      { ...u.auth, 'x-totp': code },
      { dailySpendLimitUsd: '10' },
    );
    expect(refused.statusCode, refused.body).toBe(409);
    // ...and the code was not spent: it still works, once.
    const retry = await req(
      'PATCH',
      `/credentials/${u.keyId}`,
      { ...u.auth, 'x-totp': code },
      { dailySpendLimitUsd: '50' },
    );
    expect(retry.statusCode, retry.body).toBe(200);
    const again = await req(
      'PATCH',
      `/credentials/${u.keyId}`,
      { ...u.auth, 'x-totp': code },
      { dailySpendLimitUsd: '60' },
    );
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ error: { code: 'invalid_totp' } });
    expect((await keyRow(u.keyId)).daily_spend_limit_usd).toBe('50.00');

    // The same for a recovery code: a refused revoke (already revoked) leaves it unused.
    api.clock.advance(30_000);
    const revoked = await req(
      'POST',
      `/credentials/${u.keyId}/revoke`,
      { ...u.auth, 'x-totp': totpCode(api, u.secret) },
      {},
    );
    expect(revoked.statusCode, revoked.body).toBe(200);
    const recovery = u.recoveryCodes[0]!;
    const twice = await req('POST', `/credentials/${u.keyId}/revoke`, { ...u.auth, 'x-totp': recovery }, {});
    expect(twice.statusCode).toBe(409);
    const unused = await t.current.db
      .selectFrom('auth_recovery_codes')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('user_id', '=', u.userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(unused.n).toBe(10);

    // And for adding credentials: Polymarket rejecting the key (422) and a duplicate key (409)
    // leave the recovery code usable for the add that succeeds.
    const add = (apiKey: string, apiSecret = 'c2VjcmV0') =>
      req(
        'POST',
        '/credentials',
        { ...u.auth, 'x-totp': recovery },
        { apiKey, apiSecret, apiPassphrase: 'p', signatureType: 0 },
      );
    expect((await add(`other-${u.userId}`, 'reject-me')).statusCode).toBe(422);
    expect((await add(`key-${u.userId}`)).statusCode).toBe(409);
    const stored = await add(`fresh-${u.userId}`);
    expect(stored.statusCode, stored.body).toBe(201);
    expect((await add(`fresh2-${u.userId}`)).json()).toMatchObject({ error: { code: 'invalid_totp' } });
  });

  it('two concurrent requests with one code: exactly one succeeds', async () => {
    const u = await userWithKey();
    for (const [i, code] of [totpCode(api, u.secret), u.recoveryCodes[1]!].entries()) {
      const before = await audits(u.keyId);
      const results = await Promise.all(
        ['111', '222', '333', '444'].map((limit) =>
          req(
            'PATCH',
            `/credentials/${u.keyId}`,
            { ...u.auth, 'x-totp': code },
            { dailySpendLimitUsd: `${limit}${i}` },
          ),
        ),
      );
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses, results.map((r) => r.body).join('\n')).toEqual([200, 401, 401, 401]);
      for (const r of results.filter((x) => x.statusCode === 401))
        expect(r.json()).toMatchObject({ error: { code: 'invalid_totp' } });
      expect(await audits(u.keyId)).toBe(before + 1);
      const winner = results.find((r) => r.statusCode === 200)!.json() as { dailySpendLimitUsd: string };
      expect((await keyRow(u.keyId)).daily_spend_limit_usd).toBe(winner.dailySpendLimitUsd);
      // Clear the failures the losers counted so the next round is not locked out.
      await t.current.db
        .updateTable('users')
        .set({ failed_login_attempts: 0 })
        .where('id', '=', u.userId)
        .execute();
      api.clock.advance(30_000);
    }
  });

  it('without 2FA no code is needed, and an x-totp header is ignored', async () => {
    const u = await signUp(api);
    const added = await req('POST', '/credentials', u.auth, {
      apiKey: `plain-${u.userId}`,
      apiSecret: 'c2VjcmV0',
      apiPassphrase: 'p',
      signatureType: 0,
    });
    expect(added.statusCode, added.body).toBe(201);
    const id = (added.json() as { id: string }).id;
    expect((await req('PATCH', `/credentials/${id}`, u.auth, { keyName: 'main' })).statusCode).toBe(200);
    expect(
      (await req('PATCH', `/credentials/${id}`, { ...u.auth, 'x-totp': '123456' }, { keyName: 'x' }))
        .statusCode,
    ).toBe(200);
    // A revoke with no body at all (curl -X POST) is accepted: the reason is optional.
    const revoked = await req('POST', `/credentials/${id}/revoke`, u.auth);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'revoked', revokedReason: 'revoked by user' });
  });

  it('following in live mode (or switching a follow to live) needs a fresh code with 2FA on; paper does not', async () => {
    const u = await userWithKey();
    const leader = `0x${'7'.repeat(40)}`;
    const body = { traderWallet: leader, mode: 'live' };
    const without = await req('POST', '/follows', u.auth, body);
    expect(without.statusCode).toBe(401);
    expect(without.json().error.code).toBe('totp_required');
    expect(
      await t.current.db
        .selectFrom('copy_relationships')
        .select('id')
        .where('user_id', '=', u.userId)
        .execute(),
    ).toHaveLength(0);
    const paper = await req('POST', '/follows', u.auth, {
      traderWallet: `0x${'8'.repeat(40)}`,
      mode: 'paper',
    });
    expect(paper.statusCode).toBe(201);
    const toLive = await req('PATCH', `/follows/${(paper.json() as { id: string }).id}`, u.auth, {
      mode: 'live',
    });
    expect(toLive.statusCode).toBe(401);
    const withCode = await req('POST', '/follows', { ...u.auth, 'x-totp': totpCode(api, u.secret) }, body);
    expect(withCode.statusCode, withCode.body).toBe(201);
    expect(withCode.json().mode).toBe('live');
  });
});
