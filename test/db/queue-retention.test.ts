// The seed's trade_queue retention: completed rows older than 7 days and failed rows created more
// than 7 days ago go; nothing pending or processing ever does, nor a row awaiting reconciliation.
import { describe, expect, it } from 'vitest';
import { purgeTradeQueue } from '../../src/db/maintenance.ts';
import { insertQueueRow, insertRelationship, insertTrader, insertUser } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

describe('trade_queue retention', () => {
  const t = useTestDatabase();

  it('purges exactly the rows the seed rule names', async () => {
    const db = t.current.db;
    const user = await insertUser(db);
    const trader = await insertTrader(db);
    const rel = await insertRelationship(db, user.id, trader.wallet_address);
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    const row = (values: Parameters<typeof insertQueueRow>[3]) => insertQueueRow(db, user.id, rel.id, values);

    const gone = [
      await row({ status: 'completed', created_at: daysAgo(9), completed_at: daysAgo(8) }),
      await row({ status: 'failed', created_at: daysAgo(8) }),
      await row({ status: 'failed', created_at: daysAgo(9), completed_at: daysAgo(8) }),
      await row({ status: 'cancelled', created_at: daysAgo(9), completed_at: daysAgo(8) }),
    ];
    const kept = [
      await row({ status: 'completed', created_at: daysAgo(9), completed_at: daysAgo(6) }),
      await row({ status: 'failed', created_at: daysAgo(6) }),
      await row({ status: 'pending', created_at: daysAgo(30) }),
      // A row still being worked on keeps its data even if a stale completed_at is set.
      await row({
        status: 'processing',
        created_at: daysAgo(30),
        completed_at: daysAgo(20),
        lease_expires_at: new Date(),
      }),
      await row({ status: 'cancelled', created_at: daysAgo(30) }),
      // An order of unknown fate, awaiting reconciliation or an operator, is the only record of
      // what may exist at the venue (0011-reconciliation).
      await row({
        status: 'failed',
        created_at: daysAgo(30),
        completed_at: daysAgo(20),
        stage: 'reconciliation',
        error_message: 'reconcile: unknown_outcome: response lost',
      }),
      await row({
        status: 'failed',
        created_at: daysAgo(30),
        completed_at: daysAgo(20),
        stage: 'operator',
        error_message: 'needs_operator: the order may exist at the venue',
      }),
    ];

    expect(await purgeTradeQueue(db, 7)).toBe(gone.length);
    const left = (await db.selectFrom('trade_queue').select('id').orderBy('id').execute()).map((r) => r.id);
    expect(left).toEqual(kept.map((r) => r.id));
    expect(await purgeTradeQueue(db, 7)).toBe(0);
    // A shorter retention takes the younger finished rows too.
    expect(await purgeTradeQueue(db, 5)).toBe(2);
  });
});
