// The API key's daily spend reservation a live BUY takes at admission (trade_queue.reserved_spend_usd)
// is given back when its order provably bought nothing. Shared by the executor and the reconciler so
// both release it the same way: exactly once (the row's reservation is cleared in the same statement
// that credits the key back), never below zero. (RETURNING gives the row's new value, NULL, so the
// amount comes from the row as read.)
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import type { QueueRow } from './queue-claims.ts';

export type SpendHolder = Pick<QueueRow, 'id' | 'api_key_id' | 'reserved_spend_usd'>;

/** Gives the row's reserved spend back to its API key; a second call releases nothing. */
export async function releaseSpend(db: Db | Tx, row: SpendHolder): Promise<void> {
  if (!row.api_key_id || row.reserved_spend_usd === null) return;
  await sql`
    WITH r AS (
      UPDATE trade_queue SET reserved_spend_usd = NULL WHERE id = ${row.id} AND reserved_spend_usd IS NOT NULL
      RETURNING reserved_spend_usd
    )
    UPDATE polymarket_api_keys k SET daily_spent_usd = GREATEST(0, k.daily_spent_usd - ${row.reserved_spend_usd}::numeric)
    FROM r WHERE k.id = ${row.api_key_id}`.execute(db);
}
