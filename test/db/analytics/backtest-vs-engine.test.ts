// The what-if backtest against the live engine on the same simulated period. A leader trades on the
// simulator (its clock kept at the wall clock: the engine copies only fills fresher than the copy
// TTL), against books the test sets, deep at the leader's price; the
// real engine — ingest on the RTDS stream, fan-out, a worker with the paper venue reading the
// simulator's books — copies it for a follower in paper mode. Then the backtest replays the fills
// the engine recorded with the follower's own settings and tier: with a zero-cost slippage model it
// must make exactly the engine's copies (same fills, same shares, same cost) and skip exactly the
// fills the engine skipped, for the same reasons. With the default model (50 bps + impact) it may
// only copy less, at prices no better than the engine's, and each copy it drops must be a
// slippage_exceeded (the model's cost exceeds the follower's limit).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { DefaultVenueProvider } from '../../../src/execution/venue-provider.ts';
import { CopyWorker } from '../../../src/execution/worker.ts';
import { LeaderFillDetector } from '../../../src/ingest/detector.ts';
import { MarketRulesCache } from '../../../src/venue/market-cache.ts';
import { backtestTrader, type BacktestView } from '../../../src/services/run-backtest.ts';
import { RtdsActivityStream } from '../../../src/venue/polymarket/rtds-stream.ts';
import { insertRelationship, insertTrader, insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  AnalyticsSim,
  buy,
  logger,
  newLeader,
  sell,
  SMALL_POPULATION,
  waitUntil,
  type Leader,
  type SimMarketSummary,
} from './analytics-harness.ts';

const SETTINGS = {
  proportionalityFactor: '0.1',
  maxInvestmentPerTradeUsd: '20',
  maxTotalExposureUsd: '60',
  minTradeSizeUsd: '2',
  maxSlippagePercent: '2',
};

interface EngineOutcome {
  fillKey: string;
  outcome: string;
  reason: string | null;
  shares: string | null;
  notional: string | null;
}

