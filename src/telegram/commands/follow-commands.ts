// Following from the chat: /follow, /following, /settings, /pause, /resume, /unfollow and their
// buttons. Every change goes through the services the API uses (followTrader, updateFollow,
// stopFollow), so tier limits, credential requirements and cross-setting rules are theirs. Follows
// are referred to by their number in /following or by the trader's wallet, never by a row id.
import { AppError } from '../../services/app-error.ts';
import { followTrader } from '../../services/follow-trader.ts';
import type { FollowView } from '../../services/follow-view.ts';
import { listCurrentFollows } from '../../services/list-follows.ts';
import { stopFollow } from '../../services/stop-follow.ts';
import { updateFollow } from '../../services/update-follow.ts';
import { accountOf, type BotContext, type BotDeps } from '../bot-context.ts';
import type { SettingCode } from '../callback-data.ts';
import { bold, code, esc, pnl, shortWallet } from '../format.ts';
import { setPending } from '../pending-actions.ts';
import { say, show, type Button } from '../reply.ts';
import {
  CHOICES,
  parseSettingValue,
  SETTING_EXAMPLES,
  SETTING_LABELS,
  settingsButtons,
  settingsText,
  sizeShort,
} from './follow-settings-view.ts';
import { WALLET_RE } from './trader-commands.ts';

/** The user's follows that still copy (active or paused), in /following order. */
async function currentFollows(deps: BotDeps, userId: string): Promise<FollowView[]> {
  return listCurrentFollows(deps, userId);
}

export type Resolved = { ok: true; follow: FollowView; index: number } | { ok: false; message: string };

/** A follow from "2", "0xabcd", "abcd12" or a full wallet; the message says why when none or many match. */
export async function resolveFollow(deps: BotDeps, userId: string, ref: string): Promise<Resolved> {
  const follows = await currentFollows(deps, userId);
  const r = ref.trim().toLowerCase();
  if (follows.length === 0) return { ok: false, message: 'You follow nobody yet. /top to find a trader.' };
  if (/^\d{1,3}$/.test(r)) {
    const i = Number(r);
    const f = follows[i - 1];
    return f
      ? { ok: true, follow: f, index: i }
      : { ok: false, message: `There is no follow number ${i}. /following lists them.` };
  }
  const [head, tail] = r.replace(/^0x/, '').split(/…|\.\.\./) as [string, string | undefined];
  if (!/^[0-9a-f]{4,40}$/.test(head) || (tail !== undefined && !/^[0-9a-f]{1,36}$/.test(tail)))
    return { ok: false, message: 'Name a follow by its number in /following or by the trader’s wallet.' };
  const hits = follows
    .map((f, i) => ({ f, i: i + 1 }))
    .filter(
      ({ f }) =>
        f.traderWallet.startsWith(`0x${head}`) && (tail === undefined || f.traderWallet.endsWith(tail)),
    );
  if (hits.length === 1) return { ok: true, follow: hits[0]!.f, index: hits[0]!.i };
  return {
    ok: false,
    message:
      hits.length === 0
        ? 'None of your follows matches that wallet. /following lists them.'
        : 'Several follows match; type more of the wallet or use its number.',
  };
}

async function followByWallet(deps: BotDeps, userId: string, wallet: string): Promise<Resolved> {
  return resolveFollow(deps, userId, wallet);
}

async function showSettings(ctx: BotContext, deps: BotDeps, wallet: string, note?: string): Promise<void> {
  const r = await followByWallet(deps, accountOf(ctx).userId, wallet);
  if (!r.ok) return show(ctx, r.message);
  await show(ctx, (note ? `${note}\n\n` : '') + settingsText(r.follow, r.index), settingsButtons(r.follow));
}

// ---- /follow

export async function followCommand(ctx: BotContext, deps: BotDeps, args: string): Promise<void> {
  const [wallet = '', modeArg = 'paper', ...rest] = args.trim().split(/\s+/);
  if (!WALLET_RE.test(wallet) || rest.length > 0 || !['paper', 'live'].includes(modeArg.toLowerCase())) {
    await say(
      ctx,
      `Send ${code('/follow <wallet> [paper|live]')} — the wallet is 0x and 40 hex characters. /top lists traders with buttons.`,
    );
    return;
  }
  await followWallet(ctx, deps, wallet.toLowerCase(), modeArg.toLowerCase() as 'paper' | 'live');
}

export async function followWallet(
  ctx: BotContext,
  deps: BotDeps,
  wallet: string,
  mode: 'paper' | 'live',
): Promise<void> {
  if (mode === 'live') {
    await show(
      ctx,
      `${bold('Live copying')} places real orders on Polymarket with your connected API key, for ${esc(shortWallet(wallet))}.\nCopy live?`,
      [
        [
          { text: '✅ Yes, copy live', cb: { op: 'follow_live_confirm', wallet } },
          { text: 'Cancel', cb: { op: 'cancel' } },
        ],
      ],
    );
    return;
  }
  await createFollow(ctx, deps, wallet, 'paper');
}

