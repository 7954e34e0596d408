// The dashboard's cards and equity curve (src/http/api/routes/dashboard-routes.ts): the true equity
// curve is cash plus positions marked at the time (not cash alone), paper and live apart; the summary
// shows equity, exposure against the tier's caps and live cash when it was read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equityBuckets } from '../../../src/domain/equity-curve.ts';
import { insertRelationship, insertTrade, insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const NOW = new Date('2030-01-01T00:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const H = 3_600_000;
const ASSET = '777000111';
const LIVE_ASSET = '888000222';

describe('dashboard reads: portfolio summary and equity curve', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let u: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    u = await signUp(api);
    const db = t.current.db;
    const trader = await insertTrader(db);
    const paperRel = await insertRelationship(db, u.userId, trader.wallet_address, { mode: 'paper' });
    const trader2 = await insertTrader(db);
    const liveRel = await insertRelationship(db, u.userId, trader2.wallet_address, { mode: 'live' });
    // Paper: 100 shares bought at 0.40 two days ago; the trader traded the token at 0.60 a day ago; the
    // latest mark values the lot at 70.
    const entryAt = new Date(ago(48 * H).getTime() + 60_000);
    await insertTrade(db, {
      trader_wallet_address: trader.wallet_address,
      is_copy_trade: true,
      copying_user_id: u.userId,
      copy_relationship_id: paperRel.id,
      asset_id: ASSET,
      entry_price: '0.4',
      quantity: '100',
      entry_value_usd: '40',
      entry_timestamp: entryAt,
      current_value_usd: '70',
      status: 'open',
    });
    await db
      .insertInto('paper_fills')
      .values({
        account_id: u.userId,
        fill_id: 'f-1',
        venue_order_id: 'o-1',
        client_order_id: 'c-1',
        token_id: ASSET,
        side: 'BUY',
        price: '0.4',
        size: '100',
        notional: '40',
        fee: '0',
        liquidity: 'taker',
        at_ms: entryAt.getTime(),
      })
      .execute();
    await db
      .insertInto('leader_fills')
      .values({
        fill_key: 'lf-1',
        trader_wallet_address: trader.wallet_address,
        transaction_hash: `0x${'ab'.repeat(32)}`,
        asset_id: ASSET,
        condition_id: `0x${'cd'.repeat(32)}`,
        side: 'BUY',
        price: '0.6',
        size: '10',
        occurrence: 0,
        filled_at: new Date(ago(24 * H).getTime() + 60_000),
        source: 'test',
      })
      .execute();
    // Live: 10 shares at 0.50 three days ago, never marked; $123.45 read at Polymarket.
    await insertTrade(db, {
      trader_wallet_address: trader2.wallet_address,
      is_copy_trade: true,
      copying_user_id: u.userId,
      copy_relationship_id: liveRel.id,
      asset_id: LIVE_ASSET,
      entry_price: '0.5',
      quantity: '10',
      entry_value_usd: '5',
      entry_timestamp: ago(72 * H),
      status: 'open',
    });
    await db
      .insertInto('live_balances')
      .values({ user_id: u.userId, cash_usd: '123.45', observed_at: ago(60_000) })
      .execute();
  });
  afterAll(async () => api?.app.close());

  const get = (url: string, headers: Record<string, string> = u.auth) =>
    api.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });

  it('draws the paper equity curve as cash plus marked positions at each point', async () => {
    const res = await get('/portfolio/equity?mode=paper&window=7d');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { mode: string; window: string; points: Array<Record<string, unknown>> };
    expect(body.mode).toBe('paper');
    expect(body.window).toBe('7d');
    expect(body.points).toHaveLength(43);
    expect(body.points.map((p) => p.at)).toEqual(equityBuckets('7d', NOW, null).map((d) => d.toISOString()));
    const at = (iso: string) => body.points.find((p) => p.at === iso);
    // Before the buy: all cash.
    expect(at(ago(72 * H).toISOString())).toEqual({
      at: ago(72 * H).toISOString(),
      cashUsd: '10000',
      positionsValueUsd: '0',
      equityUsd: '10000',
      cashKnown: true,
    });
    // After the buy, before the trader's 0.60: cash 9,960 + 100 × 0.40 (a cash-only curve would dip).
    expect(at(ago(44 * H).toISOString())).toMatchObject({
      cashUsd: '9960',
      positionsValueUsd: '40',
      equityUsd: '10000',
    });
    // After the trader's fill at 0.60.
    expect(at(ago(20 * H).toISOString())).toMatchObject({
      cashUsd: '9960',
      positionsValueUsd: '60',
      equityUsd: '10020',
    });
    // Now: the latest mark.
    expect(body.points.at(-1)).toEqual({
      at: NOW.toISOString(),
      cashUsd: '9960',
      positionsValueUsd: '70',
      equityUsd: '10030',
      cashKnown: true,
    });
  });

  it('keeps live apart: positions only over time, the last balance read at the last point', async () => {
    const body = (await get('/portfolio/equity?mode=live&window=1d')).json() as {
      points: Array<Record<string, unknown>>;
    };
    expect(body.points).toHaveLength(25);
    expect(body.points[0]).toEqual({
      at: ago(24 * H).toISOString(),
      cashUsd: null,
      positionsValueUsd: '5',
      equityUsd: '5',
      cashKnown: false,
    });
    expect(body.points.at(-1)).toEqual({
      at: NOW.toISOString(),
      cashUsd: '123.45',
      positionsValueUsd: '5',
      equityUsd: '128.45',
      cashKnown: true,
    });
  });

  it('summarises equity, exposure against the caps and live cash', async () => {
    const res = await get('/portfolio/summary');
    expect(res.statusCode).toBe(200);
    const s = res.json() as Record<string, Record<string, unknown>>;
    // Amounts read from NUMERIC(20,6) columns keep their six places.
    expect(s.paper).toEqual({
      openPositions: 1,
      dustPositions: 0,
      positionsValueUsd: '70.000000',
      exposureUsd: '40.000000',
      cashUsd: '9960',
      equityUsd: '10030',
    });
    expect(s.live).toEqual({
      openPositions: 1,
      dustPositions: 0,
      positionsValueUsd: '5.000000',
      exposureUsd: '5.000000',
      cashUsd: '123.450000',
      cashObservedAt: ago(60_000).toISOString(),
      equityUsd: '128.45',
    });
    const me = (await get('/me')).json() as {
      limits: { maxTotalExposureUsd: string; maxDailyTrades: number };
    };
    expect(s.caps).toMatchObject({
      maxTotalExposureUsd: me.limits.maxTotalExposureUsd,
      exposureUsd: '45',
      maxDailyTrades: me.limits.maxDailyTrades,
      tradesToday: 0,
      tradersFollowing: 2,
    });
    expect(s.caps!.exposureUsedPercent).toBe(((45 / Number(me.limits.maxTotalExposureUsd)) * 100).toFixed(2));
  });

  it('refuses bad input with 400 and a missing token with 401', async () => {
    for (const q of ['window=2d', 'mode=both', 'foo=1', 'window=']) {
      const res = await get(`/portfolio/equity?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation_failed' } });
    }
    expect((await get('/portfolio/summary?x=1')).statusCode).toBe(400);
    expect((await get('/portfolio/summary', {})).statusCode).toBe(401);
    expect((await get('/portfolio/equity', {})).statusCode).toBe(401);
  });
});
