// Migration 0110-queue-stage: existing rows get their stage from the old markers, the database
// accepts exactly the (status, stage) pairs the domain allows, and down restores the old schema.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateDown, migrateUp } from '../../src/db/migrator.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { QUEUE_STAGES, STAGE_STATUSES, type QueueStatus } from '../../src/domain/queue-stage.ts';
import { insertQueueRow, insertRelationship, insertTrader, insertUser } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

const STATUSES: QueueStatus[] = ['pending', 'processing', 'completed', 'failed', 'cancelled'];
/** A processing row holds a lease (trade_queue_processing_has_lease). */
const lease = (status: QueueStatus) =>
  status === 'processing'
    ? { lease_expires_at: new Date(Date.now() + 60_000), celery_task_id: `test-${Math.random()}` }
    : {};

describe('trade_queue.stage', () => {
  const t = useTestDatabase();

  it('backfills the stage from the old markers, and down drops it', async () => {
    const db = t.current.db;
    const user = await insertUser(db);
    const trader = await insertTrader(db);
    const rel = await insertRelationship(db, user.id, trader.wallet_address);
    const row = (status: QueueStatus, error_message: string | null) =>
      insertQueueRow(db, user.id, rel.id, { status, error_message, ...lease(status) });
    const rows = [
      await row('failed', 'reconcile: unknown_outcome: timeout'),
      await row('processing', 'reconcile: unknown_outcome: timeout'), // a reconciler holds it
      await row('failed', 'needs_operator: the order may exist at the venue'),
      await row('failed', 'order_rejected: not enough balance'),
      await row('completed', null),
      await row('pending', 'requeued by admin; last error: reconcile: unknown_outcome'),
    ];
    // Down through 0110-queue-stage (and the migrations after it), then up again.
    const names = Object.keys(migrations);
    const reverted = await migrateDown(db, names.length - names.indexOf('0110-queue-stage'));
    expect(reverted.at(-1)).toEqual(expect.objectContaining({ migrationName: '0110-queue-stage' }));
    const { rows: cols } = await sql<{ n: string }>`
      SELECT count(*) AS n FROM information_schema.columns
       WHERE table_name = 'trade_queue' AND column_name = 'stage'`.execute(db);
    expect(cols[0]!.n).toBe('0');
    await migrateUp(db);
    const stages = await db
      .selectFrom('trade_queue')
      .select(['id', 'stage'])
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('id')
      .execute();
    expect(stages.map((r) => r.stage)).toEqual([
      'reconciliation',
      'reconciliation',
      'operator',
      'execution',
      'execution',
      'execution',
    ]);
  });

  it('accepts exactly the (status, stage) pairs of the domain', async () => {
    const db = t.current.db;
    const user = await insertUser(db);
    const trader = await insertTrader(db);
    const rel = await insertRelationship(db, user.id, trader.wallet_address);
    for (const stage of QUEUE_STAGES)
      for (const status of STATUSES) {
        const attempt = insertQueueRow(db, user.id, rel.id, { status, stage, ...lease(status) });
        if (STAGE_STATUSES[stage].includes(status))
          await expect(attempt).resolves.toMatchObject({ status, stage });
        else await expect(attempt, `${status}/${stage}`).rejects.toThrow(/trade_queue_stage_valid/);
      }
  });
});
