// The bot: grammY over the Bot API at TELEGRAM_API_URL, with
//   - the throttler (Telegram's limits: ~30 messages/s overall, 1/s per chat, 20/min per group),
//   - auto-retry (waits out retry_after on 429, backs off on 5xx and network errors, bounded),
//   - per-chat ordering (updates of one chat run one after another; chats run concurrently),
//   - update de-duplication in PostgreSQL (a redelivered update runs once),
//   - one error boundary: a handler's failure becomes one safe line in the chat, its details go
//     to the log (with the token redacted), and the bot carries on.
// Handlers are thin: they parse, call a service, and format (src/telegram/commands/).
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Bot, GrammyError, HttpError, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { sql } from 'kysely';
import { AppError } from '../services/app-error.ts';
import { chatAccount, markChatBlocked } from '../services/telegram-account.ts';
import type { BotContext, BotDeps } from './bot-context.ts';
import { identityOf } from './bot-context.ts';
import { decodeCallback, type Callback } from './callback-data.ts';
import { COMMANDS, helpCommand, linkCommand, needStart, startCommand } from './commands/account-commands.ts';
import {
  confirmStop,
  notifyCommand,
  runStop,
  setNotify,
  setNotifyAll,
  stopCommand,
} from './commands/control-commands.ts';
import {
  applySetting,
  askSettingValue,
  askUnfollow,
  createFollow,
  followCommand,
  followingCommand,
  followWallet,
  pauseResume,
  pauseResumeCommand,
  settingMenu,
  settingsCommand,
  settingsShown,
  unfollow,
  unfollowCommand,
} from './commands/follow-commands.ts';
import {
  historyCommand,
  portfolioCommand,
  positionsCommand,
  whyButton,
  whyCommand,
} from './commands/portfolio-commands.ts';
import { topCommand, traderCommand } from './commands/trader-commands.ts';
import { clearPending, takePending } from './pending-actions.ts';
import { say, show } from './reply.ts';
import { redactToken, sayError } from './safe-errors.ts';
import { SendHooks } from './send-hooks.ts';

export interface BotLimits {
  /** Messages per second across all chats. */
  globalPerSecond: number;
  /** Minimum gap between two messages to one private chat. */
  perChatMs: number;
  /** Messages per minute to one group. */
  groupPerMinute: number;
}

export const TELEGRAM_LIMITS: BotLimits = { globalPerSecond: 30, perChatMs: 1000, groupPerMinute: 20 };

export interface BotOptions {
  token: string;
  apiUrl: string;
  limits?: BotLimits;
  /** Retries of one call: 429 retry_after waits up to maxDelaySeconds; then the error surfaces. */
  retry?: { maxRetryAttempts: number; maxDelaySeconds: number };
  /** Known bot identity (skips getMe; webhook processes learn it from the database). */
  botInfo?: UserFromGetMe;
  /** Seconds one Bot API request may take (long polls add their own timeout). */
  timeoutSeconds?: number;
}

/** Longest text the bot reads; commands are short, and Telegram's own cap is 4096. */
const MAX_INPUT_CHARS = 1000;

export interface PolycopyBot {
  bot: Bot<BotContext>;
  hooks: SendHooks;
}

export function createBot(deps: BotDeps, opts: BotOptions): PolycopyBot {
  const bot = new Bot<BotContext>(opts.token, {
    client: { apiRoot: opts.apiUrl, timeoutSeconds: opts.timeoutSeconds ?? 60 },
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
  });
  const hooks = new SendHooks();
  installTransformers(bot, deps, opts, hooks);
  bot.catch((err) =>
    deps.logger.error({ err: describeError(err.error, opts.token) }, 'telegram handler failed'),
  );
  bot.use(sequentialize((ctx: BotContext) => (ctx.chat?.id ?? ctx.from?.id)?.toString()));
  bot.use(errorBoundary(deps, opts.token));
  bot.use(dedupe(deps));
  bot.use(async (ctx, next) => {
    // Edits, channel posts, joins and the like are not conversations with the bot.
    if (!ctx.message && !ctx.callbackQuery) return;
    if (ctx.chat && ctx.chat.type !== 'private') {
      if (ctx.message?.text?.startsWith('/'))
        await say(ctx, 'I only work in a private chat: message me directly.');
      return;
    }
    if ((ctx.message?.text?.length ?? 0) > MAX_INPUT_CHARS)
      return say(ctx, 'That message is too long for me. /help lists what I understand.');
    await next();
  });
  bot.command('start', (ctx) => startCommand(ctx, deps));
  bot.command('help', (ctx) => helpCommand(ctx));
  bot.command('link', (ctx) => linkCommand(ctx, deps, ctx.match));
  bot.use(requireAccount(deps));
  registerCommands(bot, deps);
  bot.on('callback_query:data', (ctx) => onCallback(ctx, deps));
  bot.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: 'This button is no longer valid.' }));
  bot.on('message:text', (ctx) => onText(ctx, deps));
  bot.on('message', (ctx) => say(ctx, 'I only understand text commands. /help lists them.'));
  return { bot, hooks };
}

