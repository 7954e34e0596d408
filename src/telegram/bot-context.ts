// What every command handler gets: the grammY context plus the sender's account (resolved once per
// update by the account middleware), and the collaborators the bot's handlers call — the same
// services the HTTP API calls, never a second copy of their rules.
import type { Context } from 'grammy';
import type { Clock } from '../auth/clock.ts';
import type { Db } from '../db/client.ts';
import type { Decimal } from '../domain/money.ts';
import type { Logger } from '../observability/logger.ts';
import type { ChatAccount, TelegramIdentity } from '../services/telegram-account.ts';
import type { SizingSnapshots } from '../services/follow-settings.ts';
import type { MasterKey } from '../vault/master-key.ts';

export interface BotDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Decrypts TOTP secrets for step-up actions (the emergency stop with 2FA on). */
  masterKey: MasterKey;
  paperStartingBalance: Decimal;
  /** Where the web dashboard lives (for "do this on the web" hints). */
  publicUrl: string;
  /** A follow created or edited into balance-based sizing reads its snapshots at once (as the API). */
  sizingSnapshots?: SizingSnapshots | undefined;
}

export type BotContext = Context & {
  /** Set by the account middleware for senders who have an account. */
  account?: ChatAccount;
};

/** The sender of a private-chat update, as the account services know them. */
export function identityOf(ctx: BotContext): TelegramIdentity | null {
  if (!ctx.from || !ctx.chat || ctx.chat.type !== 'private') return null;
  return {
    telegramId: String(ctx.from.id),
    chatId: String(ctx.chat.id),
    username: ctx.from.username ?? null,
  };
}

/** The sender's account; the account middleware guarantees it for every handler after it. */
export function accountOf(ctx: BotContext): ChatAccount {
  if (!ctx.account) throw new Error('account middleware did not run');
  return ctx.account;
}