export async function createFollow(
  ctx: BotContext,
  deps: BotDeps,
  wallet: string,
  mode: 'paper' | 'live',
  totp?: string,
): Promise<void> {
  const account = accountOf(ctx);
  const userId = account.userId;
  if (mode === 'live' && account.twoFactorEnabled && totp === undefined) {
    // Live trading is a step-up action (as POST /follows in live mode): ask for the code first.
    await setPending(deps, String(ctx.chat!.id), userId, {
      kind: 'totp',
      then: { op: 'follow_live', wallet },
    });
    await show(
      ctx,
      '🔐 Two-factor authentication is on. Send your 6-digit authenticator code (or a recovery code) within 3 minutes to copy live.',
    );
    return;
  }
  try {
    await followTrader(deps, userId, { traderWallet: wallet, mode }, totp);
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') {
      const r = await followByWallet(deps, userId, wallet);
      await show(
        ctx,
        `You already follow ${esc(shortWallet(wallet))}${r.ok ? ` (#${r.index})` : ''}.`,
        r.ok ? settingsButtons(r.follow) : undefined,
      );
      return;
    }
    throw err;
  }
  await showSettings(
    ctx,
    deps,
    wallet,
    `✅ Copying ${esc(shortWallet(wallet))} in ${bold(mode)} mode. Adjust below, or leave the defaults.`,
  );
}

// ---- /following

export async function followingCommand(ctx: BotContext, deps: BotDeps): Promise<void> {
  const follows = await currentFollows(deps, accountOf(ctx).userId);
  if (follows.length === 0) {
    await say(ctx, 'You follow nobody yet. /top to find a trader, then /follow it.');
    return;
  }
  const lines = follows.map(
    (f, i) =>
      `${i + 1}. ${shortWallet(f.traderWallet)} · ${f.mode} · ${f.status === 'paused' ? '⏸' : '▶️'} · ${sizeShort(f)} · copied ${f.totalTradesCopied} · P&amp;L ${pnl(f.totalPnlUsd)}`,
  );
  const buttons: Button[][] = [];
  for (let i = 0; i < follows.length; i += 4)
    buttons.push(
      follows
        .slice(i, i + 4)
        .map((f, j) => ({ text: `⚙️ ${i + j + 1}`, cb: { op: 'settings', wallet: f.traderWallet } })),
    );
  await say(ctx, [bold('Following'), ...lines].join('\n'), buttons);
}

// ---- /settings and the setting buttons

export async function settingsCommand(ctx: BotContext, deps: BotDeps, args: string): Promise<void> {
  if (args.trim() === '') return followingCommand(ctx, deps);
  const r = await resolveFollow(deps, accountOf(ctx).userId, args);
  if (!r.ok) return void (await say(ctx, r.message));
  await say(ctx, settingsText(r.follow, r.index), settingsButtons(r.follow));
}

export const settingsShown = showSettings;

export async function settingMenu(ctx: BotContext, wallet: string, setting: SettingCode): Promise<void> {
  const choices = CHOICES[setting].map(([text, value]): Button => ({
    text,
    cb: { op: 'setting_set', wallet, setting, value },
  }));
  await show(ctx, `${bold(SETTING_LABELS[setting])} for ${esc(shortWallet(wallet))}:`, [
    choices.slice(0, 3),
    choices.slice(3),
    [
      { text: '✏️ Type a value', cb: { op: 'setting_type', wallet, setting } },
      { text: '« Back', cb: { op: 'settings', wallet } },
    ],
  ]);
}

export async function askSettingValue(
  ctx: BotContext,
  deps: BotDeps,
  wallet: string,
  setting: SettingCode,
): Promise<void> {
  const chatId = String(ctx.chat!.id);
  await setPending(deps, chatId, accountOf(ctx).userId, { kind: 'setting', wallet, setting });
  await show(
    ctx,
    `Send the new ${bold(SETTING_LABELS[setting])} for ${esc(shortWallet(wallet))} (within 3 minutes), e.g. ${code(SETTING_EXAMPLES[setting])}.`,
  );
}

export async function applySetting(
  ctx: BotContext,
  deps: BotDeps,
  wallet: string,
  setting: SettingCode,
  raw: string,
): Promise<void> {
  const parsed = parseSettingValue(setting, raw);
  if (!parsed.ok) return show(ctx, parsed.message, [[{ text: '« Back', cb: { op: 'settings', wallet } }]]);
  const r = await followByWallet(deps, accountOf(ctx).userId, wallet);
  if (!r.ok) return show(ctx, r.message);
  await updateFollow(deps, accountOf(ctx).userId, r.follow.id, parsed.input);
  await showSettings(ctx, deps, wallet, '✓ Saved.');
}

