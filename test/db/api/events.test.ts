// GET /api/v1/events: per-user server-sent events delivered through PostgreSQL NOTIFY. Real
// PostgreSQL, real HTTP (fetch with a stream reader), one UserEventHub per app instance.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../../src/db/client.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { UserEventHub } from '../../../src/events/hub.ts';
import { encodeUserEvent, MAX_NOTIFY_BYTES, publishUserEvent } from '../../../src/events/publish.ts';
import { executeClaim } from '../../../src/execution/execute-claim.ts';
import { claimBatch } from '../../../src/execution/queue-claims.ts';
import { DefaultVenueProvider } from '../../../src/execution/venue-provider.ts';
import { registerApi } from '../../../src/http/api/register-api.ts';
import { buildHttpApp } from '../../../src/http/app.ts';
import type { LeaderFill } from '../../../src/ingest/leader-fill.ts';
import { recordLeaderFill } from '../../../src/ingest/record-fill.ts';
import { markToMarket } from '../../../src/positions/mark-to-market.ts';
import { settleResolvedMarkets } from '../../../src/positions/resolution.ts';
import { FakeMarketData } from '../../unit/venue/fake-market-data.ts';
import {
  insertQueueRow,
  insertRelationship,
  insertTrade,
  insertTrader,
  txHash,
} from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';
import { openStream } from './sse-client.ts';

const CONDITION = `0x${'cd'.repeat(32)}`;
const YES = '11111111111111111111';
const NO = '22222222222222222222';
const RULES = { tickSize: new Decimal('0.01'), minOrderSize: new Decimal(5) };

