// Edits a relationship's settings, switches its mode, pauses or resumes it. A stopped relationship
// cannot be edited (follow the trader again instead).
import { sql } from 'kysely';
import type { Clock } from '../auth/clock.ts';
import { withTransaction, type Db } from '../db/client.ts';
import { AppError, notFound } from './app-error.ts';
import {
  checkSettings,
  lockUser,
  requireActiveCredential,
  settingsToColumns,
  type FollowSettings,
} from './follow-settings.ts';
import { toFollowView, type FollowView } from './follow-view.ts';

export interface UpdateFollowInput extends FollowSettings {
  mode?: 'live' | 'paper';
  status?: 'active' | 'paused';
}

export async function updateFollow(
  deps: { db: Db; clock: Clock },
  userId: string,
  id: string,
  input: UpdateFollowInput,
): Promise<FollowView> {
  return withTransaction(deps.db, async (tx) => {
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
    checkSettings(
      {
        maxInvestmentPerTradeUsd: input.maxInvestmentPerTradeUsd ?? row.max_investment_per_trade_usd,
        maxTotalExposureUsd: input.maxTotalExposureUsd ?? row.max_total_exposure_usd,
        minTradeSizeUsd: input.minTradeSizeUsd === undefined ? row.min_trade_size_usd : input.minTradeSizeUsd,
        allowedMarkets: input.allowedMarkets === undefined ? row.allowed_markets : input.allowedMarkets,
        excludedMarkets: input.excludedMarkets === undefined ? row.excluded_markets : input.excludedMarkets,
      },
      user,
    );
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
    const statusChange =
      input.status && input.status !== row.status
        ? { status: input.status, paused_at: input.status === 'paused' ? deps.clock() : null }
        : {};
    const updated = await tx
      .updateTable('copy_relationships')
      .set({ ...settingsToColumns(input), ...(input.mode ? { mode: input.mode } : {}), ...statusChange })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toFollowView(updated);
  });
}
