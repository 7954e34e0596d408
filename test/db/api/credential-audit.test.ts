// GET /api/v1/credentials/audit (src/services/list-credential-audit.ts): the caller's own credential
// audit trail, newest first, with the key masked, filters and pages; never another user's rows, the
// operator's master key rotation, or secret material.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudit } from '../../../src/vault/audit-log.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const creds = (n: number, secret = `c2VjcmV0LXNlY3JldC1zZWNyZXQ${n}=`) => ({
  apiKey: `0a1b2c3d-4e5f-6071-8293-a4b5c6d7e${String(n).padStart(3, '0')}`,
  apiSecret: secret,
  apiPassphrase: `passphrase-${n}-f00d`,
  signatureType: 0,
});

interface Entry {
  id: string;
  credentialId: string | null;
  maskedApiKey: string | null;
  keyName: string | null;
  action: string;
  actor: string;
  detail: Record<string, unknown>;
  createdAt: string;
}
interface AuditPage {
  items: Entry[];
  nextCursor: string | null;
}

describe('GET /credentials/audit', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let u: Awaited<ReturnType<typeof signUp>>;
  let v: Awaited<ReturnType<typeof signUp>>;
  let keyA: string;

  const call = (method: string, url: string, auth: Record<string, string>, payload?: unknown) =>
    api.app.inject({
      method: method as 'GET',
      url: `/api/v1${url}`,
      headers: auth,
      payload: payload as object,
    });

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    [u, v] = [await signUp(api), await signUp(api)];
    const a = await call('POST', '/credentials', u.auth, { ...creds(1), keyName: 'main' });
    expect(a.statusCode, a.body).toBe(201);
    keyA = (a.json() as { id: string }).id;
    expect((await call('POST', '/credentials', u.auth, creds(2, 'reject-me'))).statusCode).toBe(422);
    await writeAudit(t.current.db, {
      userId: u.userId,
      apiKeyId: keyA,
      action: 'use',
      actor: 'system',
      detail: { purpose: 'order' },
    });
    const patch = await call('PATCH', `/credentials/${keyA}`, u.auth, { dailySpendLimitUsd: '50' });
    expect(patch.statusCode, patch.body).toBe(200);
    const revoke = await call('POST', `/credentials/${keyA}/revoke`, u.auth, { reason: 'rotating' });
    expect(revoke.statusCode, revoke.body).toBe(200);
    // Another person's key, and the operator's master key rotation (no user).
    expect((await call('POST', '/credentials', v.auth, { ...creds(3), keyName: 'theirs' })).statusCode).toBe(
      201,
    );
    await writeAudit(t.current.db, {
      userId: null,
      apiKeyId: null,
      action: 'rotate_master_key',
      actor: 'cli',
      detail: { rewrapped: 2 },
    });
  });
  afterAll(async () => api?.app.close());

  it('lists the caller’s own trail newest first, the key masked, no secret material', async () => {
    const res = await call('GET', '/credentials/audit', u.auth);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as AuditPage;
    expect(page.items.map((e) => [e.action, e.actor, e.credentialId])).toEqual([
      ['revoke', 'user', keyA],
      ['update', 'user', keyA],
      ['use', 'system', keyA],
      ['verify_failed', 'user', null],
      ['create', 'user', keyA],
    ]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toMatchObject({
      maskedApiKey: '••••••••e001',
      keyName: 'main',
      detail: { reason: 'rotating' },
    });
    expect(page.items[1]!.detail).toMatchObject({ dailySpendLimitUsd: { to: '50.00' } });
    expect(page.items[3]).toMatchObject({ maskedApiKey: null, detail: { reason: 'invalid api key' } });
    for (const secret of [...Object.values(creds(1)), 'reject-me', 'passphrase-2-f00d'])
      if (typeof secret === 'string') expect(res.body).not.toContain(secret);
    expect(res.body).not.toContain('theirs');
    expect(res.body).not.toContain('rotate_master_key');
  });

  it('filters by action and by key, and pages with the cursor', async () => {
    const revokes = (await call('GET', '/credentials/audit?action=revoke', u.auth)).json() as AuditPage;
    expect(revokes.items.map((e) => e.action)).toEqual(['revoke']);
    const ofA = (await call('GET', `/credentials/audit?credentialId=${keyA}`, u.auth)).json() as AuditPage;
    expect(ofA.items).toHaveLength(4);
    const first = (await call('GET', '/credentials/audit?limit=2', u.auth)).json() as AuditPage;
    expect(first.items.map((e) => e.action)).toEqual(['revoke', 'update']);
    const next = (
      await call('GET', `/credentials/audit?limit=2&cursor=${first.nextCursor}`, u.auth)
    ).json() as AuditPage;
    expect(next.items.map((e) => e.action)).toEqual(['use', 'verify_failed']);
    // Another person's key id filters to nothing rather than showing their rows.
    const theirKey = (await call('GET', '/credentials', v.auth)).json() as {
      credentials: Array<{ id: string }>;
    };
    const none = (
      await call('GET', `/credentials/audit?credentialId=${theirKey.credentials[0]!.id}`, u.auth)
    ).json() as AuditPage;
    expect(none.items).toEqual([]);
  });

  it('refuses bad filters, a forged cursor and a missing token', async () => {
    for (const q of ['action=delete', 'credentialId=abc', 'limit=0', 'cursor=not-a-cursor', 'user=1']) {
      const res = await call('GET', `/credentials/audit?${q}`, u.auth);
      expect(res.statusCode, q).toBe(400);
    }
    expect((await call('GET', '/credentials/audit', {})).statusCode).toBe(401);
  });
});
