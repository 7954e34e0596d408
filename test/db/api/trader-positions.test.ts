// A trader's open positions (GET /traders/{wallet}/positions, src/services/trader-positions.ts) from
// the fills recorded here, at average cost and the analytics job's marks, worked out by hand:
//   A: BUY 100 @ 0.40, BUY 100 @ 0.60 (basis 100, avg 0.50), SELL 50 @ 0.70 → 150 held, basis 75;
//      marked 0.80 → value 120, unrealized +45
//   B: BUY 10, SELL 10 → closed, not listed
//   C: SELL 20 (bought before recording: left out), BUY 30 @ 0.20 → 30 held, basis 6, no mark
//   D: BUY 50 @ 0.30 in a resolved market → settled, not listed
//   E: the wallet's copy of someone (a copy trade) → not its own position
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTrade, insertTrader, insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, type TestApi } from './api-harness.ts';

const T0 = new Date('2030-01-01T00:00:00Z').getTime();
const at = (h: number) => new Date(T0 + h * 3_600_000);
const cond = (c: string) => `0x${c.repeat(64)}`;

interface PositionsPage {
  items: Array<Record<string, unknown> & { assetId: string }>;
  nextCursor: string | null;
  summary: Record<string, unknown>;
}

describe("a trader's open positions", () => {
  const t = useTestDatabase();
  let api: TestApi;
  let wallet: string;
  let quiet: string;

  beforeAll(async () => {
    const db = t.current.db;
    api = await buildTestApi(db);
    wallet = (await insertTrader(db)).wallet_address;
    quiet = (await insertTrader(db)).wallet_address;
    const fill = (token: string, c: string, side: 'BUY' | 'SELL', size: string, price: string, h: number) =>
      insertTrade(db, {
        trader_wallet_address: wallet,
        market_id: cond(c),
        market_name: `Market ${c}`,
        asset_id: token,
        side,
        quantity: size,
        entry_price: price,
        entry_value_usd: (Number(size) * Number(price)).toFixed(6),
        entry_timestamp: at(h),
      });
    await fill('A', 'a', 'BUY', '100', '0.40', 1);
    await fill('A', 'a', 'BUY', '100', '0.60', 2);
    await fill('A', 'a', 'SELL', '50', '0.70', 3);
    await fill('B', 'b', 'BUY', '10', '0.50', 1);
    await fill('B', 'b', 'SELL', '10', '0.60', 2);
    await fill('C', 'c', 'SELL', '20', '0.50', 1);
    await fill('C', 'c', 'BUY', '30', '0.20', 4);
    await fill('D', 'd', 'BUY', '50', '0.30', 1);
    const user = await insertUser(db);
    await insertTrade(db, {
      trader_wallet_address: wallet,
      is_copy_trade: true,
      copying_user_id: user.id,
      asset_id: 'E',
      side: 'BUY',
      entry_timestamp: at(5),
    });
    await sql`
      INSERT INTO token_marks (asset_id, price, priced_at, resolved, payout, resolved_at) VALUES
        ('A', 0.80, ${at(6)}, false, NULL, NULL),
        ('D', NULL, NULL, true, 1, ${at(6)})`.execute(db);
  });
  afterAll(async () => api?.app.close());

  const get = (url: string) => api.app.inject({ method: 'GET', url: `/api/v1${url}` });

  it('lists the positions still held at average cost, marked, largest cost first, with a summary', async () => {
    const res = await get(`/traders/${wallet}/positions`);
    expect(res.statusCode).toBe(200);
    const page = res.json() as PositionsPage;
    expect(page.items.map((p) => p.assetId)).toEqual(['A', 'C']);
    expect(page.items[0]).toEqual({
      assetId: 'A',
      conditionId: cond('a'),
      marketTitle: 'Market a',
      outcome: 'YES',
      shares: '150',
      avgPrice: '0.5',
      costUsd: '75',
      markPrice: '0.8',
      markedAt: at(6).toISOString(),
      currentValueUsd: '120',
      unrealizedPnlUsd: '45',
      openedAt: at(1).toISOString(),
      lastFillAt: at(3).toISOString(),
    });
    expect(page.items[1]).toMatchObject({
      assetId: 'C',
      shares: '30',
      avgPrice: '0.2',
      costUsd: '6',
      markPrice: null,
      currentValueUsd: null,
      unrealizedPnlUsd: null,
      openedAt: at(4).toISOString(),
    });
    expect(page.summary).toEqual({
      openPositions: 2,
      costUsd: '81',
      currentValueUsd: '120',
      unrealizedPnlUsd: '45',
      unmarked: 1,
    });
    expect(page.nextCursor).toBeNull();
  });

  it('pages with a cursor; the summary covers every position', async () => {
    const first = (await get(`/traders/${wallet}/positions?limit=1`)).json() as PositionsPage;
    expect(first.items.map((p) => p.assetId)).toEqual(['A']);
    expect(first.summary).toMatchObject({ openPositions: 2 });
    const rest = (
      await get(`/traders/${wallet}/positions?limit=1&cursor=${first.nextCursor}`)
    ).json() as PositionsPage;
    expect(rest.items.map((p) => p.assetId)).toEqual(['C']);
    expect(rest.nextCursor).toBeNull();
  });

  it('answers an empty list for a trader holding nothing', async () => {
    const page = (await get(`/traders/${quiet}/positions`)).json() as PositionsPage;
    expect(page).toEqual({
      items: [],
      nextCursor: null,
      summary: { openPositions: 0, costUsd: '0', currentValueUsd: '0', unrealizedPnlUsd: '0', unmarked: 0 },
    });
  });

  it('refuses bad input with a clear 400, an unknown trader with 404', async () => {
    for (const url of [
      '/traders/not-a-wallet/positions',
      `/traders/${wallet}/positions?limit=0`,
      `/traders/${wallet}/positions?cursor=abc`,
      `/traders/${wallet}/positions?status=open`,
      `/traders/${wallet}/positions?cursor=${Buffer.from('{"k":"trader-positions","v":["x","A"]}').toString('base64url')}`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: { code: 'validation_failed' } });
    }
    const unknown = await get(`/traders/0x${'9'.repeat(40)}/positions`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
