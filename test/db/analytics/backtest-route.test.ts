// POST /api/v1/traders/{wallet}/backtest through the real API on real PostgreSQL: a hand-made history
// (recorded fills before and inside the window, a resolution and a current mark in token_marks)
// with the answer worked out below; signed-in users only; bad input answers 400 with the standard
// error body; and no request, good or bad, writes anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { insertTrader, txHash } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from '../api/api-harness.ts';
import { changedTables, dbFingerprint } from '../api/db-fingerprint.ts';

const L = `0x${'ab'.repeat(20)}`;
let seq = 0;

async function fill(
  db: Db,
  asset: string,
  side: 'BUY' | 'SELL',
  size: string,
  price: string,
  at: string,
  slug = 'm',
) {
  await db
    .insertInto('leader_fills')
    .values({
      fill_key: `k${++seq}`,
      trader_wallet_address: L,
      transaction_hash: txHash(),
      asset_id: asset,
      condition_id: `0x${asset.charCodeAt(0).toString(16).padStart(64, '0')}`,
      side,
      price,
      size,
      occurrence: 0,
      market_slug: slug,
      filled_at: at,
      detected_at: at,
      source: 'test',
    })
    .execute();
}

describe('POST /traders/{wallet}/backtest', () => {
  const t = useTestDatabase();
  let api: TestApi; // clock 2030-01-01T00:00:00Z
  let auth: Record<string, string>;

  beforeAll(async () => {
    const db = t.current.db;
    api = await buildTestApi(db);
    auth = (await signUp(api)).auth;
    await insertTrader(db, { wallet_address: L });
    // Before the 7-day window: the leader bought 200 A (its position when the window opens).
    await fill(db, 'A', 'BUY', '200', '0.40', '2029-12-20T12:00:00Z');
    await fill(db, 'A', 'BUY', '100', '0.50', '2029-12-27T12:00:00Z');
    await fill(db, 'C', 'BUY', '100', '0.50', '2029-12-27T13:00:00Z', 'skip-me');
    await fill(db, 'A', 'SELL', '150', '0.60', '2029-12-29T12:00:00Z');
    await fill(db, 'B', 'BUY', '100', '0.20', '2029-12-30T12:00:00Z');
    await db
      .insertInto('token_marks' as never)
      .values([
        { asset_id: 'A', price: '0.70', priced_at: '2029-12-31T23:00:00Z' },
        { asset_id: 'B', resolved: true, payout: '0', resolved_at: '2029-12-31T06:00:00Z' },
      ] as never)
      .execute();
  });
  afterAll(async () => api?.app.close());

  const post = (body: unknown, headers = auth, wallet = L) =>
    api.app.inject({
      method: 'POST',
      url: `/api/v1/traders/${wallet}/backtest`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  const good = {
    days: 7,
    startingBalanceUsd: '1000',
    proportionalityFactor: '0.1',
    minTradeSizeUsd: '1',
    maxSlippagePercent: '2',
    excludedMarkets: ['skip-me'],
    slippageModel: { fixedBps: '0', impactBpsPer1000Usd: '0' },
  };

  it('replays the window, worked out by hand, and writes nothing', async () => {
    const before = await dbFingerprint(t.current.db);
    const res = await post(good);
    expect(res.statusCode, res.body).toBe(200);
    expect(changedTables(before, await dbFingerprint(t.current.db))).toEqual([]);
    const b = res.json();
    expect(b).toMatchObject({
      trader: L,
      from: '2029-12-25T00:00:00.000Z',
      to: '2030-01-01T00:00:00.000Z',
      days: 7,
      // Unset settings are a new follow's (NEW_FOLLOW_DEFAULTS): $25 a copy.
      settings: { proportionalityFactor: '0.1', maxInvestmentPerTradeUsd: '25', minTradeSizeUsd: '1' },
      slippageModel: { fixedBps: '0', impactBpsPer1000Usd: '0' },
      fillsReplayed: 4,
      // A BUY: 10 shares; sent as what they cost at 0.50, $5 (the 0.51 limit only bounds it) → 10
      // shares. A SELL: the leader held 300 (200 from before the window) and sold 150 → half: 5
      // shares at 0.60 = $3 (+0.50).
      // B: 10 shares at 0.20 (2% of 0.20 rounds back to the tick 0.20) = $2, resolved at 0 (−2).
      copies: { total: 3, buys: 2, sells: 1 },
      exits: { stopLoss: 0, takeProfit: 0, resolution: 1 },
      skipped: 1,
      skips: { market_excluded: 1 },
      // Cash 1000 − 5 + 3 − 2 = 996; 5 A marked at the current 0.70 = 3.50.
      startingBalanceUsd: '1000',
      endingEquityUsd: '999.5',
      pnlUsd: '-0.5',
      returnPercent: '-0.05',
      realizedPnlUsd: '-1.5',
      unrealizedPnlUsd: '1',
      openPositions: [
        {
          assetId: 'A',
          shares: '5',
          costUsd: '2.5',
          markPrice: '0.7',
          markSource: 'current',
          valueUsd: '3.5',
        },
      ],
    });
    expect(b.trades.total).toBe(4);
    expect(
      b.trades.items.map((x: { kind: string; side: string; shares: string; price: string }) => [
        x.kind,
        x.side,
        x.shares,
        x.price,
      ]),
    ).toEqual([
      ['copy', 'BUY', '10', '0.5'],
      ['copy', 'SELL', '5', '0.6'],
      ['copy', 'BUY', '10', '0.2'],
      ['resolution', 'SELL', '10', '0'],
    ]);
    expect(b.equityCurve.map((p: { date: string; equityUsd: string }) => [p.date, p.equityUsd])).toEqual([
      ['2029-12-25', '1000'],
      ['2029-12-26', '1000'],
      ['2029-12-27', '1000'],
      ['2029-12-28', '1000'],
      // After the sell: 998 cash + 5 × 0.60.
      ['2029-12-29', '1001'],
      // B bought for $2, still worth its price.
      ['2029-12-30', '1001'],
      // B settled at 0; A at its last seen 0.60.
      ['2029-12-31', '999'],
      // Now: A at the current mark 0.70.
      ['2030-01-01', '999.5'],
    ]);
  });

  it('follows the sizing when the window leaves out the leader position', async () => {
    // Two days: only the B buy is inside; the rest is history.
    const res = await post({ ...good, days: 2 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ fillsReplayed: 1, copies: { buys: 1, sells: 0 }, pnlUsd: '-2' });
  });

  it('is for signed-in users only', async () => {
    const res = await post(good, {});
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
  });

  it('answers 400 with the standard error body for bad input, 404 for an unknown trader, 422 past the tier', async () => {
    const cases: [string, unknown, string][] = [
      ['days missing', { startingBalanceUsd: '1000' }, 'days'],
      ['days 0', { ...good, days: 0 }, 'days'],
      ['days 91', { ...good, days: 91 }, 'days'],
      ['days fractional', { ...good, days: 1.5 }, 'days'],
      ['days as a string', { ...good, days: '7' }, 'days'],
      ['no balance', { days: 7 }, 'startingBalanceUsd'],
      ['zero balance', { ...good, startingBalanceUsd: '0' }, 'startingBalanceUsd'],
      ['balance as a number', { ...good, startingBalanceUsd: 1000 }, 'startingBalanceUsd'],
      ['factor 0', { ...good, proportionalityFactor: '0' }, 'proportionalityFactor'],
      ['factor 11', { ...good, proportionalityFactor: '11' }, 'proportionalityFactor'],
      ['slippage 101', { ...good, maxSlippagePercent: '101' }, 'maxSlippagePercent'],
      ['stop loss 0', { ...good, stopLossPercent: '0' }, 'stopLossPercent'],
      ['three decimals', { ...good, maxTotalExposureUsd: '1.001' }, 'maxTotalExposureUsd'],
      ['bad market', { ...good, allowedMarkets: ['has space'] }, 'allowedMarkets'],
      ['unknown field', { ...good, leverage: 10 }, 'leverage'],
      [
        'model extra field',
        { ...good, slippageModel: { fixedBps: '1', impactBpsPer1000Usd: '1', x: 1 } },
        'slippageModel',
      ],
      [
        'model out of range',
        { ...good, slippageModel: { fixedBps: '5001', impactBpsPer1000Usd: '1' } },
        'fixedBps',
      ],
      [
        'min above per-trade',
        { ...good, minTradeSizeUsd: '50', maxInvestmentPerTradeUsd: '20' },
        'minTradeSizeUsd',
      ],
      ['allowed and excluded', { ...good, allowedMarkets: ['x'], excludedMarkets: ['x'] }, 'markets both'],
    ];
    for (const [what, body, mentions] of cases) {
      const before = await dbFingerprint(t.current.db);
      const res = await post(body);
      expect(res.statusCode, what).toBe(400);
      const e = res.json();
      expect(e.error.code, what).toBe('validation_failed');
      expect(e.error.message, what).toContain(mentions);
      expect(Object.keys(e), what).toEqual(['error']);
      expect(changedTables(before, await dbFingerprint(t.current.db)), what).toEqual([]);
    }
    expect((await post(good, auth, '0x123')).statusCode).toBe(400);
    const unknown = await post(good, auth, `0x${'9'.repeat(40)}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'not_found', message: 'trader not found' } });
    // The free tier allows $100 per trade: a backtest only answers for settings one could follow with.
    const tier = await post({ ...good, maxInvestmentPerTradeUsd: '200', maxTotalExposureUsd: '400' });
    expect(tier.statusCode).toBe(422);
    expect(tier.json().error.code).toBe('tier_limit_reached');
  });

  it('is in the OpenAPI document with its request and result schemas', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const op = doc.paths['/api/v1/traders/{wallet}/backtest']?.post;
    expect(op?.responses['200']).toBeDefined();
    expect(op?.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.components.schemas.BacktestResult?.properties ?? {})).toEqual(
      expect.arrayContaining(['equityCurve', 'pnlUsd', 'copies', 'skips', 'slippageModel']),
    );
    expect(Object.keys(doc.components.schemas.Copyability?.properties ?? {})).toEqual(
      expect.arrayContaining(['fillRate', 'medianSlippageBps', 'latencyP90Ms', 'followerPnlUsd', 'copyable']),
    );
    expect(Object.keys(doc.components.schemas.LeaderboardEntry?.properties ?? {})).toEqual(
      expect.arrayContaining(['copyable', 'copyFillRate', 'copyMedianSlippageBps']),
    );
  });
});
