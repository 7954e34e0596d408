// Admin queue endpoints, with the real engine (recordLeaderFill → claimBatch → executeClaim against
// a paper venue over FakeMarketData):
//   - list across users with status / user / trader filters and pagination;
//   - cancel: a pending row becomes cancelled, its decision skipped `cancelled_by_admin` with the
//     reason, a copy.skipped event is published in the same transaction; refused for rows in flight
//     and for pending rows whose order identity was persisted (they may be at the venue);
//   - requeue: a failed row goes back to pending with its identity untouched. The decisive case: a
//     row whose order DID reach the venue before the attempt failed with an unknown outcome is
//     requeued, and the worker finds the order by looking it up and records it — the venue holds
//     exactly one order for the row, never two. Refused for rows that did not fail, and for rows past
//     their deadline;
//   - every action is in the audit trail, which cannot be edited.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { executeClaim } from '../../../src/execution/execute-claim.ts';
import { claimBatch } from '../../../src/execution/queue-claims.ts';
import { DefaultVenueProvider } from '../../../src/execution/venue-provider.ts';
import type { LeaderFill } from '../../../src/ingest/leader-fill.ts';
import { recordLeaderFill } from '../../../src/ingest/record-fill.ts';
import { VenueError } from '../../../src/venue/errors.ts';
import type { Venue } from '../../../src/venue/venue.ts';
import { FakeMarketData } from '../../unit/venue/fake-market-data.ts';
import { insertRelationship, insertTrader, txHash } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';
import { enableTwoFactor, totpCode } from './identity-helpers.ts';

const CONDITION = `0x${'ef'.repeat(32)}`;
const YES = '41111111111111111111';
const RULES = { tickSize: new Decimal('0.01'), minOrderSize: new Decimal(5) };

