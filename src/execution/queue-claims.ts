// Claims on trade_queue: the seed's execution flow (pending → processing → completed / failed /
// cancelled) made safe for many workers on many machines.
//
// - A claim takes a batch with FOR UPDATE SKIP LOCKED: concurrent workers never get the same row and
//   never wait on each other. Order: priority (1 first; tiers keep their priority), then FIFO by
//   fan-out (created_at: one per fan-out transaction), then within one fill by claim_rank, a hash of
//   (fill, relationship): no follower is systematically last (0060-engine-scale).
// - A claim is a lease: lease_expires_at bounds how long a worker may hold a row. A crashed
//   worker's rows return to pending when the lease runs out (recoverExpiredLeases). The row keeps its
//   order identity (id, signed_at), so the next worker looks the order up before sending it again.
// - Every write after the claim is conditioned on the claim token (celery_task_id, the seed's column
//   name): a worker whose lease expired and was re-claimed by another cannot complete or fail the row.
// Time comes from the database (now()), so workers on different machines agree on leases.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import type { TradeQueueTable } from '../db/schema.ts';
import type { Selectable } from 'kysely';

export type QueueRow = Selectable<TradeQueueTable>;

export const QUEUE_CHANNEL = 'polycopy_trade_queue';

export interface ClaimOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
}

export async function claimBatch(db: Db | Tx, opts: ClaimOptions): Promise<QueueRow[]> {
  const { rows } = await sql<QueueRow>`
    WITH picked AS (
      SELECT id FROM trade_queue
      WHERE status = 'pending'
        AND (scheduled_for IS NULL OR scheduled_for <= now())
        AND (expires_at IS NULL OR expires_at > now())
      ORDER BY priority ASC, created_at ASC, claim_rank ASC, id ASC
      LIMIT ${opts.limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE trade_queue q
       SET status = 'processing',
           celery_task_id = ${opts.workerId} || ':' || q.id || ':' || (q.retry_count + 1) || ':' || gen_random_uuid(),
           started_at = now(),
           lease_expires_at = now() + make_interval(secs => ${opts.leaseMs / 1000})
      FROM picked
     WHERE q.id = picked.id
    RETURNING q.*`.execute(db);
  // UPDATE ... RETURNING does not keep the CTE's order.
  return rows.sort(
    (a, b) =>
      a.priority - b.priority ||
      a.created_at.getTime() - b.created_at.getTime() ||
      a.claim_rank - b.claim_rank ||
      Number(a.id) - Number(b.id),
  );
}

/**
 * The heartbeat: extends the lease of rows this worker still holds; returns the ids it still holds.
 * One statement for every held row, however many (ids and tokens as two parallel arrays).
 */
