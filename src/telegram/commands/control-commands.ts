// /stop (the user's emergency stop, behind a confirmation, and the authenticator code when 2FA is
// on — the same userEmergencyStop as POST /emergency-stop) and /notify (per-kind on / silent / off,
// the same preferences as /api/v1/me/notifications).
import {
  ADMIN_ONLY_KINDS,
  KIND_LABELS,
  NOTIFICATION_KINDS,
  type NotificationKind,
  type NotificationLevel,
} from '../../domain/notifications/notification-kinds.ts';
import { userEmergencyStop } from '../../services/emergency-stop.ts';
import {
  getNotificationPreferences,
  setNotificationPreferences,
} from '../../services/notification-preferences.ts';
import { accountOf, type BotContext, type BotDeps } from '../bot-context.ts';
import { bold } from '../format.ts';
import { setPending } from '../pending-actions.ts';
import { say, show, type Button } from '../reply.ts';

export async function stopCommand(ctx: BotContext): Promise<void> {
  await say(
    ctx,
    `${bold('Emergency stop')}: pause every follow and cancel every pending copy. Your open positions:`,
    [
      [
        { text: '⏸ Stop, keep positions', cb: { op: 'stop', positions: 'keep' } },
        { text: '🛑 Stop and close all', cb: { op: 'stop', positions: 'close' } },
      ],
      [{ text: 'Cancel', cb: { op: 'cancel' } }],
    ],
  );
}

/** The confirmed stop: asks for the authenticator code first when 2FA is on. */
export async function confirmStop(
  ctx: BotContext,
  deps: BotDeps,
  positions: 'keep' | 'close',
): Promise<void> {
  const account = accountOf(ctx);
  if (account.twoFactorEnabled) {
    await setPending(deps, String(ctx.chat!.id), account.userId, {
      kind: 'totp',
      then: { op: 'stop', positions },
    });
    await show(
      ctx,
      '🔐 Two-factor authentication is on. Send your 6-digit authenticator code (or a recovery code) within 3 minutes.',
    );
    return;
  }
  await runStop(ctx, deps, positions, undefined);
}

export async function runStop(
  ctx: BotContext,
  deps: BotDeps,
  positions: 'keep' | 'close',
  totp: string | undefined,
): Promise<void> {
  const r = await userEmergencyStop(
    deps,
    accountOf(ctx).userId,
    { closePositions: positions === 'close' },
    totp,
  );
  await show(
    ctx,
    [
      bold('🛑 Emergency stop done.'),
      `${r.pausedRelationships} follow(s) paused · ${r.cancelledQueueRows} pending copy(ies) cancelled`,
      positions === 'close' ? `${r.closeOrdersQueued} closing sell(s) queued` : 'Positions kept.',
      'Resume with /resume.',
    ].join('\n'),
  );
}

const LEVEL_ICON: Record<NotificationLevel, string> = { on: '🔔', silent: '🔕', off: '✖️' };
const NEXT: Record<NotificationLevel, NotificationLevel> = { on: 'silent', silent: 'off', off: 'on' };

export async function notifyCommand(ctx: BotContext, deps: BotDeps, note?: string): Promise<void> {
  const prefs = await getNotificationPreferences(deps, accountOf(ctx).userId);
  const kinds = NOTIFICATION_KINDS.filter((k) => !ADMIN_ONLY_KINDS.has(k) || accountOf(ctx).isAdmin);
  const lines = [
    bold('Notifications') + (prefs.enabled ? '' : ' — all off'),
    ...kinds.map(
      (k) => `${LEVEL_ICON[prefs.levels[k] ?? 'off']} ${KIND_LABELS[k]}: ${prefs.levels[k] ?? 'off'}`,
    ),
    '',
    '<i>Tap a type to cycle on → silent → off. Silent messages arrive without a sound.</i>',
  ];
  const rows: Button[][] = kinds.map((k) => {
    const level = prefs.levels[k] ?? 'off';
    return [
      {
        text: `${LEVEL_ICON[level]} ${KIND_LABELS[k]} → ${NEXT[level]}`,
        cb: { op: 'notify', kind: k, level: NEXT[level] },
      },
    ];
  });
  rows.push([
    prefs.enabled
      ? { text: 'Turn all off', cb: { op: 'notify_all', enabled: false } }
      : { text: 'Turn notifications on', cb: { op: 'notify_all', enabled: true } },
  ]);
  await show(ctx, (note ? `${note}\n\n` : '') + lines.join('\n'), rows);
}

export async function setNotify(
  ctx: BotContext,
  deps: BotDeps,
  kind: NotificationKind,
  level: NotificationLevel,
): Promise<void> {
  await setNotificationPreferences(deps, accountOf(ctx).userId, { levels: { [kind]: level } });
  await notifyCommand(ctx, deps, '✓ Saved.');
}

export async function setNotifyAll(ctx: BotContext, deps: BotDeps, enabled: boolean): Promise<void> {
  await setNotificationPreferences(deps, accountOf(ctx).userId, { enabled });
  await notifyCommand(ctx, deps, '✓ Saved.');
}