describe('backtest vs the live engine (paper) on a simulated period', () => {
  const t = useTestDatabase();
  let sim: AnalyticsSim;
  let detector: LeaderFillDetector;
  let worker: CopyWorker;
  let leader: Leader;
  let userId: string;
  let markets: SimMarketSummary[];
  let engine: EngineOutcome[];

  beforeAll(async () => {
    const db = t.current.db;
    sim = await AnalyticsSim.start({
      seed: 9,
      startTime: Date.now(),
      simulationConfig: SMALL_POPULATION,
    });
    markets = (await sim.binaryMarkets()).slice(0, 3);
    expect(markets).toHaveLength(3);
    leader = await newLeader(sim);
    await insertTrader(db, { wallet_address: leader.address });
    // A free-tier follower whose own daily limit is 5 copies (so the gate shows up).
    const user = await insertUser(db, { max_daily_trades: 5 });
    userId = user.id;
    await insertRelationship(db, user.id, leader.address, {
      proportionality_factor: SETTINGS.proportionalityFactor,
      max_investment_per_trade_usd: SETTINGS.maxInvestmentPerTradeUsd,
      max_total_exposure_usd: SETTINGS.maxTotalExposureUsd,
      min_trade_size_usd: SETTINGS.minTradeSizeUsd,
      max_slippage_percent: SETTINGS.maxSlippagePercent,
      excluded_markets: [markets[2]!.slug],
      mode: 'paper',
    });

    const marketData = sim.marketData;
    detector = new LeaderFillDetector({
      databaseUrl: t.current.url,
      db,
      logger,
      openStream: (wallets) => new RtdsActivityStream({ url: sim.hosts.rtds, wallets }),
      dataApi: sim.dataApi,
      marketRules: new MarketRulesCache(marketData),
      copyTtlMs: 120_000,
      pollIntervalMs: 3_600_000,
      standbyRetryMs: 200,
    });
    await detector.start();
    worker = new CopyWorker(
      {
        db,
        venues: new DefaultVenueProvider(db, marketData, { paperStartingBalance: new Decimal(1000) }),
        logger,
      },
      { databaseUrl: t.current.url, pollMs: 50 },
    );
    await worker.start();
    await waitUntil(
      'the stream to subscribe',
      async () => (await sim.control<{ rtds: number }>('GET', '/sim/streams')).rtds > 0,
    );

    const [m1, m2, m3] = markets.map((m) => m.tokens[0]!.tokenId) as [string, string, string];
    let fills = 0;
    /** One leader order, then wait until the engine has finished with it. */
    const step = async (token: string, side: 'BUY' | 'SELL', size: number, price: string) => {
      await sim.syncClock();
      const p = new Decimal(price);
      if (side === 'BUY') {
        await sim.setBook(token, [[p.minus('0.05').toFixed(2), '100000']], [[price, '100000']]);
        await buy(leader, token, p.times(size).toFixed(), price);
      } else {
        await sim.setBook(token, [[price, '100000']], [[p.plus('0.05').toFixed(2), '100000']]);
        await sell(leader, token, String(size), price);
      }
      fills += 1;
      await waitUntil('the engine to decide every copy', async () => {
        const r = await sql<{ fills: number; open: number }>`
          SELECT (SELECT count(*) FROM leader_fills WHERE trader_wallet_address = ${leader.address})::int AS fills,
                 (SELECT count(*) FROM copy_decisions WHERE outcome = 'queued')::int
                 + (SELECT count(*) FROM trade_queue WHERE status IN ('pending', 'processing'))::int AS open`.execute(
          db,
        );
        return r.rows[0]!.fills === fills && r.rows[0]!.open === 0;
      });
    };
    await step(m1, 'BUY', 100, '0.50'); //  1 copy: 10 shares, sent as the $5 they cost → 10
    await step(m1, 'BUY', 500, '0.50'); //  2 copy, per-trade cap
    await step(m2, 'BUY', 10, '0.40'); //   3 below the $2 minimum
    await step(m3, 'BUY', 100, '0.50'); //  4 excluded market
    await step(m1, 'SELL', 300, '0.55'); // 5 proportional sell: half
    await step(m2, 'BUY', 200, '0.40'); //  6 copy (2% of 0.40 rounds back to the tick 0.40)
    await step(m2, 'BUY', 1000, '0.40'); // 7 copy, per-trade cap
    await step(m1, 'BUY', 1000, '0.50'); // 8 copy, exposure cap binds (the 5th BUY copy)
    await step(m2, 'BUY', 1000, '0.40'); // 9 exposure cap reached
    await step(m2, 'SELL', 2210, '0.45'); // 10 the leader sells all of m2: the follower too
    await step(m2, 'BUY', 100, '0.40'); // 11 room again, but 5 BUY copies today: daily limit

    const { rows } = await sql<EngineOutcome>`
      SELECT d.fill_key AS "fillKey", d.outcome, d.reason,
             (SELECT sum(p.size)::text FROM paper_fills p WHERE p.client_order_id = 'polycopy-q' || d.queue_id) AS shares,
             (SELECT sum(p.notional)::text FROM paper_fills p WHERE p.client_order_id = 'polycopy-q' || d.queue_id) AS notional
        FROM copy_decisions d JOIN leader_fills f ON f.fill_key = d.fill_key
       WHERE d.user_id = ${userId}
       ORDER BY f.filled_at, f.detected_at, f.fill_key`.execute(db);
    engine = rows;
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await detector?.stop();
    await sim?.close();
  });

  const backtest = (slippageModel?: { fixedBps: string; impactBpsPer1000Usd: string }) =>
    backtestTrader({ db: t.current.db, clock: () => new Date() }, userId, leader.address, {
      days: 7,
      startingBalanceUsd: '1000',
      ...SETTINGS,
      excludedMarkets: [markets[2]!.slug],
      ...(slippageModel ? { slippageModel } : {}),
    });

  const normal = (v: string | null) => (v === null ? null : new Decimal(v).toFixed());
  const decisions = (b: BacktestView) => {
    const out = new Map<
      string,
      { outcome: string; reason: string | null; shares: string | null; notional: string | null }
    >();
    for (const x of b.trades.items)
      if (x.kind === 'copy')
        out.set(x.fillKey!, {
          outcome: 'executed',
          reason: null,
          shares: x.shares,
          notional: normal(x.notionalUsd),
        });
    for (const s of b.skippedFills.items)
      out.set(s.fillKey, { outcome: 'skipped', reason: s.reason, shares: null, notional: null });
    return out;
  };

  it('the engine made the copies and skips the scenario describes', () => {
    expect(engine.map((e) => [e.outcome, e.reason, normal(e.shares)])).toEqual([
      ['executed', null, '10'],
      // $20 cap at the 0.51 limit: 39.21 shares, sent as 39.21 × 0.50 = $19.605 → $19.60 → 39.2.
      ['executed', null, '39.2'],
      ['skipped', 'below_min_trade_size', null],
      ['skipped', 'market_excluded', null],
      ['executed', null, '24.6'],
      ['executed', null, '20'],
      ['executed', null, '49'],
      ['executed', null, '39.2'],
      ['skipped', 'relationship_exposure_cap_reached', null],
      ['executed', null, '69'],
      ['skipped', 'daily_trade_limit_reached', null],
    ]);
  });

  it('with a zero-cost slippage model, reproduces every copy and skip exactly', async () => {
    const b = await backtest({ fixedBps: '0', impactBpsPer1000Usd: '0' });
    expect(b.fillsReplayed).toBe(11);
    const replay = decisions(b);
    expect(replay.size).toBe(11);
    for (const e of engine) {
      expect(replay.get(e.fillKey), e.fillKey).toEqual({
        outcome: e.outcome,
        reason: e.reason,
        shares: normal(e.shares),
        notional: normal(e.notional),
      });
    }
    expect(b.copies).toEqual({ total: 7, buys: 5, sells: 2 });
    expect(b.skips).toEqual({
      below_min_trade_size: 1,
      daily_trade_limit_reached: 1,
      market_excluded: 1,
      relationship_exposure_cap_reached: 1,
    });
    // And the account ends where the engine's paper account is.
    const cash = await sql<{ cash: string }>`
      SELECT (1000 - COALESCE(SUM(CASE WHEN side = 'BUY' THEN notional ELSE -notional END), 0))::text AS cash
        FROM paper_fills WHERE account_id = ${userId}`.execute(t.current.db);
    const held = b.openPositions.reduce((a, p) => a.plus(p.costUsd), new Decimal(0));
    expect(new Decimal(b.endingEquityUsd).minus(b.unrealizedPnlUsd).minus(held).toFixed()).toBe(
      new Decimal(cash.rows[0]!.cash).toDecimalPlaces(6).toFixed(),
    );
  });

  it('with the default model, prices within the model and drops copies only for slippage or what follows from it', async () => {
    const b = await backtest();
    expect(b.slippageModel).toEqual({ fixedBps: '50', impactBpsPer1000Usd: '10' });
    const replay = decisions(b);
    // Skips that do not depend on what was copied before are the same.
    const pathFree = ['market_excluded', 'market_not_allowed', 'below_min_trade_size'];
    let dropped = 0;
    for (const e of engine) {
      const r = replay.get(e.fillKey)!;
      if (e.reason !== null && pathFree.includes(e.reason)) {
        expect(r.reason, e.fillKey).toBe(e.reason);
        continue;
      }
      if (e.outcome !== 'executed') continue;
      if (r.outcome === 'skipped') {
        // The model's cost beyond the follower's limit, or a consequence of an earlier such skip
        // (nothing bought, so nothing to sell; caps and counts moved).
        expect(r.reason, e.fillKey).toMatch(
          /slippage_exceeded|no_position_to_sell|exposure_cap_reached|daily_trade_limit_reached/,
        );
        dropped += 1;
        continue;
      }
      const trade = b.trades.items.find((x) => x.fillKey === e.fillKey)!;
      const enginePrice = new Decimal(e.notional!).div(e.shares!);
      const modelPrice = new Decimal(trade.price);
      const leaderPrice = new Decimal(trade.referencePrice);
      // No better than what the engine got, and within the model's cost of the leader's price.
      if (trade.side === 'BUY') expect(modelPrice.gte(enginePrice), e.fillKey).toBe(true);
      else expect(modelPrice.lte(enginePrice), e.fillKey).toBe(true);
      const bps = modelPrice.minus(leaderPrice).abs().div(leaderPrice).times(10_000);
      const bound = new Decimal(50).plus(new Decimal(10).times(trade.notionalUsd).div(1000)).plus('0.01');
      expect(bps.lte(bound), `${e.fillKey}: ${bps.toFixed()} bps`).toBe(true);
    }
    // m2 trades at 0.40, where 2% rounds back to the tick 0.40: any modelled cost exceeds the limit.
    expect(b.skips.slippage_exceeded).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
  });
});
