// The "record" stage for claims that end without an executed copy: the queue row's end, the spend
// reservation's release and the copy's decision are written in ONE transaction, conditioned on the
// claim token. Written as separate statements, a crash or a database blip between them left a row
// cancelled with its decision still `queued` (a copy that ended silently) or a decision without its
// row's end; now either all of it happened or none did, and the worker's retry of its own row (or
// the next holder after the lease) finds the row as it was.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { withTransaction } from '../db/client.ts';
import type { CopyOutcomeReason } from '../domain/skip-reasons.ts';
import { publishDecided } from '../events/engine-events.ts';
import { noteFailedCopy } from './circuit-breaker.ts';
import type { QueueRow } from './queue-claims.ts';
import { releaseSpend } from './spend-reservation.ts';
import { endedStage } from './unsettled-rows.ts';

export interface Decision {
  readonly outcome: 'skipped' | 'failed';
  readonly reason: CopyOutcomeReason;
  readonly detail: string;
}

/** Writes the copy's decision (and counts a failure for the circuit breaker), inside `tx`. */
export async function decideIn(tx: Tx, rowId: string, d: Decision): Promise<void> {
  let update = tx
    .updateTable('copy_decisions')
    .set({ outcome: d.outcome, reason: d.reason, detail: d.detail, decided_at: new Date() })
    .where('queue_id', '=', rowId);
  // A copy's failure is decided (and counted by the circuit breaker) once.
  if (d.outcome === 'failed') update = update.where('outcome', '<>', 'failed');
  const r = await update.returning(['user_id', 'copy_relationship_id', 'fill_key']).executeTakeFirst();
  if (!r) return;
  await publishDecided(tx, r, rowId, d.outcome, d.reason, d.detail); // delivered on commit
  if (d.outcome === 'failed')
    await noteFailedCopy(tx, { relationshipId: r.copy_relationship_id, reason: d.reason, detail: d.detail });
}

export interface ClaimEnd {
  /** cancelled: withdrawn without an order (a gate, a price rule); failed: tried and could not. */
  readonly status: 'cancelled' | 'failed';
  /** trade_queue.error_message. */
  readonly message: string;
  /** Give the API key's spend reservation back (false while an order may exist at the venue). */
  readonly release: boolean;
  /** The copy's decision; omitted when it was already written (e.g. reconciliation keeps its own). */
  readonly decision?: Decision;
  /** `reconciliation`: the order's outcome is unknown and the reconciler takes the row over. */
  readonly stage?: 'reconciliation';
}

/** Ends the claim for good; false when this claim no longer holds the row (nothing written). */
export async function endClaim(db: Db, row: QueueRow, token: string, end: ClaimEnd): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    const done = await tx
      .updateTable('trade_queue')
      .set({
        status: end.status,
        completed_at: sql`now()`,
        error_message: end.message,
        lease_expires_at: null,
        stage: end.stage ?? endedStage,
        // A failed attempt counts as one, as the queue's retry layer counts them.
        retry_count: end.status === 'failed' ? sql`retry_count + 1` : sql`retry_count`,
      })
      .where('id', '=', row.id)
      .where('celery_task_id', '=', token)
      .where('status', '=', 'processing')
      .executeTakeFirst();
    if (done.numUpdatedRows !== 1n) return false;
    if (end.release) await releaseSpend(tx, row);
    if (end.decision) await decideIn(tx, row.id, end.decision);
    return true;
  });
}

/**
 * Ends this attempt and schedules the next at `at` (one more retry counted); false when the claim
 * was lost. The reservation is released only when no order of this row can exist at the venue.
 */
export async function scheduleRetry(
  db: Db,
  row: QueueRow,
  token: string,
  retry: { message: string; at: Date; release: boolean },
): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    const { rows } = await sql<{ id: string }>`
      UPDATE trade_queue
         SET retry_count = retry_count + 1, error_message = ${retry.message}, lease_expires_at = NULL,
             status = 'pending', celery_task_id = NULL, scheduled_for = ${retry.at}, completed_at = NULL
       WHERE id = ${row.id} AND celery_task_id = ${token} AND status = 'processing'
      RETURNING id`.execute(tx);
    if (rows.length === 0) return false;
    if (retry.release) await releaseSpend(tx, row);
    return true;
  });
}
