// /start, /help and /link: who you are to the bot. /start opens (or re-opens, after a block) the
// chat and creates a paper account for a new Telegram user; /link CODE moves this Telegram identity
// to a web account (the code comes from the dashboard or POST /api/v1/me/telegram/link-code).
import type { BotContext, BotDeps } from '../bot-context.ts';
import { accountOf, identityOf } from '../bot-context.ts';
import { bold, code, esc } from '../format.ts';
import { say } from '../reply.ts';
import { getKillSwitch } from '../../services/kill-switch.ts';
import { startTelegramAccount } from '../../services/telegram-account.ts';
import { linkTelegramChat } from '../../services/telegram-link.ts';

/** Every command, in /help order, with its one-line description (also sent to setMyCommands). */
export const COMMANDS: ReadonlyArray<readonly [string, string, string]> = [
  ['start', '', 'open your account (paper mode) or re-open this chat'],
  ['help', '', 'this list'],
  ['top', '[category]', 'leaderboard: P&L, win rate, copyability'],
  ['trader', '<wallet>', "a trader's stats and recent fills"],
  ['follow', '<wallet> [paper|live]', 'copy a trader (paper at once; live asks first)'],
  ['following', '', 'the traders you copy'],
  ['settings', '<follow>', 'view and change a follow’s settings'],
  ['pause', '[follow|all]', 'stop copying for now'],
  ['resume', '[follow|all]', 'copy again'],
  ['unfollow', '<follow> [keep|close]', 'stop copying; keep or close its positions'],
  ['portfolio', '', 'equity, P&L today and total, exposure'],
  ['positions', '', 'your open positions'],
  ['history', '', 'your latest copies'],
  ['why', '[fill|tx]', 'why a copy was made, skipped or failed'],
  ['stop', '', 'emergency stop: pause everything (asks first)'],
  ['notify', '', 'notifications: on, silent or off per type'],
  ['link', '<code>', 'link this chat to your web account'],
];

export function helpText(): string {
  const lines = COMMANDS.map(([c, args, what]) => `/${c}${args ? ` ${esc(args)}` : ''} — ${esc(what)}`);
  return [
    bold('polycopy bot'),
    ...lines,
    '',
    '<i>&lt;follow&gt; is the number in /following or the trader’s wallet (its first characters are enough).</i>',
    '<i>I never ask for a password or a private key.</i>',
  ].join('\n');
}

export async function startCommand(ctx: BotContext, deps: BotDeps): Promise<void> {
  const who = identityOf(ctx);
  if (!who) return;
  const account = await startTelegramAccount(deps, who);
  ctx.account = account;
  const kill = await getKillSwitch(deps);
  const lines = account.created
    ? [
        bold('Welcome to polycopy.'),
        `Your account is ready in ${bold('paper mode')}: copies are simulated with a virtual ${esc('$' + deps.paperStartingBalance.toFixed(0))}, no keys needed.`,
        '',
        '1. /top — pick a trader',
        '2. /follow &lt;wallet&gt; — copy them',
        '3. I tell you about every copy here.',
        '',
        'Already use polycopy on the web? Get a code there and send /link CODE.',
      ]
    : [bold('Welcome back.'), 'Notifications are on for this chat. /help lists what I can do.'];
  if (kill.enabled) lines.push('', '⚠️ Copying is halted platform-wide by the operator right now.');
  await say(ctx, lines.join('\n'), [[{ text: '🏆 Top traders', cb: { op: 'top', category: 'all' } }]]);
}

export async function helpCommand(ctx: BotContext): Promise<void> {
  await say(ctx, helpText());
}

export async function linkCommand(ctx: BotContext, deps: BotDeps, args: string): Promise<void> {
  const who = identityOf(ctx);
  if (!who) return;
  if (args.trim() === '') {
    await say(
      ctx,
      `Send ${code('/link CODE')} with the code from the web dashboard (Settings → Telegram). It works for 10 minutes.`,
    );
    return;
  }
  const r = await linkTelegramChat(deps, who, args.trim());
  await say(
    ctx,
    r.kind === 'already_linked'
      ? 'This chat is already linked to that account.'
      : '✅ Linked. This chat now controls your web account, and its notifications come here.',
  );
}

/** The chat of someone who has not sent /start yet. */
export async function needStart(ctx: BotContext): Promise<void> {
  await say(ctx, 'Send /start to open your account first.');
}

export function isAdmin(ctx: BotContext): boolean {
  return accountOf(ctx).isAdmin;
}
