// Closes ONE position of a follow on the person's request — while following, or after stopping with
// "keep" — so a person chooses per position what to keep and what to sell (stopping with "close"
// sells them all). The sell is a `close` exit like the ones the position engine queues
// (src/positions/exits.ts): every share the follow holds in the token, limited at its latest mark
// less the exit tolerance, priority 1, one pending or in flight per position.
import type { Clock } from '../auth/clock.ts';
import { withTransaction, type Db, type Tx } from '../db/client.ts';
import { isDust } from '../domain/dust.ts';
import { Decimal, toWire } from '../domain/money.ts';
import { exitFor, openPositions, queueExits } from '../positions/exits.ts';
import { AppError, notFound } from './app-error.ts';

export interface ClosedPositionView {
  relationshipId: string;
  assetId: string;
  shares: string;
  limitedNear: string;
  queueId: string;
}

export async function closeFollowPosition(
  deps: { db: Db; clock: Clock },
  userId: string,
  relationshipId: string,
  assetId: string,
): Promise<ClosedPositionView> {
  return withTransaction(deps.db, async (tx) => {
    const rel = await tx
      .selectFrom('copy_relationships')
      .select('id')
      .where('user_id', '=', userId)
      .where('id', '=', relationshipId)
      .forUpdate()
      .executeTakeFirst();
    if (!rel) throw notFound('relationship');
    const position = (await openPositions(tx, { userId })).find(
      (p) => p.rel_id === relationshipId && p.asset_id === assetId,
    );
    if (!position) {
      await refuseDust(tx, relationshipId, assetId);
      throw notFound('open position');
    }
    const mark = new Decimal(position.mark_price);
    const queued = await queueExits(
      tx,
      [
        exitFor(
          position,
          'close',
          mark,
          `closed by you: selling ${new Decimal(position.shares).toFixed()} shares near ${mark.toFixed()}`,
        ),
      ],
      deps.clock(),
    );
    const q = queued[0];
    if (!q) throw new AppError('conflict', 'a closing sell of this position is already pending');
    return {
      relationshipId,
      assetId,
      shares: toWire(new Decimal(position.shares)),
      limitedNear: toWire(mark),
      queueId: q.queueId,
    };
  });
}

/** A dust position exists but no order can sell it: say so, rather than "not found". */
async function refuseDust(tx: Tx, relationshipId: string, assetId: string): Promise<void> {
  const held = await tx
    .selectFrom('copy_positions')
    .select('shares')
    .where('copy_relationship_id', '=', relationshipId)
    .where('asset_id', '=', assetId)
    .executeTakeFirst();
  if (held && isDust(new Decimal(held.shares)))
    throw new AppError(
      'conflict',
      `dust: ${new Decimal(held.shares).toFixed()} shares is less than any order can sell; it settles when the market resolves`,
    );
}