describe('live updates (SSE over PostgreSQL NOTIFY)', () => {
  const t = useTestDatabase();
  let api: TestApi;
  const instances: Array<{ app: FastifyInstance; hub: UserEventHub; url: string }> = [];
  let a: Awaited<ReturnType<typeof signUp>>;
  let b: Awaited<ReturnType<typeof signUp>>;

  /** One API process: its own hub (own LISTEN connection) and its own HTTP server. */
  async function startInstance(heartbeatMs = 15_000) {
    const hub = new UserEventHub({ databaseUrl: t.current.url, logger: api.deps.logger });
    await hub.start();
    const app = buildHttpApp({ logger: api.deps.logger, checks: [] });
    await registerApi(app, api.deps, { events: { hub, heartbeatMs, maxStreamsPerUser: 3 } });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const inst = { app, hub, url };
    instances.push(inst);
    return inst;
  }

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    a = await signUp(api);
    b = await signUp(api);
  });
  afterAll(async () => {
    for (const i of instances.splice(0)) {
      await i.app.close();
      await i.hub.close();
    }
    await api.app.close();
  });

  it('refuses a stream without a valid token (401, JSON error)', async () => {
    const inst = await startInstance();
    const res = await fetch(`${inst.url}/api/v1/events`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    const bad = await fetch(`${inst.url}/api/v1/events`, { headers: { authorization: 'Bearer nope.nope' } });
    expect(bad.status).toBe(401);
    const doc = (await inst.app.inject({ url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, { get?: { security?: unknown } }>;
    };
    expect(doc.paths['/api/v1/events']?.get?.security).toEqual([{ bearerAuth: [] }]);
  });

  it("delivers the caller's committed events, never another user's, never a rolled-back one", async () => {
    const inst = await startInstance();
    const sa = await openStream(inst.url, a.accessToken);
    const sb = await openStream(inst.url, b.accessToken);
    expect(sa.res.status).toBe(200);
    expect(sa.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(sa.res.headers.get('cache-control')).toContain('no-cache');
    // Helmet's headers are kept on the hijacked response.
    expect(sa.res.headers.get('x-content-type-options')).toBe('nosniff');

    const db = t.current.db;
    await withTransaction(db, async (tx) => {
      await publishUserEvent(tx, b.userId, 'copy.executed', { queueId: 'b-1', notionalUsd: '5.000000' });
    });
    // Rolled back: PostgreSQL drops the notification with the transaction.
    await expect(
      withTransaction(db, async (tx) => {
        await publishUserEvent(tx, a.userId, 'copy.failed', { queueId: 'rolled-back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await withTransaction(db, async (tx) => {
      await publishUserEvent(tx, a.userId, 'copy.executed', { queueId: 'a-1', notionalUsd: '21.000000' });
    });

    const got = await sa.next('copy.executed');
    expect(got.data).toEqual({
      type: 'copy.executed',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { queueId: 'a-1', notionalUsd: '21.000000' },
    });
    // B's event and the rolled-back one were committed/aborted before A's: notifications arrive in
    // commit order on the one connection, so had they been delivered to A they would be here.
    expect(sa.frames.map((f) => f.data.data.queueId)).toEqual(['a-1']);
    const gotB = await sb.next('copy.executed');
    expect(gotB.data.data).toEqual({ queueId: 'b-1', notionalUsd: '5.000000' });
    expect(sb.frames.map((f) => f.data.data.queueId)).toEqual(['b-1']);
    await sa.close();
    await sb.close();
    await sa.until(() => inst.hub.subscriberCount() === 0, 'streams to unsubscribe');
  });

  it('two API instances (two hubs, two LISTEN connections) each deliver to their own clients', async () => {
    const one = await startInstance();
    const two = await startInstance();
    const aOnOne = await openStream(one.url, a.accessToken);
    const aOnTwo = await openStream(two.url, a.accessToken);
    const bOnTwo = await openStream(two.url, b.accessToken);
    expect(one.hub.subscriberCount(a.userId)).toBe(1);
    expect(two.hub.subscriberCount(a.userId)).toBe(1);

    // Published from the pool: a different connection (a different "process") than either hub.
    await publishUserEvent(t.current.db, a.userId, 'pnl.updated', {
      relationshipId: '7',
      realizedPnlUsd: '-1.5',
    });
    await publishUserEvent(t.current.db, b.userId, 'position.closed', { relationshipId: '8' });

    expect((await aOnOne.next('pnl.updated')).data.data).toEqual({
      relationshipId: '7',
      realizedPnlUsd: '-1.5',
    });
    expect((await aOnTwo.next('pnl.updated')).data.data).toEqual({
      relationshipId: '7',
      realizedPnlUsd: '-1.5',
    });
    expect((await bOnTwo.next('position.closed')).data.data).toEqual({ relationshipId: '8' });
    expect(bOnTwo.frames.map((f) => f.event)).toEqual(['position.closed']);
    expect(aOnOne.frames.map((f) => f.event)).toEqual(['pnl.updated']);
    for (const s of [aOnOne, aOnTwo, bOnTwo]) await s.close();
  });

  it('heartbeats, caps streams per user, and ends the stream when the session is revoked', async () => {
    const inst = await startInstance(100);
    const me = await signUp(api);
    const s = await openStream(inst.url, me.accessToken);
    await s.until(() => s.comments.filter((c) => c === 'heartbeat').length >= 2, 'two heartbeats');

    const extra = [await openStream(inst.url, me.accessToken), await openStream(inst.url, me.accessToken)];
    const refused = await fetch(`${inst.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${me.accessToken}` },
    });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    for (const e of extra) await e.close();

    const logout = await api.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: me.auth });
    expect(logout.statusCode).toBe(204);
    await s.next('auth.expired');
    await s.until(() => s.ended, 'the stream to end');
    await s.until(() => inst.hub.subscriberCount(me.userId) === 0, 'the stream to unsubscribe');
  });

  it('closing the app ends open streams (shutdown is not held up by them)', async () => {
    const inst = await startInstance();
    const s = await openStream(inst.url, a.accessToken);
    const started = Date.now();
    await inst.app.close();
    expect(Date.now() - started).toBeLessThan(3000);
    await s.until(() => s.ended, 'the stream to end');
    instances.splice(instances.indexOf(inst), 1);
    await inst.hub.close();
  });

  it('the hub re-LISTENs after its connection is killed, and delivers again', async () => {
    const hub = new UserEventHub({ databaseUrl: t.current.url, logger: api.deps.logger, reconnectMs: 50 });
    await hub.start();
    try {
      const got: string[] = [];
      hub.subscribe(a.userId, (e) => got.push(String(e.data.n)));
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name = 'polycopy-events-listen'`.execute(
        t.current.db,
      );
      const end = Date.now() + 5000;
      while (Date.now() < end && !(hub.isListening && got.includes('2'))) {
        if (hub.isListening) await publishUserEvent(t.current.db, a.userId, 'pnl.updated', { n: '2' });
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(got).toContain('2');
    } finally {
      await hub.close();
    }
  });

  it('keeps NOTIFY payloads under 8000 bytes', () => {
    const long = encodeUserEvent('1', 'copy.failed', { detail: 'x'.repeat(20_000) });
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(MAX_NOTIFY_BYTES);
    expect(JSON.parse(long).data.detail).toHaveLength(501);
    const many: Record<string, string> = {};
    for (let i = 0; i < 100; i++) many[`k${i}`] = 'y'.repeat(400);
    const huge = JSON.parse(encodeUserEvent('1', 'copy.failed', many)) as {
      truncated: boolean;
      data: object;
    };
    expect(huge).toMatchObject({ truncated: true, data: {} });
  });

  describe('from the copy engine', () => {
    let source: FakeMarketData;
    let provider: DefaultVenueProvider;
    let leader: string;

    beforeAll(async () => {
      source = new FakeMarketData();
      source.addMarket({
        conditionId: CONDITION,
        tokens: [
          { tokenId: YES, outcome: 'Yes' },
          { tokenId: NO, outcome: 'No' },
        ],
        tickSize: '0.01',
        minOrderSize: '5',
      });
      source.setBook(YES, { bids: [['0.40', '100000']], asks: [['0.42', '100000']] });
      // NO can only be bought far above the leader's price: the copy is skipped for slippage.
      source.setBook(NO, { bids: [['0.10', '100000']], asks: [['0.90', '100000']] });
      provider = new DefaultVenueProvider(t.current.db, source, { paperStartingBalance: new Decimal(1000) });
      leader = (await insertTrader(t.current.db)).wallet_address;
    });

    const fill = (over: Partial<LeaderFill> = {}): LeaderFill => ({
      txHash: txHash(),
      wallet: leader,
      assetId: YES,
      conditionId: CONDITION,
      side: 'BUY',
      price: new Decimal('0.42'),
      size: new Decimal(1000),
      occurrence: 0,
      outcome: 'Yes',
      outcomeIndex: 0,
      marketSlug: 'm',
      eventSlug: 'e',
      title: 'Market',
      filledAt: new Date(),
      source: 'test',
      ...over,
    });
    const runQueue = async () => {
      const rows = await claimBatch(t.current.db, { workerId: 'w', limit: 10, leaseMs: 30_000 });
      const deps = { db: t.current.db, venues: provider, logger: api.deps.logger };
      return Promise.all(rows.map((r) => executeClaim(deps, r)));
    };

    it('executed, skipped, sold (pnl.updated + position.closed) and resolved copies reach only their user', async () => {
      const db = t.current.db;
      const inst = await startInstance();
      const u = await signUp(api);
      const other = await signUp(api);
      const rel = await insertRelationship(db, u.userId, leader, {
        proportionality_factor: '0.05',
        mode: 'paper',
      } as never);
      const s = await openStream(inst.url, u.accessToken);
      const so = await openStream(inst.url, other.accessToken);

      // BUY: 5% of 1000 = 50 shares at 0.42.
      await recordLeaderFill(db, fill(), RULES, { copyTtlMs: 30_000 });
      expect((await runQueue()).map((o) => o.kind)).toEqual(['executed']);
      const trade = await db
        .selectFrom('trades')
        .select(['id', 'queue_id', 'execution_time_ms'])
        .where('copy_relationship_id', '=', rel.id)
        .executeTakeFirstOrThrow();
      const executed = await s.next('copy.executed');
      expect(executed.data.data).toMatchObject({
        queueId: trade.queue_id,
        tradeId: trade.id,
        relationshipId: rel.id,
        traderWallet: leader,
        assetId: YES,
        side: 'BUY',
        mode: 'paper',
        purpose: 'copy',
        price: '0.42',
        size: '50',
        notionalUsd: '21',
        executionTimeMs: String(trade.execution_time_ms),
      });

      // Skipped for slippage: copy.skipped with the reason code.
      await recordLeaderFill(
        db,
        fill({ assetId: NO, outcome: 'No', outcomeIndex: 1, price: new Decimal('0.50') }),
        RULES,
        {
          copyTtlMs: 30_000,
        },
      );
      expect(await runQueue()).toEqual([{ kind: 'skipped', reason: 'slippage_exceeded' }]);
      const skipped = await s.next('copy.skipped');
      expect(skipped.data.data).toMatchObject({ relationshipId: rel.id, reason: 'slippage_exceeded' });

      // The leader sells everything at 0.40: the copy sells its 50 shares, realizing 50 × 0.40 − 21 = −1.
      await recordLeaderFill(db, fill({ side: 'SELL', price: new Decimal('0.40') }), RULES, {
        copyTtlMs: 30_000,
      });
      expect((await runQueue()).map((o) => o.kind)).toEqual(['executed']);
      expect((await s.next('copy.executed', (f) => f.data.data.side === 'SELL')).data.data).toMatchObject({
        side: 'SELL',
        price: '0.4',
        size: '50',
      });
      expect((await s.next('pnl.updated')).data.data).toEqual({
        relationshipId: rel.id,
        assetId: YES,
        cause: 'sell',
        realizedPnlUsd: '-1',
        relationshipTotalPnlUsd: '-1.000000',
      });
      expect((await s.next('position.closed')).data.data).toMatchObject({
        relationshipId: rel.id,
        assetId: YES,
        cause: 'sell',
        realizedPnlUsd: '-1',
      });

      // Buy again, then the market resolves YES: settled at 1 → +29 (50 − 21).
      await recordLeaderFill(db, fill(), RULES, { copyTtlMs: 30_000 });
      expect((await runQueue()).map((o) => o.kind)).toEqual(['executed']);
      source.updateMarket(CONDITION, {
        resolved: true,
        closed: true,
        acceptingOrders: false,
        winningTokenId: YES,
      });
      const report = await settleResolvedMarkets({ db, marketData: source });
      expect(report.settled).toHaveLength(1);
      expect((await s.next('position.closed', (f) => f.data.data.cause === 'resolution')).data.data).toEqual({
        relationshipId: rel.id,
        assetId: YES,
        cause: 'resolution',
        resolution: 'won',
        lots: 1,
        shares: '50',
        payoutUsd: '50.000000',
        realizedPnlUsd: '29.000000',
      });
      expect((await s.next('pnl.updated', (f) => f.data.data.cause === 'resolution')).data.data).toEqual({
        relationshipId: rel.id,
        assetId: YES,
        cause: 'resolution',
        realizedPnlUsd: '29.000000',
        relationshipTotalPnlUsd: '28.000000',
      });
      expect(s.frames.map((f) => f.event)).toEqual([
        'copy.executed',
        'copy.skipped',
        'copy.executed',
        'pnl.updated',
        'position.closed',
        'copy.executed',
        'position.closed',
        'pnl.updated',
      ]);
      // The other user follows nobody: nothing of u's reached them.
      await publishUserEvent(db, other.userId, 'pnl.updated', { marker: 'last' });
      await so.next('pnl.updated');
      expect(so.frames.map((f) => f.data.data)).toEqual([{ marker: 'last' }]);
      await s.close();
      await so.close();
    });
  });

  describe('from mark-to-market, the emergency stop and admin cancels', () => {
    const MARKET = `0x${'5e'.repeat(32)}`;
    const T1 = '51111111111111111111';
    const T2 = '52222222222222222222';
    const T3 = '53333333333333333333';
    let market: FakeMarketData;

    beforeAll(() => {
      market = new FakeMarketData();
      market.addMarket({
        conditionId: MARKET,
        tokens: [
          { tokenId: T1, outcome: 'A' },
          { tokenId: T2, outcome: 'B' },
          { tokenId: T3, outcome: 'C' },
        ],
      });
    });
    const lot = (userId: string, assetId: string, quantity: string, entryValue: string) =>
      insertTrade(t.current.db, {
        is_copy_trade: true,
        copying_user_id: userId,
        asset_id: assetId,
        market_id: MARKET,
        quantity,
        entry_price: '0.5',
        entry_value_usd: entryValue,
        current_value_usd: entryValue,
        unrealized_pnl_usd: '0',
        status: 'open',
      });
    /** Publishes a marker after everything else: frames before it are all the user received. */
    const settle = async (s: Awaited<ReturnType<typeof openStream>>, userId: string, marker: string) => {
      await publishUserEvent(t.current.db, userId, 'copy.failed', { marker });
      await s.next('copy.failed', (f) => f.data.data.marker === marker);
      return s.frames.filter((f) => f.data.data.marker === undefined);
    };

    it('mark-to-market: one pnl.updated per user whose unrealized P&L moved, none for the others', async () => {
      const inst = await startInstance();
      const u = await signUp(api);
      const still = await signUp(api);
      // u: 10 shares of T1 and 20 of T2, bought at 0.50; still: 10 of T3 at 0.50.
      await lot(u.userId, T1, '10', '5');
      await lot(u.userId, T2, '20', '10');
      await lot(still.userId, T3, '10', '5');
      market.setBook(T1, { bids: [['0.60', '100']], asks: [['0.62', '100']] }); // mid 0.61
      market.setBook(T2, { bids: [['0.40', '100']], asks: [['0.44', '100']] }); // mid 0.42
      market.setBook(T3, { bids: [['0.49', '100']], asks: [['0.51', '100']] }); // mid 0.50: unchanged
      const su = await openStream(inst.url, u.accessToken);
      const ss = await openStream(inst.url, still.accessToken);

      const report = await markToMarket({ db: t.current.db, marketData: market });
      expect(report.lots).toBeGreaterThanOrEqual(3);
      // 10 × 0.61 − 5 = 1.10 and 20 × 0.42 − 10 = −1.60: −0.50 in all, in ONE event for two lots.
      const got = await su.next('pnl.updated');
      expect(got.data.data).toEqual({
        cause: 'mark',
        unrealizedPnlChangeUsd: '-0.5',
        totalUnrealizedPnlUsd: '-0.500000',
        lotsMarked: 2,
      });
      const portfolio = (
        await api.app.inject({ method: 'GET', url: '/api/v1/portfolio', headers: u.auth })
      ).json() as { totalUnrealizedPnlUsd: string };
      expect(portfolio.totalUnrealizedPnlUsd).toBe('-0.500000');
      expect((await settle(su, u.userId, 'm1')).map((f) => f.event)).toEqual(['pnl.updated']);
      expect(await settle(ss, still.userId, 'm1')).toEqual([]);

      // Marked again at the same prices: nothing moved, nothing sent.
      await markToMarket({ db: t.current.db, marketData: market });
      expect((await settle(su, u.userId, 'm2')).map((f) => f.event)).toEqual(['pnl.updated']);

      // T1 moves: the next event carries the change and the new total.
      market.setBook(T1, { bids: [['0.70', '100']], asks: [['0.72', '100']] }); // mid 0.71: +1.00
      await markToMarket({ db: t.current.db, marketData: market });
      const frames = await settle(su, u.userId, 'm3');
      expect(frames.map((f) => f.data.data)).toEqual([
        expect.objectContaining({ cause: 'mark' }),
        { cause: 'mark', unrealizedPnlChangeUsd: '1', totalUnrealizedPnlUsd: '0.500000', lotsMarked: 2 },
      ]);
      await su.close();
      await ss.close();
    });

    it('emergency stop: a copy.skipped per cancelled copy; a pending row with a persisted order is left', async () => {
      const inst = await startInstance();
      const u = await signUp(api);
      const leader = (await insertTrader(t.current.db)).wallet_address;
      const rel = await insertRelationship(t.current.db, u.userId, leader);
      const queued = async (signed: boolean) => {
        const key = `es-${Math.random().toString(36).slice(2)}`;
        await t.current.db
          .insertInto('leader_fills')
          .values({
            fill_key: key,
            trader_wallet_address: leader,
            transaction_hash: txHash(),
            asset_id: T1,
            condition_id: MARKET,
            side: 'BUY',
            price: '0.5',
            size: '10',
            occurrence: 0,
            filled_at: new Date(),
            source: 'test',
          })
          .execute();
        const row = await insertQueueRow(t.current.db, u.userId, rel.id, {
          trader_wallet_address: leader,
          source_fill_key: key,
          asset_id: T1,
          ...(signed ? { signed_at: new Date(), limit_price: '0.51', order_amount: '5' } : {}),
        });
        await t.current.db
          .insertInto('copy_decisions')
          .values({
            fill_key: key,
            copy_relationship_id: rel.id,
            user_id: u.userId,
            outcome: 'queued',
            queue_id: row.id,
          })
          .execute();
        return { id: row.id, key };
      };
      const a = await queued(false);
      const b = await queued(false);
      const inFlight = await queued(true);
      const s = await openStream(inst.url, u.accessToken);
      const stop = await api.app.inject({
        method: 'POST',
        url: '/api/v1/emergency-stop',
        headers: u.auth,
        payload: { closePositions: false },
      });
      expect(stop.statusCode, stop.body).toBe(200);
      expect(stop.json()).toMatchObject({ pausedRelationships: 1, cancelledQueueRows: 2 });
      const frames = await settle(s, u.userId, 'es');
      expect(
        frames.map((f) => [f.event, f.data.data.queueId, f.data.data.fillKey, f.data.data.reason]).sort(),
      ).toEqual(
        [
          ['copy.skipped', a.id, a.key, 'emergency_stop'],
          ['copy.skipped', b.id, b.key, 'emergency_stop'],
        ].sort(),
      );
      expect(frames[0]!.data.data).toMatchObject({ relationshipId: rel.id, detail: expect.any(String) });
      const left = await t.current.db
        .selectFrom('trade_queue')
        .select('status')
        .where('id', '=', inFlight.id)
        .executeTakeFirstOrThrow();
      expect(left.status).toBe('pending');
      await s.close();
    });

    it('admin cancel: copy.skipped (cancelled_by_admin) reaches the user', async () => {
      const inst = await startInstance();
      const u = await signUp(api);
      const adm = await signUp(api);
      await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', adm.userId).execute();
      const leader = (await insertTrader(t.current.db)).wallet_address;
      const rel = await insertRelationship(t.current.db, u.userId, leader);
      await t.current.db
        .insertInto('leader_fills')
        .values({
          fill_key: 'admin-cancel-fill',
          trader_wallet_address: leader,
          transaction_hash: txHash(),
          asset_id: T1,
          condition_id: MARKET,
          side: 'BUY',
          price: '0.5',
          size: '10',
          occurrence: 0,
          filled_at: new Date(),
          source: 'test',
        })
        .execute();
      const row = await insertQueueRow(t.current.db, u.userId, rel.id, {
        source_fill_key: 'admin-cancel-fill',
      });
      await t.current.db
        .insertInto('copy_decisions')
        .values({
          fill_key: 'admin-cancel-fill',
          copy_relationship_id: rel.id,
          user_id: u.userId,
          outcome: 'queued',
          queue_id: row.id,
        })
        .execute();
      const s = await openStream(inst.url, u.accessToken);
      const res = await api.app.inject({
        method: 'POST',
        url: `/api/v1/admin/queue/${row.id}/cancel`,
        headers: adm.auth,
        payload: { reason: 'duplicate fill' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect((await s.next('copy.skipped')).data.data).toEqual({
        queueId: row.id,
        relationshipId: rel.id,
        fillKey: 'admin-cancel-fill',
        reason: 'cancelled_by_admin',
        detail: 'An administrator cancelled this pending copy. duplicate fill',
      });
      await s.close();
    });
  });
});