// ---- /pause, /resume

export async function pauseResumeCommand(
  ctx: BotContext,
  deps: BotDeps,
  op: 'pause' | 'resume',
  args: string,
): Promise<void> {
  const userId = accountOf(ctx).userId;
  const ref = args.trim();
  if (ref.toLowerCase() === 'all') return pauseResume(ctx, deps, op, 'all');
  if (ref !== '') {
    const r = await resolveFollow(deps, userId, ref);
    if (!r.ok) return void (await say(ctx, r.message));
    return pauseResume(ctx, deps, op, r.follow.traderWallet);
  }
  const want = op === 'pause' ? 'active' : 'paused';
  const follows = (await currentFollows(deps, userId)).filter((f) => f.status === want);
  if (follows.length === 0) {
    await say(ctx, op === 'pause' ? 'Nothing is being copied right now.' : 'Nothing is paused.');
    return;
  }
  const rows: Button[][] = [
    [{ text: op === 'pause' ? '⏸ Pause all' : '▶️ Resume all', cb: { op, wallet: 'all' } }],
  ];
  for (const f of follows.slice(0, 8))
    rows.push([{ text: shortWallet(f.traderWallet), cb: { op, wallet: f.traderWallet } }]);
  await say(ctx, op === 'pause' ? 'Pause which follow?' : 'Resume which follow?', rows);
}

export async function pauseResume(
  ctx: BotContext,
  deps: BotDeps,
  op: 'pause' | 'resume',
  wallet: string | 'all',
): Promise<void> {
  const userId = accountOf(ctx).userId;
  const status = op === 'pause' ? 'paused' : 'active';
  if (wallet !== 'all') {
    const r = await followByWallet(deps, userId, wallet);
    if (!r.ok) return show(ctx, r.message);
    await updateFollow(deps, userId, r.follow.id, { status });
    return showSettings(ctx, deps, wallet, op === 'pause' ? '⏸ Paused.' : '▶️ Copying again.');
  }
  const targets = (await currentFollows(deps, userId)).filter((f) => f.status !== status);
  const refused: string[] = [];
  for (const f of targets) {
    try {
      await updateFollow(deps, userId, f.id, { status });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      refused.push(
        `${shortWallet(f.traderWallet)}: ${err.code === 'credential_required' ? 'live copying needs your API key' : 'refused'}`,
      );
    }
  }
  const done = targets.length - refused.length;
  await show(
    ctx,
    [
      `${op === 'pause' ? '⏸ Paused' : '▶️ Resumed'} ${done} follow${done === 1 ? '' : 's'}.`,
      ...refused.map((r) => `Not ${op}d — ${esc(r)}`),
    ].join('\n'),
  );
}

// ---- /unfollow

export async function unfollowCommand(ctx: BotContext, deps: BotDeps, args: string): Promise<void> {
  const [ref = '', positions, ...rest] = args.trim().split(/\s+/);
  if (
    ref === '' ||
    rest.length > 0 ||
    (positions !== undefined && !['keep', 'close'].includes(positions.toLowerCase()))
  ) {
    await say(
      ctx,
      `Send ${code('/unfollow <follow> [keep|close]')} — keep leaves its open positions, close sells them.`,
    );
    return;
  }
  const r = await resolveFollow(deps, accountOf(ctx).userId, ref);
  if (!r.ok) return void (await say(ctx, r.message));
  if (positions === undefined) return askUnfollow(ctx, r.follow.traderWallet);
  await unfollow(ctx, deps, r.follow.traderWallet, positions.toLowerCase() as 'keep' | 'close');
}

export async function askUnfollow(ctx: BotContext, wallet: string): Promise<void> {
  await show(ctx, `Stop copying ${esc(shortWallet(wallet))}? Its open positions:`, [
    [
      { text: 'Keep them', cb: { op: 'unfollow', wallet, positions: 'keep' } },
      { text: 'Close them', cb: { op: 'unfollow', wallet, positions: 'close' } },
    ],
    [{ text: 'Cancel', cb: { op: 'cancel' } }],
  ]);
}

export async function unfollow(
  ctx: BotContext,
  deps: BotDeps,
  wallet: string,
  positions: 'keep' | 'close',
): Promise<void> {
  const userId = accountOf(ctx).userId;
  const r = await followByWallet(deps, userId, wallet);
  if (!r.ok) return show(ctx, r.message);
  const done = await stopFollow(deps, userId, r.follow.id, positions);
  await show(
    ctx,
    `🛑 Stopped copying ${esc(shortWallet(wallet))}. Positions: ${positions === 'keep' ? 'kept' : 'being closed'}. Copied ${done.totalTradesCopied} trades, P&amp;L ${pnl(done.totalPnlUsd)}.`,
  );
}
