// Venue faults on order placement — 429s (with Retry-After), 500s (the order's fate unknown) and
// responses dropped after the exchange accepted the order — while live copies run. Every queue row
// must end executed exactly once (one accepted order in the simulator's ledger, one copy trade) or
// failed / skipped with a reason; an order whose response was lost must be found, not sent again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionOutcome } from '../../../src/execution/execute-claim.ts';
import type { QueueRow } from '../../../src/execution/queue-claims.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  buildWorld,
  copiesOf,
  detectorFor,
  EngineSim,
  leaderBuy,
  newLiveFollower,
  newTrader,
  queueRowsOf,
  unfinishedRows,
  waitFor,
  workerFor,
  type Follower,
} from './engine-harness.ts';

let sim: EngineSim;

beforeAll(async () => {
  sim = await EngineSim.start(47);
});
afterAll(async () => {
  await sim?.close();
});

describe('venue faults during live copies', () => {
  const t = useTestDatabase();

  it('ends every row executed once or failed with a reason; the ledger shows no duplicate order', async () => {
    const db = t.current.db;
    const world = await buildWorld(sim, db, t.current.url);
    const market = await sim.binaryMarket(0);
    const token = market.tokens[0]!.tokenId;
    const leader = await newTrader(sim);
    await sim.fund(leader.signer.address, '10000');
    const followers: Follower[] = [];
    for (let i = 0; i < 8; i++)
      followers.push(
        await newLiveFollower(world, leader.address, {
          pusd: '100',
          settings: { proportionalityFactor: '0.1' },
        }),
      );
    const outcomes: Array<{ row: QueueRow; outcome: ExecutionOutcome }> = [];
    const detector = detectorFor(world);
    const worker = workerFor(world, { concurrency: 4, housekeepingMs: 500 }, outcomes);
    try {
      await detector.start();
      await waitFor(db, 'the detector to lead', () => detector.isLeader);

      await sim.syncClock();
      await sim.setBook(token, [['0.40', '500']], [['0.50', '2000']]);
      // Two leader fills: 16 copies queued before the worker starts.
      await leaderBuy(leader, token, '50', '0.50');
      await leaderBuy(leader, token, '60', '0.50');
      await waitFor(db, 'both fills fanned out', async () => detector.stats.recorded === 2);
      // Faults on order placement only (reads stay clean, so every outcome is about the order).
      await sim.faults({
        reset: true,
        rate429: 0.2,
        rate5xx: 0.2,
        status5xx: 500,
        dropNextOrderResponses: 3,
        paths: ['/order'],
      });
      await worker.start();
      await waitFor(db, 'every row to finish', async () => (await unfinishedRows(db)) === 0, 90_000);
    } finally {
      await sim.faults({ reset: true });
      await worker.stop();
      await detector.stop();
      await world.api.app.close();
    }

    let executed = 0;
    const dropped: string[] = [];
    const completedOrders = new Set<string>();
    for (const f of followers) {
      const rows = await queueRowsOf(db, f.userId);
      expect(rows).toHaveLength(2);
      const ledger = await sim.ledger(f.trader.creds.apiKey);
      const accepted = ledger.filter((e) => e.accepted).map((e) => e.orderHash);
      dropped.push(...ledger.filter((e) => e.responseDropped).map((e) => e.orderHash));
      // No order accepted twice, and every accepted order is a completed row's order.
      expect(new Set(accepted).size).toBe(accepted.length);
      const completed = rows.filter((r) => r.status === 'completed');
      expect(new Set(accepted)).toEqual(new Set(completed.map((r) => r.venue_order_id)));
      const copies = await copiesOf(db, f.userId);
      expect(copies.map((c) => c.queue_id).sort()).toEqual(completed.map((r) => r.id).sort());
      for (const r of rows) {
        const decision = await db
          .selectFrom('copy_decisions')
          .selectAll()
          .where('queue_id', '=', r.id)
          .executeTakeFirstOrThrow();
        if (r.status === 'completed') {
          executed += 1;
          completedOrders.add(r.venue_order_id!);
          expect(decision.outcome).toBe('executed');
        } else {
          expect(['failed', 'cancelled']).toContain(r.status);
          expect(r.error_message).toBeTruthy();
          expect(['failed', 'skipped']).toContain(decision.outcome);
          expect(decision.reason).toBeTruthy();
        }
      }
    }
    // The faults really happened: retries after 429s and after 500s, and three dropped responses,
    // each of whose orders was then found and recorded rather than placed again.
    const retryKinds = new Set(
      outcomes.flatMap((o) => (o.outcome.kind === 'retry' ? [o.outcome.errorKind] : [])),
    );
    expect(retryKinds).toContain('rate_limited');
    expect(retryKinds).toContain('unknown_outcome');
    expect(dropped).toHaveLength(3);
    for (const hash of dropped) expect(completedOrders.has(hash)).toBe(true);
    expect(executed).toBeGreaterThanOrEqual(12);
  }, 120_000);
});
