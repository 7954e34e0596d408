// The admin audit trail (admin_audit_log, append-only): who did what to which user or queue row,
// when, from where. Written inside the transaction of the action it records, so an action and its
// row commit together or not at all. Details carry ids, before/after values and the stated reason;
// never secrets.
import type { Db, Tx } from '../db/client.ts';
import type { AdminAuditAction } from '../db/schema.ts';
import { cursorId, decodeCursor, toPage, type Page, type PageRequest } from './pagination.ts';

export interface AdminAuditEntry {
  /** The signed-in admin; null for an operator at the command line (then `actor` names them). */
  actorUserId: string | null;
  actor?: string | null;
  action: AdminAuditAction;
  targetUserId?: string | null;
  targetQueueId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

export async function writeAdminAudit(db: Db | Tx, entry: AdminAuditEntry): Promise<void> {
  await db
    .insertInto('admin_audit_log')
    .values({
      actor_user_id: entry.actorUserId,
      actor: entry.actor ?? null,
      action: entry.action,
      target_user_id: entry.targetUserId ?? null,
      target_queue_id: entry.targetQueueId ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
      ip: entry.ip ?? null,
    })
    .execute();
}

export interface AdminAuditView {
  id: string;
  actorUserId: string | null;
  actor: string | null;
  action: AdminAuditAction;
  targetUserId: string | null;
  targetQueueId: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
  createdAt: string;
}

export interface AdminAuditQuery extends PageRequest {
  action?: AdminAuditAction | undefined;
  targetUserId?: string | undefined;
  actorUserId?: string | undefined;
}

const KIND = 'admin-audit';

/** Newest first, keyset-paginated by id. */
export async function listAdminAudit(
  deps: { db: Db },
  query: AdminAuditQuery,
): Promise<Page<AdminAuditView>> {
  let q = deps.db.selectFrom('admin_audit_log').selectAll();
  if (query.action) q = q.where('action', '=', query.action);
  if (query.targetUserId) q = q.where('target_user_id', '=', query.targetUserId);
  if (query.actorUserId) q = q.where('actor_user_id', '=', query.actorUserId);
  if (query.cursor !== undefined) q = q.where('id', '<', cursorId(decodeCursor(KIND, query.cursor), 0));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(
    rows,
    query.limit,
    KIND,
    (r) => [r.id],
    (r) => ({
      id: r.id,
      actorUserId: r.actor_user_id,
      actor: r.actor,
      action: r.action,
      targetUserId: r.target_user_id,
      targetQueueId: r.target_queue_id,
      detail: r.detail,
      ip: r.ip,
      createdAt: r.created_at.toISOString(),
    }),
  );
}
