// Dust (issue 12 item 5): a copy position of fewer than one share, which no order can sell. Made the
// way it arises — the real fan-out, worker and paper venue buy 42.1081 shares (a market BUY carries 4
// decimals) and mirror the leader's full sale with 42.10 (a SELL carries 2) — beside an ordinary
// position, then read through the real API: listed as dust, not an open position, not exposure (for
// the portfolio, the dashboard's cards and the caps); "close every position" and closing it alone
// queue nothing for it; resolution settles it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDust } from '../../../src/domain/dust.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { readUserLoad } from '../../../src/execution/execution-context.ts';
import { settleResolvedMarkets } from '../../../src/positions/resolution.ts';
import { buildTestApi, signUp, type TestApi } from '../api/api-harness.ts';
import { insertRelationship, insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { CONDITION, NO, PositionsWorld, YES } from './positions-harness.ts';

interface Lot {
  assetId: string;
  status: string;
  dust: boolean;
  quantity: string;
}

describe('dust positions', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let world: PositionsWorld;
  let me: Awaited<ReturnType<typeof signUp>>;
  let relId: string;

  beforeAll(async () => {
    const db = t.current.db;
    api = await buildTestApi(db);
    me = await signUp(api);
    const leader = (await insertTrader(db)).wallet_address;
    relId = (
      await insertRelationship(db, me.userId, leader, {
        proportionality_factor: '0.1',
        max_slippage_percent: '3',
        min_trade_size_usd: null,
        mode: 'paper',
      } as never)
    ).id;
    world = new PositionsWorld(db, t.current.url, leader);
    world.source.setBook(YES, { bids: [['0.37', '10000']], asks: [['0.37', '10000']] });
    const w = await world.startWorker();
    // 10 % of 421.3 at 0.37 → $15.58 → 42.1081 shares; the leader's full sale → 42.10 sold.
    await world.record({ price: new Decimal('0.37'), size: new Decimal('421.3') });
    await world.drain();
    await world.record({ side: 'SELL', price: new Decimal('0.37'), size: new Decimal('421.3') });
    await world.drain();
    // An ordinary position beside it: 10 NO at 0.58 = $5.80.
    await world.record({ assetId: NO, outcome: 'No', price: new Decimal('0.58'), size: new Decimal(100) });
    await world.drain();
    await w.stop();
  }, 60_000);

  afterAll(async () => {
    await world?.stopWorkers();
    await api?.app.close();
  });

  const get = async (url: string) => api.app.inject({ method: 'GET', url, headers: me.auth });

  it('is classified by one rule in SQL and in code', async () => {
    const values = ['0', '0.000001', '0.0081', '0.999999', '1', '1.000001', '42.1081'];
    const { rows } = await sql<{ v: string; dust: boolean }>`
      SELECT v::text AS v, polycopy_is_dust(v) AS dust
        FROM unnest(${values}::numeric[]) AS v`.execute(t.current.db);
    expect(rows.map((r) => r.dust)).toEqual(values.map((v) => isDust(new Decimal(v))));
    expect(rows.map((r) => r.dust)).toEqual([false, true, true, true, false, false, false]);
  });

  it('is listed as dust, not as an open position', async () => {
    const all = (await get('/api/v1/positions')).json() as { items: Lot[] };
    const pick = (l: Lot) => ({ assetId: l.assetId, status: l.status, dust: l.dust, quantity: l.quantity });
    expect(
      all.items.map(pick).sort((a, b) => (a.assetId + a.status).localeCompare(b.assetId + b.status)),
    ).toEqual(
      [
        { assetId: YES, status: 'closed', dust: false, quantity: '42.100000' },
        { assetId: YES, status: 'open', dust: true, quantity: '0.008100' },
        { assetId: NO, status: 'open', dust: false, quantity: '10.000000' },
      ].sort((a, b) => (a.assetId + a.status).localeCompare(b.assetId + b.status)),
    );
    const open = (await get('/api/v1/positions?status=open')).json() as { items: Lot[] };
    expect(open.items.map((l) => [l.assetId, l.dust])).toEqual([[NO, false]]);
    const dust = (await get('/api/v1/positions?status=dust')).json() as { items: Lot[] };
    expect(dust.items.map((l) => [l.assetId, l.quantity, l.dust])).toEqual([[YES, '0.008100', true]]);
    const csv = (await get('/api/v1/positions?status=dust&format=csv')).body.split('\r\n');
    expect(csv[0]!.endsWith(',dust')).toBe(true);
    expect(csv[1]!.endsWith(',true')).toBe(true);
    expect((await get('/api/v1/positions?status=tiny')).statusCode).toBe(400);
  });

  it('is not exposure: portfolio, dashboard cards and the caps leave it out', async () => {
    const portfolio = (await get('/api/v1/portfolio')).json();
    expect(portfolio).toMatchObject({ openPositions: 1, dustPositions: 1, totalExposureUsd: '5.800000' });
    const summary = (await get('/api/v1/portfolio/summary')).json();
    expect(summary.paper).toMatchObject({ openPositions: 1, dustPositions: 1, exposureUsd: '5.800000' });
    // Its value is still money until resolution: 5.80 + 0.0081 × 0.37 at cost (not yet marked).
    expect(new Decimal(summary.paper.positionsValueUsd).toFixed(6)).toBe('5.802997');
    expect(summary.caps.exposureUsd).toBe('5.8');
    const load = await t.current.db
      .transaction()
      .execute((tx) =>
        readUserLoad(tx as never, { id: '0', copy_relationship_id: relId, user_id: me.userId } as never),
      );
    expect(load.relationshipExposureUsd.toFixed()).toBe('5.8');
    expect(load.userExposureUsd.toFixed()).toBe('5.8');
  });

  it('is never closed: closing it alone is a clear 409, close-all queues nothing for it', async () => {
    const closeDust = await api.app.inject({
      method: 'POST',
      url: `/api/v1/follows/${relId}/positions/${YES}/close`,
      headers: me.auth,
    });
    expect(closeDust.statusCode).toBe(409);
    expect(closeDust.body).toMatch(/dust: 0.0081 shares/);
    const stop = await api.app.inject({
      method: 'POST',
      url: '/api/v1/emergency-stop',
      headers: me.auth,
      payload: { closePositions: true },
    });
    expect(stop.statusCode).toBe(200);
    expect(stop.json()).toMatchObject({ closeOrdersQueued: 1 });
    const exits = await t.current.db
      .selectFrom('trade_queue')
      .select(['asset_id', 'purpose'])
      .where('copy_relationship_id', '=', relId)
      .where('purpose', '<>', 'copy')
      .execute();
    expect(exits).toEqual([{ asset_id: NO, purpose: 'close' }]);
  });

  it('settles at resolution like any position', async () => {
    const db = t.current.db;
    // The ordinary position's close is not under test here.
    await db
      .updateTable('trade_queue')
      .set({ status: 'cancelled' })
      .where('status', '=', 'pending')
      .execute();
    world.source.updateMarket(CONDITION, {
      resolved: true,
      closed: true,
      acceptingOrders: false,
      winningTokenId: YES,
    });
    const report = await settleResolvedMarkets({ db, marketData: world.source });
    expect(
      report.settled.filter((s) => s.assetId === YES).map((s) => [s.resolution, s.shares, s.payoutUsd]),
    ).toEqual([['won', '0.0081', '0.008100']]);
    expect(((await get('/api/v1/positions?status=dust')).json() as { items: Lot[] }).items).toEqual([]);
    expect((await get('/api/v1/portfolio')).json()).toMatchObject({ openPositions: 0, dustPositions: 0 });
  });
});