export async function renewLeases(
  db: Db | Tx,
  claims: Array<{ id: string; token: string }>,
  leaseMs: number,
): Promise<string[]> {
  if (claims.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    UPDATE trade_queue q
       SET lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000})
      FROM unnest(${claims.map((c) => c.id)}::bigint[], ${claims.map((c) => c.token)}::text[]) AS h(id, token)
     WHERE q.id = h.id AND q.celery_task_id = h.token AND q.status = 'processing'
    RETURNING q.id`.execute(db);
  return rows.map((r) => r.id);
}

/** The row as it is now, if this claim still holds it (after an error cut an attempt short). */
export async function readOwnRow(db: Db | Tx, id: string, token: string): Promise<QueueRow | null> {
  const row = await db
    .selectFrom('trade_queue')
    .selectAll()
    .where('id', '=', id)
    .where('celery_task_id', '=', token)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return row ?? null;
}

/** Records the order identity before it is sent, so a retry after a crash can look it up. */
export async function recordSigning(
  db: Db | Tx,
  id: string,
  token: string,
  signedAt: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('trade_queue')
    .set({ signed_at: signedAt })
    .where('id', '=', id)
    .where('celery_task_id', '=', token)
    .where('status', '=', 'processing')
    .where('signed_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows === 1n;
}

export async function completeClaim(
  db: Db | Tx,
  id: string,
  token: string,
  values: { venueOrderId: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable('trade_queue')
    .set({
      status: 'completed',
      completed_at: sql`now()`,
      venue_order_id: values.venueOrderId,
      lease_expires_at: null,
      error_message: null,
    })
    .where('id', '=', id)
    .where('celery_task_id', '=', token)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return r.numUpdatedRows === 1n;
}

export type FailOutcome = 'retry_scheduled' | 'failed' | 'lost_claim';

/**
 * Ends an attempt that did not succeed. A retryable error with attempts left schedules the next try
 * at `retryAt` (backoff decided by the caller); otherwise the row fails for good with the reason.
 */
export async function failClaim(
  db: Db | Tx,
  id: string,
  token: string,
  failure: { message: string; retryable: boolean; retryAt: Date | null },
): Promise<FailOutcome> {
  const { rows } = await sql<{ status: string }>`
    UPDATE trade_queue
       SET retry_count = retry_count + 1,
           error_message = ${failure.message},
           lease_expires_at = NULL,
           status = CASE WHEN ${failure.retryable} AND retry_count + 1 <= max_retries THEN 'pending' ELSE 'failed' END,
           celery_task_id = CASE WHEN ${failure.retryable} AND retry_count + 1 <= max_retries THEN NULL ELSE celery_task_id END,
           scheduled_for = CASE WHEN ${failure.retryable} AND retry_count + 1 <= max_retries THEN ${failure.retryAt} ELSE scheduled_for END,
           completed_at = CASE WHEN ${failure.retryable} AND retry_count + 1 <= max_retries THEN NULL ELSE now() END
     WHERE id = ${id} AND celery_task_id = ${token} AND status = 'processing'
    RETURNING status`.execute(db);
  if (rows.length === 0) return 'lost_claim';
  return rows[0]!.status === 'pending' ? 'retry_scheduled' : 'failed';
}

/** Ends a claim without an order: the row was skipped by a gate (reason kept in error_message). */
export async function cancelClaim(db: Db | Tx, id: string, token: string, reason: string): Promise<boolean> {
  const r = await db
    .updateTable('trade_queue')
    .set({ status: 'cancelled', completed_at: sql`now()`, error_message: reason, lease_expires_at: null })
    .where('id', '=', id)
    .where('celery_task_id', '=', token)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return r.numUpdatedRows === 1n;
}

/**
 * Returns rows whose lease ran out (their worker died or stalled) to pending. A row whose outcome
 * is unknown (stage `reconciliation` or `operator`: a reconciler's or an operator's claim,
 * src/execution/reconcile.ts) goes back to `failed` in its stage with its message instead: its
 * order's fate is unknown, so it must be looked up again by the reconciler, never picked up by a
 * worker (whose expiry handling could cancel it unreconciled).
 */
export async function recoverExpiredLeases(db: Db | Tx): Promise<QueueRow[]> {
  const { rows } = await sql<QueueRow>`
    UPDATE trade_queue
       SET status = CASE WHEN stage = 'execution' THEN 'pending' ELSE 'failed' END,
           celery_task_id = NULL, lease_expires_at = NULL,
           error_message = CASE WHEN stage = 'execution'
                                THEN 'lease expired: the claiming worker stopped before finishing'
                                ELSE error_message END
     WHERE status = 'processing' AND lease_expires_at < now()
    RETURNING *`.execute(db);
  return rows;
}

/**
 * The seed's step 5: pending rows past expires_at (the wall-clock backstop, COPY_TTL_MS) become
 * cancelled, and their decisions `skipped` / `expired` in the same statement: nothing expires
 * silently, even when the process dies right after. Returns them. A row whose order identity was
 * persisted (signed_at: a retry after an ambiguous failure, or a row a crashed worker left) may have
 * an order at the venue, so it is not cancelled but marked for reconciliation — `failed`, stage
 * `reconciliation`, its spend reservation kept, its decision failed (retries_exhausted), as the executor
 * marks a row that runs out of attempts with the outcome unknown — and not returned.
 */
export async function cancelExpired(db: Db | Tx): Promise<QueueRow[]> {
  const { rows } = await sql<QueueRow>`
    WITH expired AS (
      UPDATE trade_queue
         SET status = CASE WHEN signed_at IS NULL THEN 'cancelled' ELSE 'failed' END,
             stage = CASE WHEN signed_at IS NULL THEN stage ELSE 'reconciliation' END,
             completed_at = now(),
             error_message = CASE WHEN signed_at IS NULL THEN 'expired'
                                  ELSE 'reconcile: expired before the order of unknown outcome could be looked up' END
       WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= now()
      RETURNING *
    ), decided AS (
      UPDATE copy_decisions d
         SET outcome = CASE WHEN e.status = 'failed' THEN 'failed' ELSE 'skipped' END,
             reason = CASE WHEN e.status = 'failed' THEN 'retries_exhausted' ELSE 'expired' END,
             decided_at = now(),
             detail = CASE WHEN e.status = 'failed'
                           THEN 'expired with an order of unknown outcome: awaiting reconciliation'
                           ELSE 'the copy was not executed before its maximum age' END
        FROM expired e
       WHERE d.queue_id = e.id AND d.outcome = 'queued'
    )
    SELECT * FROM expired WHERE status = 'cancelled'`.execute(db);
  return rows;
}

export async function notifyQueue(db: Db | Tx): Promise<void> {
  await sql`SELECT pg_notify(${QUEUE_CHANNEL}, '')`.execute(db);
}
