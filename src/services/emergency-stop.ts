// A user's emergency stop, in one transaction: every active relationship is paused; every pending
// copy in the queue is cancelled (its decision becomes skipped with reason `emergency_stop`, and a
// copy.skipped event goes to the user's live stream on commit) — exits already queued (stop-loss,
// take-profit, close) are kept, since they only reduce risk; with closePositions, a closing SELL
// (purpose 'close', priority 1) is queued for every open position, priced against its latest mark
// (the scheduler marks every 30 s) with the relationship's max slippage. Closes are risk exits, so
// the executor runs them although the relationship is paused. Rows already in flight (processing)
// finish or are refused by the executor's gates: a copy of a paused relationship is skipped
// `relationship_paused`. So is a pending row whose order identity was already persisted
// (signed_at: a retry after an attempt that may have reached the venue): cancelling it here would
// skip the executor's look-up and could hide a real fill, so it is left for the worker, which looks
// the order up first and otherwise skips it for the pause. An `emergency_stop` position event
// records what was done. Repeating it is harmless: nothing is left to pause or cancel, and a close
// already queued is not queued twice.
import type { Clock } from '../auth/clock.ts';
import { sql } from 'kysely';
import { withTransaction, type Db, type Tx } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import { reasonMessage } from '../domain/skip-reasons.ts';
import { publishDecided } from '../events/engine-events.ts';
import { exitFor, openPositions, queueExits } from '../positions/exits.ts';
import { withSecondFactor, type TwoFactorDeps } from './two-factor.ts';

export interface EmergencyStopResult {
  readonly pausedRelationships: number;
  readonly cancelledQueueRows: number;
  readonly closeOrdersQueued: number;
}

/** The emergency stop without a second factor (internal callers; the API uses userEmergencyStop). */
export async function emergencyStop(
  deps: { db: Db; clock: Clock },
  userId: string,
  opts: { closePositions: boolean },
): Promise<EmergencyStopResult> {
  return withTransaction(deps.db, (tx) => emergencyStopIn(tx, deps.clock(), userId, opts));
}

/** The user's own emergency stop: with 2FA on, a fresh code spent in the stop's transaction. */
export async function userEmergencyStop(
  deps: TwoFactorDeps,
  userId: string,
  opts: { closePositions: boolean },
  totp: string | undefined,
): Promise<EmergencyStopResult> {
  return withSecondFactor(deps, userId, totp, (tx) => emergencyStopIn(tx, deps.clock(), userId, opts));
}

async function emergencyStopIn(
  tx: Tx,
  at: Date,
  userId: string,
  opts: { closePositions: boolean },
): Promise<EmergencyStopResult> {
  // Serialise with the executor's admission (it locks the user's row too).
  await sql`SELECT 1 FROM users WHERE id = ${userId} FOR UPDATE`.execute(tx);
  const paused = await tx
    .updateTable('copy_relationships')
    .set({ status: 'paused', paused_at: at })
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .returning('id')
    .execute();
  const message = `emergency_stop: ${reasonMessage('emergency_stop')}`;
  const cancelled = await tx
    .updateTable('trade_queue')
    .set({ status: 'cancelled', completed_at: at, error_message: message })
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .where('purpose', '=', 'copy')
    .where('signed_at', 'is', null)
    .returning('id')
    .execute();
  if (cancelled.length > 0) {
    const decided = await tx
      .updateTable('copy_decisions')
      .set({
        outcome: 'skipped',
        reason: 'emergency_stop',
        detail: reasonMessage('emergency_stop'),
        decided_at: at,
      })
      .where(
        'queue_id',
        'in',
        cancelled.map((c) => c.id),
      )
      .where('outcome', '=', 'queued')
      .returning(['user_id', 'copy_relationship_id', 'fill_key', 'queue_id'])
      .execute();
    // One copy.skipped per cancelled copy, as the worker sends for its own skips; NOTIFY delivers
    // them only if this transaction commits.
    for (const d of decided)
      await publishDecided(tx, d, d.queue_id!, 'skipped', 'emergency_stop', reasonMessage('emergency_stop'));
  }
  let closeOrdersQueued = 0;
  if (opts.closePositions) {
    const positions = await openPositions(tx, { userId });
    const queued = await queueExits(
      tx,
      positions.map((p) =>
        exitFor(
          p,
          'close',
          new Decimal(p.mark_price),
          `emergency stop: selling ${new Decimal(p.shares).toFixed()} shares near ${new Decimal(p.mark_price).toFixed()}`,
        ),
      ),
      at,
    );
    closeOrdersQueued = queued.length;
  }
  await tx
    .insertInto('position_events')
    .values({
      user_id: userId,
      kind: 'emergency_stop',
      detail:
        `emergency stop: ${paused.length} relationship(s) paused, ${cancelled.length} pending row(s) cancelled` +
        (opts.closePositions ? `, ${closeOrdersQueued} closing sell(s) queued` : ', positions kept'),
    })
    .execute();
  return {
    pausedRelationships: paused.length,
    cancelledQueueRows: cancelled.length,
    closeOrdersQueued,
  };
}
