// The seed's trade_queue retention rule as a function the scheduler calls:
//   DELETE FROM trade_queue WHERE completed_at < NOW() - INTERVAL '7 days'
//      OR (created_at < NOW() - INTERVAL '7 days' AND status = 'failed');
// restricted to finished rows, so a row still pending or processing is never deleted whatever its
// timestamps say. The retention period is a parameter (default the seed's 7 days).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE FUNCTION polycopy_purge_trade_queue(keep interval DEFAULT interval '7 days') RETURNS bigint
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
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP FUNCTION IF EXISTS polycopy_purge_trade_queue(interval)`).execute(db);
}
