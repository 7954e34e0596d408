// trade_queue claims: SKIP LOCKED batches, priority then FIFO, leases, tokens, retries, expiry.
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  cancelExpired,
  claimBatch,
  completeClaim,
  failClaim,
  recoverExpiredLeases,
  renewLeases,
} from '../../src/execution/queue-claims.ts';
import { insertQueueRow, insertRelationship, insertTrader, insertUser } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

describe('trade_queue claims', () => {
  const t = useTestDatabase();
  let userId: string;
  let relId: string;

  beforeEach(async () => {
    const db = t.current.db;
    await db.deleteFrom('trade_queue').execute();
    if (!userId) {
      userId = (await insertUser(db)).id;
      relId = (await insertRelationship(db, userId, (await insertTrader(db)).wallet_address)).id;
    }
  });
  const row = (values: Parameters<typeof insertQueueRow>[3] = {}) =>
    insertQueueRow(t.current.db, userId, relId, values);
  const statusOf = async (id: string) =>
    await t.current.db.selectFrom('trade_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('claims by priority, then FIFO, and leases what it claims', async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s));
    const a = await row({ priority: 5, created_at: at(1) });
    const b = await row({ priority: 1, created_at: at(5) });
    const c = await row({ priority: 5, created_at: at(0) });
    const d = await row({ priority: 10, created_at: at(0) });
    const claimed = await claimBatch(t.current.db, { workerId: 'w1', limit: 3, leaseMs: 30_000 });
    expect(claimed.map((r) => r.id)).toEqual([b.id, c.id, a.id]);
    for (const r of claimed) {
      expect(r.status).toBe('processing');
      expect(r.celery_task_id).toMatch(new RegExp(`^w1:${r.id}:1:`));
      expect(r.lease_expires_at!.getTime() - r.started_at!.getTime()).toBe(30_000);
    }
    expect((await statusOf(d.id)).status).toBe('pending');
  });

  it('claims the copies of one fill in an order that favours no follower, different for every fill', async () => {
    const db = t.current.db;
    const at = new Date(Date.UTC(2026, 10, 25, 12, 0, 0));
    const rels: string[] = [];
    for (let i = 0; i < 40; i++)
      rels.push((await insertRelationship(db, userId, (await insertTrader(db)).wallet_address)).id);
    for (const fill of ['fill-a', 'fill-b'])
      await sql`INSERT INTO leader_fills (fill_key, trader_wallet_address, transaction_hash, asset_id,
                  condition_id, side, price, size, occurrence, filled_at, source)
                VALUES (${fill}, ${'0x' + '1'.repeat(40)}, ${'0x' + '2'.repeat(64)}, 'tok', 'cond', 'BUY',
                  0.5, 10, 0, now(), 'rtds')`.execute(db);
    // Two fan-outs (one created_at each), inserted in relationship-id order as the fan-out writes them.
    for (const [fill, created] of [
      ['fill-a', at],
      ['fill-b', new Date(at.getTime() + 1000)],
    ] as const)
      for (const rel of rels)
        await insertQueueRow(db, userId, rel, { source_fill_key: fill, created_at: created });
    const claimed = await claimBatch(db, { workerId: 'w', limit: 100, leaseMs: 30_000 });
    expect(claimed).toHaveLength(80);
    const orderOf = (fill: string) =>
      claimed.filter((r) => r.source_fill_key === fill).map((r) => r.copy_relationship_id);
    // FIFO between fills: every copy of the older fill first.
    expect(claimed.slice(0, 40).every((r) => r.source_fill_key === 'fill-a')).toBe(true);
    const a = orderOf('fill-a');
    const b = orderOf('fill-b');
    const byId = [...rels].sort((x, y) => Number(x) - Number(y));
    // Within a fill: by the (fill, relationship) hash, not by relationship id, and not the same
    // order for the next fill (the last follower of one fill is not the last of every fill).
    expect(a).not.toEqual(byId);
    expect(b).not.toEqual(byId);
    expect(b).not.toEqual(a);
    const { rows } = await sql<{ rel: string }>`
      SELECT copy_relationship_id::text AS rel FROM trade_queue WHERE source_fill_key = 'fill-a'
       ORDER BY hashtext('fill-a' || ':' || copy_relationship_id::text), id`.execute(db);
    expect(a).toEqual(rows.map((r) => r.rel));
  });

  it('never hands the same row to two concurrent workers', async () => {
    for (let i = 0; i < 60; i++) await row();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, w) =>
        claimBatch(t.current.db, { workerId: `w${w}`, limit: 15, leaseMs: 30_000 }),
      ),
    );
    const ids = results.flat().map((r) => r.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });

  it('skips rows scheduled for later and rows already expired', async () => {
    await row({ scheduled_for: new Date(Date.now() + 60_000) });
    await row({ expires_at: new Date(Date.now() - 1000) });
    const ready = await row();
    const claimed = await claimBatch(t.current.db, { workerId: 'w', limit: 10, leaseMs: 30_000 });
    expect(claimed.map((r) => r.id)).toEqual([ready.id]);
  });

  it('completes only with the claim token, once', async () => {
    const r = await row();
    const [c] = await claimBatch(t.current.db, { workerId: 'w', limit: 1, leaseMs: 30_000 });
    expect(await completeClaim(t.current.db, r.id, 'someone-else', { venueOrderId: '0x1' })).toBe(false);
    expect(await completeClaim(t.current.db, r.id, c!.celery_task_id!, { venueOrderId: '0xabc' })).toBe(true);
    expect(await completeClaim(t.current.db, r.id, c!.celery_task_id!, { venueOrderId: '0xabc' })).toBe(
      false,
    );
    const done = await statusOf(r.id);
    expect(done).toMatchObject({ status: 'completed', venue_order_id: '0xabc', lease_expires_at: null });
    expect(done.completed_at).not.toBeNull();
  });

  it("returns a dead worker's rows to pending when the lease runs out, and the old token is void", async () => {
    const r = await row();
    const [c] = await claimBatch(t.current.db, { workerId: 'dead', limit: 1, leaseMs: 30_000 });
    expect(await recoverExpiredLeases(t.current.db)).toEqual([]); // lease still valid
    await sql`UPDATE trade_queue SET lease_expires_at = now() - interval '1 second' WHERE id = ${r.id}`.execute(
      t.current.db,
    );
    const recovered = await recoverExpiredLeases(t.current.db);
    expect(recovered.map((x) => x.id)).toEqual([r.id]);
    expect(recovered[0]).toMatchObject({ status: 'pending', celery_task_id: null });
    const [again] = await claimBatch(t.current.db, { workerId: 'alive', limit: 1, leaseMs: 30_000 });
    expect(again!.id).toBe(r.id);
    expect(again!.celery_task_id).not.toBe(c!.celery_task_id);
    expect(await completeClaim(t.current.db, r.id, c!.celery_task_id!, { venueOrderId: null })).toBe(false);
    expect(
      await failClaim(t.current.db, r.id, c!.celery_task_id!, {
        message: 'x',
        retryable: true,
        retryAt: null,
      }),
    ).toBe('lost_claim');
  });

  it('renews only leases it still holds', async () => {
    const r1 = await row();
    const r2 = await row();
    const claimed = await claimBatch(t.current.db, { workerId: 'w', limit: 2, leaseMs: 1_000 });
    const held = await renewLeases(
      t.current.db,
      [
        { id: r1.id, token: claimed.find((c) => c.id === r1.id)!.celery_task_id! },
        { id: r2.id, token: 'stale' },
      ],
      60_000,
    );
    expect(held).toEqual([r1.id]);
    const renewed = await statusOf(r1.id);
    expect(renewed.lease_expires_at!.getTime()).toBeGreaterThan(Date.now() + 50_000);
  });

  it('retries with the given backoff up to max_retries, then fails for good', async () => {
    const r = await row({ max_retries: 2 });
    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await sql`UPDATE trade_queue SET scheduled_for = NULL WHERE id = ${r.id}`.execute(t.current.db);
      const [c] = await claimBatch(t.current.db, { workerId: 'w', limit: 1, leaseMs: 30_000 });
      expect(c!.id).toBe(r.id);
      const retryAt = new Date(Date.now() + 5_000);
      outcomes.push(
        await failClaim(t.current.db, r.id, c!.celery_task_id!, {
          message: `boom ${attempt}`,
          retryable: true,
          retryAt,
        }),
      );
      if (attempt < 3) {
        // Not claimable before its retry time.
        expect(await claimBatch(t.current.db, { workerId: 'w', limit: 1, leaseMs: 30_000 })).toEqual([]);
      }
    }
    expect(outcomes).toEqual(['retry_scheduled', 'retry_scheduled', 'failed']);
    expect(await statusOf(r.id)).toMatchObject({ status: 'failed', retry_count: 3, error_message: 'boom 3' });
  });

  it('fails at once on a non-retryable error', async () => {
    const r = await row();
    const [c] = await claimBatch(t.current.db, { workerId: 'w', limit: 1, leaseMs: 30_000 });
    expect(
      await failClaim(t.current.db, r.id, c!.celery_task_id!, {
        message: 'rejected',
        retryable: false,
        retryAt: null,
      }),
    ).toBe('failed');
    expect(await statusOf(r.id)).toMatchObject({ status: 'failed', retry_count: 1 });
  });

  it('cancels pending rows past expires_at (the seed step 5), and only those', async () => {
    const old = await row({ expires_at: new Date(Date.now() - 1000) });
    const fresh = await row({ expires_at: new Date(Date.now() + 60_000) });
    const none = await row();
    const cancelled = await cancelExpired(t.current.db);
    expect(cancelled.map((r) => r.id)).toEqual([old.id]);
    expect(await statusOf(old.id)).toMatchObject({ status: 'cancelled', error_message: 'expired' });
    expect((await statusOf(fresh.id)).status).toBe('pending');
    expect((await statusOf(none.id)).status).toBe('pending');
    // One whose order identity was persisted may have an order at the venue: reconciliation.
    const signed = await row({ expires_at: new Date(Date.now() - 1000), signed_at: new Date() });
    expect(await cancelExpired(t.current.db)).toEqual([]);
    expect(await statusOf(signed.id)).toMatchObject({ status: 'failed' });
    expect((await statusOf(signed.id)).error_message).toMatch(/^reconcile: /);
  });

  it('refuses a processing row without a lease (database check)', async () => {
    await expect(row({ status: 'processing' })).rejects.toMatchObject({
      constraint: 'trade_queue_processing_has_lease',
    });
  });
});
