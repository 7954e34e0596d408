// The credentials vault: what lands in the database is ciphertext bound to its user and record;
// responses are masked; master key rotation re-wraps every data key; every step is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptCredentials } from '../../../src/vault/credential-crypto.ts';
import { VaultDecryptError } from '../../../src/vault/envelope.ts';
import { MasterKey } from '../../../src/vault/master-key.ts';
import { rotateMasterKey } from '../../../src/vault/rotate-master-key.ts';
import { useCredential } from '../../../src/vault/use-credential.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const creds = (n: number) => ({
  apiKey: `0a1b2c3d-4e5f-6071-8293-a4b5c6d7e${String(n).padStart(3, '0')}`,
  apiSecret: `c2VjcmV0LXNlY3JldC1zZWNyZXQ${n}=`,
  apiPassphrase: `passphrase-${n}-f00d`,
  privateKey: `0x${'ab'.repeat(31)}${String(n).padStart(2, '0')}`,
});

describe('credentials vault', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => api?.app.close());

  const add = (auth: Record<string, string>, body: Record<string, unknown>) =>
    api.app.inject({ method: 'POST', url: '/api/v1/credentials', headers: auth, payload: body });

  it('verifies, encrypts with the record bound as associated data, and answers only a masked key', async () => {
    const u = await signUp(api);
    const c = creds(1);
    const res = await add(u.auth, {
      ...c,
      signatureType: 2,
      funderAddress: '0x' + '1'.repeat(40),
      keyName: 'main',
    });
    expect(res.statusCode).toBe(201);
    const view = res.json() as Record<string, unknown>;
    expect(view).toMatchObject({
      keyName: 'main',
      maskedApiKey: '••••••••e001',
      signatureType: 2,
      hasPrivateKey: true,
      status: 'active',
      isPrimary: true,
      dailySpendLimitUsd: '1000.00',
    });
    for (const secret of Object.values(c)) expect(res.body).not.toContain(secret);
    expect(api.verifier.seen.at(-1)).toMatchObject({ apiKey: c.apiKey, signatureType: 2 });

    const row = await t.current.db
      .selectFrom('polymarket_api_keys')
      .selectAll()
      .where('id', '=', view.id as string)
      .executeTakeFirstOrThrow();
    const raw = Buffer.concat([
      row.encrypted_api_key,
      row.encrypted_api_secret,
      row.encrypted_api_passphrase!,
      row.encrypted_private_key!,
      row.wrapped_data_key!,
    ]);
    for (const secret of Object.values(c)) {
      expect(raw.includes(Buffer.from(secret))).toBe(false);
      expect(raw.toString('latin1')).not.toContain(secret);
    }
    expect(row.encrypted_api_key[0]).toBe(1); // format version
    expect(row.encrypted_api_key.length).toBe(1 + 12 + 16 + c.apiKey.length);
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.master_key_id).toBe(api.masterKey.id);

    // The right key and context decrypt; a wrong key, another user id or another record id do not.
    expect(decryptCredentials(api.masterKey, { userId: u.userId, recordId: row.id }, row)).toEqual(c);
    expect(() =>
      decryptCredentials(MasterKey.generate(), { userId: u.userId, recordId: row.id }, row),
    ).toThrow(VaultDecryptError);
    const otherUser = String(Number(u.userId) + 1000);
    expect(() => decryptCredentials(api.masterKey, { userId: otherUser, recordId: row.id }, row)).toThrow(
      VaultDecryptError,
    );
    expect(() => decryptCredentials(api.masterKey, { userId: u.userId, recordId: '999999' }, row)).toThrow(
      VaultDecryptError,
    );
    // Swapping two fields' ciphertexts inside the record fails too.
    expect(() =>
      decryptCredentials(
        api.masterKey,
        { userId: u.userId, recordId: row.id },
        {
          ...row,
          encrypted_api_secret: row.encrypted_api_passphrase!,
        },
      ),
    ).toThrow(VaultDecryptError);

    // A row copied byte for byte into another user's record cannot be used by the vault there.
    const thief = await signUp(api);
    const copied = await t.current.db
      .insertInto('polymarket_api_keys')
      .values({
        user_id: thief.userId,
        encrypted_api_key: row.encrypted_api_key,
        encrypted_api_secret: row.encrypted_api_secret,
        encrypted_api_passphrase: row.encrypted_api_passphrase,
        encrypted_private_key: row.encrypted_private_key,
        wrapped_data_key: row.wrapped_data_key,
        master_key_id: row.master_key_id,
        key_hash: 'f'.repeat(64),
        is_primary: true,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await expect(
      useCredential({ db: t.current.db, masterKey: api.masterKey, clock: api.clock.now }, thief.userId, {
        purpose: 'test',
      }),
    ).rejects.toThrow(VaultDecryptError);
    await t.current.db.deleteFrom('polymarket_api_keys').where('id', '=', copied.id).execute();

    // The owner's use decrypts, stamps last_used_at and is audited.
    const used = await useCredential(
      { db: t.current.db, masterKey: api.masterKey, clock: api.clock.now },
      u.userId,
      {
        purpose: 'place order',
      },
    );
    expect(used).toMatchObject({ ...c, id: row.id, signatureType: 2 });
    const audit = await t.current.db
      .selectFrom('credential_audit_log')
      .selectAll()
      .where('api_key_id', '=', row.id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'use']);
    expect(audit[1]!.detail).toEqual({ purpose: 'place order' });
    expect(JSON.stringify(audit)).not.toContain(c.apiSecret);
    // Append-only.
    await expect(
      t.current.db
        .updateTable('credential_audit_log')
        .set({ ip: 'x' } as never)
        .where('id', '=', audit[0]!.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
  });

  it('rejects bad input, unverifiable or duplicate credentials, writing nothing but the audit of a failed verification', async () => {
    const u = await signUp(api);
    const count = async () =>
      (
        await t.current.db
          .selectFrom('polymarket_api_keys')
          .select('id')
          .where('user_id', '=', u.userId)
          .execute()
      ).length;
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...creds(2), signatureType: 7 }, 400, 'validation_failed'],
      [{ ...creds(2), signatureType: '0' }, 400, 'validation_failed'],
      [{ ...creds(2), signatureType: 1 }, 400, 'validation_failed'], // funder required
      [{ ...creds(2), signatureType: 0, privateKey: '0x1234' }, 400, 'validation_failed'],
      [{ ...creds(2), signatureType: 0, dailySpendLimitUsd: '-5' }, 400, 'validation_failed'],
      [{ ...creds(2), signatureType: 0, dailySpendLimitUsd: '1.234' }, 400, 'validation_failed'],
      [{ ...creds(2), signatureType: 0, dailySpendLimitUsd: 100 }, 400, 'validation_failed'],
      [{ ...creds(2), signatureType: 0, extra: 1 }, 400, 'validation_failed'],
      [{ ...creds(2), signatureType: 0, apiSecret: 'reject-me' }, 422, 'credential_rejected'],
    ];
    for (const [body, status, code] of cases) {
      const res = await add(u.auth, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json()).toMatchObject({ error: { code } });
    }
    expect(await count()).toBe(0);
    const failed = await t.current.db
      .selectFrom('credential_audit_log')
      .selectAll()
      .where('user_id', '=', u.userId)
      .execute();
    expect(failed.map((a) => a.action)).toEqual(['verify_failed']);

    // The venue cannot be reached: 503, nothing stored.
    const original = api.verifier.verify.bind(api.verifier);
    api.verifier.verify = async () => {
      throw new Error('ECONNRESET');
    };
    const outage = await add(u.auth, { ...creds(2), signatureType: 0 });
    api.verifier.verify = original;
    expect(outage.statusCode).toBe(503);
    expect(outage.json()).toMatchObject({ error: { code: 'verification_unavailable' } });
    expect(await count()).toBe(0);

    expect((await add(u.auth, { ...creds(2), signatureType: 0 })).statusCode).toBe(201);
    const dup = await add(u.auth, { ...creds(2), signatureType: 0 });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ error: { code: 'credential_exists' } });
    expect(await count()).toBe(1);
  });

  it('keeps one primary key, edits spend limits, revokes; another user’s key reads as 404', async () => {
    const u = await signUp(api);
    const other = await signUp(api);
    const a = (await add(u.auth, { ...creds(3), signatureType: 0 })).json() as { id: string };
    const b = (await add(u.auth, { ...creds(4), signatureType: 0 })).json() as {
      id: string;
      isPrimary: boolean;
    };
    expect(b.isPrimary).toBe(false);
    const patch = (id: string, payload: unknown, auth = u.auth) =>
      api.app.inject({
        method: 'PATCH',
        url: `/api/v1/credentials/${id}`,
        headers: auth,
        payload: payload as object,
      });

    const makePrimary = await patch(b.id, { isPrimary: true });
    expect(makePrimary.json()).toMatchObject({ isPrimary: true });
    const list = (
      await api.app.inject({ method: 'GET', url: '/api/v1/credentials', headers: u.auth })
    ).json() as {
      credentials: Array<{ id: string; isPrimary: boolean; maskedApiKey: string }>;
    };
    expect(list.credentials.filter((c) => c.isPrimary).map((c) => c.id)).toEqual([b.id]);
    expect(list.credentials.every((c) => c.maskedApiKey.startsWith('••••'))).toBe(true);

    expect((await patch(a.id, { dailySpendLimitUsd: '250.50' })).json()).toMatchObject({
      dailySpendLimitUsd: '250.50',
    });
    await t.current.db
      .updateTable('polymarket_api_keys')
      .set({ daily_spent_usd: '100' })
      .where('id', '=', a.id)
      .execute();
    const below = await patch(a.id, { dailySpendLimitUsd: '99.99' });
    expect(below.statusCode).toBe(409);
    expect((await patch(a.id, { dailySpendLimitUsd: '1e3' })).statusCode).toBe(400);
    expect((await patch(a.id, {})).statusCode).toBe(400);

    // Owner scoping.
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/credentials/${a.id}`, headers: other.auth }))
        .statusCode,
    ).toBe(404);
    expect((await patch(a.id, { keyName: 'mine now' }, other.auth)).statusCode).toBe(404);
    const foreignRevoke = await api.app.inject({
      method: 'POST',
      url: `/api/v1/credentials/${a.id}/revoke`,
      headers: other.auth,
      payload: {},
    });
    expect(foreignRevoke.statusCode).toBe(404);

    const revoke = await api.app.inject({
      method: 'POST',
      url: `/api/v1/credentials/${b.id}/revoke`,
      headers: u.auth,
      payload: { reason: 'rotated on polymarket' },
    });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json()).toMatchObject({
      status: 'revoked',
      isPrimary: false,
      revokedReason: 'rotated on polymarket',
    });
    expect(
      await useCredential({ db: t.current.db, masterKey: api.masterKey, clock: api.clock.now }, u.userId, {
        keyId: b.id,
        purpose: 'test',
      }),
    ).toBeNull();
    const actions = await t.current.db
      .selectFrom('credential_audit_log')
      .select(['api_key_id', 'action'])
      .where('user_id', '=', u.userId)
      .orderBy('id')
      .execute();
    expect(actions).toEqual([
      { api_key_id: a.id, action: 'create' },
      { api_key_id: b.id, action: 'create' },
      { api_key_id: b.id, action: 'update' },
      { api_key_id: a.id, action: 'update' },
      { api_key_id: b.id, action: 'revoke' },
    ]);
  });

  it('rotates the master key: every data key re-wrapped, every record still decrypts, rotation audited', async () => {
    const before = await t.current.db
      .selectFrom('polymarket_api_keys')
      .selectAll()
      .where('wrapped_data_key', 'is not', null)
      .execute();
    expect(before.length).toBeGreaterThanOrEqual(4);
    const next = MasterKey.generate();
    const result = await rotateMasterKey(t.current.db, api.masterKey, next);
    expect(result).toEqual({ rewrapped: before.length, alreadyCurrent: 0, totpSecretsRewrapped: 0 });
    const after = await t.current.db
      .selectFrom('polymarket_api_keys')
      .selectAll()
      .where('wrapped_data_key', 'is not', null)
      .execute();
    for (const row of after) {
      const old = before.find((b) => b.id === row.id)!;
      expect(row.master_key_id).toBe(next.id);
      expect(row.wrapped_data_key!.equals(old.wrapped_data_key!)).toBe(false);
      expect(row.encrypted_api_secret.equals(old.encrypted_api_secret)).toBe(true); // data keys unchanged
      const ctx = { userId: row.user_id, recordId: row.id };
      expect(decryptCredentials(next, ctx, row)).toEqual(decryptCredentials(api.masterKey, ctx, old));
      expect(() => decryptCredentials(api.masterKey, ctx, row)).toThrow(VaultDecryptError);
    }
    const audit = await t.current.db
      .selectFrom('credential_audit_log')
      .selectAll()
      .where('action', 'in', ['rewrap', 'rotate_master_key'])
      .execute();
    expect(audit.filter((a) => a.action === 'rewrap')).toHaveLength(before.length);
    expect(audit.find((a) => a.action === 'rotate_master_key')!.detail).toMatchObject({
      from: api.masterKey.id,
      to: next.id,
      rewrapped: before.length,
    });
    // Re-running (a crash after commit) skips what is already under the new key; a wrong old key fails whole.
    expect(await rotateMasterKey(t.current.db, api.masterKey, next)).toEqual({
      rewrapped: 0,
      alreadyCurrent: before.length,
      totpSecretsRewrapped: 0,
    });
    await expect(rotateMasterKey(t.current.db, MasterKey.generate(), MasterKey.generate())).rejects.toThrow(
      VaultDecryptError,
    );
  });
});
