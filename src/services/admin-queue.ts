// Admin: the execution queue across users — list with filters, cancel a pending row, requeue a
// failed one. Each action runs in one transaction with its admin_audit_log row (and the admin's
// step-up code when their 2FA is on). Queue times are the database's (now()), like the workers'.
//
// What is safe, and why (src/execution/execute-claim.ts is the authority):
//  - A row whose order identity was persisted (signed_at set) may have reached the venue. The
//    executor handles such a row by looking the order up first (recomputing its identity) and
//    recording it if the venue has it; if not, it re-sends the byte-identical order (same salt,
//    signed time, limit and size), which the venue treats as the same order. That look-up is the
//    only thing that can tell whether the user now holds a position.
//  - Cancel therefore refuses such a row even while pending (a retry scheduled after an attempt of
//    unknown outcome): cancelling would skip the look-up and could hide a real fill. Only pending
//    rows without an identity are cancelled; their decision becomes skipped `cancelled_by_admin`.
//  - Requeue never clears the identity: the row goes back to pending exactly as it was persisted,
//    so the next attempt looks its order up before anything else and can never place a second,
//    different order for the row. Retries start again from zero. A spend reservation the row
//    still holds (a failure of unknown outcome) is kept, and the executor does not reserve twice.
//  - Requeue refuses a row past expires_at: a late copy would not follow the leader's price any
//    more, and the workers would cancel it on sight anyway (expiry is the copy's own deadline).
//  - Processing rows are in a worker's hands (claim token, lease): neither action touches them.
import { sql, type Selectable } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import type { QueueStatus, TradeQueueTable } from '../db/schema.ts';
import { reasonMessage } from '../domain/skip-reasons.ts';
import { publishDecided } from '../events/engine-events.ts';
import { notifyQueue } from '../execution/queue-claims.ts';
import { writeAdminAudit } from './admin-audit.ts';
import type { AdminActor } from './admin-users.ts';
import { AppError, notFound } from './app-error.ts';
import {
  QUEUE_DECISION_COLUMNS,
  QUEUE_VIEW_COLUMNS,
  toQueueItemView,
  type QueueItemView,
} from './list-queue.ts';
import { cursorId, decodeCursor, toPage, type Page, type PageRequest } from './pagination.ts';
import { withSecondFactor, type TwoFactorDeps } from './two-factor.ts';

export interface AdminQueueItemView extends QueueItemView {
  userId: string;
  /** When the order's identity was persisted: an order may exist at the venue from then on. */
  signedAt: string | null;
  leaseExpiresAt: string | null;
  reservedSpendUsd: string | null;
  /** The leader fill the row copies (null for exits). */
  sourceFillKey: string | null;
}

export interface AdminQueueQuery extends PageRequest {
  status?: QueueStatus | undefined;
  userId?: string | undefined;
  traderWallet?: string | undefined;
}

const KIND = 'admin-queue';
const ADMIN_COLUMNS = [
  ...QUEUE_VIEW_COLUMNS,
  'user_id',
  'signed_at',
  'lease_expires_at',
  'reserved_spend_usd',
  'source_fill_key',
] as const;

type AdminQueueRow = Pick<Selectable<TradeQueueTable>, (typeof ADMIN_COLUMNS)[number]> & {
  decision_outcome?: string | null;
  decision_reason?: string | null;
};

function toAdminView(r: AdminQueueRow): AdminQueueItemView {
  return {
    ...toQueueItemView(r),
    userId: String(r.user_id),
    signedAt: r.signed_at?.toISOString() ?? null,
    leaseExpiresAt: r.lease_expires_at?.toISOString() ?? null,
    reservedSpendUsd: r.reserved_spend_usd,
    sourceFillKey: r.source_fill_key,
  };
}

export async function listQueueAdmin(
  deps: { db: Db },
  query: AdminQueueQuery,
): Promise<Page<AdminQueueItemView>> {
  let q = deps.db.selectFrom('trade_queue').select(ADMIN_COLUMNS).select(QUEUE_DECISION_COLUMNS);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.userId) q = q.where('user_id', '=', query.userId);
  if (query.traderWallet) q = q.where('trader_wallet_address', '=', query.traderWallet.toLowerCase());
  if (query.cursor !== undefined) q = q.where('id', '<', cursorId(decodeCursor(KIND, query.cursor), 0));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, KIND, (r) => [r.id], toAdminView);
}