describe('admin queue', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let admin: Awaited<ReturnType<typeof signUp>>;
  let source: FakeMarketData;
  let provider: DefaultVenueProvider;

  beforeAll(async () => {
    api = await buildTestApi(t.current.db, { accessTokenTtlSeconds: 86_400 });
    admin = await signUp(api);
    await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.userId).execute();
    source = new FakeMarketData();
    source.addMarket({ conditionId: CONDITION, tokens: [{ tokenId: YES, outcome: 'Yes' }] });
    source.setBook(YES, { bids: [['0.40', '100000']], asks: [['0.42', '100000']] });
    provider = new DefaultVenueProvider(t.current.db, source, { paperStartingBalance: new Decimal(1000) });
  });
  afterAll(async () => api?.app.close());
  beforeEach(async () => {
    // Each test starts with an empty queue (rows of earlier tests would be claimed by this one's runs).
    await sql`TRUNCATE trade_queue, copy_decisions, leader_fills, trades, paper_orders, paper_fills, paper_cash CASCADE`.execute(
      t.current.db,
    );
  });

  const call = (
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = admin.auth,
  ) =>
    api.app.inject({
      method,
      url: `/api/v1/admin${url}`,
      headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const fill = (leader: string): LeaderFill => ({
    txHash: txHash(),
    wallet: leader,
    assetId: YES,
    conditionId: CONDITION,
    side: 'BUY',
    price: new Decimal('0.42'),
    size: new Decimal(1000),
    occurrence: 0,
    outcome: 'Yes',
    outcomeIndex: 0,
    marketSlug: 'm',
    eventSlug: 'e',
    title: 'Market',
    filledAt: new Date(),
    source: 'test',
  });

  /** A follower of a fresh leader, and one queued copy of a leader BUY (5% of 1000 shares). */
  async function queuedCopy(ttlMs = 600_000) {
    const u = await signUp(api);
    const leader = (await insertTrader(t.current.db)).wallet_address;
    const rel = await insertRelationship(t.current.db, u.userId, leader, {
      proportionality_factor: '0.05',
      mode: 'paper',
    } as never);
    await recordLeaderFill(t.current.db, fill(leader), RULES, { copyTtlMs: ttlMs });
    const row = await t.current.db
      .selectFrom('trade_queue')
      .selectAll()
      .where('copy_relationship_id', '=', rel.id)
      .executeTakeFirstOrThrow();
    return { user: u, leader, rel, row };
  }
  const queueRow = (id: string) =>
    t.current.db.selectFrom('trade_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const decision = (queueId: string) =>
    t.current.db
      .selectFrom('copy_decisions')
      .selectAll()
      .where('queue_id', '=', queueId)
      .executeTakeFirstOrThrow();
  const paperOrders = async (userId: string) =>
    (
      await sql<{ client_order_id: string }>`
        SELECT o.client_order_id FROM paper_orders o WHERE o.account_id = ${userId}`.execute(t.current.db)
    ).rows;
  const runWorker = async (venues = provider) => {
    const claimed = await claimBatch(t.current.db, { workerId: 'w', limit: 10, leaseMs: 30_000 });
    return Promise.all(
      claimed.map((r) => executeClaim({ db: t.current.db, venues, logger: api.deps.logger }, r)),
    );
  };
  /**
   * The paper venues of `provider` with placeOrder replaced (the rest delegates to the real venue),
   * recording every order request and look-up.
   */
  const withPlaceOrder = (
    place: (req: Parameters<Venue['placeOrder']>[0], real: Venue) => ReturnType<Venue['placeOrder']>,
  ) => {
    const calls = { placed: [] as Array<Parameters<Venue['placeOrder']>[0]>, lookups: 0 };
    const venues = Object.assign(Object.create(provider) as DefaultVenueProvider, {
      venueFor: async (r: Parameters<DefaultVenueProvider['venueFor']>[0]) => {
        const real = await provider.venueFor(r);
        return new Proxy(real, {
          get(target, prop) {
            if (prop === 'placeOrder')
              return (req: Parameters<Venue['placeOrder']>[0]) => {
                calls.placed.push(req);
                return place(req, target);
              };
            if (prop === 'lookupOrder') calls.lookups += 1;
            const v = Reflect.get(target, prop, target) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        });
      },
    });
    return { venues, calls };
  };
  const passThrough = () => withPlaceOrder((req, real) => real.placeOrder(req));
  const auditRows = () => t.current.db.selectFrom('admin_audit_log').selectAll().orderBy('id').execute();

  it("lists every user's rows with status, user and trader filters, newest first, paginated", async () => {
    const a = await queuedCopy();
    const b = await queuedCopy();
    await t.current.db
      .updateTable('trade_queue')
      .set({ status: 'failed' })
      .where('id', '=', b.row.id)
      .execute();
    const all = await call('GET', '/queue?limit=1');
    expect(all.statusCode, all.body).toBe(200);
    const page1 = all.json() as { items: Array<{ id: string; userId: string }>; nextCursor: string };
    expect(page1.items.map((i) => i.id)).toEqual([b.row.id]);
    const page2 = (await call('GET', `/queue?limit=1&cursor=${page1.nextCursor}`)).json() as {
      items: Array<{ id: string }>;
      nextCursor: string | null;
    };
    expect(page2.items.map((i) => i.id)).toEqual([a.row.id]);
    expect(page2.nextCursor).toBeNull();

    const byStatus = (await call('GET', '/queue?status=failed')).json() as { items: Array<{ id: string }> };
    expect(byStatus.items.map((i) => i.id)).toEqual([b.row.id]);
    const byUser = (await call('GET', `/queue?userId=${a.user.userId}`)).json() as {
      items: Array<{ id: string; userId: string; signedAt: string | null; sourceFillKey: string }>;
    };
    expect(byUser.items).toEqual([
      expect.objectContaining({
        id: a.row.id,
        userId: a.user.userId,
        signedAt: null,
        sourceFillKey: a.row.source_fill_key,
      }),
    ]);
    const byTrader = (
      await call('GET', `/queue?traderWallet=${b.leader.toUpperCase().replace('0X', '0x')}`)
    ).json() as {
      items: Array<{ id: string }>;
    };
    expect(byTrader.items.map((i) => i.id)).toEqual([b.row.id]);
    expect((await call('GET', `/queue/${a.row.id}`)).json()).toMatchObject({
      id: a.row.id,
      status: 'pending',
    });
    expect((await call('GET', '/queue/987654321')).statusCode).toBe(404);
    // Normal users are refused.
    expect((await call('GET', '/queue', undefined, a.user.auth)).statusCode).toBe(403);
  });

  it('cancels a pending copy: decision skipped with the reason, audited; refused for rows in flight', async () => {
    const c = await queuedCopy();
    const res = await call('POST', `/queue/${c.row.id}/cancel`, { reason: 'stale market data' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: c.row.id,
      status: 'cancelled',
      error: 'cancelled_by_admin: stale market data',
    });
    expect(await decision(c.row.id)).toMatchObject({
      outcome: 'skipped',
      reason: 'cancelled_by_admin',
      detail: 'An administrator cancelled this pending copy. stale market data',
    });
    // The user sees it in their decisions with the reason.
    const mine = (
      await api.app.inject({ method: 'GET', url: '/api/v1/decisions?outcome=skipped', headers: c.user.auth })
    ).json() as { items: Array<{ reason: string; reasonMessage: string }> };
    expect(mine.items[0]).toMatchObject({ reason: 'cancelled_by_admin' });
    const audit = await auditRows();
    expect(audit.at(-1)).toMatchObject({
      actor_user_id: admin.userId,
      action: 'queue_cancel',
      target_user_id: c.user.userId,
      target_queue_id: c.row.id,
      detail: { reason: 'stale market data', purpose: 'copy', decisionSkipped: true },
    });
    // Nothing executes it.
    expect(await runWorker()).toEqual([]);

    // Not pending any more: 409, nothing written.
    const again = await call('POST', `/queue/${c.row.id}/cancel`, { reason: 'again' });
    expect(again.statusCode).toBe(409);
    expect((await auditRows()).length).toBe(audit.length);

    // In flight (claimed by a worker): refused.
    const d = await queuedCopy();
    await claimBatch(t.current.db, { workerId: 'w', limit: 10, leaseMs: 30_000 });
    expect((await call('POST', `/queue/${d.row.id}/cancel`, { reason: 'x' })).statusCode).toBe(409);
    expect((await queueRow(d.row.id)).status).toBe('processing');

    // Pending again after an attempt that persisted its order (a retry after an unknown outcome):
    // the order may be at the venue, so only the worker's look-up may decide — refused.
    await t.current.db
      .updateTable('trade_queue')
      .set({
        status: 'pending',
        celery_task_id: null,
        lease_expires_at: null,
        signed_at: new Date(),
        limit_price: '0.43',
        order_amount: '21',
      })
      .where('id', '=', d.row.id)
      .execute();
    const signed = await call('POST', `/queue/${d.row.id}/cancel`, { reason: 'x' });
    expect(signed.statusCode).toBe(409);
    expect(signed.json()).toMatchObject({ error: { code: 'conflict' } });
    expect((await decision(d.row.id)).outcome).toBe('queued');
    expect((await call('POST', '/queue/987654321/cancel', { reason: 'x' })).statusCode).toBe(404);
    expect((await call('POST', `/queue/${d.row.id}/cancel`, {})).statusCode).toBe(400); // reason required
  });

  it('requeues a failed copy whose order never reached the venue: the same order is sent, once', async () => {
    const c = await queuedCopy();
    // The venue was down for every attempt (a retryable error, out of retries).
    await t.current.db
      .updateTable('trade_queue')
      .set({ max_retries: 0 })
      .where('id', '=', c.row.id)
      .execute();
    const down = withPlaceOrder(async () => {
      throw new VenueError('retryable', 'venue down (503)');
    });
    expect(await runWorker(down.venues)).toEqual([{ kind: 'failed', reason: 'retries_exhausted' }]);
    expect((await queueRow(c.row.id)).status).toBe('failed');
    expect(await paperOrders(c.user.userId)).toEqual([]);

    const res = await call('POST', `/queue/${c.row.id}/requeue`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'pending', retryCount: 0 });
    expect(await decision(c.row.id)).toMatchObject({ outcome: 'queued', reason: null });
    const up = passThrough();
    const [outcome] = await runWorker(up.venues);
    expect(outcome).toMatchObject({ kind: 'executed' });
    // Looked up first (not found), then the identical order sent once: same id, limit, amount and
    // signed time as the attempt that failed, so the venue sees one order, not a second.
    expect(up.calls.lookups).toBeGreaterThanOrEqual(1);
    expect(up.calls.placed).toEqual([down.calls.placed[0]]);
    expect(await paperOrders(c.user.userId)).toEqual([{ client_order_id: `polycopy-q${c.row.id}` }]);
    expect((await decision(c.row.id)).outcome).toBe('executed');
    expect((await auditRows()).at(-1)).toMatchObject({
      action: 'queue_requeue',
      target_queue_id: c.row.id,
      detail: expect.objectContaining({ previousRetryCount: 1, orderIdentityPersisted: true }),
    });
  });

  it('requeues a row whose order reached the venue (unknown outcome): the look-up records it, never a second order', async () => {
    const c = await queuedCopy();
    await t.current.db
      .updateTable('trade_queue')
      .set({ max_retries: 0 })
      .where('id', '=', c.row.id)
      .execute();
    // The order is placed and fills, but the answer is lost: the worker cannot know.
    const lost = withPlaceOrder(async (req, venue) => {
      await venue.placeOrder(req);
      throw new VenueError('unknown_outcome', 'connection reset after the order was sent');
    });
    expect(await runWorker(lost.venues)).toEqual([{ kind: 'failed', reason: 'retries_exhausted' }]);
    const failed = await queueRow(c.row.id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.error_message).toMatch(/^reconcile: /);
    expect(failed.signed_at).not.toBeNull();
    expect(await paperOrders(c.user.userId)).toHaveLength(1);
    expect(
      await t.current.db.selectFrom('trades').select('id').where('queue_id', '=', c.row.id).execute(),
    ).toEqual([]); // the platform does not know about the fill yet

    const res = await call('POST', `/queue/${c.row.id}/requeue`, {});
    expect(res.statusCode, res.body).toBe(200);
    const requeued = await queueRow(c.row.id);
    // The identity is untouched, so the next attempt looks the order up first.
    expect(requeued).toMatchObject({
      status: 'pending',
      signed_at: failed.signed_at,
      limit_price: failed.limit_price,
      order_amount: failed.order_amount,
      order_size: failed.order_size,
    });
    const up = passThrough();
    const [outcome] = await runWorker(up.venues);
    expect(outcome).toMatchObject({ kind: 'executed' });
    // Found by the look-up: nothing was sent again.
    expect(up.calls.lookups).toBeGreaterThanOrEqual(1);
    expect(up.calls.placed).toEqual([]);
    // One order at the venue, one copy recorded.
    expect(await paperOrders(c.user.userId)).toEqual([{ client_order_id: `polycopy-q${c.row.id}` }]);
    const trades = await t.current.db
      .selectFrom('trades')
      .select(['quantity'])
      .where('queue_id', '=', c.row.id)
      .execute();
    expect(trades).toEqual([{ quantity: '50.000000' }]);
    expect((await decision(c.row.id)).outcome).toBe('executed');
  });

  it('requeue refuses rows that did not fail and rows past their deadline', async () => {
    const pending = await queuedCopy();
    const notFailed = await call('POST', `/queue/${pending.row.id}/requeue`, {});
    expect(notFailed.statusCode).toBe(409);
    const old = await queuedCopy();
    await t.current.db
      .updateTable('trade_queue')
      .set({ status: 'failed', expires_at: new Date(Date.now() - 60_000), completed_at: new Date() })
      .where('id', '=', old.row.id)
      .execute();
    const expired = await call('POST', `/queue/${old.row.id}/requeue`, {});
    expect(expired.statusCode).toBe(409);
    expect((expired.json() as { error: { message: string } }).error.message).toMatch(/expired/);
    expect((await queueRow(old.row.id)).status).toBe('failed');
    expect((await call('POST', '/queue/987654321/requeue', {})).statusCode).toBe(404);
  });

  it("with the admin's 2FA on: a fresh code, spent only when the action succeeds; the trail cannot be edited", async () => {
    const a2 = await signUp(api);
    await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', a2.userId).execute();
    const { secret } = await enableTwoFactor(api, a2.auth);
    const c = await queuedCopy();
    expect((await call('POST', `/queue/${c.row.id}/requeue`, {}, a2.auth)).json()).toMatchObject({
      error: { code: 'totp_required' },
    });
    const code = totpCode(api, secret);
    // Refused (the row is pending, not failed): the code is not spent...
    expect(
      (await call('POST', `/queue/${c.row.id}/requeue`, {}, { ...a2.auth, 'x-totp': code })).statusCode,
    ).toBe(409);
    // ...and cancels it.
    const ok = await call(
      'POST',
      `/queue/${c.row.id}/cancel`,
      { reason: 'r' },
      { ...a2.auth, 'x-totp': code },
    );
    expect(ok.statusCode, ok.body).toBe(200);
    const audit = (await call('GET', `/audit?action=queue_cancel&actorUserId=${a2.userId}`)).json() as {
      items: Array<{ actorUserId: string; targetQueueId: string }>;
    };
    expect(audit.items).toEqual([
      expect.objectContaining({ actorUserId: a2.userId, targetQueueId: c.row.id }),
    ]);
    await expect(
      sql`UPDATE admin_audit_log SET action = 'queue_requeue'`.execute(t.current.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM admin_audit_log`.execute(t.current.db)).rejects.toThrow(/append-only/);
  });
});
