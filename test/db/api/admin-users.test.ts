// Admin user endpoints: search and pagination, one user with counts, deactivate (signed out at
// once, sign-in refused, copies skipped) and activate, role changes (an admin cannot deactivate or
// demote themself), tier changes and the kill switch — each written to the admin audit trail with
// who, what, before / after and from where, in the same transaction as the change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, uniqueEmail, type TestApi } from './api-harness.ts';

describe('admin users', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let admin: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db, { accessTokenTtlSeconds: 86_400 });
    admin = await signUp(api);
    await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.userId).execute();
  });
  afterAll(async () => api?.app.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = admin.auth,
  ) =>
    api.app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const lastAudit = () =>
    t.current.db
      .selectFrom('admin_audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();

  it('searches by email part, id, Telegram id and wallet prefix; filters; pages newest first', async () => {
    const tag = `zeta${Date.now().toString(36)}`;
    const a = await signUp(api, `${tag}.one@example.com`);
    const b = await signUp(api, `${tag}.two@example.com`);
    const c = await signUp(api, `${tag}_three@example.com`);
    await t.current.db
      .updateTable('users')
      .set({ wallet_address: `0xabcdef${'0'.repeat(34)}`, telegram_id: '5550001', subscription_tier: 'pro' })
      .where('id', '=', b.userId)
      .execute();
    const ids = (body: string) =>
      (JSON.parse(body) as { items: Array<{ id: string }> }).items.map((i) => i.id);

    expect(ids((await call('GET', `/admin/users?q=${tag}`)).body)).toEqual([c.userId, b.userId, a.userId]);
    // LIKE wildcards are literal: "_" matches only an underscore.
    expect(ids((await call('GET', `/admin/users?q=${tag}_`)).body)).toEqual([c.userId]);
    expect(ids((await call('GET', `/admin/users?q=${a.userId}`)).body)).toEqual([a.userId]);
    expect(ids((await call('GET', '/admin/users?q=5550001')).body)).toEqual([b.userId]);
    expect(ids((await call('GET', '/admin/users?q=0xABCDEF')).body)).toEqual([b.userId]);
    expect(ids((await call('GET', `/admin/users?q=${tag}&tier=pro`)).body)).toEqual([b.userId]);
    expect(ids((await call('GET', `/admin/users?q=${tag}&role=admin`)).body)).toEqual([]);

    const p1 = (await call('GET', `/admin/users?q=${tag}&limit=2`)).json() as {
      items: Array<{ id: string; lockedUntil: string | null; email: string }>;
      nextCursor: string;
    };
    expect(p1.items.map((i) => i.id)).toEqual([c.userId, b.userId]);
    expect(p1.items[0]).toMatchObject({ lockedUntil: null, email: `${tag}_three@example.com` });
    expect(ids((await call('GET', `/admin/users?q=${tag}&limit=2&cursor=${p1.nextCursor}`)).body)).toEqual([
      a.userId,
    ]);
    // Nothing secret in the admin view.
    const body = (await call('GET', `/admin/users/${a.userId}`)).body;
    expect(body).not.toMatch(/password|argon2|two_factor_secret/i);
    expect(JSON.parse(body)).toMatchObject({
      id: a.userId,
      counts: { activeSessions: 1, activeFollows: 0, activeCredentials: 0, pendingQueueRows: 0 },
    });
    expect((await call('GET', '/admin/users/987654321')).statusCode).toBe(404);
    expect((await call('GET', '/admin/users?isActive=maybe')).statusCode).toBe(400);
  });

  it('deactivates: every session ends at once, sign-in is refused; activates again; audited', async () => {
    const u = await signUp(api);
    expect((await call('GET', '/me', undefined, u.auth)).statusCode).toBe(200);
    const res = await call('POST', `/admin/users/${u.userId}/deactivate`, { reason: 'chargeback fraud' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: u.userId, isActive: false });
    expect((await call('GET', '/me', undefined, u.auth)).statusCode).toBe(401);
    const sessions = await t.current.db
      .selectFrom('auth_sessions')
      .select(['revoked_reason'])
      .where('user_id', '=', u.userId)
      .execute();
    expect(sessions.map((s) => s.revoked_reason)).toEqual(['admin']);
    const login = await call('POST', '/auth/login', { email: u.email, password: u.password }, {});
    expect(login.statusCode).toBe(403);
    expect(await lastAudit()).toMatchObject({
      actor_user_id: admin.userId,
      action: 'user_deactivate',
      target_user_id: u.userId,
      detail: {
        from: { isActive: true },
        to: { isActive: false },
        reason: 'chargeback fraud',
        revokedSessions: 1,
      },
      ip: '127.0.0.1',
    });
    expect((await call('POST', `/admin/users/${u.userId}/deactivate`, {})).statusCode).toBe(400); // reason

    const back = await call('POST', `/admin/users/${u.userId}/activate`, { reason: 'resolved' });
    expect(back.statusCode, back.body).toBe(200);
    expect((await call('POST', '/auth/login', { email: u.email, password: u.password }, {})).statusCode).toBe(
      200,
    );
    expect(await lastAudit()).toMatchObject({
      action: 'user_activate',
      detail: { to: { isActive: true }, reason: 'resolved' },
    });
    // Without a body too.
    const nobody = await call('POST', `/admin/users/${u.userId}/activate`);
    expect(nobody.statusCode, nobody.body).toBe(200);

    // Not oneself.
    const self = await call('POST', `/admin/users/${admin.userId}/deactivate`, { reason: 'oops' });
    expect(self.statusCode).toBe(409);
    expect((await call('GET', '/me')).statusCode).toBe(200);
  });

  it("grants and removes the admin role (never one's own); audited", async () => {
    const u = await signUp(api, uniqueEmail());
    expect((await call('GET', '/admin/kill-switch', undefined, u.auth)).statusCode).toBe(403);
    const grant = await call('PATCH', `/admin/users/${u.userId}/role`, { role: 'admin' });
    expect(grant.statusCode, grant.body).toBe(200);
    expect(grant.json()).toMatchObject({ role: 'admin' });
    // The role is read on every request: the same token works on admin routes now.
    expect((await call('GET', '/admin/kill-switch', undefined, u.auth)).statusCode).toBe(200);
    expect(await lastAudit()).toMatchObject({
      action: 'user_role',
      target_user_id: u.userId,
      detail: { from: 'user', to: 'admin' },
    });
    // The new admin removes the first one's role... but not their own.
    expect((await call('PATCH', `/admin/users/${u.userId}/role`, { role: 'user' }, u.auth)).statusCode).toBe(
      409,
    );
    expect((await call('PATCH', `/admin/users/${u.userId}/role`, { role: 'user' })).statusCode).toBe(200);
    expect((await call('GET', '/admin/kill-switch', undefined, u.auth)).statusCode).toBe(403);
    expect((await call('PATCH', '/admin/users/987654321/role', { role: 'admin' })).statusCode).toBe(404);
  });

  it('audits tier changes and the kill switch; lists the trail by action and target', async () => {
    const u = await signUp(api);
    expect((await call('PATCH', `/admin/users/${u.userId}/tier`, { tier: 'premium' })).statusCode).toBe(200);
    expect(await lastAudit()).toMatchObject({ action: 'user_tier', detail: { from: 'free', to: 'premium' } });
    expect(
      (await call('POST', '/admin/kill-switch', { enabled: true, reason: 'venue incident' })).statusCode,
    ).toBe(200);
    expect(await lastAudit()).toMatchObject({
      action: 'kill_switch',
      target_user_id: null,
      detail: { from: false, to: true, reason: 'venue incident' },
    });
    // A refused change writes no audit row.
    const before = (await lastAudit()).id;
    expect((await call('POST', '/admin/kill-switch', { enabled: true })).statusCode).toBe(400);
    expect((await lastAudit()).id).toBe(before);
    expect((await call('POST', '/admin/kill-switch', { enabled: false })).statusCode).toBe(200);

    const trail = (await call('GET', `/admin/audit?targetUserId=${u.userId}`)).json() as {
      items: Array<{ action: string; actorUserId: string; detail: unknown; createdAt: string }>;
    };
    expect(trail.items).toEqual([
      expect.objectContaining({
        action: 'user_tier',
        actorUserId: admin.userId,
        detail: { from: 'free', to: 'premium' },
      }),
    ]);
    const switches = (await call('GET', '/admin/audit?action=kill_switch')).json() as { items: unknown[] };
    expect(switches.items).toHaveLength(2);
    expect((await call('GET', '/admin/audit', undefined, u.auth)).statusCode).toBe(403);
  });
});
