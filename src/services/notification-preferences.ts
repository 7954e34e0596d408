// Per-user notification preferences: each kind on (a normal message), silent (delivered without a
// sound) or off (not written to the outbox at all), plus the seed's master switch
// users.telegram_notifications. The bot's /notify and the API's /me/notifications both use this.
import type { Db } from '../db/client.ts';
import {
  ADMIN_ONLY_KINDS,
  DEFAULT_LEVELS,
  NOTIFICATION_KINDS,
  type NotificationKind,
  type NotificationLevel,
} from '../domain/notifications/notification-kinds.ts';
import { AppError, notFound } from './app-error.ts';

export interface NotificationPreferencesView {
  /** The master switch: false silences every kind. */
  enabled: boolean;
  levels: Record<NotificationKind, NotificationLevel>;
  /** Whether the bot can reach the user (a chat exists and has not blocked the bot). */
  telegram: { linked: boolean; blocked: boolean };
}

export async function getNotificationPreferences(
  deps: { db: Db },
  userId: string,
): Promise<NotificationPreferencesView> {
  const user = await deps.db
    .selectFrom('users')
    .leftJoin('telegram_chats as c', 'c.user_id', 'users.id')
    .select(['users.telegram_notifications', 'users.role', 'c.chat_id', 'c.blocked_at'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('user');
  const rows = await deps.db
    .selectFrom('notification_preferences')
    .select(['kind', 'level'])
    .where('user_id', '=', userId)
    .execute();
  const levels = { ...DEFAULT_LEVELS };
  for (const r of rows) levels[r.kind] = r.level;
  if (user.role !== 'admin') for (const k of ADMIN_ONLY_KINDS) delete (levels as Partial<typeof levels>)[k];
  return {
    enabled: user.telegram_notifications,
    levels,
    telegram: { linked: user.chat_id !== null, blocked: user.blocked_at !== null },
  };
}

export async function setNotificationPreferences(
  deps: { db: Db; clock: () => Date },
  userId: string,
  input: { enabled?: boolean; levels?: Partial<Record<NotificationKind, NotificationLevel>> },
): Promise<NotificationPreferencesView> {
  const user = await deps.db.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('user');
  const entries = Object.entries(input.levels ?? {}) as Array<[NotificationKind, NotificationLevel]>;
  for (const [kind] of entries) {
    if (!NOTIFICATION_KINDS.includes(kind))
      throw new AppError('validation_failed', `unknown notification kind ${kind}`);
    if (ADMIN_ONLY_KINDS.has(kind) && user.role !== 'admin')
      throw new AppError('forbidden', `${kind} notifications are for administrators`);
  }
  const now = deps.clock();
  await deps.db.transaction().execute(async (tx) => {
    if (input.enabled !== undefined)
      await tx
        .updateTable('users')
        .set({ telegram_notifications: input.enabled })
        .where('id', '=', userId)
        .execute();
    if (entries.length > 0)
      await tx
        .insertInto('notification_preferences')
        .values(entries.map(([kind, level]) => ({ user_id: userId, kind, level, updated_at: now })))
        .onConflict((oc) =>
          oc.columns(['user_id', 'kind']).doUpdateSet((eb) => ({
            level: eb.ref('excluded.level'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
  });
  return getNotificationPreferences(deps, userId);
}
