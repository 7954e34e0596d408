// Reconciliation of queue rows whose order's fate is unknown (src/execution/reconcile.ts):
// - trade_queue.reconcile_attempts: lookups the reconciler has made without learning the order's
//   fate; bounded, after which the row is flagged for an operator (error_message `needs_operator:`).
// - trade_queue.reconcile_after: the earliest time of the next lookup (backoff between rounds).
// - idx_trade_queue_reconcile: the reconciler's "oldest rows awaiting reconciliation" scan, over the
//   few rows marked `reconcile:` only.
// - polycopy_purge_trade_queue keeps rows awaiting reconciliation or an operator: they are the only
//   record of an order that may exist at the venue, and they still hold a spend reservation.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE trade_queue
      ADD COLUMN reconcile_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN reconcile_after    timestamptz,
      ADD CONSTRAINT trade_queue_reconcile_attempts_valid CHECK (reconcile_attempts >= 0);
    CREATE INDEX idx_trade_queue_reconcile ON trade_queue (completed_at, id)
      WHERE status = 'failed' AND error_message LIKE 'reconcile:%';

    CREATE OR REPLACE FUNCTION polycopy_purge_trade_queue(keep interval DEFAULT interval '7 days') RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
      deleted bigint;
    BEGIN
      DELETE FROM trade_queue
      WHERE status IN ('completed', 'failed', 'cancelled')
        AND (completed_at < now() - keep OR (created_at < now() - keep AND status = 'failed'))
        AND NOT (status = 'failed'
                 AND coalesce(error_message LIKE 'reconcile:%' OR error_message LIKE 'needs_operator:%', false));
      GET DIAGNOSTICS deleted = ROW_COUNT;
      RETURN deleted;
    END;
    $$;
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE OR REPLACE FUNCTION polycopy_purge_trade_queue(keep interval DEFAULT interval '7 days') RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
      deleted bigint;
    BEGIN
      DELETE FROM trade_queue
      WHERE status IN ('completed', 'failed', 'cancelled')
        AND (completed_at < now() - keep OR (created_at < now() - keep AND status = 'failed'));
      GET DIAGNOSTICS deleted = ROW_COUNT;
      RETURN deleted;
    END;
    $$;
    DROP INDEX IF EXISTS idx_trade_queue_reconcile;
    ALTER TABLE trade_queue
      DROP CONSTRAINT IF EXISTS trade_queue_reconcile_attempts_valid,
      DROP COLUMN IF EXISTS reconcile_after,
      DROP COLUMN IF EXISTS reconcile_attempts;
    `,
    )
    .execute(db);
}
