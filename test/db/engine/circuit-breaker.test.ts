// The circuit breaker through the real engine on the simulator: a paper follow whose copies fail
// (the venue's order books answer 500, so every attempt fails and the queue runs out of retries)
// pauses itself after N failures IN A ROW — an executed copy in between starts the count again —
// says why (follow.paused on the live event stream, pausedReason / pauseDetail in the follow's view),
// skips the next fill as paused, and copies again only after its person resumes it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyWorker } from '../../../src/execution/worker.ts';
import { decodeUserEvent, USER_EVENTS_CHANNEL, type UserEventMessage } from '../../../src/events/publish.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  buildWorld,
  detectorFor,
  EngineSim,
  leaderBuy,
  logger,
  newTrader,
  waitFor,
  type EngineWorld,
} from './engine-harness.ts';
import { signUp } from '../vault/live-harness.ts';

let sim: EngineSim;
beforeAll(async () => {
  sim = await EngineSim.start(71);
});
afterAll(async () => {
  await sim?.close();
});

describe('circuit breaker', () => {
  const t = useTestDatabase();

  it('pauses a follow after N consecutive failed copies, says why, and resumes only by its person', async () => {
    const db = t.current.db;
    const world: EngineWorld = await buildWorld(sim, db, t.current.url);
    const market = await sim.binaryMarket(0);
    const token = market.tokens[0]!.tokenId;
    const leader = await newTrader(sim);
    await sim.fund(leader.signer.address, '10000');
    const u = await signUp(world.api);
    const api = (method: 'GET' | 'PATCH', url: string, payload?: object) =>
      world.api.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: u.auth,
        ...(payload ? { payload } : {}),
      });
    const created = await world.api.app.inject({
      method: 'POST',
      url: '/api/v1/follows',
      headers: u.auth,
      payload: {
        traderWallet: leader.address,
        mode: 'paper',
        proportionalityFactor: '0.1',
        minTradeSizeUsd: null,
        maxConsecutiveFailures: 3,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const relId = (created.json() as { id: string }).id;

    const events: UserEventMessage[] = [];
    const listener = new pg.Client({ connectionString: t.current.url });
    await listener.connect();
    listener.on('notification', (n) => {
      const e = decodeUserEvent(n.payload);
      if (e) events.push(e);
    });
    await listener.query(`LISTEN ${USER_EVENTS_CHANNEL}`);

    const detector = detectorFor(world);
    // Backoff pinned to its floor (0.5 s, 1 s, 2 s) so four attempts take seconds.
    const worker = new CopyWorker(
      { db, venues: world.provider, logger, random: () => 0 },
      { databaseUrl: t.current.url, pollMs: 100, housekeepingMs: 500 },
    );
    const decisions = () =>
      db
        .selectFrom('copy_decisions')
        .select(['outcome', 'reason', 'detail'])
        .where('copy_relationship_id', '=', relId)
        .orderBy('id')
        .execute();
    let fills = 0;
    /** One leader buy, then wait until the engine has decided the follower's copy for good. */
    const fill = async (fault: boolean) => {
      await sim.faults(
        fault ? { reset: true, rate5xx: 1, status5xx: 500, paths: ['/book'] } : { reset: true },
      );
      await sim.syncClock();
      await sim.setBook(token, [['0.45', '5000']], [['0.50', '5000']]);
      await leaderBuy(leader, token, '50', '0.50');
      fills += 1;
      await waitFor(
        db,
        `fill ${fills} decided`,
        async () => {
          const ds = await decisions();
          return ds.length === fills && ds.every((d) => d.outcome !== 'queued');
        },
        60_000,
      );
      return (await decisions()).at(-1)!;
    };
    const view = async () => (await api('GET', `/follows/${relId}`)).json() as Record<string, unknown>;

    try {
      await detector.start();
      await waitFor(db, 'the detector to lead', () => detector.isLeader);
      await worker.start();

      expect(await fill(false)).toMatchObject({ outcome: 'executed' });
      expect(await fill(true)).toMatchObject({ outcome: 'failed', reason: 'retries_exhausted' });
      expect(await fill(true)).toMatchObject({ outcome: 'failed' });
      expect(await view()).toMatchObject({ status: 'active', consecutiveFailures: 2 });
      // An executed copy ends the run: two failures are forgotten.
      expect(await fill(false)).toMatchObject({ outcome: 'executed' });
      expect(await view()).toMatchObject({ status: 'active', consecutiveFailures: 0 });
      await fill(true);
      await fill(true);
      expect(await view()).toMatchObject({ status: 'active', consecutiveFailures: 2 });
      expect(events.filter((e) => e.type === 'follow.paused')).toHaveLength(0);
      await fill(true);

      // The third failure in a row paused the follow, and it says why, everywhere.
      const paused = await view();
      expect(paused).toMatchObject({
        status: 'paused',
        pausedReason: 'circuit_breaker',
        consecutiveFailures: 3,
      });
      expect(paused.pauseDetail).toMatch(/after 3 failed copies in a row.*ran out of retries/);
      await waitFor(db, 'the follow.paused event', () => events.some((e) => e.type === 'follow.paused'));
      const event = events.find((e) => e.type === 'follow.paused')!;
      expect(event.userId).toBe(u.userId);
      expect(event.data).toMatchObject({
        relationshipId: relId,
        traderWallet: leader.address,
        reason: 'circuit_breaker',
        consecutiveFailures: '3',
        maxConsecutiveFailures: '3',
        lastReason: 'retries_exhausted',
      });

      // While tripped, fills are skipped as paused (the venue is healthy again: it stays paused).
      const skipped = await fill(false);
      expect(skipped).toMatchObject({ outcome: 'skipped', reason: 'relationship_paused' });
      expect(skipped.detail).toMatch(/consecutive failed copies/);
      expect(await view()).toMatchObject({ status: 'paused', pausedReason: 'circuit_breaker' });

      // Only the person resumes it; the count starts again and copies flow.
      expect(await (await api('PATCH', `/follows/${relId}`, { status: 'active' })).json()).toMatchObject({
        status: 'active',
        pausedReason: null,
        consecutiveFailures: 0,
      });
      expect(await fill(false)).toMatchObject({ outcome: 'executed' });
      expect(events.filter((e) => e.type === 'follow.paused')).toHaveLength(1);
    } finally {
      await sim.faults({ reset: true });
      await worker.stop();
      await detector.stop();
      await listener.end();
      await world.api.app.close();
    }
  }, 180_000);
});
