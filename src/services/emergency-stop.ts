// A user's emergency stop, in one transaction: every active relationship is paused; every pending
// copy in the queue is cancelled (its decision becomes skipped with reason `emergency_stop`) —
// exits already queued (stop-loss, take-profit, close) are kept, since they only reduce risk; with closePositions, a closing SELL (purpose 'close', priority 1) is queued for
// every open position, priced against its latest mark (the scheduler marks every 30 s) with the
// relationship's max slippage. Closes are risk exits, so the executor runs them although the
// relationship is paused. Rows already in flight (processing) finish or are refused by the
// executor's gates: a copy of a paused relationship is skipped `relationship_paused`. An
// `emergency_stop` position event records what was done. Repeating it is harmless: nothing is
// left to pause or cancel, and a close already queued is not queued twice.
import type { Clock } from '../auth/clock.ts';
import { sql } from 'kysely';
import { withTransaction, type Db } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import { reasonMessage } from '../domain/skip-reasons.ts';
import { exitFor, openPositions, queueExits } from '../positions/exits.ts';

export interface EmergencyStopResult {
  readonly pausedRelationships: number;
  readonly cancelledQueueRows: number;
  readonly closeOrdersQueued: number;
}

export async function emergencyStop(
  deps: { db: Db; clock: Clock },
  userId: string,
  opts: { closePositions: boolean },
): Promise<EmergencyStopResult> {
  const at = deps.clock();
  return withTransaction(deps.db, async (tx) => {
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
      .returning('id')
      .execute();
    if (cancelled.length > 0) {
      await tx
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
        .execute();
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
  });
}
