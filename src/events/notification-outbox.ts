// The notification outbox (docs/telegram.md "Notifications"): one row per notification a user will
// receive, written by the same statement that publishes the engine's event (publish.ts), inside the
// transaction that records the outcome. A rolled-back outcome leaves no row; a committed one always
// has its row, whether or not the bot is running. The bot's dispatcher (src/telegram/notifications)
// delivers the rows and marks them.
//
// A row is written only for someone who can receive it: a user with a chat with the bot that has
// not blocked it, Telegram notifications on (the seed's users.telegram_notifications) and the kind
// not set to 'off'. So users who never met the bot cost one primary-key probe per event.
import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { DEFAULT_LEVELS, type NotificationKind } from '../domain/notifications/notification-kinds.ts';

/** SQL condition: `userId` can receive `kind` now (reads the chat and the preference). */
export function canReceive(
  userId: string | RawBuilder<unknown>,
  kind: NotificationKind,
): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (
      SELECT 1 FROM telegram_chats c JOIN users u ON u.id = c.user_id
       WHERE c.user_id = ${userId}::bigint AND c.blocked_at IS NULL AND u.telegram_notifications AND u.is_active)
    AND coalesce((SELECT p.level FROM notification_preferences p
                   WHERE p.user_id = ${userId}::bigint AND p.kind = ${kind}), ${DEFAULT_LEVELS[kind]}) <> 'off'`;
}

/**
 * Writes one notification for `userId` if they can receive it. `dedupKey` makes the write
 * idempotent per user (the daily summary of a day, the alert about one queue row).
 */
export async function enqueueNotification(
  executor: Db | Tx,
  userId: string,
  kind: NotificationKind,
  payload: Record<string, unknown>,
  dedupKey: string | null = null,
): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO notification_outbox (user_id, kind, payload, dedup_key)
    SELECT ${userId}::bigint, ${kind}, ${JSON.stringify(payload)}::jsonb, ${dedupKey}
     WHERE ${canReceive(userId, kind)}
    ON CONFLICT (user_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
    RETURNING id`.execute(executor);
  return rows.length > 0;
}

/**
 * An operator alert to every active administrator who can receive it, in the caller's transaction.
 * With a dedup key, each administrator hears about the same thing once.
 */
export async function enqueueOperatorAlert(
  executor: Db | Tx,
  payload: Record<string, unknown>,
  dedupKey: string | null = null,
): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO notification_outbox (user_id, kind, payload, dedup_key)
    SELECT u.id, 'operator_alert', ${JSON.stringify(payload)}::jsonb, ${dedupKey}
      FROM users u
     WHERE u.role = 'admin' AND ${canReceive(sql`u.id`, 'operator_alert')}
    ON CONFLICT (user_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
    RETURNING id`.execute(executor);
  return rows.length;
}
