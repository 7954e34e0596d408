// Edits a relationship's settings, switches its mode, pauses or resumes it. A stopped relationship
// cannot be edited (follow the trader again instead). Pausing records that the person paused it;
// resuming (status: active) is the only way out of a pause, the circuit breaker's included, and
// starts its count of failed copies again from zero. Switching to live mode needs a fresh 2FA code
// when 2FA is on (as following in live mode does).
import { sql } from 'kysely';
import type { Clock } from '../auth/clock.ts';
import { withTransaction, type Db, type Tx } from '../db/client.ts';
import { settingsOfRow } from '../db/relationship-settings.ts';
import type { MasterKey } from '../vault/master-key.ts';
import { withSecondFactor } from './two-factor.ts';
import { AppError, notFound } from './app-error.ts';
import {
  checkSettings,
  lockUser,
  mergeSettings,
  refreshSizingInputs,
  requireActiveCredential,
  settingsToColumns,
  type FollowSettings,
  type SizingSnapshots,
} from './follow-settings.ts';
import { toFollowView, type FollowView } from './follow-view.ts';

export interface UpdateFollowInput extends FollowSettings {
  mode?: 'live' | 'paper' | undefined;
  status?: 'active' | 'paused' | undefined;
}

export async function updateFollow(
  deps: { db: Db; clock: Clock; masterKey: MasterKey; sizingSnapshots?: SizingSnapshots | undefined },
  userId: string,
  id: string,
  input: UpdateFollowInput,
  totp?: string,
): Promise<FollowView> {
  // The code is asked for any request naming live mode (a no-op switch included): whether the row
  // is live already is only known under the lock, and asking less often would leak it.
  const run = <T>(work: (tx: Tx) => Promise<T>) =>
    input.mode === 'live' ? withSecondFactor(deps, userId, totp, work) : withTransaction(deps.db, work);
  const view = await run(async (tx) => {
    const user = await lockUser(tx, userId);
    const row = await tx
      .selectFrom('copy_relationships')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('relationship');
    if (row.status === 'stopped')
      throw new AppError('conflict', 'the relationship is stopped; follow the trader again');
    const { mode: _mode, status: _status, ...settings } = input;
    checkSettings(mergeSettings(settingsOfRow(row), settings), user);
    const mode = input.mode ?? row.mode;
    if (input.mode && input.mode !== row.mode) {
      // Shares bought in one mode can only be sold in that mode (paper shares do not exist at the
      // venue; live ones are not in the paper ledger), and positions do not record a mode: so a
      // relationship switches mode only when it holds nothing and has nothing in flight.
      const busy = await tx
        .selectFrom('copy_positions')
        .select(sql<number>`1`.as('x'))
        .where('copy_relationship_id', '=', id)
        .where('shares', '>', '0')
        .union(
          tx
            .selectFrom('trade_queue')
            .select(sql<number>`1`.as('x'))
            .where('copy_relationship_id', '=', id)
            .where('status', 'in', ['pending', 'processing']),
        )
        .limit(1)
        .executeTakeFirst();
      if (busy)
        throw new AppError(
          'conflict',
          `the relationship holds ${row.mode} positions or has copies in flight; close them (or stop with "close all") before switching to ${input.mode}`,
        );
    }
    if (mode === 'live' && (input.mode === 'live' || input.status === 'active'))
      await requireActiveCredential(tx, userId);
    const updated = await tx
      .updateTable('copy_relationships')
      .set({
        ...settingsToColumns(settings),
        ...(input.mode ? { mode: input.mode } : {}),
        ...statusChange(row.status, input.status, deps.clock()),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toFollowView(updated);
  });
  await refreshSizingInputs(deps.sizingSnapshots, { userId, ...view });
  return view;
}

/** The columns a pause or a resume changes (nothing when the status stays). */
function statusChange(current: 'active' | 'paused', wanted: 'active' | 'paused' | undefined, now: Date) {
  if (!wanted || wanted === current) return {};
  if (wanted === 'paused')
    return { status: 'paused' as const, paused_at: now, pause_reason: 'user' as const, pause_detail: null };
  return {
    status: 'active' as const,
    paused_at: null,
    pause_reason: null,
    pause_detail: null,
    consecutive_failures: 0,
  };
}