export async function getQueueRow(deps: { db: Db | Tx }, id: string): Promise<AdminQueueItemView> {
  const row = await deps.db
    .selectFrom('trade_queue')
    .select(ADMIN_COLUMNS)
    .select(QUEUE_DECISION_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('queue row');
  return toAdminView(row);
}

async function lockRow(tx: Tx, id: string) {
  const row = await tx
    .selectFrom('trade_queue')
    .selectAll()
    .select(sql<boolean>`expires_at IS NOT NULL AND expires_at <= now()`.as('expired'))
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('queue row');
  return row;
}

/** Cancels a pending row that has no order identity yet; its decision becomes skipped. */
export async function cancelQueueRow(
  deps: TwoFactorDeps,
  actor: AdminActor,
  id: string,
  reason: string,
): Promise<AdminQueueItemView> {
  return withSecondFactor(deps, actor.userId, actor.totp, async (tx) => {
    const row = await lockRow(tx, id);
    if (row.status !== 'pending')
      throw new AppError('conflict', `only pending rows can be cancelled; this row is ${row.status}`);
    if (row.signed_at !== null)
      throw new AppError(
        'conflict',
        'this row has a persisted order that may have reached Polymarket; the worker must look it up, so it cannot be cancelled',
      );
    const detail = `${reasonMessage('cancelled_by_admin')} ${reason}`;
    const updated = await tx
      .updateTable('trade_queue')
      .set({
        status: 'cancelled',
        completed_at: sql<Date>`now()`,
        error_message: `cancelled_by_admin: ${reason}`,
      })
      .where('id', '=', id)
      .returning(ADMIN_COLUMNS)
      .executeTakeFirstOrThrow();
    // Defensive: a row without an identity holds no reservation (both are set at admission), but a
    // reservation must never outlive its row.
    if (row.reserved_spend_usd !== null && row.api_key_id !== null) {
      await sql`
        UPDATE polymarket_api_keys SET daily_spent_usd = GREATEST(0, daily_spent_usd - ${row.reserved_spend_usd}::numeric)
         WHERE id = ${row.api_key_id}`.execute(tx);
      await tx.updateTable('trade_queue').set({ reserved_spend_usd: null }).where('id', '=', id).execute();
      updated.reserved_spend_usd = null;
    }
    const decided = await tx
      .updateTable('copy_decisions')
      .set({ outcome: 'skipped', reason: 'cancelled_by_admin', detail, decided_at: deps.clock() })
      .where('queue_id', '=', id)
      .where('outcome', '=', 'queued')
      .returning(['user_id', 'copy_relationship_id', 'fill_key'])
      .execute();
    for (const d of decided) await publishDecided(tx, d, id, 'skipped', 'cancelled_by_admin', detail);
    await writeAdminAudit(tx, {
      actorUserId: actor.userId,
      action: 'queue_cancel',
      targetUserId: String(row.user_id),
      targetQueueId: id,
      detail: { reason, purpose: row.purpose, decisionSkipped: decided.length > 0 },
      ip: actor.meta.ip,
    });
    return getQueueRow({ db: tx }, updated.id);
  });
}

/** Who an action is recorded as: a signed-in admin (user id, ip) or an operator at the CLI. */
export interface AuditActor {
  userId: string | null;
  actor: string | null;
  ip: string | null;
}

/**
 * Puts a failed row back in the queue with its persisted order identity untouched (see the header:
 * the executor then looks the order up before anything else). Refused for rows past expires_at.
 */
export async function requeueQueueRow(
  deps: TwoFactorDeps,
  actor: AdminActor,
  id: string,
): Promise<AdminQueueItemView> {
  return withSecondFactor(deps, actor.userId, actor.totp, (tx) =>
    requeueRowInTx(tx, id, { userId: actor.userId, actor: null, ip: actor.meta.ip }),
  );
}

/**
 * The requeue itself, in the caller's transaction (the API wraps it in the admin's step-up; the
 * operator CLI runs it directly). Retries and reconciliation lookups start again from zero: a row an
 * operator sends back gets the full number of each, not whatever its last run left.
 */
export async function requeueRowInTx(tx: Tx, id: string, by: AuditActor): Promise<AdminQueueItemView> {
  const row = await lockRow(tx, id);
  if (row.status !== 'failed')
    throw new AppError('conflict', `only failed rows can be requeued; this row is ${row.status}`);
  if (row.expired)
    throw new AppError(
      'conflict',
      `the row expired at ${row.expires_at!.toISOString()}; a copy this late would not follow the leader`,
    );
  try {
    await tx
      .updateTable('trade_queue')
      .set({
        status: 'pending',
        // Back to the workers, whose executor looks a persisted order up before anything else.
        stage: 'execution',
        retry_count: 0,
        reconcile_attempts: 0,
        reconcile_after: null,
        celery_task_id: null,
        lease_expires_at: null,
        completed_at: null,
        scheduled_for: sql<Date>`now()`,
        error_message: `requeued by ${by.actor ?? 'admin'}; last error: ${row.error_message ?? 'none'}`.slice(
          0,
          2000,
        ),
      })
      .where('id', '=', id)
      .execute();
  } catch (err) {
    // An exit for the same position was queued since this one failed (one open exit per position).
    if ((err as { code?: string }).code === '23505')
      throw new AppError('conflict', 'another exit for this position is already queued');
    throw err;
  }
  await tx
    .updateTable('copy_decisions')
    .set({ outcome: 'queued', reason: null, detail: null, decided_at: null })
    .where('queue_id', '=', id)
    .where('outcome', '=', 'failed')
    .execute();
  await writeAdminAudit(tx, {
    actorUserId: by.userId,
    actor: by.actor,
    action: 'queue_requeue',
    targetUserId: String(row.user_id),
    targetQueueId: id,
    detail: {
      previousError: row.error_message,
      previousRetryCount: row.retry_count,
      previousReconcileAttempts: row.reconcile_attempts,
      purpose: row.purpose,
      // Whether the next attempt starts with a venue look-up of an order that may exist.
      orderIdentityPersisted: row.signed_at !== null,
      reservedSpendUsd: row.reserved_spend_usd,
    },
    ip: by.ip,
  });
  await notifyQueue(tx); // workers wake on commit
  return getQueueRow({ db: tx }, id);
}
