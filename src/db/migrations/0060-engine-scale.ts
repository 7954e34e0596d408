// The copy engine at scale (issue 14):
// - trade_queue.claim_rank: a hash of (fill, relationship), the order in which the copies of one
//   fill are claimed within a priority level. Claims used to follow relationship ids, so the same
//   followers were always last in a large fan-out (and got the worst prices); a hash favours no one
//   and differs from fill to fill. Stored (generated), so the claim's index covers it.
// - idx_trade_queue_claim: the claim's scan, pending rows in (priority, fan-out time, rank) order.
// - idx_copy_decisions_queue: the executor writes each copy's decision by queue_id (was a scan).
// - idx_copy_positions_user_all: exposure sums `copy_positions WHERE user_id = …`, which the partial
//   index on open positions (shares > 0) cannot serve.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE trade_queue
      ADD COLUMN claim_rank integer GENERATED ALWAYS AS
        (hashtext(coalesce(source_fill_key, '') || ':' || copy_relationship_id::text)) STORED;
    CREATE INDEX idx_trade_queue_claim ON trade_queue (priority, created_at, claim_rank, id)
      WHERE status = 'pending';
    CREATE INDEX idx_copy_decisions_queue ON copy_decisions (queue_id) WHERE queue_id IS NOT NULL;
    CREATE INDEX idx_copy_positions_user_all ON copy_positions (user_id);
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP INDEX IF EXISTS idx_copy_positions_user_all;
    DROP INDEX IF EXISTS idx_copy_decisions_queue;
    DROP INDEX IF EXISTS idx_trade_queue_claim;
    ALTER TABLE trade_queue DROP COLUMN IF EXISTS claim_rank;
    `,
    )
    .execute(db);
}
