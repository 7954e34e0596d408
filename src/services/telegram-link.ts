// Linking a Telegram chat to a web account with a one-time code (docs/telegram.md "Linking"): the
// signed-in web user asks for a code (POST /api/v1/me/telegram/link-code), then sends `/link CODE`
// to the bot. The code is 8 characters from an alphabet without look-alikes (40 bits), valid for
// 10 minutes, used once, stored only as its SHA-256; a new code replaces the user's earlier ones.
// A chat gets 5 wrong codes per 15 minutes. The bot never asks for a password or a key.
//
// The chat's Telegram id moves to the web account. If /start had already created an account for
// it, that account is absorbed only when it holds nothing (no follows ever, no credentials, no
// other sign-in): otherwise linking would orphan its history, and the person is told so.
import { createHash, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../auth/clock.ts';
import { withTransaction, type Db, type Tx } from '../db/client.ts';
import { AppError } from './app-error.ts';
import { upsertChat, type TelegramIdentity } from './telegram-account.ts';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const LINK_CODE_TTL_MS = 10 * 60_000;
export const LINK_FAILURES_ALLOWED = 5;
const LINK_FAILURE_WINDOW_MS = 15 * 60_000;

/** Upper-case, without spaces or dashes; null when it cannot be a code. */
export function normalizeLinkCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '');
  return s.length === 8 && [...s].every((c) => ALPHABET.includes(c)) ? s : null;
}

const hashCode = (normalized: string) => createHash('sha256').update(`telegram-link:${normalized}`).digest();

export interface LinkCode {
  /** Shown once, as XXXX-XXXX. */
  code: string;
  expiresAt: string;
  /** The bot to send it to (null until a bot has started and said its name). */
  botUsername: string | null;
}

export async function issueTelegramLinkCode(
  deps: { db: Db; clock: Clock },
  userId: string,
): Promise<LinkCode> {
  const raw = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
  await withTransaction(deps.db, async (tx) => {
    // One live code per user; used and expired ones are of no further use.
    await tx.deleteFrom('telegram_link_codes').where('user_id', '=', userId).execute();
    await tx
      .insertInto('telegram_link_codes')
      .values({ code_hash: hashCode(raw), user_id: userId, created_at: now, expires_at: expiresAt })
      .execute();
  });
  const bot = await deps.db.selectFrom('telegram_bot_info').select('username').executeTakeFirst();
  return {
    code: `${raw.slice(0, 4)}-${raw.slice(4)}`,
    expiresAt: expiresAt.toISOString(),
    botUsername: bot?.username ?? null,
  };
}

export type LinkResult = { kind: 'linked'; userId: string } | { kind: 'already_linked'; userId: string };

async function recentFailures(db: Db, chatId: string, now: Date): Promise<number> {
  const r = await db
    .selectFrom('telegram_link_failures')
    .select((e) => e.fn.countAll<string>().as('n'))
    .where('chat_id', '=', chatId)
    .where('failed_at', '>', new Date(now.getTime() - LINK_FAILURE_WINDOW_MS))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function recordFailure(db: Db, chatId: string, now: Date): Promise<void> {
  await db
    .deleteFrom('telegram_link_failures')
    .where('failed_at', '<', new Date(now.getTime() - LINK_FAILURE_WINDOW_MS))
    .execute();
  await db.insertInto('telegram_link_failures').values({ chat_id: chatId, failed_at: now }).execute();
}

/** An account /start made that holds nothing: no web sign-in, never followed, no credentials. */
async function isEmptyBotAccount(tx: Tx, userId: string): Promise<boolean> {
  const { rows } = await sql<{ empty: boolean }>`
    SELECT u.email IS NULL AND u.wallet_address IS NULL AND u.password_hash IS NULL
           AND NOT EXISTS (SELECT 1 FROM copy_relationships r WHERE r.user_id = u.id)
           AND NOT EXISTS (SELECT 1 FROM polymarket_api_keys k WHERE k.user_id = u.id)
           AND NOT EXISTS (SELECT 1 FROM trades t WHERE t.copying_user_id = u.id) AS empty
      FROM users u WHERE u.id = ${userId}`.execute(tx);
  return rows[0]?.empty === true;
}

/** `/link CODE` from a chat: moves the chat's Telegram identity to the code's web account. */
export async function linkTelegramChat(
  deps: { db: Db; clock: Clock },
  who: TelegramIdentity,
  input: string,
): Promise<LinkResult> {
  const now = deps.clock();
  if ((await recentFailures(deps.db, who.chatId, now)) >= LINK_FAILURES_ALLOWED)
    throw new AppError(
      'rate_limited',
      'too many wrong codes; wait 15 minutes and ask the web page for a new one',
    );
  const code = normalizeLinkCode(input);
  const result = code === null ? null : await linkWithCode(deps, who, hashCode(code), now);
  if (result === null) {
    await recordFailure(deps.db, who.chatId, now);
    throw new AppError(
      'invalid_token',
      'that code is wrong, used or expired; ask the web page for a new one',
    );
  }
  return result;
}

async function linkWithCode(
  deps: { db: Db },
  who: TelegramIdentity,
  codeHash: Buffer,
  now: Date,
): Promise<LinkResult | null> {
  return withTransaction(deps.db, async (tx) => {
    const row = await tx
      .updateTable('telegram_link_codes')
      .set({ used_at: now })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    if (!row) return null;
    const target = await tx
      .selectFrom('users')
      .select(['id', 'telegram_id', 'is_active', 'username'])
      .where('id', '=', row.user_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (!target.is_active) throw new AppError('forbidden', 'that web account is disabled');
    if (target.telegram_id === who.telegramId) {
      await upsertChat(tx, target.id, who);
      return { kind: 'already_linked', userId: target.id };
    }
    if (target.telegram_id !== null)
      throw new AppError(
        'conflict',
        'that web account is linked to another Telegram account; unlink it on the web first',
      );
    await absorbBotAccount(tx, who.telegramId);
    await tx
      .updateTable('users')
      .set({ telegram_id: who.telegramId, username: target.username ?? who.username })
      .where('id', '=', target.id)
      .execute();
    await upsertChat(tx, target.id, who);
    return { kind: 'linked', userId: target.id };
  });
}

/** Frees the Telegram id from the account /start made for it, if that account holds nothing. */
async function absorbBotAccount(tx: Tx, telegramId: string): Promise<void> {
  const owner = await tx
    .selectFrom('users')
    .select('id')
    .where('telegram_id', '=', telegramId)
    .forUpdate()
    .executeTakeFirst();
  if (!owner) return;
  if (!(await isEmptyBotAccount(tx, owner.id)))
    throw new AppError(
      'identity_taken',
      'this Telegram account already has its own polycopy account with follows or trades; stop using it or sign in to it on the web instead of linking',
    );
  await tx.deleteFrom('users').where('id', '=', owner.id).execute();
}
