// The leader metrics recompute (src/analytics/recompute-metrics.ts) on real PostgreSQL:
//  - the worked example (test/support/analytics-history.ts; arithmetic in
//    test/unit/domain/analytics/trader-metrics.test.ts and docs/analytics.md): every column;
//  - the minimum sample (one lucky bet is not ranked), ranks with ties and inactive traders;
//  - follower figures recounted (drift corrected), the token_marks list of held tokens, a trader
//    without fills, a fill recorded after the clock;
//  - random histories: every stored figure equals the pure definitions
//    (src/domain/analytics/trader-metrics.ts + ranking.ts), with 1 and with 3 shards.
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { recomputeTraderMetrics } from '../../../src/analytics/recompute-metrics.ts';
import { refreshFollowerFigures } from '../../../src/analytics/refresh-follower-figures.ts';
import type { Db } from '../../../src/db/client.ts';
import { meetsMinimumSample, type MinimumSample } from '../../../src/domain/analytics/minimum-sample.ts';
import { assignRanks } from '../../../src/domain/analytics/ranking.ts';
import {
  computeTraderMetrics,
  type TokenMark,
  type TraderFill,
} from '../../../src/domain/analytics/trader-metrics.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { EXPECTED, HISTORY, MARKS, NOW, TOKENS } from '../../support/analytics-history.ts';
import { insertRelationship, insertTrade, insertTrader, insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const W = (c: string) => `0x${c.repeat(40 / c.length)}`;
const MARKET = `0x${'c'.repeat(64)}`;

interface FillInput {
  wallet: string;
  token: string;
  at: Date | string;
  side: 'BUY' | 'SELL';
  size: string;
  price: string;
  fees?: string;
}

async function insertFills(db: Db, fills: readonly FillInput[]): Promise<void> {
  if (fills.length === 0) return;
  await db
    .insertInto('trades')
    .values(
      fills.map((f) => ({
        trader_wallet_address: f.wallet,
        is_copy_trade: false,
        market_id: MARKET,
        position: 'YES' as const,
        entry_price: f.price,
        quantity: f.size,
        entry_value_usd: new Decimal(f.price)
          .times(f.size)
          .toDecimalPlaces(6, Decimal.ROUND_HALF_UP)
          .toFixed(),
        fees_usd: f.fees ?? '0',
        status: f.side === 'BUY' ? ('open' as const) : ('closed' as const),
        entry_timestamp: new Date(f.at),
        asset_id: f.token,
        side: f.side,
      })),
    )
    .execute();
}

async function setMark(
  db: Db,
  token: string,
  m: { price: string | null; resolved: boolean; payout: string | null; resolvedAt: string | Date | null },
) {
  await sql`
    INSERT INTO token_marks (asset_id, price, resolved, payout, resolved_at)
    VALUES (${token}, ${m.price}::numeric, ${m.resolved}, ${m.payout}::numeric, ${m.resolvedAt}::timestamptz)
    ON CONFLICT (asset_id) DO UPDATE SET price = EXCLUDED.price, resolved = EXCLUDED.resolved,
      payout = EXCLUDED.payout, resolved_at = EXCLUDED.resolved_at`.execute(db);
}

const trader = (db: Db, wallet: string) =>
  db.selectFrom('traders').selectAll().where('wallet_address', '=', wallet).executeTakeFirstOrThrow();
const metricsRow = (db: Db, wallet: string) =>
  db.selectFrom('trader_metrics').selectAll().where('wallet_address', '=', wallet).executeTakeFirstOrThrow();
const same = (stored: string | null, expected: string | null) =>
  expect(stored === null ? null : new Decimal(stored).toFixed()).toBe(
    expected === null ? null : new Decimal(expected).toFixed(),
  );

describe('recompute on the worked example', () => {
  const t = useTestDatabase();
  const A = W('a1');
  const NOBODY = W('e0');

  beforeAll(async () => {
    const db = t.current.db;
    await insertTrader(db, { wallet_address: A, follower_count: 99, total_copied_volume_usd: '12345' });
    await insertTrader(db, { wallet_address: NOBODY, pnl_7d: '5', total_pnl: '7', rank_all_time: 3 });
    await insertFills(
      db,
      HISTORY.map((f) => ({
        wallet: A,
        token: TOKENS[f.token],
        at: f.at,
        side: f.side,
        size: f.size,
        price: f.price,
        fees: f.fees,
      })),
    );
    for (const [k, m] of Object.entries(MARKS)) await setMark(db, TOKENS[k as keyof typeof TOKENS], m);
    // Followers: active and paused count, stopped does not. Copies: entry value 30 + 12.5.
    const [u1, u2, u3] = await Promise.all([insertUser(db), insertUser(db), insertUser(db)]);
    const r1 = await insertRelationship(db, u1.id, A, { status: 'active' });
    await insertRelationship(db, u2.id, A, { status: 'paused' });
    await insertRelationship(db, u3.id, A, { status: 'stopped' });
    for (const value of ['30', '12.5'])
      await insertTrade(db, {
        trader_wallet_address: A,
        is_copy_trade: true,
        copying_user_id: u1.id,
        copy_relationship_id: r1.id,
        entry_value_usd: value,
        entry_timestamp: new Date('2030-01-05T00:00:00Z'),
      });
  });

  it('writes every figure of the hand-worked history', async () => {
    const db = t.current.db;
    const report = await recomputeTraderMetrics(db, {
      now: NOW,
      minimumSample: { closedPositions: 4, activeDays: 9 },
    });
    expect(report).toMatchObject({
      traders: 2,
      tradersWithFills: 1,
      fills: 10,
      openPositions: 1,
      closedPositions: 4,
      ranked: 1,
    });
    const a = await trader(db, A);
    same(a.total_pnl, EXPECTED.total_pnl);
    same(a.pnl_7d, EXPECTED.pnl_7d);
    same(a.total_pnl_percent, EXPECTED.total_pnl_percent);
    same(a.pnl_7d_percent, EXPECTED.pnl_7d_percent);
    same(a.total_volume_usd, EXPECTED.total_volume_usd);
    expect([a.total_trades, a.winning_trades, a.losing_trades]).toEqual([
      EXPECTED.total_trades,
      EXPECTED.winning_trades,
      EXPECTED.losing_trades,
    ]);
    same(a.win_rate, EXPECTED.win_rate);
    same(a.avg_trade_size_usd, EXPECTED.avg_trade_size_usd);
    same(a.avg_holding_time_hours, EXPECTED.avg_holding_time_hours);
    same(a.sharpe_ratio, EXPECTED.sharpe_ratio);
    same(a.max_drawdown, EXPECTED.max_drawdown);
    same(a.volatility, EXPECTED.volatility);
    expect([a.rank_7d, a.rank_all_time, a.rank_volume]).toEqual([1, 1, 1]);
    expect(a.first_trade_at?.toISOString()).toBe(EXPECTED.first_trade_at);
    expect(a.last_trade_at?.toISOString()).toBe(EXPECTED.last_trade_at);
    expect(a.last_updated_at.toISOString()).toBe(NOW.toISOString());
    // Recounted from relationships and copy trades, replacing whatever the counters said.
    expect(a.follower_count).toBe(2);
    same(a.total_copied_volume_usd, '42.5');

    const m = await metricsRow(db, A);
    same(m.capital_base_usd, EXPECTED.capital_base);
    expect(m).toMatchObject({
      active_days: EXPECTED.active_days,
      equity_days: EXPECTED.equity_days,
      open_positions: EXPECTED.open_positions,
      breakeven_trades: EXPECTED.breakeven_trades,
      fills: EXPECTED.fills,
      meets_sample: true,
      ranked: true,
    });
  });

  it('states the risk-free rate: 5 % a year lowers the Sharpe ratio as worked out', async () => {
    const db = t.current.db;
    await recomputeTraderMetrics(db, { now: NOW, riskFreeRate: new Decimal('0.05') });
    same((await trader(db, A)).sharpe_ratio, EXPECTED.sharpe_ratio_rf_5pct);
  });

  it('gives a trader without fills zeros and no rank, even where it had figures', async () => {
    const db = t.current.db;
    await recomputeTraderMetrics(db, { now: NOW });
    const n = await trader(db, NOBODY);
    for (const col of ['pnl_7d', 'total_pnl', 'total_volume_usd', 'win_rate', 'pnl_7d_percent'] as const)
      same(n[col], '0');
    expect([
      n.total_trades,
      n.rank_7d,
      n.rank_all_time,
      n.rank_volume,
      n.sharpe_ratio,
      n.max_drawdown,
    ]).toEqual([0, null, null, null, null, null]);
    expect(n.first_trade_at).toBeNull();
    expect((await metricsRow(db, NOBODY)).meets_sample).toBe(false);
  });

  it('lists the tokens held (open, unresolved) for the marks refresh, and unlists them when sold', async () => {
    const db = t.current.db;
    await recomputeTraderMetrics(db, { now: NOW });
    const held = async () =>
      (
        await db
          .selectFrom('token_marks')
          .select(['asset_id', 'open_holders'])
          .where('open_holders', '>', 0)
          .execute()
      ).map((r) => [r.asset_id, r.open_holders]);
    // T4 is open; T5 is held but resolved (settled, nothing to price); T6 holds nothing.
    expect(await held()).toEqual([[TOKENS.T4, 1]]);
    await insertFills(db, [
      { wallet: A, token: TOKENS.T4, at: '2030-01-20T06:00:00Z', side: 'SELL', size: '100', price: '0.45' },
    ]);
    await recomputeTraderMetrics(db, { now: NOW });
    expect(await held()).toEqual([]);
    // Sold at the mark price: the same P&L, now realized; the position is closed (a 5th trade, a win).
    const a = await trader(db, A);
    same(a.total_pnl, EXPECTED.total_pnl);
    expect([a.total_trades, a.winning_trades]).toEqual([5, 3]);
  });

  it('ignores fills after its clock, and does not move last_trade_at back over them', async () => {
    const db = t.current.db;
    await insertFills(db, [
      { wallet: A, token: '1999', at: '2030-01-25T00:00:00Z', side: 'BUY', size: '10', price: '0.5' },
    ]);
    await db
      .updateTable('traders')
      .set({ last_trade_at: new Date('2030-01-25T00:00:00Z') })
      .where('wallet_address', '=', A)
      .execute();
    const report = await recomputeTraderMetrics(db, { now: NOW });
    expect(report.fills).toBe(11);
    expect((await trader(db, A)).last_trade_at?.toISOString()).toBe('2030-01-25T00:00:00.000Z');
  });

  it('refreshes follower figures alone, writing only rows that changed', async () => {
    const db = t.current.db;
    await db
      .updateTable('traders')
      .set({ follower_count: 7, total_copied_volume_usd: '1' })
      .where('wallet_address', '=', A)
      .execute();
    expect(await refreshFollowerFigures(db)).toEqual({ updated: 1 });
    const a = await trader(db, A);
    expect(a.follower_count).toBe(2);
    same(a.total_copied_volume_usd, '42.5');
    expect(await refreshFollowerFigures(db)).toEqual({ updated: 0 });
  });
});

describe('ranks and the minimum sample', () => {
  const t = useTestDatabase();
  const day = (d: number, h = 12) => new Date(Date.UTC(2030, 0, d, h));
  const now = day(20);
  // A closed round trip: BUY size @ buy on day d, SELL size @ sell on day d (an hour later).
  const trip = (
    wallet: string,
    token: string,
    d: number,
    size: string,
    buy: string,
    sell: string,
  ): FillInput[] => [
    { wallet, token, at: day(d, 10), side: 'BUY', size, price: buy },
    { wallet, token, at: day(d, 11), side: 'SELL', size, price: sell },
  ];

  it('one lucky bet is not ranked; a steady record is, by default (10 positions, 5 days)', async () => {
    const db = t.current.db;
    const lucky = W('1a');
    const steady = W('1b');
    await insertTrader(db, { wallet_address: lucky });
    await insertTrader(db, { wallet_address: steady });
    // lucky: 1000 shares bought at 0.05 and sold at 0.95 → +900, one position, one day.
    await insertFills(db, trip(lucky, '2001', 15, '1000', '0.05', '0.95'));
    // steady: 10 positions of 10 shares, +0.10 each (→ +1 each, +10 in all), on days 11…15.
    await insertFills(
      db,
      Array.from({ length: 10 }, (_, i) => trip(steady, `21${i}`, 11 + (i % 5), '10', '0.40', '0.50')).flat(),
    );
    await recomputeTraderMetrics(db, { now });
    const l = await trader(db, lucky);
    const s = await trader(db, steady);
    same(l.total_pnl, '900');
    expect([l.rank_7d, l.rank_all_time, l.rank_volume]).toEqual([null, null, null]);
    expect(await metricsRow(db, lucky)).toMatchObject({ meets_sample: false, ranked: false, active_days: 1 });
    same(s.total_pnl, '10');
    expect([s.total_trades, s.rank_7d, s.rank_all_time, s.rank_volume]).toEqual([10, 1, 1, 1]);
    expect(await metricsRow(db, steady)).toMatchObject({ meets_sample: true, ranked: true, active_days: 5 });

    // The sample is configurable: with 1 position and 1 day the lucky trader tops every board.
    await recomputeTraderMetrics(db, { now, minimumSample: { closedPositions: 1, activeDays: 1 } });
    expect((await trader(db, lucky)).rank_all_time).toBe(1);
    expect((await trader(db, steady)).rank_all_time).toBe(2);
  });

  it('breaks ties by wallet address and never ranks an inactive trader', async () => {
    const db = t.current.db;
    await db.deleteFrom('trades').execute();
    await db.deleteFrom('traders').execute();
    const [b, c, d, e] = [W('0b'), W('0c'), W('0d'), W('0e')];
    for (const w of [c, b, e]) await insertTrader(db, { wallet_address: w });
    await insertTrader(db, { wallet_address: d, is_active: false });
    // b and c: identical, +2 (10 × 0.20); d: +5 but inactive; e: +1 on more volume (20 × 0.05).
    await insertFills(db, [
      ...trip(c, '3001', 18, '10', '0.50', '0.70'),
      ...trip(b, '3001', 18, '10', '0.50', '0.70'),
      ...trip(d, '3002', 18, '10', '0.20', '0.70'),
      ...trip(e, '3003', 18, '20', '0.60', '0.65'),
    ]);
    await recomputeTraderMetrics(db, { now, minimumSample: { closedPositions: 1, activeDays: 1 } });
    const ranks = async (col: 'rank_7d' | 'rank_all_time' | 'rank_volume') =>
      Object.fromEntries(
        (await db.selectFrom('traders').select(['wallet_address', col]).execute()).map((r) => [
          r.wallet_address,
          r[col],
        ]),
      );
    // P&L (7-day and all-time): b 2, c 2 (tie → b first), e 1; d unranked.
    expect(await ranks('rank_7d')).toEqual({ [b]: 1, [c]: 2, [e]: 3, [d]: null });
    expect(await ranks('rank_all_time')).toEqual({ [b]: 1, [c]: 2, [e]: 3, [d]: null });
    // Volume: e 12 + 13 = 25; b and c 5 + 7 = 12 (tie → b first).
    expect(await ranks('rank_volume')).toEqual({ [e]: 1, [b]: 2, [c]: 3, [d]: null });
    same((await trader(db, d)).total_pnl, '5');
  });
});

// A small deterministic generator (mulberry32), so a failing history can be replayed by seed.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the SQL recompute equals the pure definitions on random histories', () => {
  const t = useTestDatabase();
  const now = new Date('2030-03-01T15:30:00Z');
  const sample: MinimumSample = { closedPositions: 3, activeDays: 2 };

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every trader's figures and ranks, with 1 and with 3 shards`, async () => {
      const db = t.current.db;
      await db.deleteFrom('trades').execute();
      await db.deleteFrom('trader_metrics').execute();
      await db.deleteFrom('traders').execute();
      await db.deleteFrom('token_marks').execute();
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
      const tokens = Array.from({ length: 8 }, (_, i) => `${seed}00${i}`);
      const wallets = Array.from(
        { length: 24 },
        (_, i) => `0x${(seed * 1000 + i).toString(16).padStart(40, '0')}`,
      );
      const active = new Map<string, boolean>();
      for (const w of wallets) {
        active.set(w, r() > 0.1);
        await insertTrader(db, { wallet_address: w, is_active: active.get(w)! });
      }
      const fills: FillInput[] = [];
      for (const w of wallets.slice(0, 22)) {
        const mine = tokens.filter(() => r() < 0.5);
        const n = Math.floor(r() * 30);
        let at = now.getTime() - 40 * 86_400_000 + Math.floor(r() * 5 * 86_400_000);
        for (let i = 0; i < n && mine.length > 0; i++) {
          // Same-instant fills now and then (ordered by recording order), and a few after the clock.
          at += r() < 0.15 ? 0 : Math.floor(r() * 3 * 86_400_000);
          const side = r() < 0.58 ? 'BUY' : 'SELL';
          fills.push({
            wallet: w,
            token: pick(mine),
            at: new Date(at),
            side,
            // Half the sales sell more than any position holds: the position closes, the rest is
            // the unmatched part of a sale of shares bought before recording began.
            size: side === 'SELL' && r() < 0.5 ? '999' : (Math.floor(r() * 20_000) / 100 + 0.01).toFixed(2),
            price: (Math.floor(r() * 98) / 100 + 0.01).toFixed(2),
            fees: r() < 0.3 ? (Math.floor(r() * 50) / 100).toFixed(2) : '0',
          });
        }
      }
      await insertFills(db, fills);
      const marks = new Map<string, TokenMark>();
      for (const token of tokens) {
        const kind = r();
        const mark: TokenMark =
          kind < 0.3
            ? {
                price: null,
                resolved: true,
                payout: new Decimal(pick(['0', '1', '0.5'])),
                // Some resolve before the last fills, some after the clock (not resolved yet then).
                resolvedAt: new Date(now.getTime() - Math.floor(r() * 45 * 86_400_000) + 2 * 86_400_000),
              }
            : kind < 0.8
              ? {
                  price: new Decimal((Math.floor(r() * 99) / 100).toFixed(2)),
                  resolved: false,
                  payout: null,
                  resolvedAt: null,
                }
              : { price: null, resolved: false, payout: null, resolvedAt: null };
        if (kind < 0.8) {
          marks.set(token, mark);
          await setMark(db, token, {
            price: mark.price?.toFixed() ?? null,
            resolved: mark.resolved,
            payout: mark.payout?.toFixed() ?? null,
            resolvedAt: mark.resolvedAt,
          });
        }
      }

      // The pure definitions, per trader, on the fills as stored (ids order same-instant fills).
      const stored = await db
        .selectFrom('trades')
        .select([
          'id',
          'trader_wallet_address',
          'asset_id',
          'entry_timestamp',
          'side',
          'entry_price',
          'quantity',
          'entry_value_usd',
          'fees_usd',
        ])
        .where('is_copy_trade', '=', false)
        .execute();
      const expected = new Map(
        wallets.map((w) => [
          w,
          computeTraderMetrics(
            stored
              .filter((f) => f.trader_wallet_address === w)
              .map((f): TraderFill => ({
                seq: BigInt(f.id),
                token: f.asset_id!,
                at: f.entry_timestamp,
                side: f.side as 'BUY' | 'SELL',
                price: new Decimal(f.entry_price),
                size: new Decimal(f.quantity),
                notional: new Decimal(f.entry_value_usd),
                fees: new Decimal(f.fees_usd),
              })),
            marks,
            { now },
          ),
        ]),
      );
      const eligible = (w: string) =>
        active.get(w)! &&
        meetsMinimumSample(
          { closedPositions: expected.get(w)!.totalTrades, activeDays: expected.get(w)!.activeDays },
          sample,
        );
      const rank = (value: (w: string) => Decimal) =>
        assignRanks(wallets.map((w) => ({ wallet: w, value: value(w), eligible: eligible(w) })));
      const r7 = rank((w) => expected.get(w)!.pnl7d);
      const rAll = rank((w) => expected.get(w)!.totalPnl);
      const rVol = rank((w) => expected.get(w)!.totalVolumeUsd);

      const check = async () => {
        const rows = await db
          .selectFrom('traders')
          .innerJoin('trader_metrics', 'trader_metrics.wallet_address', 'traders.wallet_address')
          .selectAll('traders')
          .select([
            'capital_base_usd',
            'active_days',
            'equity_days',
            'open_positions',
            'breakeven_trades',
            'fills',
          ])
          .execute();
        expect(rows).toHaveLength(wallets.length);
        for (const row of rows) {
          const w = row.wallet_address;
          const e = expected.get(w)!;
          const got = {
            pnl_7d: new Decimal(row.pnl_7d).toFixed(),
            pnl_7d_percent: new Decimal(row.pnl_7d_percent).toFixed(),
            total_pnl: new Decimal(row.total_pnl).toFixed(),
            total_pnl_percent: new Decimal(row.total_pnl_percent).toFixed(),
            total_volume_usd: new Decimal(row.total_volume_usd).toFixed(),
            trades: [row.total_trades, row.winning_trades, row.losing_trades, row.breakeven_trades],
            win_rate: new Decimal(row.win_rate).toFixed(),
            avg_trade_size_usd: new Decimal(row.avg_trade_size_usd).toFixed(),
            avg_holding_time_hours: new Decimal(row.avg_holding_time_hours).toFixed(),
            sharpe_ratio: row.sharpe_ratio === null ? null : new Decimal(row.sharpe_ratio).toFixed(),
            max_drawdown: row.max_drawdown === null ? null : new Decimal(row.max_drawdown).toFixed(),
            volatility: row.volatility === null ? null : new Decimal(row.volatility).toFixed(),
            capital_base: new Decimal(row.capital_base_usd).toFixed(),
            days: [row.active_days, row.equity_days, row.open_positions, row.fills],
            ranks: [row.rank_7d, row.rank_all_time, row.rank_volume],
            first: row.first_trade_at?.toISOString() ?? null,
          };
          const want = {
            pnl_7d: e.pnl7d.toFixed(),
            pnl_7d_percent: e.pnl7dPercent.toFixed(),
            total_pnl: e.totalPnl.toFixed(),
            total_pnl_percent: e.totalPnlPercent.toFixed(),
            total_volume_usd: e.totalVolumeUsd.toFixed(),
            trades: [e.totalTrades, e.winningTrades, e.losingTrades, e.breakevenTrades],
            win_rate: e.winRate.toFixed(),
            avg_trade_size_usd: e.avgTradeSizeUsd.toFixed(),
            avg_holding_time_hours: e.avgHoldingTimeHours.toFixed(),
            sharpe_ratio: e.sharpeRatio?.toFixed() ?? null,
            max_drawdown: e.maxDrawdown?.toFixed() ?? null,
            volatility: e.volatility?.toFixed() ?? null,
            capital_base: e.capitalBase.toFixed(),
            days: [e.activeDays, e.equityDays, e.openPositions, e.fills],
            ranks: [r7.get(w), rAll.get(w), rVol.get(w)],
            first: e.firstTradeAt?.toISOString() ?? null,
          };
          expect(got, `seed ${seed}, trader ${w}`).toEqual(want);
        }
      };
      await recomputeTraderMetrics(db, { now, minimumSample: sample });
      await check();
      await db.updateTable('traders').set({ total_pnl: '0', rank_all_time: null }).execute();
      await recomputeTraderMetrics(db, { now, minimumSample: sample, parallelism: 3 });
      await check();
      // The histories exercised what they should (resolutions, clamped sales, open positions, ranks).
      const all = [...expected.values()];
      expect(all.some((e) => e.openPositions > 0)).toBe(true);
      expect(all.some((e) => e.breakevenTrades + e.losingTrades > 0 && e.winningTrades > 0)).toBe(true);
      expect([...r7.values()].filter((x) => x !== null).length).toBeGreaterThan(5);
    });
  }
});
