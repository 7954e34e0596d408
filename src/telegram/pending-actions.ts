// A chat's one pending two-step action: the bot asked a question and the next text answers it (a
// setting's value, or the authenticator code a protected action needs). Stored in PostgreSQL, not
// in memory, so it survives a restart and works when webhooks land on any API process. Expires
// after 3 minutes; a new question replaces the old one; a command in between cancels it.
import type { Db } from '../db/client.ts';
import type { SettingCode } from './callback-data.ts';

export type PendingAction =
  | { kind: 'setting'; wallet: string; setting: SettingCode }
  | {
      kind: 'totp';
      then: { op: 'stop'; positions: 'keep' | 'close' } | { op: 'follow_live'; wallet: string };
    };

const TTL_MS = 3 * 60_000;

export async function setPending(
  deps: { db: Db; clock: () => Date },
  chatId: string,
  userId: string,
  action: PendingAction,
): Promise<void> {
  const expiresAt = new Date(deps.clock().getTime() + TTL_MS);
  await deps.db
    .insertInto('telegram_pending_actions')
    .values({ chat_id: chatId, user_id: userId, action: JSON.stringify(action), expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column('chat_id')
        .doUpdateSet({ user_id: userId, action: JSON.stringify(action), expires_at: expiresAt }),
    )
    .execute();
}

/** Takes (and removes) the chat's pending action if it is still valid and belongs to `userId`. */
export async function takePending(
  deps: { db: Db; clock: () => Date },
  chatId: string,
  userId: string,
): Promise<PendingAction | null> {
  const row = await deps.db
    .deleteFrom('telegram_pending_actions')
    .where('chat_id', '=', chatId)
    .returning(['user_id', 'action', 'expires_at'])
    .executeTakeFirst();
  if (!row || row.user_id !== userId || row.expires_at <= deps.clock()) return null;
  return row.action as unknown as PendingAction;
}

export async function clearPending(deps: { db: Db }, chatId: string): Promise<void> {
  await deps.db.deleteFrom('telegram_pending_actions').where('chat_id', '=', chatId).execute();
}
