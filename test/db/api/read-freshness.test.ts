// What the read-latency work must not cost: a new leader fill shows on the trader's profile at once,
// and a new copy shows on the follower's portfolio as soon as its event arrives, although
// /portfolio is served from a per-user cache (src/services/user-view-cache.ts). The cache's clock
// is frozen here, so its TTL never expires: only an invalidation can make a change show.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { UserEventHub } from '../../../src/events/hub.ts';
import { executeClaim } from '../../../src/execution/execute-claim.ts';
import { claimBatch } from '../../../src/execution/queue-claims.ts';
import { DefaultVenueProvider } from '../../../src/execution/venue-provider.ts';
import { registerApi } from '../../../src/http/api/register-api.ts';
import { buildHttpApp } from '../../../src/http/app.ts';
import type { LeaderFill } from '../../../src/ingest/leader-fill.ts';
import { recordLeaderFill } from '../../../src/ingest/record-fill.ts';
import { FakeMarketData } from '../../unit/venue/fake-market-data.ts';
import { insertRelationship, insertTrade, insertTrader, txHash } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const CONDITION = `0x${'ab'.repeat(32)}`;
const YES = '31111111111111111111';
const RULES = { tickSize: new Decimal('0.01'), minOrderSize: new Decimal(5) };

describe('reads stay fresh under their caches', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let provider: DefaultVenueProvider;
  let leader: string;
  const apps: Array<{ app: FastifyInstance; hub: UserEventHub }> = [];

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    const source = new FakeMarketData();
    source.addMarket({
      conditionId: CONDITION,
      tokens: [
        { tokenId: YES, outcome: 'Yes' },
        { tokenId: '32222222222222222222', outcome: 'No' },
      ],
      tickSize: '0.01',
      minOrderSize: '5',
    });
    source.setBook(YES, { bids: [['0.40', '100000']], asks: [['0.42', '100000']] });
    provider = new DefaultVenueProvider(t.current.db, source, { paperStartingBalance: new Decimal(1000) });
    leader = (await insertTrader(t.current.db)).wallet_address;
  });
  afterAll(async () => {
    for (const a of apps.splice(0)) {
      await a.app.close();
      await a.hub.close();
    }
    await api.app.close();
  });

  /** An API process with its own event hub and a read cache whose clock never moves. */
  async function apiWithHub() {
    const hub = new UserEventHub({ databaseUrl: t.current.url, logger: api.deps.logger });
    await hub.start();
    const app = buildHttpApp({ logger: api.deps.logger, checks: [] });
    await registerApi(app, api.deps, { events: { hub }, viewCache: { now: () => 0 } });
    apps.push({ app, hub });
    return { app, hub };
  }

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
  const portfolio = async (app: FastifyInstance, auth: Record<string, string>) => {
    const res = await app.inject({ url: '/api/v1/portfolio', headers: auth });
    expect(res.statusCode).toBe(200);
    return res.json() as { openPositions: number; tradersFollowing: number; balanceUsd: string };
  };

  it('a new leader fill shows on the trader profile at once (daily series and recent fills)', async () => {
    const { app } = await apiWithHub();
    const get = async () => {
      const res = await app.inject({ url: `/api/v1/traders/${leader}?limit=5` });
      expect(res.statusCode).toBe(200);
      return res.json() as {
        recentFills: { items: Array<{ fillKey: string; side: string }> };
        dailyPnl: { days: Array<{ fills: number; buyVolumeUsd: string }> };
      };
    };
    const before = await get();
    const today = () => before.dailyPnl.days.at(-1)!;
    // Filled "today" on the API's clock (the daily series ends on the clock's day).
    const filledAt = api.clock.now();
    const recorded = await recordLeaderFill(t.current.db, fill({ size: new Decimal(10), filledAt }), RULES, {
      copyTtlMs: 30_000,
    });
    const after = await get();
    expect(after.recentFills.items[0]!.fillKey).toBe(recorded.fillKey);
    expect(after.recentFills.items.length).toBe(before.recentFills.items.length + 1);
    expect(after.dailyPnl.days.at(-1)!.fills).toBe(today().fills + 1);
    expect(new Decimal(after.dailyPnl.days.at(-1)!.buyVolumeUsd).minus(today().buyVolumeUsd).toString()).toBe(
      '4.2',
    );
    // An unknown wallet is still a 404 (every read runs at once now; the check comes after them).
    const missing = await app.inject({ url: `/api/v1/traders/0x${'9'.repeat(40)}` });
    expect(missing.statusCode).toBe(404);
  });

  it('a new copy shows on the portfolio when its event arrives, though the portfolio is cached', async () => {
    const db = t.current.db;
    const { app } = await apiWithHub();
    const u = await signUp(api);
    const rel = await insertRelationship(db, u.userId, leader, {
      proportionality_factor: '0.05',
      mode: 'paper',
    });
    const first = await portfolio(app, u.auth);
    expect(first).toMatchObject({ openPositions: 0, tradersFollowing: 1 });

    // A write that announces nothing (no event, another process): the cached answer stands — the
    // cache is really serving, and this is what the TTL bound is for.
    await insertTrade(db, {
      is_copy_trade: true,
      copying_user_id: u.userId,
      copy_relationship_id: rel.id,
      status: 'open',
    });
    expect(await portfolio(app, u.auth)).toEqual(first);

    // The engine's copy: recorded with a copy.executed event, which drops the cached portfolio.
    await recordLeaderFill(db, fill(), RULES, { copyTtlMs: 30_000 });
    expect((await runQueue()).map((o) => o.kind)).toEqual(['executed']);
    await expect.poll(async () => (await portfolio(app, u.auth)).openPositions).toBe(2);
    expect((await portfolio(app, u.auth)).balanceUsd).not.toBe(first.balanceUsd);
  });

  it("the user's own write through this process shows on the next read, without an event", async () => {
    const { app } = await apiWithHub();
    const u = await signUp(api);
    expect((await portfolio(app, u.auth)).tradersFollowing).toBe(0);
    const other = (await insertTrader(t.current.db)).wallet_address;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/follows',
      headers: u.auth,
      payload: { traderWallet: other, mode: 'paper' },
    });
    expect(res.statusCode).toBe(201);
    expect((await portfolio(app, u.auth)).tradersFollowing).toBe(1);
  });

  it('is bypassed while the event hub does not listen (an event could be missed)', async () => {
    const db = t.current.db;
    const { app, hub } = await apiWithHub();
    const u = await signUp(api);
    const rel = await insertRelationship(db, u.userId, leader, { mode: 'paper' });
    expect((await portfolio(app, u.auth)).openPositions).toBe(0);
    await hub.close();
    expect(hub.isListening).toBe(false);
    await insertTrade(db, {
      is_copy_trade: true,
      copying_user_id: u.userId,
      copy_relationship_id: rel.id,
      status: 'open',
    });
    expect((await portfolio(app, u.auth)).openPositions).toBe(1);
  });
});
