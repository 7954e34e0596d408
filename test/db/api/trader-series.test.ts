// Public chart series (src/http/api/routes/trader-series-routes.ts): a trader's cumulative realized
// P&L by window, and the leaderboard's sparklines for a page of wallets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, type TestApi } from './api-harness.ts';

const DAY = 86_400_000;
const NOW = new Date('2030-01-01T00:00:00Z');

describe('trader P&L series and leaderboard sparklines', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let wallet: string;
  let quiet: string;

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    api.clock.current = new Date(NOW.getTime() + 12 * 3_600_000); // noon, 2030-01-01
    wallet = (await insertTrader(t.current.db)).wallet_address;
    quiet = (await insertTrader(t.current.db)).wallet_address;
    let n = 0;
    const fill = (side: 'BUY' | 'SELL', price: string, size: string, at: Date) =>
      t.current.db
        .insertInto('leader_fills')
        .values({
          fill_key: `k-${++n}`,
          trader_wallet_address: wallet,
          transaction_hash: `0x${String(n).padStart(64, '0')}`,
          asset_id: 'tok-1',
          condition_id: `0x${'cd'.repeat(32)}`,
          side,
          price,
          size,
          occurrence: 0,
          filled_at: at,
          source: 'test',
        })
        .execute();
    await fill('BUY', '0.4', '100', new Date(NOW.getTime() - 40 * DAY)); // cost basis only
    await fill('SELL', '0.6', '50', new Date(NOW.getTime() - 2 * DAY + 3_600_000)); // +10 on 2029-12-30
    await fill('SELL', '0.3', '50', new Date(NOW.getTime() + 3_600_000)); // −5 on 2030-01-01
  });
  afterAll(async () => api?.app.close());

  const get = (url: string) => api.app.inject({ method: 'GET', url: `/api/v1${url}` });

  it("answers a trader's cumulative realized P&L per day over the window", async () => {
    const res = await get(`/traders/${wallet}/pnl?window=7d`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      points: Array<Record<string, string>>;
      recordedSince: string;
      basis: string;
    };
    expect(body.basis).toBe('recorded_fills_average_cost');
    expect(body.recordedSince).toBe(new Date(NOW.getTime() - 40 * DAY).toISOString());
    expect(body.points.map((p) => p.date)).toEqual([
      '2029-12-26',
      '2029-12-27',
      '2029-12-28',
      '2029-12-29',
      '2029-12-30',
      '2029-12-31',
      '2030-01-01',
    ]);
    expect(body.points.slice(-3)).toEqual([
      { date: '2029-12-30', realizedPnlUsd: '10', cumulativePnlUsd: '10' },
      { date: '2029-12-31', realizedPnlUsd: '0', cumulativePnlUsd: '10' },
      { date: '2030-01-01', realizedPnlUsd: '-5', cumulativePnlUsd: '5' },
    ]);
    const all = (await get(`/traders/${wallet}/pnl?window=all`)).json() as { points: unknown[] };
    expect(all.points).toHaveLength(41);
    const empty = (await get(`/traders/${quiet}/pnl`)).json() as { points: unknown[]; recordedSince: null };
    expect(empty).toMatchObject({ points: [], recordedSince: null, window: '30d' });
  });

  it('answers sparklines for a page of wallets; wallets without fills are absent', async () => {
    const res = await get(
      `/leaderboard/sparklines?wallets=${wallet.toUpperCase().replace('0X', '0x')},${quiet}&days=7`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ days: 7, series: { [wallet]: ['0', '0', '0', '0', '10', '10', '5'] } });
    const def = (await get(`/leaderboard/sparklines?wallets=${wallet}`)).json() as {
      days: number;
      series: Record<string, string[]>;
    };
    expect(def.days).toBe(30);
    expect(def.series[wallet]).toHaveLength(30);
  });

  it('refuses bad input with a clear 400, an unknown trader with 404', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `0x${i.toString(16).padStart(40, '0')}`).join(',');
    for (const url of [
      `/traders/${wallet}/pnl?window=1y`,
      `/traders/${wallet}/pnl?from=1`,
      '/traders/not-a-wallet/pnl',
      '/leaderboard/sparklines',
      '/leaderboard/sparklines?wallets=0x123',
      `/leaderboard/sparklines?wallets=${wallet}&days=5`,
      `/leaderboard/sparklines?wallets=${wallet}&days=91`,
      `/leaderboard/sparklines?wallets=${many}`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: { code: 'validation_failed' } });
    }
    const unknown = await get(`/traders/0x${'9'.repeat(40)}/pnl`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
