// The account behind a Telegram chat. A person who writes to the bot is identified by their
// Telegram user id (users.telegram_id, the identity the login widget uses too): /start finds that
// account or creates one (paper mode needs nothing else), and records the chat the bot may write
// to. Only private chats are accounts; the chat id of a private chat is the user's id.
import type { Selectable } from 'kysely';
import type { Clock } from '../auth/clock.ts';
import { withTransaction, type Db, type Tx } from '../db/client.ts';
import type { UsersTable } from '../db/schema.ts';
import { AppError } from './app-error.ts';

export interface TelegramIdentity {
  /** Telegram user id (decimal string). */
  telegramId: string;
  chatId: string;
  username: string | null;
}

export interface ChatAccount {
  userId: string;
  isAdmin: boolean;
  twoFactorEnabled: boolean;
  /** True when this call created the account. */
  created: boolean;
  /** True when the account also signs in on the web (email, wallet or password). */
  hasWebSignIn: boolean;
}

function toChatAccount(u: Selectable<UsersTable>, created: boolean): ChatAccount {
  if (!u.is_active) throw new AppError('forbidden', 'this account is disabled');
  return {
    userId: u.id,
    isAdmin: u.role === 'admin',
    twoFactorEnabled: u.two_factor_enabled,
    created,
    hasWebSignIn: u.email !== null || u.wallet_address !== null,
  };
}

/** Records (or re-opens, after a block) the chat the bot writes to for `userId`. */
export async function upsertChat(tx: Db | Tx, userId: string, who: TelegramIdentity): Promise<void> {
  await tx
    .insertInto('telegram_chats')
    .values({ user_id: userId, chat_id: who.chatId, username: who.username })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        chat_id: who.chatId,
        username: who.username,
        blocked_at: null,
        updated_at: new Date(),
      }),
    )
    .execute();
}

/** /start: the account of this Telegram user, created in paper mode when there is none. */
export async function startTelegramAccount(
  deps: { db: Db; clock: Clock },
  who: TelegramIdentity,
): Promise<ChatAccount> {
  return withTransaction(deps.db, async (tx) => {
    const now = deps.clock();
    const existing = await tx
      .selectFrom('users')
      .selectAll()
      .where('telegram_id', '=', who.telegramId)
      .forUpdate()
      .executeTakeFirst();
    if (existing) {
      const account = toChatAccount(existing, false);
      await upsertChat(tx, existing.id, who);
      return account;
    }
    const created = await tx
      .insertInto('users')
      .values({
        telegram_id: who.telegramId,
        username: who.username?.slice(0, 100) ?? null,
        last_login_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    // Another update of the same person created it a moment ago (updates of one chat are handled
    // in order, so this is a web sign-in racing the bot): they simply send /start again.
    if (!created) throw new AppError('conflict', 'your account was just created; send /start again');
    await upsertChat(tx, created.id, who);
    return toChatAccount(created, true);
  });
}

/** The account of an incoming update's sender; null when they never started the bot. */
export async function chatAccount(deps: { db: Db }, telegramId: string): Promise<ChatAccount | null> {
  const u = await deps.db
    .selectFrom('users')
    .selectAll()
    .where('telegram_id', '=', telegramId)
    .executeTakeFirst();
  return u ? toChatAccount(u, false) : null;
}

/** The user blocked the bot (or deleted their account): stop writing to the chat. */
export async function markChatBlocked(deps: { db: Db; clock: Clock }, chatId: string): Promise<void> {
  await deps.db
    .updateTable('telegram_chats')
    .set({ blocked_at: deps.clock(), updated_at: deps.clock() })
    .where('chat_id', '=', chatId)
    .where('blocked_at', 'is', null)
    .execute();
}
