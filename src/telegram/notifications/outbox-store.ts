// The dispatcher's reads and writes of notification_outbox. A row moves
//   pending → claimed (this dispatcher took it) → sending (its request is leaving now) → sent
// or back to pending (Telegram said "later": 429, 5xx, network), or to dropped (the user blocked
// the bot, turned the kind off, or Telegram refused the message for good). A row left "claimed"
// by a dispatcher that died was never sent and goes back to pending; one left "sending" may or may
// not have reached Telegram and becomes "unconfirmed" — not sent again, because a duplicate is what
// people hate most, and the window is one HTTP request.
import { sql } from 'kysely';
import type { Db } from '../../db/client.ts';
import type { NotificationKind, NotificationLevel } from '../../db/schema.ts';

export interface ClaimedRow {
  id: string;
  userId: string;
  kind: NotificationKind;
  payload: { type?: string; at?: string; data?: Record<string, unknown> } & Record<string, unknown>;
  createdAt: Date;
}

/** Rows other dispatchers left behind (a crash, a lost leadership): claimed → pending, sending → unconfirmed. */
export async function recoverAbandoned(
  db: Db,
  myToken: string,
): Promise<{ released: number; unconfirmed: number }> {
  const released = await db
    .updateTable('notification_outbox')
    .set({ status: 'pending', claim_token: null, claimed_until: null })
    .where('status', '=', 'claimed')
    .where('claim_token', '<>', myToken)
    .executeTakeFirst();
  const unconfirmed = await db
    .updateTable('notification_outbox')
    .set({ status: 'unconfirmed', last_error: 'the process stopped while this message was being sent' })
    .where('status', '=', 'sending')
    .where('claim_token', '<>', myToken)
    .executeTakeFirst();
  return { released: Number(released.numUpdatedRows), unconfirmed: Number(unconfirmed.numUpdatedRows) };
}

/**
 * Claims the due rows of up to `maxUsers` users whose oldest due row has waited `batchMs` (so a
 * burst gathers into one message), at most 200 rows per user.
 */
export async function claimDue(
  db: Db,
  token: string,
  opts: { batchMs: number; maxUsers: number },
): Promise<ClaimedRow[]> {
  const { rows } = await sql<{
    id: string;
    user_id: string;
    kind: NotificationKind;
    payload: ClaimedRow['payload'];
    created_at: Date;
  }>`
    WITH due_users AS (
      SELECT user_id FROM notification_outbox
       WHERE status = 'pending' AND not_before <= now()
       GROUP BY user_id
      HAVING min(created_at) <= now() - make_interval(secs => ${opts.batchMs / 1000})
       ORDER BY min(created_at)
       LIMIT ${opts.maxUsers}
    ), picked AS (
      SELECT o.id FROM notification_outbox o JOIN due_users u ON u.user_id = o.user_id
       WHERE o.status = 'pending' AND o.not_before <= now()
       ORDER BY o.id
       LIMIT ${opts.maxUsers * 200}
       FOR UPDATE OF o SKIP LOCKED
    )
    UPDATE notification_outbox o
       SET status = 'claimed', claim_token = ${token}, claimed_until = now() + interval '5 minutes',
           attempts = o.attempts + 1
      FROM picked WHERE o.id = picked.id
    RETURNING o.id, o.user_id, o.kind, o.payload, o.created_at`.execute(db);
  return rows
    .map((r) => ({ id: r.id, userId: r.user_id, kind: r.kind, payload: r.payload, createdAt: r.created_at }))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

export async function markSending(db: Db, ids: readonly string[], token: string): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({ status: 'sending' })
    .where('id', 'in', ids)
    .where('claim_token', '=', token)
    .execute();
}

export async function markSent(db: Db, ids: readonly string[], token: string): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({ status: 'sent', sent_at: new Date(), claimed_until: null, last_error: null })
    .where('id', 'in', ids)
    .where('claim_token', '=', token)
    .execute();
}

export async function markDropped(db: Db, ids: readonly string[], reason: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('notification_outbox')
    .set({ status: 'dropped', last_error: reason.slice(0, 300), claimed_until: null })
    .where('id', 'in', ids)
    .execute();
}

/** Every pending row of a user who blocked the bot: they will not be tried again. */
export async function dropUserPending(db: Db, userId: string, reason: string): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({ status: 'dropped', last_error: reason })
    .where('user_id', '=', userId)
    .where('status', 'in', ['pending', 'claimed'])
    .execute();
}

/** Telegram said "later": back to pending, not before `delayMs` from now. */
export async function release(
  db: Db,
  ids: readonly string[],
  token: string,
  delayMs: number,
  error: string,
): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({
      status: 'pending',
      claim_token: null,
      claimed_until: null,
      not_before: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`,
      last_error: error.slice(0, 300),
    })
    .where('id', 'in', ids)
    .where('claim_token', '=', token)
    .execute();
}

/** Rows this dispatcher claimed but never started sending (a stop): pending again at once. */
export async function releaseUnsent(db: Db, token: string): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({ status: 'pending', claim_token: null, claimed_until: null })
    .where('claim_token', '=', token)
    .where('status', '=', 'claimed')
    .execute();
}

export interface Recipient {
  chatId: string | null;
  blocked: boolean;
  enabled: boolean;
  isAdmin: boolean;
  levels: Partial<Record<NotificationKind, NotificationLevel>>;
}

export async function recipient(db: Db, userId: string): Promise<Recipient> {
  const { rows } = await sql<{
    chat_id: string | null;
    blocked_at: Date | null;
    telegram_notifications: boolean;
    is_active: boolean;
    role: string;
    levels: Record<string, NotificationLevel> | null;
  }>`
    SELECT c.chat_id, c.blocked_at, u.telegram_notifications, u.is_active, u.role,
           (SELECT jsonb_object_agg(p.kind, p.level) FROM notification_preferences p WHERE p.user_id = u.id) AS levels
      FROM users u LEFT JOIN telegram_chats c ON c.user_id = u.id
     WHERE u.id = ${userId}`.execute(db);
  const r = rows[0];
  return {
    chatId: r?.chat_id ?? null,
    blocked: r?.blocked_at !== null && r?.blocked_at !== undefined,
    enabled: (r?.telegram_notifications ?? false) && (r?.is_active ?? false),
    isAdmin: r?.role === 'admin',
    levels: (r?.levels ?? {}) as Recipient['levels'],
  };
}

/** Housekeeping: finished rows, old processed update ids, expired codes and questions. */
export async function purgeOld(db: Db, keepDays: number): Promise<void> {
  await sql`
    WITH a AS (DELETE FROM notification_outbox
                WHERE status IN ('sent', 'dropped', 'unconfirmed') AND created_at < now() - make_interval(days => ${keepDays})),
         b AS (DELETE FROM telegram_processed_updates WHERE processed_at < now() - interval '2 days'),
         c AS (DELETE FROM telegram_link_codes WHERE expires_at < now() - interval '1 day'),
         d AS (DELETE FROM telegram_link_failures WHERE failed_at < now() - interval '1 day')
    DELETE FROM telegram_pending_actions WHERE expires_at < now()`.execute(db);
}
