// POST /api/v1/emergency-stop and /api/v1/admin/kill-switch through the real API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, signUp, type TestApi } from '../api/api-harness.ts';
import { insertQueueRow, insertRelationship, insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

describe('position control routes', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('POST /emergency-stop: 401 anonymous, 400 on a bad body, 200 pauses and cancels for the caller only', async () => {
    const me = await signUp(api);
    const other = await signUp(api);
    const leader = (await insertTrader(t.current.db)).wallet_address;
    const mine = await insertRelationship(t.current.db, me.userId, leader, { mode: 'paper' } as never);
    const theirs = await insertRelationship(t.current.db, other.userId, leader, { mode: 'paper' } as never);
    await insertQueueRow(t.current.db, me.userId, mine.id, {
      trader_wallet_address: leader,
      mode: 'paper',
    } as never);
    await insertQueueRow(t.current.db, other.userId, theirs.id, {
      trader_wallet_address: leader,
      mode: 'paper',
    } as never);

    const anon = await api.app.inject({
      method: 'POST',
      url: '/api/v1/emergency-stop',
      payload: { closePositions: false },
    });
    expect(anon.statusCode).toBe(401);
    const bad = await api.app.inject({
      method: 'POST',
      url: '/api/v1/emergency-stop',
      headers: me.auth,
      payload: { closePositions: 'yes' },
    });
    expect(bad.statusCode).toBe(400);
    const ok = await api.app.inject({
      method: 'POST',
      url: '/api/v1/emergency-stop',
      headers: me.auth,
      payload: { closePositions: true },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ pausedRelationships: 1, cancelledQueueRows: 1, closeOrdersQueued: 0 });
    const rels = await t.current.db
      .selectFrom('copy_relationships')
      .select(['user_id', 'status'])
      .where('id', 'in', [mine.id, theirs.id])
      .execute();
    expect(Object.fromEntries(rels.map((r) => [r.user_id, r.status]))).toEqual({
      [me.userId]: 'paused',
      [other.userId]: 'active',
    });
    const follow = await api.app.inject({
      method: 'GET',
      url: `/api/v1/follows/${mine.id}`,
      headers: me.auth,
    });
    expect(follow.json()).toMatchObject({ status: 'paused' });
  });

  it('PATCH /follows/{id} refuses a mode switch while the relationship holds positions or copies in flight', async () => {
    const db = t.current.db;
    const me = await signUp(api);
    const leader = (await insertTrader(db)).wallet_address;
    const rel = await insertRelationship(db, me.userId, leader, { mode: 'paper' } as never);
    const patch = () =>
      api.app.inject({
        method: 'PATCH',
        url: `/api/v1/follows/${rel.id}`,
        headers: me.auth,
        payload: { mode: 'live' },
      });
    await db
      .insertInto('copy_positions')
      .values({
        copy_relationship_id: rel.id,
        asset_id: '123',
        user_id: me.userId,
        condition_id: '0x' + 'c'.repeat(64),
        shares: '10',
        cost_usd: '5',
      })
      .execute();
    const held = await patch();
    expect(held.statusCode).toBe(409);
    expect(held.json()).toMatchObject({
      error: { code: 'conflict', message: expect.stringMatching(/paper positions/) },
    });

    // Sold out, but a copy is still queued: still refused.
    await db.updateTable('copy_positions').set({ shares: '0', cost_usd: '0' }).execute();
    const row = await insertQueueRow(db, me.userId, rel.id, {
      trader_wallet_address: leader,
      mode: 'paper',
    } as never);
    expect((await patch()).statusCode).toBe(409);
    expect(
      (
        await db
          .selectFrom('copy_relationships')
          .select('mode')
          .where('id', '=', rel.id)
          .executeTakeFirstOrThrow()
      ).mode,
    ).toBe('paper');

    // Nothing held, nothing in flight: the switch is judged on its own merits (here: no credentials).
    await db.updateTable('trade_queue').set({ status: 'cancelled' }).where('id', '=', row.id).execute();
    const next = await patch();
    expect(next.json()).toMatchObject({ error: { code: 'credential_required' } });
  });

  it('POST /admin/kill-switch: 401 anonymous, 403 for users, 400 without a reason, 200 for admins', async () => {
    const user = await signUp(api);
    const admin = await signUp(api);
    await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.userId).execute();
    const post = (headers: Record<string, string> | undefined, payload: Record<string, unknown>) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/admin/kill-switch',
        ...(headers ? { headers } : {}),
        payload,
      });

    expect((await post(undefined, { enabled: true, reason: 'x' })).statusCode).toBe(401);
    expect((await post(user.auth, { enabled: true, reason: 'x' })).statusCode).toBe(403);
    const noReason = await post(admin.auth, { enabled: true });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ error: { code: 'validation_failed' } });

    const on = await post(admin.auth, { enabled: true, reason: 'venue incident' });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({ enabled: true, reason: 'venue incident', updatedBy: admin.userId });
    const controls = await t.current.db.selectFrom('platform_controls').selectAll().executeTakeFirstOrThrow();
    expect(controls).toMatchObject({
      kill_switch: true,
      kill_switch_reason: 'venue incident',
      updated_by: admin.userId,
    });

    const read = await api.app.inject({
      method: 'GET',
      url: '/api/v1/admin/kill-switch',
      headers: admin.auth,
    });
    expect(read.json()).toMatchObject({ enabled: true });
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/v1/admin/kill-switch', headers: user.auth }))
        .statusCode,
    ).toBe(403);
    const off = await post(admin.auth, { enabled: false });
    expect(off.json()).toMatchObject({ enabled: false, reason: null });
  });
});
