// The queue row's stage (src/domain/queue-stage.ts): who owns the row's outcome — the workers
// (`execution`), the reconciler (`reconciliation`: the order may exist at the venue), an operator
// (`operator`: reconciliation gave up), or settled after being unknown (`reconciled`). It replaces
// reading `status = 'failed' AND error_message LIKE 'reconcile:%' / 'needs_operator:%'`; the messages
// stay for people, the stage is what code reads.
// - trade_queue.stage with a CHECK of the (status, stage) pairs the domain allows.
// - Backfill: failed rows marked `reconcile:` → reconciliation, `needs_operator:` → operator; so are
//   such rows a reconciler or an operator holds right now (processing keeps the message; a worker
//   only ever claims pending rows, whose messages never start so).
// - idx_trade_queue_reconcile is rebuilt on the stage; the queue purge keeps both unknown stages.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE trade_queue ADD COLUMN stage varchar(20) NOT NULL DEFAULT 'execution';
    UPDATE trade_queue SET stage = 'reconciliation'
     WHERE status IN ('failed', 'processing') AND error_message LIKE 'reconcile:%';
    UPDATE trade_queue SET stage = 'operator'
     WHERE status IN ('failed', 'processing') AND error_message LIKE 'needs_operator:%';
    ALTER TABLE trade_queue ADD CONSTRAINT trade_queue_stage_valid CHECK (
      stage = 'execution'
      OR (stage IN ('reconciliation', 'operator') AND status IN ('failed', 'processing'))
      OR (stage = 'reconciled' AND status IN ('completed', 'failed', 'cancelled')));

    DROP INDEX IF EXISTS idx_trade_queue_reconcile;
    CREATE INDEX idx_trade_queue_reconcile ON trade_queue (completed_at, id)
      WHERE status = 'failed' AND stage = 'reconciliation';

    CREATE OR REPLACE FUNCTION polycopy_purge_trade_queue(keep interval DEFAULT interval '7 days') RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
      deleted bigint;
    BEGIN
      DELETE FROM trade_queue
      WHERE status IN ('completed', 'failed', 'cancelled')
        AND (completed_at < now() - keep OR (created_at < now() - keep AND status = 'failed'))
        AND stage NOT IN ('reconciliation', 'operator');
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
        AND (completed_at < now() - keep OR (created_at < now() - keep AND status = 'failed'))
        AND NOT (status = 'failed'
                 AND coalesce(error_message LIKE 'reconcile:%' OR error_message LIKE 'needs_operator:%', false));
      GET DIAGNOSTICS deleted = ROW_COUNT;
      RETURN deleted;
    END;
    $$;
    DROP INDEX IF EXISTS idx_trade_queue_reconcile;
    CREATE INDEX idx_trade_queue_reconcile ON trade_queue (completed_at, id)
      WHERE status = 'failed' AND error_message LIKE 'reconcile:%';
    ALTER TABLE trade_queue DROP CONSTRAINT IF EXISTS trade_queue_stage_valid, DROP COLUMN IF EXISTS stage;
    `,
    )
    .execute(db);
}