function installTransformers(bot: Bot<BotContext>, deps: BotDeps, opts: BotOptions, hooks: SendHooks): void {
  const limits = opts.limits ?? TELEGRAM_LIMITS;
  // Innermost first: the hooks run right before the HTTP request, the throttler paces, and
  // auto-retry (outermost) sends every retry back through the throttler.
  bot.api.config.use(hooks.transformer());
  bot.api.config.use(logFailures(deps, opts.token));
  bot.api.config.use(
    apiThrottler({
      // Spaced, not a per-second reservoir: a reservoir refilled every second lets up to twice the
      // rate through across a refill; a minimum gap keeps every one-second window at the limit.
      global: { maxConcurrent: limits.globalPerSecond, minTime: Math.ceil(1000 / limits.globalPerSecond) },
      group: {
        maxConcurrent: 1,
        minTime: Math.ceil(60_000 / limits.groupPerMinute / 20),
        reservoir: limits.groupPerMinute,
        reservoirRefreshAmount: limits.groupPerMinute,
        reservoirRefreshInterval: 60_000,
      },
      out: { maxConcurrent: 1, minTime: limits.perChatMs },
    }),
  );
  bot.api.config.use(
    autoRetry(opts.retry ?? { maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowHttpErrors: false }),
  );
}

/** Failed Bot API calls in the log, without the token; getUpdates trouble at warn (the bot keeps polling). */
function logFailures(deps: BotDeps, token: string): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      if (!res.ok)
        deps.logger[method === 'getUpdates' ? 'warn' : 'debug'](
          {
            method,
            code: res.error_code,
            description: res.description,
            retryAfter: res.parameters?.retry_after,
          },
          'telegram call refused',
        );
      return res;
    } catch (err) {
      if (!signal?.aborted)
        deps.logger.warn({ method, err: describeError(err, token) }, 'telegram call failed');
      throw err;
    }
  };
}

/** An error as a log-safe object: the message and code with the bot token cut out. */
export function describeError(err: unknown, token: string): Record<string, unknown> {
  if (err instanceof GrammyError)
    return { kind: 'bot_api', method: err.method, code: err.error_code, description: err.description };
  if (err instanceof HttpError) {
    const inner = err.error instanceof Error ? `${err.error.name}: ${err.error.message}` : String(err.error);
    return { kind: 'network', message: redactToken(`${err.message} ${inner}`, token) };
  }
  if (err instanceof Error)
    return {
      kind: err.name,
      message: redactToken(err.message, token),
      stack: redactToken(err.stack ?? '', token),
    };
  return { kind: 'unknown', message: redactToken(String(err), token) };
}

function errorBoundary(deps: BotDeps, token: string) {
  return async (ctx: BotContext, next: () => Promise<void>) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof GrammyError && (err.error_code === 403 || /chat not found/.test(err.description))) {
        if (ctx.chat) await markChatBlocked(deps, String(ctx.chat.id));
        return;
      }
      if (!(err instanceof AppError))
        deps.logger.error(
          { err: describeError(err, token), updateId: ctx.update.update_id },
          'telegram update failed',
        );
      try {
        if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
        await say(ctx, sayError(err));
      } catch (replyErr) {
        deps.logger.warn({ err: describeError(replyErr, token) }, 'could not tell the chat about a failure');
      }
    }
  };
}

/** A redelivered update (restart before the offset was confirmed, a webhook retry) runs once. */
function dedupe(deps: BotDeps) {
  return async (ctx: BotContext, next: () => Promise<void>) => {
    const { rows } = await sql<{ update_id: string }>`
      INSERT INTO telegram_processed_updates (bot_id, update_id) VALUES (${ctx.me.id}, ${ctx.update.update_id})
      ON CONFLICT DO NOTHING RETURNING update_id`.execute(deps.db);
    if (rows.length === 0) return;
    await next();
  };
}

function requireAccount(deps: BotDeps) {
  return async (ctx: BotContext, next: () => Promise<void>) => {
    const who = identityOf(ctx);
    if (!who) return;
    const account = await chatAccount(deps, who.telegramId);
    if (!account) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
      return needStart(ctx);
    }
    ctx.account = account;
    // A new command abandons any question the bot was waiting on.
    if (ctx.message?.text?.startsWith('/')) await clearPending(deps, who.chatId);
    await next();
  };
}

