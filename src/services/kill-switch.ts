// The global kill switch (admin): platform_controls.kill_switch. Every worker reads it before every
// order and skips the row with reason `kill_switch` while it is on; detection and fan-out keep
// recording leader fills (so nothing is lost and copies resume on their own once rows are queued
// again). Turning it on requires a reason; who changed it and when are kept. Through the API
// (adminSetKillSwitch) the change also needs the admin's step-up code when their 2FA is on, and is
// written to the admin audit trail in the same transaction. Administrators with the bot get an
// operator alert of every change (written with the change, so only a committed change is told).
import type { Db, Tx } from '../db/client.ts';
import { enqueueOperatorAlert } from '../events/notification-outbox.ts';
import { writeAdminAudit } from './admin-audit.ts';
import type { AdminActor } from './admin-users.ts';
import { AppError } from './app-error.ts';
import { withSecondFactor, type TwoFactorDeps } from './two-factor.ts';

export interface KillSwitchView {
  readonly enabled: boolean;
  readonly reason: string | null;
  readonly updatedAt: string;
  readonly updatedBy: string | null;
}

function view(r: {
  kill_switch: boolean;
  kill_switch_reason: string | null;
  updated_at: Date;
  updated_by: string | null;
}): KillSwitchView {
  return {
    enabled: r.kill_switch,
    reason: r.kill_switch_reason,
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by,
  };
}

export async function getKillSwitch(deps: { db: Db }): Promise<KillSwitchView> {
  return view(await deps.db.selectFrom('platform_controls').selectAll().executeTakeFirstOrThrow());
}

export async function setKillSwitch(
  deps: { db: Db | Tx; clock: () => Date },
  /** Null for an operator at the command line (their name goes to the audit trail). */
  actorUserId: string | null,
  input: { enabled: boolean; reason?: string | null | undefined },
): Promise<KillSwitchView> {
  const reason = input.reason?.trim() || null;
  if (input.enabled && reason === null)
    throw new AppError('validation_failed', 'a reason is required to turn the kill switch on');
  const row = await deps.db
    .updateTable('platform_controls')
    .set({
      kill_switch: input.enabled,
      kill_switch_reason: reason,
      updated_at: deps.clock(),
      updated_by: actorUserId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  // Every administrator hears of the change (Telegram operator alert), in the change's transaction.
  await enqueueOperatorAlert(deps.db, {
    type: 'operator.alert',
    at: row.updated_at.toISOString(),
    data: { alert: 'kill_switch', enabled: row.kill_switch, reason: row.kill_switch_reason },
  });
  return view(row);
}

export async function adminSetKillSwitch(
  deps: TwoFactorDeps,
  actor: AdminActor,
  input: { enabled: boolean; reason?: string | null | undefined },
): Promise<KillSwitchView> {
  return withSecondFactor(deps, actor.userId, actor.totp, async (tx) => {
    const before = await tx.selectFrom('platform_controls').selectAll().forUpdate().executeTakeFirstOrThrow();
    const after = await setKillSwitch({ db: tx, clock: deps.clock }, actor.userId, input);
    await writeAdminAudit(tx, {
      actorUserId: actor.userId,
      action: 'kill_switch',
      detail: { from: before.kill_switch, to: after.enabled, reason: after.reason },
      ip: actor.meta.ip,
    });
    return after;
  });
}
