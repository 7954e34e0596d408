// Stops a relationship: no further copies. The user's choice for its open positions is recorded
// ('keep' leaves them; 'close' asks the position engine to close them). follower_count drops in the
// same transaction. Stopping an already stopped relationship changes nothing.
import type { Clock } from '../auth/clock.ts';
import { withTransaction, type Db } from '../db/client.ts';
import type { StopPositions } from '../db/schema.ts';
import { notFound } from './app-error.ts';
import { toFollowView, type FollowView } from './follow-view.ts';

export async function stopFollow(
  deps: { db: Db; clock: Clock },
  userId: string,
  id: string,
  positions: StopPositions,
): Promise<FollowView> {
  return withTransaction(deps.db, async (tx) => {
    const row = await tx
      .selectFrom('copy_relationships')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('relationship');
    if (row.status === 'stopped') return toFollowView(row);
    const updated = await tx
      .updateTable('copy_relationships')
      .set({ status: 'stopped', stopped_at: deps.clock(), stop_positions: positions, paused_at: null })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('traders')
      .set((e) => ({ follower_count: e.fn('greatest', [e('follower_count', '-', 1), e.lit(0)]) }))
      .where('wallet_address', '=', row.trader_wallet_address)
      .execute();
    return toFollowView(updated);
  });
}
