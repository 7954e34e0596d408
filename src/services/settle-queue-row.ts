// An operator's verdict on a queue row whose order had an unknown outcome (stage `operator`: flagged
// by reconciliation, or still awaiting it: stage `reconciliation`): `polycopy queue settle <id> --filled` or
// `--not-filled`. The verdict is checked against the venue before anything is written:
//   - the row is claimed as reconciliation claims it (failed → processing under an `operator:`
//     token), so no reconciler or worker touches it meanwhile;
//   - its order is looked up by its deterministic client order id, as the reconciler would, and what
//     the venue answered is the evidence shown to the operator and kept in the audit trail;
//   - --filled needs the venue to show a fill: the copy is recorded from the venue's own figures
//     (recordExecution, exactly as an execution). A verdict the venue contradicts is refused;
//   - --not-filled is accepted when the venue has no such order, or has it killed with nothing
//     filled; when the venue cannot answer (the reason the row reached an operator), only with the
//     operator's own evidence (`--evidence "…"`, what they saw in the account). The row fails, its
//     spend reservation is released, its decision fails.
// A refused verdict puts the row back exactly as it was.
import { sql } from 'kysely';
import { withTransaction, type Db } from '../db/client.ts';
import type { CopyOutcomeReason } from '../domain/skip-reasons.ts';
import { publishDecided } from '../events/engine-events.ts';
import { clientOrderIdFor, type ExecutorDeps } from '../execution/execute-claim.ts';
import { loadExecutionContext } from '../execution/execution-context.ts';
import { canPrepare, persistedRequest } from '../execution/order-identity.ts';
import type { QueueRow } from '../execution/queue-claims.ts';
import { recordExecution } from '../execution/record-execution.ts';
import { releaseSpend } from '../execution/spend-reservation.ts';
import type { OrderResult } from '../venue/venue.ts';
import { writeAdminAudit } from './admin-audit.ts';
import { AppError } from './app-error.ts';

export type Verdict = 'filled' | 'not_filled';

/** What the venue said about the row's order. */
export type VenueAnswer =
  | { kind: 'never_signed' }
  | { kind: 'absent' }
  | { kind: 'found'; order: OrderResult }
  | { kind: 'unreachable'; error: string };

export interface SettleResult {
  queueId: string;
  verdict: Verdict;
  evidence: string;
  tradeId: string | null;
}

export function describeAnswer(clientOrderId: string, a: VenueAnswer): string {
  switch (a.kind) {
    case 'never_signed':
      return `no order was ever signed for this row (${clientOrderId}): nothing can exist at the venue`;
    case 'absent':
      return `the venue has no order ${clientOrderId}`;
    case 'found':
      return (
        `the venue has ${clientOrderId} as ${a.order.venueOrderId}: status ${a.order.status}, ` +
        `filled ${a.order.filledSize.toFixed()} shares for $${a.order.notional.toFixed()} (fees $${a.order.fees.toFixed()})`
      );
    case 'unreachable':
      return `the venue could not be asked: ${a.error}`;
  }
}

interface Claimed {
  row: QueueRow;
  /** What the claim overwrote, put back when the verdict is refused. */
  previous: { celery_task_id: string | null; started_at: Date | null };
}

async function claim(db: Db, id: string, token: string): Promise<Claimed> {
  const { rows } = await sql<QueueRow & { prev_token: string | null; prev_started: Date | null }>`
    UPDATE trade_queue q
       SET status = 'processing', celery_task_id = ${token}, started_at = now(),
           lease_expires_at = now() + interval '5 minutes'
      FROM (SELECT id, celery_task_id, started_at FROM trade_queue WHERE id = ${id} FOR UPDATE) old
     WHERE q.id = old.id AND q.status = 'failed' AND q.stage IN ('operator', 'reconciliation')
    RETURNING q.*, old.celery_task_id AS prev_token, old.started_at AS prev_started`.execute(db);
  const got = rows[0];
  if (got) {
    const { prev_token, prev_started, ...row } = got;
    return { row: row as QueueRow, previous: { celery_task_id: prev_token, started_at: prev_started } };
  }
  const row = await db
    .selectFrom('trade_queue')
    .select(['status', 'error_message'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `queue row ${id} not found`);
  throw new AppError(
    'conflict',
    `queue row ${id} is not awaiting an operator (status ${row.status}` +
      `${row.error_message ? `, ${row.error_message.slice(0, 80)}` : ''}): only rows whose order had an unknown outcome are settled`,
  );
}

/** Puts a claimed row back as it was (a refused verdict). */
async function release(db: Db, c: Claimed, token: string): Promise<void> {
  await db
    .updateTable('trade_queue')
    .set({ status: 'failed', lease_expires_at: null, ...c.previous })
    .where('id', '=', c.row.id)
    .where('celery_task_id', '=', token)
    .execute();
}

async function askVenue(
  deps: ExecutorDeps,
  row: QueueRow,
): Promise<{ answer: VenueAnswer; detectedAt: Date | null }> {
  const clientOrderId = clientOrderIdFor(row.id);
  const persisted = row.asset_id ? persistedRequest(row, clientOrderId, row.asset_id) : null;
  if (!persisted) return { answer: { kind: 'never_signed' }, detectedAt: null };
  try {
    const ctx = await loadExecutionContext(deps.db, row);
    const venue = await deps.venues.venueFor({
      userId: row.user_id,
      mode: row.mode,
      apiKeyId: row.api_key_id ?? ctx?.apiKeyId ?? null,
    });
    if (canPrepare(venue)) await venue.prepare(persisted);
    const found = await venue.lookupOrder({ clientOrderId });
    return {
      answer: found ? { kind: 'found', order: found } : { kind: 'absent' },
      detectedAt: ctx?.detectedAt ?? null,
    };
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 300);
    return { answer: { kind: 'unreachable', error }, detectedAt: null };
  }
}

