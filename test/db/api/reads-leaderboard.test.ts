// Public reads: the leaderboard (sorts with ties, filters, search, keyset pagination, the cache with
// ETag / 304 and expiry by the injected clock) and the trader profile (daily series, recent fills,
// what copying delivered), with figures worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCopyability } from '../../../src/analytics/copyability.ts';
import type { Db } from '../../../src/db/client.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { insertRelationship, insertTrader, insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, type TestApi } from './api-harness.ts';

const W = (c: string, n = 40) => `0x${c.repeat(n / c.length)}`;
const T1 = W('1');
const T6 = `0x2200${'0'.repeat(36)}`;
const T2 = W('2');
const T3 = W('3');
const T4 = `0x0444${'4'.repeat(36)}`;
const T5 = W('5');

interface Entry {
  rank: number;
  wallet: string;
  pnl7d: string;
  sharpeRatio: string | null;
}
interface LbPage {
  items: Entry[];
  nextCursor: string | null;
}

async function seedTraders(db: Db) {
  await insertTrader(db, {
    wallet_address: T1,
    display_name: 'Alpha',
    pnl_7d: '100',
    total_pnl: '500',
    win_rate: '0.6',
    total_volume_usd: '1000',
    follower_count: 5,
    sharpe_ratio: '1.5',
    total_trades: 10,
  });
  await insertTrader(db, {
    wallet_address: T2,
    display_name: 'beta',
    pnl_7d: '100',
    total_pnl: '900',
    win_rate: '0.7',
    total_volume_usd: '5000',
    follower_count: 5,
    sharpe_ratio: null,
    total_trades: 50,
  });
  await insertTrader(db, {
    wallet_address: T3,
    display_name: 'Gamma Whale',
    pnl_7d: '250.5',
    total_pnl: '-20',
    win_rate: '0.7',
    total_volume_usd: '200',
    follower_count: 9,
    sharpe_ratio: '2.1',
    total_trades: 3,
  });
  await insertTrader(db, {
    wallet_address: T4,
    display_name: null,
    pnl_7d: '-5',
    total_pnl: '10',
    win_rate: '0.1',
    total_volume_usd: '100000',
    follower_count: 0,
    sharpe_ratio: '-0.3',
    total_trades: 200,
  });
  await insertTrader(db, {
    wallet_address: T5,
    display_name: 'Inactive',
    pnl_7d: '999',
    total_pnl: '999',
    win_rate: '1',
    total_volume_usd: '999999',
    follower_count: 99,
    sharpe_ratio: '9',
    total_trades: 999,
    is_active: false,
  });
  await insertTrader(db, {
    wallet_address: T6,
    display_name: 'ALPHA two',
    pnl_7d: '100',
    total_pnl: '1',
    win_rate: '0.2',
    total_volume_usd: '999.99',
    follower_count: 5,
    sharpe_ratio: null,
    total_trades: 10,
  });
  // What the metrics recompute stores beside the figures: Gamma has fills and open positions; the
  // 30- and 90-day P&L and the categories with a fifth of each trader's volume. Alpha (T1) has no
  // row yet: 0 in every window, in no category.
  const metrics = (w: string, pnl30: string, pnl90: string, categories: string[], more = {}) =>
    db
      .insertInto('trader_metrics')
      .values({
        wallet_address: w,
        pnl_30d: pnl30,
        pnl_30d_percent: new Decimal(pnl30).div(10).toFixed(),
        pnl_90d: pnl90,
        pnl_90d_percent: new Decimal(pnl90).div(10).toFixed(),
        categories,
        ...more,
      })
      .execute();
  await metrics(T3, '40', '300', ['politics'], { fills: 7, open_positions: 2 });
  await metrics(T2, '700', '800', ['politics', 'sports']);
  await metrics(T4, '-50', '20', ['crypto']);
  await metrics(T6, '10', '0', ['sports']);
  await metrics(T5, '999', '999', ['politics']);
}

