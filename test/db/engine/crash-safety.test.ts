// A worker process killed with SIGKILL mid-batch, at three points of a live copy: after the claim,
// after the order's identity is persisted (before sending), after the exchange accepted the order
// (before recording it). A fresh worker with a short lease then finishes every row. The simulator's
// ledger per API key proves no order was placed twice; no row stays pending or processing; every
// executed row has exactly one copy trade. Followers are funded for one copy only, so a retry that
// re-judged an already placed order as new would refuse it for want of balance and lose the copy.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import type { CopyWorker } from '../../../src/execution/worker.ts';
import type { LeaderFillDetector } from '../../../src/ingest/detector.ts';
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
  type EngineWorld,
  type Follower,
} from './engine-harness.ts';

let sim: EngineSim;

beforeAll(async () => {
  sim = await EngineSim.start(43);
});
afterAll(async () => {
  await sim?.close();
});

function startWorkerProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> }> {
  const child = spawn(
    process.execPath,
    [resolve('bin/run-ts.mjs'), resolve('test/db/engine/fixtures/crash-worker.ts')],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<NodeJS.Signals | number | null>((ok) =>
    child.once('exit', (code, signal) => ok(signal ?? code)),
  );
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) ok({ child, exited });
    });
    void exited.then((how) => fail(new Error(`worker process exited before ready: ${String(how)}`)));
  });
}

describe('a worker process killed with SIGKILL', () => {
  const t = useTestDatabase();
  let world: EngineWorld;
  let detector: LeaderFillDetector | undefined;
  let worker: CopyWorker | undefined;
  let child: ChildProcess | undefined;
  let marketIndex = 0;

  beforeAll(async () => {
    world = await buildWorld(sim, t.current.db, t.current.url);
  });
  afterAll(async () => {
    await world?.api.app.close();
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
    await worker?.stop();
    await detector?.stop();
    worker = undefined;
    detector = undefined;
  });

  for (const point of ['claim', 'persisted', 'sent'] as const) {
    it(`at "${point}" leaves no order placed twice and no row stuck`, async () => {
      const db = t.current.db;
      const market = await sim.binaryMarket(marketIndex++);
      const token = market.tokens[0]!.tokenId;
      const leader = await newTrader(sim);
      await sim.fund(leader.signer.address, '10000');
      const followers: Follower[] = [];
      // One copy costs $5 + a fee of a few cents: $6 pays for exactly one.
      for (let i = 0; i < 4; i++)
        followers.push(
          await newLiveFollower(world, leader.address, {
            pusd: '6',
            settings: { proportionalityFactor: '0.1' },
          }),
        );

      const proc = await startWorkerProcess({
        DATABASE_URL: t.current.url,
        SIM_URL: sim.url,
        MASTER_KEY: world.api.masterKey.toBase64(),
        DIE_AT: point,
        LEASE_MS: '1500',
        // Two lanes over a batch of four: when one copy dies the other is mid-flight and two are
        // claimed but not started.
        CONCURRENCY: '2',
      });
      child = proc.child;
      detector = detectorFor(world);
      await detector.start();
      await waitFor(db, 'the detector to lead', () => detector!.isLeader);

      await sim.syncClock();
      await sim.setBook(token, [['0.40', '500']], [['0.50', '1000']]);
      await leaderBuy(leader, token, '50', '0.50');

      const how = await Promise.race([
        proc.exited,
        new Promise((r) => setTimeout(() => r('timeout'), 30_000)),
      ]);
      expect(how).toBe('SIGKILL');
      const atDeath = await db
        .selectFrom('trade_queue')
        .selectAll()
        .where(
          'user_id',
          'in',
          followers.map((f) => f.userId),
        )
        .execute();
      expect(atDeath).toHaveLength(4);
      // The dead worker still holds rows: nothing finished them.
      expect(atDeath.some((r) => r.status === 'processing')).toBe(true);
      if (point !== 'claim') expect(atDeath.some((r) => r.signed_at !== null)).toBe(true);
      const sentBeforeDeath = (
        await Promise.all(followers.map((f) => sim.acceptedOrders(f.trader.creds.apiKey)))
      ).flat();
      if (point === 'sent') expect(sentBeforeDeath.length).toBeGreaterThanOrEqual(1);
      else expect(sentBeforeDeath.length).toBeLessThan(4);

      // A fresh worker: short lease and frequent housekeeping return the dead worker's rows.
      worker = workerFor(world, { leaseMs: 1_500, housekeepingMs: 200 });
      await worker.start();
      await waitFor(db, 'every row to finish', async () => (await unfinishedRows(db)) === 0, 45_000);

      for (const f of followers) {
        const rows = await queueRowsOf(db, f.userId);
        expect(rows).toHaveLength(1);
        const row = rows[0]!;
        expect(row.status, `${row.status}: ${row.error_message}`).toBe('completed');
        // Exactly one order reached the exchange for this follower, and it is the recorded one.
        const accepted = await sim.acceptedOrders(f.trader.creds.apiKey);
        expect(accepted).toEqual([row.venue_order_id]);
        const copies = await copiesOf(db, f.userId);
        expect(copies).toHaveLength(1);
        expect(copies[0]).toMatchObject({ queue_id: row.id, copy_tx_hash: row.venue_order_id });
        expect(new Decimal(copies[0]!.quantity).toFixed()).toBe('10');
        const decision = await db
          .selectFrom('copy_decisions')
          .selectAll()
          .where('queue_id', '=', row.id)
          .executeTakeFirstOrThrow();
        expect(decision).toMatchObject({ outcome: 'executed', copy_trade_id: copies[0]!.id });
        expect((await f.trader.venue.getTokenBalance(token)).balance.toFixed()).toBe('10');
      }
    });
  }
});
