// The cheap part of the leader metrics, refreshed more often than the full recompute:
// follower_count (active and paused relationships) and total_copied_volume_usd (entry value of the
// leader's copy trades — money followers put into copies; an index-only scan of
// idx_trades_copy_leader). Only rows whose figures changed are written, so a quiet minute writes
// nothing and takes no row locks. The full recompute sets the same two figures the same way.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';

export async function refreshFollowerFigures(db: Db): Promise<{ updated: number }> {
  const r = await sql`
    UPDATE traders t
       SET follower_count = x.followers, total_copied_volume_usd = x.copied
      FROM (SELECT tr.wallet_address, COALESCE(f.n, 0)::int AS followers, COALESCE(c.volume, 0) AS copied
              FROM traders tr
              LEFT JOIN (SELECT trader_wallet_address AS w, count(*) AS n FROM copy_relationships
                          WHERE status IN ('active', 'paused') GROUP BY 1) f ON f.w = tr.wallet_address
              LEFT JOIN (SELECT trader_wallet_address AS w, sum(entry_value_usd) AS volume FROM trades
                          WHERE is_copy_trade GROUP BY 1) c ON c.w = tr.wallet_address) x
     WHERE t.wallet_address = x.wallet_address
       AND (t.follower_count, t.total_copied_volume_usd) IS DISTINCT FROM (x.followers, x.copied)`.execute(
    db,
  );
  return { updated: Number(r.numAffectedRows ?? 0n) };
}