describe('leaderboard', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    await seedTraders(t.current.db);
  });
  afterAll(async () => api?.app.close());

  const get = (qs: string, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'GET', url: `/api/v1/leaderboard${qs}`, headers });
  const wallets = async (qs: string) => ((await get(qs)).json() as LbPage).items.map((e) => e.wallet);

  it('sorts by each figure, largest first, ties by wallet ascending, inactive traders never listed', async () => {
    expect(await wallets('')).toEqual([T3, T1, T6, T2, T4]);
    expect(await wallets('?sort=pnl_7d')).toEqual([T3, T1, T6, T2, T4]);
    expect(await wallets('?sort=total_pnl')).toEqual([T2, T1, T4, T6, T3]);
    expect(await wallets('?sort=win_rate')).toEqual([T2, T3, T1, T6, T4]);
    expect(await wallets('?sort=volume')).toEqual([T4, T2, T1, T6, T3]);
    expect(await wallets('?sort=followers')).toEqual([T3, T1, T6, T2, T4]);
    expect(await wallets('?sort=sharpe')).toEqual([T3, T1, T4, T6, T2]);
    const page = (await get('')).json() as LbPage;
    expect(page.items.map((e) => e.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(page.items[0]).toMatchObject({
      wallet: T3,
      pnl7d: '250.500000',
      displayName: 'Gamma Whale',
      followerCount: 9,
      // Trades are closed positions; the fills the volume sums and the open positions show beside.
      totalTrades: 3,
      fills: 7,
      openPositions: 2,
    });
    // No metrics recorded yet: zero, not absent.
    expect(page.items[1]).toMatchObject({ wallet: T1, totalTrades: 10, fills: 0, openPositions: 0 });
    expect(page.nextCursor).toBeNull();
  });

  it('filters by minimum trades and volume, and searches wallet prefixes and names case-insensitively', async () => {
    expect(await wallets('?minTrades=10')).toEqual([T1, T6, T2, T4]);
    expect(await wallets('?minTrades=11')).toEqual([T2, T4]);
    expect(await wallets('?minVolume=1000')).toEqual([T1, T2, T4]);
    expect(await wallets('?minVolume=1000&minTrades=50&sort=volume')).toEqual([T4, T2]);
    expect(await wallets('?q=alpha')).toEqual([T1, T6]);
    expect(await wallets('?q=WHALE')).toEqual([T3]);
    expect(await wallets('?q=0x22')).toEqual([T6, T2]);
    expect(await wallets('?q=0X2222')).toEqual([T2]);
    expect(await wallets(`?q=${T5}`)).toEqual([]);
    expect(await wallets('?q=%25')).toEqual([]); // a literal %, not a wildcard
    expect(await wallets('?q=_')).toEqual([]);
  });

  it("shows and ranks by the chosen window's P&L, and filters by market category", async () => {
    const pnl = async (qs: string) =>
      ((await get(qs)).json() as { items: Array<Entry & { pnl: string; window: string }> }).items.map((e) => [
        e.wallet,
        e.pnl,
      ]);
    expect(await wallets('?sort=pnl&window=30d')).toEqual([T2, T3, T6, T1, T4]);
    expect(await wallets('?sort=pnl&window=90d')).toEqual([T2, T3, T4, T1, T6]);
    expect(await wallets('?sort=pnl&window=all')).toEqual(await wallets('?sort=total_pnl'));
    expect(await wallets('?sort=pnl')).toEqual(await wallets('?sort=pnl_7d'));
    // The window sets `pnl` whatever the sort; pnl7d and totalPnl stay as they are.
    const page = (await get('?window=30d')).json() as {
      items: Array<Entry & Record<string, unknown>>;
    };
    expect(page.items.map((e) => e.wallet)).toEqual([T3, T1, T6, T2, T4]);
    expect(page.items[0]).toMatchObject({
      wallet: T3,
      window: '30d',
      pnl: '40.000000',
      pnlPercent: '4.0000',
      pnl7d: '250.500000',
      categories: ['politics'],
    });
    expect(page.items[1]).toMatchObject({ wallet: T1, pnl: '0', pnlPercent: '0', categories: [] });
    expect(await pnl('?window=all&limit=1')).toEqual([[T3, '-20.000000']]);
    expect(await pnl('?window=7d&limit=1')).toEqual([[T3, '250.500000']]);

    expect(await wallets('?category=politics')).toEqual([T3, T2]);
    expect(await wallets('?category=sports&sort=pnl&window=30d')).toEqual([T2, T6]);
    expect(await wallets('?category=politics&minTrades=10')).toEqual([T2]);
    expect(await wallets('?category=weather')).toEqual([]);

    // Paging by the window's P&L: ranks continue; a cursor of another window is refused.
    const first = (await get('?sort=pnl&window=90d&limit=3')).json() as LbPage;
    const rest = (await get(`?sort=pnl&window=90d&limit=3&cursor=${first.nextCursor}`)).json() as LbPage;
    expect([...first.items, ...rest.items].map((e) => [e.wallet, e.rank])).toEqual([
      [T2, 1],
      [T3, 2],
      [T4, 3],
      [T1, 4],
      [T6, 5],
    ]);
    const other = await get(`?sort=pnl&window=30d&limit=3&cursor=${first.nextCursor}`);
    expect(other.statusCode).toBe(400);
  });

  it('pages with a cursor, ranks continuing, across the trailing traders without a Sharpe ratio', async () => {
    const seen: string[] = [];
    const ranks: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`?sort=sharpe&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const p = res.json() as LbPage;
      seen.push(...p.items.map((e) => e.wallet));
      ranks.push(...p.items.map((e) => e.rank));
      cursor = p.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([T3, T1, T4, T6, T2]);
    expect(ranks).toEqual([1, 2, 3, 4, 5]);

    // Exactly a full page: no next page. One short: a next page with the last row.
    expect(((await get('?limit=5')).json() as LbPage).nextCursor).toBeNull();
    const four = (await get('?limit=4')).json() as LbPage;
    expect(four.items.map((e) => e.wallet)).toEqual([T3, T1, T6, T2]);
    const rest = (await get(`?limit=4&cursor=${four.nextCursor}`)).json() as LbPage;
    expect(rest.items.map((e) => [e.wallet, e.rank])).toEqual([[T4, 5]]);
    expect(rest.nextCursor).toBeNull();
    // Ties at pnl_7d 100 split across pages stay in wallet order.
    const two = (await get('?limit=2')).json() as LbPage;
    expect(two.items.map((e) => e.wallet)).toEqual([T3, T1]);
    expect(
      ((await get(`?limit=2&cursor=${two.nextCursor}`)).json() as LbPage).items.map((e) => e.wallet),
    ).toEqual([T6, T2]);
    // A cursor of another sort order is refused.
    const wrong = await get(`?sort=volume&limit=2&cursor=${two.nextCursor}`);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('answers 400 with the standard error body for bad query parameters', async () => {
    for (const qs of [
      '?limit=0',
      '?limit=101',
      '?limit=abc',
      '?limit=1.5',
      '?limit=1&limit=2',
      '?sort=bogus',
      '?window=1y',
      '?window=',
      '?window=7d&window=30d',
      '?category=bogus',
      '?category=Politics',
      '?category=',
      '?minTrades=1e3',
      '?minTrades=',
      '?minTrades=-1',
      '?minVolume=-1',
      '?minVolume=abc',
      '?minVolume=1.123',
      '?unknown=1',
      '?cursor=not*a*cursor',
      '?cursor=abc',
      `?cursor=${Buffer.from('{"k":"leaderboard:pnl_7d","v":["x","y",1]}').toString('base64url')}`,
      `?q=${'a'.repeat(65)}`,
    ]) {
      const res = await get(qs);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json(), qs).toMatchObject({
        error: { code: 'validation_failed', message: expect.any(String) },
      });
    }
  });

  it('serves from cache with a strong ETag, 304 on If-None-Match, and a new ETag after expiry', async () => {
    const first = await get('?sort=total_pnl');
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['content-type']).toMatch(/^application\/json/);

    const again = await get('?sort=total_pnl', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // No length announced for a body that never comes (keep-alive clients would wait for it).
    expect(again.headers['content-length'] ?? '0').toBe('0');
    expect(again.headers.etag).toBe(etag);
    expect((await get('?sort=total_pnl', { 'if-none-match': `"other", W/${etag}` })).statusCode).toBe(304);
    expect((await get('?sort=total_pnl', { 'if-none-match': '"other"' })).statusCode).toBe(200);

    // The leaderboard changes: within the TTL the cached body is still served...
    await t.current.db
      .updateTable('traders')
      .set({ total_pnl: '5000' })
      .where('wallet_address', '=', T3)
      .execute();
    api.clock.advance(59_000);
    const cached = await get('?sort=total_pnl');
    expect(cached.headers.etag).toBe(etag);
    expect(cached.body).toBe(first.body);
    // ...and after it, the new ranking with a new ETag; the old ETag no longer matches.
    api.clock.advance(2_000);
    const fresh = await get('?sort=total_pnl', { 'if-none-match': etag });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).not.toBe(etag);
    expect((fresh.json() as LbPage).items[0]!.wallet).toBe(T3);
    expect((await get('?sort=total_pnl', { 'if-none-match': fresh.headers.etag as string })).statusCode).toBe(
      304,
    );
  });

  it('is public and described in the OpenAPI document', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const p of [
      '/api/v1/leaderboard',
      '/api/v1/traders/{wallet}',
      '/api/v1/portfolio',
      '/api/v1/positions',
      '/api/v1/copy-trades',
      '/api/v1/decisions',
      '/api/v1/queue',
    ]) {
      expect(doc.paths[p]?.get?.responses['200'], p).toBeDefined();
    }
  });
});

describe('trader profile', () => {
  const t = useTestDatabase();
  let api: TestApi;
  const TW = W('7');
  const fills = [
    // key, asset, side, price, size, filled_at
    ['f1', 'A', 'BUY', '0.40', '10', '2029-11-20T08:00:00Z'],
    ['f2', 'A', 'BUY', '0.60', '10', '2029-12-10T10:00:00Z'],
    ['f3', 'A', 'SELL', '0.70', '5', '2029-12-15T12:00:00Z'],
    ['f4', 'B', 'SELL', '0.30', '4', '2029-12-15T13:00:00Z'],
    ['f5', 'A', 'SELL', '0.45', '20', '2029-12-31T23:59:59Z'],
  ] as const;

  beforeAll(async () => {
    api = await buildTestApi(t.current.db); // clock: 2030-01-01T00:00:00Z
    const db = t.current.db;
    await insertTrader(db, {
      wallet_address: TW,
      display_name: 'Seven',
      pnl_7d: '12.34',
      total_pnl: '5678.9',
      follower_count: 7,
    });
    const other = await insertTrader(db, { wallet_address: W('8') });
    for (const [key, asset, side, price, size, at] of fills) {
      await db
        .insertInto('leader_fills')
        .values({
          fill_key: key,
          trader_wallet_address: TW,
          transaction_hash: `0x${key.padStart(64, '0')}`,
          asset_id: asset,
          condition_id: `0xc${asset}`,
          side,
          price,
          size,
          occurrence: 0,
          filled_at: at,
          detected_at: at,
          source: 'test',
        })
        .execute();
    }
    await db
      .insertInto('leader_fills')
      .values({
        fill_key: 'other',
        trader_wallet_address: other.wallet_address,
        transaction_hash: '0x1',
        asset_id: 'A',
        condition_id: '0xcA',
        side: 'BUY',
        price: '0.5',
        size: '1',
        occurrence: 0,
        filled_at: '2029-12-20T00:00:00Z',
        source: 'test',
      })
      .execute();

    // Decisions on TW's fills: executed 3, failed (order_rejected) 1 and skipped for slippage 1 count
    // against; skipped by filters / limits 3 and queued 1 are not counted → fill rate 3 / 5 = 0.6.
    // (Slippage and latency come from the copy linked to each decision; none is linked here. Their
    // formulas are worked out in test/db/analytics/copyability.test.ts.)
    const rels: { u: string; r: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const u = await insertUser(db);
      rels.push({ u: u.id, r: (await insertRelationship(db, u.id, TW)).id });
    }
    const decide = (
      fill: string,
      k: number,
      outcome: 'executed' | 'failed' | 'skipped' | 'queued',
      reason: string | null,
    ) =>
      db
        .insertInto('copy_decisions')
        .values({ fill_key: fill, copy_relationship_id: rels[k]!.r, user_id: rels[k]!.u, outcome, reason })
        .execute();
    await decide('f1', 0, 'executed', null);
    await decide('f2', 0, 'executed', null);
    await decide('f3', 0, 'executed', null);
    await decide('f1', 1, 'failed', 'order_rejected');
    await decide('f2', 1, 'skipped', 'slippage_exceeded');
    await decide('f3', 1, 'skipped', 'market_excluded');
    await decide('f1', 2, 'skipped', 'market_excluded');
    await decide('f2', 2, 'skipped', 'daily_trade_limit_reached');
    await decide('f3', 2, 'queued', null);
  });
  afterAll(async () => api?.app.close());

  const profile = (w: string, qs = '') => api.app.inject({ method: 'GET', url: `/api/v1/traders/${w}${qs}` });

  it('returns the stats and what copying delivered, worked out by hand', async () => {
    await refreshCopyability({ db: t.current.db, now: api.clock.now });
    const res = await profile(TW.toUpperCase().replace('0X', '0x'));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.stats).toMatchObject({
      wallet: TW,
      displayName: 'Seven',
      pnl7d: '12.340000',
      totalPnl: '5678.900000',
      followerCount: 7,
    });
    expect(body.copyability).toMatchObject({
      computedAt: '2030-01-01T00:00:00.000Z',
      followerCount: 7,
      copyable: true,
      fillRate: '0.6',
      executed: 3,
      failedExecution: 2,
      notCounted: 3,
      pending: 1,
      medianSlippageBps: null,
      slippageSamples: 0,
      latencyP50Ms: null,
      latencySamples: 0,
      // f3 and f5 sell A after the f2 buy: two round trips, too few to judge the style.
      roundTrips: 2,
      tooFast: false,
      tooSmall: false,
    });
  });

  it('computes the 30-day series of realized P&L from recorded fills on the average-cost basis', async () => {
    const { dailyPnl } = (await profile(TW)).json();
    expect(dailyPnl.basis).toBe('recorded_fills_average_cost');
    expect(dailyPnl.recordedSince).toBe('2029-11-20T08:00:00.000Z');
    expect(dailyPnl.days).toHaveLength(30);
    expect(dailyPnl.days[0].date).toBe('2029-12-03');
    expect(dailyPnl.days[29].date).toBe('2030-01-01');
    const nonZero = dailyPnl.days.filter((d: { fills: number }) => d.fills > 0);
    // f1 (before the window) buys 10 @ 0.40; f2 buys 10 @ 0.60 → 20 shares, average 0.50.
    // f3 sells 5 @ 0.70 → +1.00; f4 sells 4 of B, never bought here → unmatched, 0.
    // f5 sells 20 @ 0.45: 15 matched → 15 × (0.45 − 0.50) = −0.75; 5 unmatched. Unmatched total 9.
    expect(nonZero).toEqual([
      { date: '2029-12-10', realizedPnlUsd: '0', buyVolumeUsd: '6', sellVolumeUsd: '0', fills: 1 },
      { date: '2029-12-15', realizedPnlUsd: '1', buyVolumeUsd: '0', sellVolumeUsd: '4.7', fills: 2 },
      { date: '2029-12-31', realizedPnlUsd: '-0.75', buyVolumeUsd: '0', sellVolumeUsd: '9', fills: 1 },
    ]);
    expect(dailyPnl.unmatchedSellSize).toBe('9');
    expect(dailyPnl.days[1]).toEqual({
      date: '2029-12-04',
      realizedPnlUsd: '0',
      buyVolumeUsd: '0',
      sellVolumeUsd: '0',
      fills: 0,
    });
  });

  it("pages the recent fills newest first, only this trader's", async () => {
    const keys: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const body = (await profile(TW, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json() as {
        recentFills: { items: { fillKey: string }[]; nextCursor: string | null };
      };
      keys.push(...body.recentFills.items.map((f) => f.fillKey));
      cursor = body.recentFills.nextCursor;
      if (cursor === null) break;
    }
    expect(keys).toEqual(['f5', 'f4', 'f3', 'f2', 'f1']);
    const first = (await profile(TW, '?limit=1')).json().recentFills.items[0];
    expect(first).toMatchObject({
      fillKey: 'f5',
      side: 'SELL',
      price: '0.4500000000',
      size: '20.000000',
      assetId: 'A',
    });
  });

  it('answers 404 for an unknown wallet and 400 for a malformed one or bad paging', async () => {
    const unknown = await profile(W('9'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'not_found', message: 'trader not found' } });
    for (const [w, qs] of [
      ['0x123', ''],
      ['not-a-wallet', ''],
      [TW, '?limit=0'],
      [TW, '?cursor=zzz'],
      [TW, '?x=1'],
    ] as const) {
      const res = await profile(w, qs);
      expect(res.statusCode, `${w}${qs}`).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
  });

  it('shows no copyability figures before the first refresh', async () => {
    const lone = W('6');
    await insertTrader(t.current.db, { wallet_address: lone });
    const body = (await profile(lone)).json();
    expect(body.copyability).toMatchObject({
      computedAt: null,
      followerCount: 0,
      copyable: null,
      medianSlippageBps: null,
      slippageSamples: 0,
      fillRate: null,
      executed: 0,
      failedExecution: 0,
      latencyP50Ms: null,
      latencySamples: 0,
      followerPnlUsd: '0',
    });
    expect(body.dailyPnl.recordedSince).toBeNull();
    expect(body.recentFills).toEqual({ items: [], nextCursor: null });
  });
});