/** Why the venue's answer does not allow the verdict, or null when it does. */
function refusal(verdict: Verdict, a: VenueAnswer, operatorEvidence: string | undefined): string | null {
  const filled = a.kind === 'found' && a.order.filledSize.gt(0);
  if (verdict === 'filled')
    return filled ? null : 'the venue shows no fill, so the row cannot be recorded as filled';
  if (filled) return 'the venue shows a fill: settle it --filled';
  if (a.kind === 'absent' || a.kind === 'never_signed') return null;
  if (a.kind === 'found' && (a.order.status === 'unmatched' || a.order.status === 'canceled')) return null;
  if (operatorEvidence) return null;
  return a.kind === 'unreachable'
    ? 'the venue cannot confirm it; if you checked the account yourself, say what you saw with --evidence "…"'
    : `the venue still has the order ${a.order.status}; wait for it to end, or give --evidence "…"`;
}

export async function settleQueueRow(
  deps: ExecutorDeps,
  actor: string,
  id: string,
  verdict: Verdict,
  operatorEvidence?: string,
): Promise<SettleResult> {
  const token = `operator:${actor}:${id}:${Date.now()}`;
  const claimed = await claim(deps.db, id, token);
  const row = claimed.row;
  const { answer, detectedAt } = await askVenue(deps, row);
  const evidence = describeAnswer(clientOrderIdFor(row.id), answer);
  const refused = refusal(verdict, answer, operatorEvidence);
  if (refused) {
    await release(deps.db, claimed, token);
    throw new AppError('conflict', `${refused}. Evidence: ${evidence}`);
  }
  const detail = {
    verdict,
    venue: evidence,
    operatorEvidence: operatorEvidence ?? null,
    previousError: row.error_message,
  };
  if (answer.kind === 'found' && answer.order.filledSize.gt(0)) {
    const recorded = await recordExecution(deps.db, {
      row,
      token,
      result: answer.order,
      executedAt: row.signed_at ?? new Date(),
      detectedAt,
      apiKeyId: row.api_key_id,
    });
    if (!recorded.recorded)
      throw new AppError('conflict', `queue row ${id} was taken over while it was settled`);
    // recordExecution commits on its own; the trail row follows it (a crash between the two loses
    // the trail row, never the copy).
    await writeAdminAudit(deps.db, {
      actorUserId: null,
      actor,
      action: 'queue_settle',
      targetUserId: String(row.user_id),
      targetQueueId: id,
      detail,
    });
    return { queueId: id, verdict, evidence, tradeId: recorded.tradeId };
  }
  const reason: CopyOutcomeReason = answer.kind === 'found' ? 'book_cannot_fill' : 'retries_exhausted';
  const message = `settled by ${actor} as not filled: ${evidence}${operatorEvidence ? `; operator: ${operatorEvidence}` : ''}`;
  await settleNotFilled(deps, { row, id, token, actor, reason, message, detail });
  return { queueId: id, verdict, evidence, tradeId: null };
}

/** Not filled: the row fails (reconciled), its spend is released, its decision and the trail say why. */
async function settleNotFilled(
  deps: ExecutorDeps,
  s: {
    row: Awaited<ReturnType<typeof claim>>['row'];
    id: string;
    token: string;
    actor: string;
    reason: CopyOutcomeReason;
    message: string;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  const { row, id, token, actor, reason, message, detail } = s;
  await withTransaction(deps.db, async (tx) => {
    const done = await tx
      .updateTable('trade_queue')
      .set({
        status: 'failed',
        stage: 'reconciled',
        error_message: `${reason}: ${message}`.slice(0, 2000),
        completed_at: sql`now()`,
        lease_expires_at: null,
        reconcile_after: null,
      })
      .where('id', '=', id)
      .where('celery_task_id', '=', token)
      .executeTakeFirst();
    if (done.numUpdatedRows !== 1n)
      throw new AppError('conflict', `queue row ${id} was taken over while it was settled`);
    await releaseSpend(tx, row);
    const d = await tx
      .updateTable('copy_decisions')
      .set({ outcome: 'failed', reason, detail: message.slice(0, 1000), decided_at: new Date() })
      .where('queue_id', '=', id)
      .returning(['user_id', 'copy_relationship_id', 'fill_key'])
      .executeTakeFirst();
    if (d) await publishDecided(tx, d, id, 'failed', reason, message);
    await writeAdminAudit(tx, {
      actorUserId: null,
      actor,
      action: 'queue_settle',
      targetUserId: String(row.user_id),
      targetQueueId: id,
      detail,
    });
  });
}