function registerCommands(bot: Bot<BotContext>, deps: BotDeps): void {
  bot.command('top', (ctx) => topCommand(ctx, deps, ctx.match));
  bot.command('trader', (ctx) => traderCommand(ctx, deps, ctx.match));
  bot.command('follow', (ctx) => followCommand(ctx, deps, ctx.match));
  bot.command('following', (ctx) => followingCommand(ctx, deps));
  bot.command('settings', (ctx) => settingsCommand(ctx, deps, ctx.match));
  bot.command('pause', (ctx) => pauseResumeCommand(ctx, deps, 'pause', ctx.match));
  bot.command('resume', (ctx) => pauseResumeCommand(ctx, deps, 'resume', ctx.match));
  bot.command('unfollow', (ctx) => unfollowCommand(ctx, deps, ctx.match));
  bot.command('portfolio', (ctx) => portfolioCommand(ctx, deps));
  bot.command('positions', (ctx) => positionsCommand(ctx, deps));
  bot.command('history', (ctx) => historyCommand(ctx, deps));
  bot.command('why', (ctx) => whyCommand(ctx, deps, ctx.match));
  bot.command('stop', (ctx) => stopCommand(ctx));
  bot.command('notify', (ctx) => notifyCommand(ctx, deps));
}

async function onCallback(ctx: BotContext, deps: BotDeps): Promise<void> {
  const cb = decodeCallback(ctx.callbackQuery?.data);
  if (!cb) {
    await ctx.answerCallbackQuery({ text: 'This button is no longer valid.' });
    return;
  }
  await ctx.answerCallbackQuery();
  await dispatchCallback(ctx, deps, cb);
}

async function dispatchCallback(ctx: BotContext, deps: BotDeps, cb: Callback): Promise<void> {
  switch (cb.op) {
    case 'trader':
      return traderCommand(ctx, deps, cb.wallet);
    case 'top':
      return topCommand(ctx, deps, cb.category);
    case 'follow':
      return followWallet(ctx, deps, cb.wallet, cb.mode);
    case 'follow_live_confirm':
      return createFollow(ctx, deps, cb.wallet, 'live');
    case 'settings':
      return settingsShown(ctx, deps, cb.wallet);
    case 'setting_menu':
      return settingMenu(ctx, cb.wallet, cb.setting);
    case 'setting_set':
      return applySetting(ctx, deps, cb.wallet, cb.setting, cb.value);
    case 'setting_type':
      return askSettingValue(ctx, deps, cb.wallet, cb.setting);
    case 'pause':
    case 'resume':
      return pauseResume(ctx, deps, cb.op, cb.wallet);
    case 'unfollow_ask':
      return askUnfollow(ctx, cb.wallet);
    case 'unfollow':
      return unfollow(ctx, deps, cb.wallet, cb.positions);
    case 'why':
      return whyButton(ctx, deps, cb.fillKeyPrefix);
    case 'stop':
      return confirmStop(ctx, deps, cb.positions);
    case 'notify':
      return setNotify(ctx, deps, cb.kind, cb.level);
    case 'notify_all':
      return setNotifyAll(ctx, deps, cb.enabled);
    case 'cancel':
      return show(ctx, 'Cancelled. Nothing was changed.');
  }
}

async function onText(ctx: BotContext, deps: BotDeps): Promise<void> {
  const text = ctx.message!.text!;
  if (text.startsWith('/')) {
    const name = text.split(/[\s@]/)[0]!.slice(0, 40);
    await say(ctx, `I don't know ${name.replace(/[<>&]/g, '')}. /help lists the commands.`);
    return;
  }
  const pending = await takePending(deps, String(ctx.chat!.id), ctx.account!.userId);
  if (!pending) {
    await say(ctx, 'Send a command — /help lists them.');
    return;
  }
  if (pending.kind === 'setting') return applySetting(ctx, deps, pending.wallet, pending.setting, text);
  // An authenticator code: used once, then removed from the chat's history.
  await ctx.deleteMessage().catch(() => undefined);
  const code = text.trim().replace(/\s/g, '');
  if (pending.then.op === 'follow_live') return createFollow(ctx, deps, pending.then.wallet, 'live', code);
  await runStop(ctx, deps, pending.then.positions, code);
}

/** The command list Telegram shows in the chat's menu. */
export async function publishCommands(bot: Bot<BotContext>): Promise<void> {
  await bot.api.setMyCommands(
    COMMANDS.map(([command, , description]) => ({ command, description: description.slice(0, 256) })),
  );
}
