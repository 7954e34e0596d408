// A crash costs no follower a copy (issue 14, item 3; finding "loss after a crash, measured").
// One leader fill fanned out to 300 live followers, with the worker's production defaults (a short
// lease renewed by a heartbeat, housekeeping every second):
//   - the worker PROCESS is SIGKILLed mid fan-out and a fresh worker starts: the dead worker's
//     claims are taken over within seconds, rows it had signed are looked up before anything is
//     sent again, and every follower ends with exactly one copy (before: 7–48 of 300 followers lost
//     theirs, cancelled `expired` while the rows waited out a 30 s lease equal to the copy TTL).
// Followers are funded for one copy only, and the simulator's ledger per API key shows every order
// the exchange accepted: a second order for anyone would appear there.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopyWorker } from '../../../src/execution/worker.ts';
import type { LeaderFillDetector } from '../../../src/ingest/detector.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  buildWorld,
  detectorFor,
  EngineSim,
  leaderBuy,
  newTrader,
  unfinishedRows,
  waitFor,
  workerFor,
  type EngineWorld,
} from './engine-harness.ts';
import { expectEachCopiedOnce, seedLiveFollowers } from './many-followers.ts';

const FOLLOWERS = 300;

let sim: EngineSim;
beforeAll(async () => {
  sim = await EngineSim.start(47);
});
afterAll(async () => {
  await sim?.close();
});

function startWorkerProcess(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [resolve('bin/run-ts.mjs'), resolve('test/db/engine/fixtures/crash-worker.ts')],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<NodeJS.Signals | number | null>((ok) =>
    child.once('exit', (code, signal) => ok(signal ?? code)),
  );
  const ready = new Promise<void>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) ok();
    });
    void exited.then((how) => fail(new Error(`worker process exited before ready: ${String(how)}`)));
  });
  return { child, exited, ready };
}

const completed = async (db: EngineWorld['db']) =>
  Number(
    (await sql<{ n: string }>`SELECT count(*) AS n FROM trade_queue WHERE status = 'completed'`.execute(db))
      .rows[0]!.n,
  );

describe('a worker process SIGKILLed mid fan-out of 300 live followers', () => {
  const t = useTestDatabase();
  let world: EngineWorld;
  let detector: LeaderFillDetector | undefined;
  let worker: CopyWorker | undefined;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    world = await buildWorld(sim, t.current.db, t.current.url);
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await worker?.stop();
    await detector?.stop();
    await world?.api.app.close();
  });

  it('is restarted and every follower is copied exactly once', async () => {
    const db = t.current.db;
    const market = await sim.binaryMarket(0);
    const token = market.tokens[0]!.tokenId;
    const leader = await newTrader(sim);
    await sim.fund(leader.signer.address, '10000');
    // $6 pays for one $5 copy and its fee, not for two.
    const followers = await seedLiveFollowers(db, sim, world.api.masterKey, leader.address, FOLLOWERS, {
      pusd: '6',
      factor: '0.1',
    });

    const proc = startWorkerProcess({
      DATABASE_URL: t.current.url,
      SIM_URL: sim.url,
      MASTER_KEY: world.api.masterKey.toBase64(),
    });
    child = proc.child;
    await proc.ready;
    detector = detectorFor(world);
    await detector.start();
    await waitFor(db, 'the detector to lead', () => detector!.isLeader);

    await sim.syncClock();
    await sim.setBook(token, [['0.40', '500']], [['0.50', '100000']]);
    await leaderBuy(leader, token, '50', '0.50');

    // Mid fan-out: some copies done, most still to do.
    await waitFor(db, 'the first copies', async () => (await completed(db)) >= 20, 60_000);
    child.kill('SIGKILL');
    expect(await proc.exited).toBe('SIGKILL');
    const done = await completed(db);
    expect(done).toBeGreaterThanOrEqual(20);
    expect(done).toBeLessThan(FOLLOWERS);
    expect(await unfinishedRows(db)).toBeGreaterThan(0);
    // The dead worker's claims run out within one lease (5 s) of its last heartbeat, whatever it
    // held: it was 30 s before, as long as the copy TTL, so its rows expired instead of being copied.
    const { rows: held } = await sql<{ ms: number | null }>`
      SELECT (extract(epoch FROM max(lease_expires_at) - now()) * 1000)::int AS ms
        FROM trade_queue WHERE status = 'processing'`.execute(db);
    expect(held[0]!.ms).not.toBeNull();
    expect(held[0]!.ms!).toBeLessThanOrEqual(5_000);

    // The restarted worker: production defaults (5 s lease, housekeeping every second).
    worker = workerFor(world);
    await worker.start();
    await waitFor(db, 'every row to finish', async () => (await unfinishedRows(db)) === 0, 120_000);

    await expectEachCopiedOnce(db, sim, followers, '10');
  }, 240_000);
});
