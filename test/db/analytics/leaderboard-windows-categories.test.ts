// What the leaderboard's window and category filters read, on real PostgreSQL: the market
// categories looked up from the venue's tags (src/analytics/refresh-market-categories.ts, against
// the in-memory venue), then the recompute's 30- and 90-day P&L and each trader's categories (a
// fifth of its volume), worked out by hand below.
import { beforeAll, describe, expect, it } from 'vitest';
import { runAnalyticsJob } from '../../../src/analytics/analytics-job.ts';
import { refreshMarketCategories } from '../../../src/analytics/refresh-market-categories.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { insertTrade, insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { FakeMarketData } from '../../unit/venue/fake-market-data.ts';

const NOW = new Date('2030-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const cond = (c: string) => `0x${c.repeat(64)}`;
const B = `0x${'b1'.repeat(20)}`;

// Three markets: politics (X), sports + pop culture (Y), crypto (Z); a fourth (U) the venue does not
// know at first.
function venue(): FakeMarketData {
  const v = new FakeMarketData();
  const market = (c: string, token: string, tags: string[]) =>
    v.addMarket({
      conditionId: cond(c),
      tokens: [
        { tokenId: token, outcome: 'Yes' },
        { tokenId: `${token}-no`, outcome: 'No' },
      ],
      tags,
    });
  market('1', 'X', ['Politics', 'US Elections']);
  market('2', 'Y', ['NBA', 'Pop Culture']);
  market('3', 'Z', ['Bitcoin']);
  return v;
}

// Fills of trader B (P&L increments on the average-cost basis, docs/analytics.md):
//   X: BUY 100 @ 0.40 (100 days ago), SELL 100 @ 0.50 (60 days ago): +10, in 90d only
//   Y: BUY 100 @ 0.20 (20 days ago),  SELL 100 @ 0.30 (3 days ago):  +10, in 7d, 30d and 90d
//   Z: BUY 10 @ 0.50 (40 days ago),   SELL 10 @ 0.40 (10 days ago):  −1, in 30d and 90d
//   U: BUY 1 @ 0.50 (1 day ago), unknown market, held (no mark: 0)
// P&L: 7d 10, 30d 9, 90d 19, all 19. Capital base 40 (day −100: 40 out; never more after):
// 30d 9 / 40 = 22.5 %, 90d 19 / 40 = 47.5 %. Volume 90 + 50 + 9 + 0.5 = 149.5, a fifth 29.9:
// politics (90), sports and culture (50 each) qualify; crypto (9) does not.
function fills() {
  const fill = (
    c: string,
    token: string,
    side: 'BUY' | 'SELL',
    size: string,
    price: string,
    ago: number,
  ) => ({
    trader_wallet_address: B,
    is_copy_trade: false,
    market_id: cond(c),
    asset_id: token,
    side,
    quantity: size,
    entry_price: price,
    entry_value_usd: new Decimal(size).times(price).toFixed(),
    status: side === 'BUY' ? ('open' as const) : ('closed' as const),
    entry_timestamp: daysAgo(ago),
  });
  return [
    fill('1', 'X', 'BUY', '100', '0.40', 100),
    fill('1', 'X', 'SELL', '100', '0.50', 60),
    fill('2', 'Y', 'BUY', '100', '0.20', 20),
    fill('2', 'Y', 'SELL', '100', '0.30', 3),
    fill('3', 'Z', 'BUY', '10', '0.50', 40),
    fill('3', 'Z', 'SELL', '10', '0.40', 10),
    fill('4', 'U', 'BUY', '1', '0.50', 1),
  ];
}

describe('leaderboard windows and categories', () => {
  const t = useTestDatabase();
  const v = venue();

  beforeAll(async () => {
    const db = t.current.db;
    await insertTrader(db, { wallet_address: B });
    for (const f of fills()) await insertTrade(db, f);
  });

  it("stores each leader market's categories once, asking the venue one call per market", async () => {
    const db = t.current.db;
    const report = await refreshMarketCategories({ db, marketData: v }, { now: () => NOW });
    expect(report).toEqual({ lookups: 4, categorised: 3 });
    const rows = await db.selectFrom('market_categories').selectAll().orderBy('condition_id').execute();
    expect(rows.map((r) => [r.condition_id, r.categories])).toEqual([
      [cond('1'), ['politics']],
      [cond('2'), ['sports', 'culture']],
      [cond('3'), ['crypto']],
      [cond('4'), []],
    ]);
    // Categorised markets are final; the unknown one is asked again only after a day.
    const calls = v.calls.getMarket ?? 0;
    expect(await refreshMarketCategories({ db, marketData: v }, { now: () => NOW })).toEqual({
      lookups: 0,
      categorised: 0,
    });
    const later = () => new Date(NOW.getTime() + 86_400_001);
    v.addMarket({ conditionId: cond('4'), tokens: [{ tokenId: 'U', outcome: 'Yes' }], tags: ['Weather'] });
    expect(await refreshMarketCategories({ db, marketData: v }, { now: later })).toEqual({
      lookups: 1,
      categorised: 1,
    });
    expect(v.calls.getMarket).toBe(calls + 1);
    // The lookup budget per run is honoured.
    await db.deleteFrom('market_categories').execute();
    expect(
      (await refreshMarketCategories({ db, marketData: v }, { now: () => NOW, maxLookups: 2 })).lookups,
    ).toBe(2);
    expect(await db.selectFrom('market_categories').select('condition_id').execute()).toHaveLength(2);
  });

  it('the analytics job writes the 30- and 90-day P&L and the categories with a fifth of the volume', async () => {
    const db = t.current.db;
    await db.deleteFrom('market_categories').execute();
    const report = await runAnalyticsJob({ db, marketData: v, now: () => NOW });
    expect(report.categories).toEqual({ lookups: 4, categorised: 4 });
    const m = await db
      .selectFrom('trader_metrics')
      .selectAll()
      .where('wallet_address', '=', B)
      .executeTakeFirstOrThrow();
    const tr = await db
      .selectFrom('traders')
      .selectAll()
      .where('wallet_address', '=', B)
      .executeTakeFirstOrThrow();
    expect([tr.pnl_7d, tr.total_pnl, tr.pnl_7d_percent]).toEqual(['10.000000', '19.000000', '25.0000']);
    expect(m.capital_base_usd).toBe('40.000000');
    expect([m.pnl_30d, m.pnl_30d_percent, m.pnl_90d, m.pnl_90d_percent]).toEqual([
      '9.000000',
      '22.5000',
      '19.000000',
      '47.5000',
    ]);
    expect(m.categories).toEqual(['culture', 'politics', 'sports']);
  });
});
