// FeedHealth (src/ingest/feed-health.ts) with an injected clock and probes, on real PostgreSQL (the
// operator alerts go to notification_outbox): RTDS degraded once when it falls past the configured
// lag behind the chain or stays disconnected past it, recovered once when it delivers in time again;
// the fills of an outage do not degrade it again after it recovers, and a very late delivery does
// not count as a recovery; a chain socket still connecting is not degraded until the grace ends.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { FeedHealth, type FeedProbes } from '../../../src/ingest/feed-health.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const LIMIT = 1_500;

describe('FeedHealth', () => {
  const t = useTestDatabase();

  function world(opts: { chain: boolean }) {
    let clock = 1_000_000;
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger('info', {
      write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }),
    });
    const rtds = { connected: true, lastMessageAt: clock as number | null };
    const chain = {
      connected: true,
      lastMessageAt: clock as number | null,
      head: 1n as bigint | null,
      headTimeMs: clock as number | null,
      downSince: null as number | null,
    };
    const probes: FeedProbes = {
      rtds: () => ({ ...rtds }),
      ...(opts.chain ? { chain: () => ({ ...chain }) } : {}),
      dataApi: () => ({ ok: true, lastPollAt: null }),
    };
    const health = new FeedHealth({
      db: t.current.db,
      logger,
      probes,
      rtdsMaxLagMs: LIMIT,
      chainConnectGraceMs: 10_000,
      now: () => clock,
    });
    const said = (pattern: RegExp) => lines.filter((l) => pattern.test(l.msg)).length;
    return {
      health,
      rtds,
      chain,
      said,
      tick: (ms: number) => (clock += ms),
    };
  }

  async function alerts(): Promise<string[]> {
    const r = await sql<{ alert: string }>`
      SELECT payload->'data'->>'alert' AS alert FROM notification_outbox
       WHERE kind = 'operator_alert' ORDER BY id`.execute(t.current.db);
    return r.rows.map((x) => x.alert);
  }

  /** Lets the recovery alert (queued without being awaited by onSighting) land. */
  const settle = () => new Promise((r) => setTimeout(r, 200));

  it('does not await from RTDS the fills made before it connected (the chain catch-up at start)', async () => {
    const w = world({ chain: true });
    await w.health.check(); // RTDS is seen connected from now on
    const connectedAt = w.tick(0);
    // The chain's catch-up brings fills of the minute before: RTDS will never stream them.
    for (const [key, ago] of [
      ['old1', 60_000],
      ['old2', 5_000],
    ] as const)
      w.health.onSighting('chain', key, true, connectedAt - ago);
    w.tick(LIMIT * 3);
    await w.health.check();
    expect(w.health.rtdsDegraded).toBe(false);
    // A fill made while RTDS is connected, which RTDS does not bring: degraded.
    w.health.onSighting('chain', 'new', true, w.tick(0));
    w.tick(LIMIT + 1);
    await w.health.check();
    expect(w.health.rtdsDegraded).toBe(true);
  });

  it('says once that RTDS fell behind the chain, and once that it recovered', async () => {
    // An administrator who receives operator alerts (they go out over Telegram).
    const admin = await insertUser(t.current.db, { role: 'admin', telegram_notifications: true });
    await t.current.db.insertInto('telegram_chats').values({ user_id: admin.id, chat_id: '7001' }).execute();
    await sql`DELETE FROM notification_outbox`.execute(t.current.db);
    const w = world({ chain: true });
    w.health.onSighting('chain', 'a', true);
    w.tick(LIMIT);
    await w.health.check();
    expect(w.health.rtdsDegraded).toBe(false);
    w.tick(1);
    await w.health.check();
    expect(w.health.rtdsDegraded).toBe(true);
    // Still behind, more fills RTDS never brings: nothing said again.
    for (const key of ['b', 'c']) {
      w.health.onSighting('chain', key, true);
      w.tick(LIMIT * 2);
      await w.health.check();
    }
    expect(w.said(/leader-fill feed degraded: RTDS has not delivered/)).toBe(1);
    expect(w.health.snapshot().find((f) => f.feed === 'rtds')!.degraded).toBe(true);
    // A fill of the outage arriving an hour late is not RTDS being timely again.
    w.tick(3_600_000);
    w.health.onSighting('rtds', 'a', false);
    expect(w.health.rtdsDegraded).toBe(true);
    // A fill RTDS brings within the limit of the chain: recovered.
    w.health.onSighting('chain', 'd', true);
    w.tick(LIMIT - 500);
    w.health.onSighting('rtds', 'd', false);
    await settle();
    expect(w.health.rtdsDegraded).toBe(false);
    w.health.onSighting('chain', 'e', true);
    w.tick(100);
    w.health.onSighting('rtds', 'e', false);
    // The outage's missed fills (b, c) do not degrade it again.
    for (let i = 0; i < 3; i++) {
      w.tick(LIMIT);
      await w.health.check();
    }
    await settle();
    expect(w.health.rtdsDegraded).toBe(false);
    expect(w.said(/leader-fill feed recovered/)).toBe(1);
    expect(w.said(/leader-fill feed degraded/)).toBe(1);
    expect(w.health.missedByRtds).toBe(3);
    expect(await alerts()).toEqual(['feed_degraded', 'feed_recovered']);
  });

  it('without a chain, says once that RTDS has been disconnected past the limit', async () => {
    const w = world({ chain: false });
    w.rtds.connected = false;
    w.tick(LIMIT);
    await w.health.check();
    expect(w.health.rtdsDegraded).toBe(false);
    w.tick(1);
    await w.health.check();
    w.tick(60_000);
    await w.health.check();
    expect(w.health.rtdsDegraded).toBe(true);
    expect(
      w.said(/leader-fill feed degraded: RTDS disconnected for 2 s: copying continues from the Data API/),
    ).toBe(1);
    w.rtds.connected = true;
    w.health.onSighting('rtds', 'x', true);
    await settle();
    expect(w.health.rtdsDegraded).toBe(false);
    expect(w.said(/leader-fill feed recovered/)).toBe(1);
    const chain = w.health.snapshot().find((f) => f.feed === 'chain')!;
    expect(chain).toMatchObject({ configured: false, degraded: true });
  });

  it('says once that RTDS never connected (an unreachable URL), counting from the first check', async () => {
    const w = world({ chain: false });
    w.rtds.connected = false;
    w.rtds.lastMessageAt = null;
    await w.health.check();
    w.tick(LIMIT);
    await w.health.check();
    expect(w.health.rtdsDegraded).toBe(false);
    w.tick(1_000);
    await w.health.check();
    w.tick(1_000);
    await w.health.check();
    expect(w.health.rtdsDegraded).toBe(true);
    expect(w.said(/leader-fill feed degraded: RTDS has not connected in 3 s/)).toBe(1);
  });

  it('shows a chain socket still connecting as connecting, and degraded only past the grace', async () => {
    const w = world({ chain: true });
    const chainOf = () => w.health.snapshot().find((f) => f.feed === 'chain')!;
    w.chain.connected = false;
    w.chain.downSince = null;
    expect(chainOf()).toMatchObject({ connected: false, degraded: false, detail: 'connecting' });
    w.chain.downSince = 1_000_000;
    w.tick(10_000);
    expect(chainOf()).toMatchObject({ connected: false, degraded: false, detail: 'connecting' });
    w.tick(1);
    expect(chainOf()).toMatchObject({
      connected: false,
      degraded: true,
      detail: 'socket down for 10 s; reconnecting',
    });
    w.chain.connected = true;
    w.chain.downSince = null;
    expect(chainOf()).toMatchObject({ connected: true, degraded: false, detail: null });
    // What /ready and /metrics of other processes read.
    await w.health.persist();
    const rows = await t.current.db
      .selectFrom('ingest_feed_state')
      .select(['feed', 'connected', 'degraded'])
      .orderBy('feed')
      .execute();
    expect(rows).toEqual([
      { feed: 'chain', connected: true, degraded: false },
      { feed: 'data_api', connected: true, degraded: false },
      { feed: 'rtds', connected: true, degraded: false },
    ]);
  });
});
