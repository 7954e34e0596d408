// One decideCopy() for the live fan-out and the what-if backtest, proven on the new copy settings: a
// leader trades on the simulator (no fees, books deep at the leader's price) and the real engine —
// RTDS stream, fan-out, worker, paper venue — copies it for three followers, each with settings of
// its own (a fixed amount with a price band and no sells; a percentage of the balance with a budget
// and its own sell slippage; proportional with leader size bounds and an excluded category). Then
// the backtest replays the same fills with each follower's settings and a zero-cost slippage model:
// it must make exactly the engine's copies and skips, with the same reasons, shares and cost.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnsOfSettings } from '../../../src/db/relationship-settings.ts';
import { NEW_FOLLOW_DEFAULTS } from '../../../src/domain/copy-settings.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { DefaultVenueProvider } from '../../../src/execution/venue-provider.ts';
import { CopyWorker } from '../../../src/execution/worker.ts';
import { LeaderFillDetector } from '../../../src/ingest/detector.ts';
import { MarketRulesCache, type FillMarketRules } from '../../../src/venue/market-cache.ts';
import { mergeSettings, type FollowSettings } from '../../../src/services/follow-settings.ts';
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
} from './analytics-harness.ts';

const NO_FEES = { POLITICS: 0, SPORTS: 0, CRYPTO: 0, ECONOMICS: 0, CULTURE: 0, TECH: 0, WEATHER: 0 };

interface Outcome {
  outcome: string;
  reason: string | null;
  shares: string | null;
  notional: string | null;
}

describe('backtest vs the live engine with the new copy settings', () => {
  const t = useTestDatabase();
  let sim: AnalyticsSim;
  let detector: LeaderFillDetector;
  let worker: CopyWorker;
  let leader: Leader;
  let rules: MarketRulesCache;
  const followers: Array<{ name: string; userId: string; settings: FollowSettings }> = [];
  const engine = new Map<string, Map<string, Outcome>>();

  beforeAll(async () => {
    const db = t.current.db;
    sim = await AnalyticsSim.start({
      seed: 17,
      startTime: Date.now(),
      simulationConfig: { ...SMALL_POPULATION, feeRates: NO_FEES },
    });
    rules = new MarketRulesCache(sim.marketData);
    // Two markets, and a third in a category neither of them is in.
    const binary = await sim.binaryMarkets();
    const categoryOf = async (m: (typeof binary)[number]) =>
      (await rules.get(m.tokens[0]!.tokenId))!.categories;
    const [m1, m2] = binary as [(typeof binary)[number], (typeof binary)[number]];
    const taken = new Set([...(await categoryOf(m1)), ...(await categoryOf(m2))]);
    let m3: (typeof binary)[number] | undefined;
    for (const m of binary.slice(2)) {
      const c = await categoryOf(m);
      if (c.length > 0 && c.every((x) => !taken.has(x))) {
        m3 = m;
        break;
      }
    }
    if (!m3) throw new Error('no market in another category');
    const otherCategory = (await categoryOf(m3))[0]!;

    leader = await newLeader(sim);
    await insertTrader(db, { wallet_address: leader.address });
    // The follow is written as POST /follows writes it: the settings over a new follow's defaults,
    // through the one column mapping. The backtest is asked with the same settings and fills the rest
    // from the same defaults, so both sides size with identical inputs (a row left to the table's
    // column defaults — the seed's 0.01 factor, $100 a trade, 1 % slippage — would not be).
    const add = async (name: string, settings: FollowSettings) => {
      const user = await insertUser(db);
      const columns = columnsOfSettings(mergeSettings(NEW_FOLLOW_DEFAULTS, settings));
      await insertRelationship(db, user.id, leader.address, { mode: 'paper', ...columns });
      followers.push({ name, userId: user.id, settings });
    };
    await add('fixed', {
      sizingMode: 'fixed_usd',
      fixedAmountUsd: '6',
      maxBuyPrice: '0.55',
      copySells: false,
      minTradeSizeUsd: null,
    });
    await add('balance', {
      sizingMode: 'balance_percent',
      balancePercent: '1',
      budgetUsd: '30',
      sellSlippagePercent: '3',
      minTradeSizeUsd: null,
    });
    await add('filtered', {
      proportionalityFactor: '0.1',
      minLeaderTradeUsd: '30',
      maxLeaderTradeUsd: '400',
      excludedCategories: [otherCategory],
    });

    detector = new LeaderFillDetector({
      databaseUrl: t.current.url,
      db,
      logger,
      openStream: (wallets) => new RtdsActivityStream({ url: sim.hosts.rtds, wallets }),
      dataApi: sim.dataApi,
      marketRules: rules,
      copyTtlMs: 120_000,
      // The fan-out reads a paper account's cash from the same starting balance the venue has.
      paperStartingBalanceUsd: new Decimal(1000),
      pollIntervalMs: 3_600_000,
      standbyRetryMs: 200,
    });
    await detector.start();
    worker = new CopyWorker(
      {
        db,
        venues: new DefaultVenueProvider(db, sim.marketData, { paperStartingBalance: new Decimal(1000) }),
        logger,
      },
      { databaseUrl: t.current.url, pollMs: 50 },
    );
    await worker.start();
    await waitUntil(
      'the stream to subscribe',
      async () => (await sim.control<{ rtds: number }>('GET', '/sim/streams')).rtds > 0,
    );

    const [t1, t2, t3] = [m1, m2, m3].map((m) => m.tokens[0]!.tokenId) as [string, string, string];
    let fills = 0;
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
    await step(t1, 'BUY', 100, '0.50');
    await step(t1, 'BUY', 500, '0.50');
    await step(t2, 'BUY', 10, '0.40');
    await step(t3, 'BUY', 100, '0.50');
    await step(t1, 'SELL', 300, '0.55');
    await step(t2, 'BUY', 200, '0.60');
    await step(t2, 'BUY', 1000, '0.40');
    await step(t1, 'BUY', 1000, '0.50');
    await step(t2, 'SELL', 1210, '0.45');
    await step(t1, 'BUY', 100, '0.52');

    for (const f of followers) {
      const { rows } = await sql<Outcome & { fillKey: string }>`
        SELECT d.fill_key AS "fillKey", d.outcome, d.reason,
               (SELECT sum(p.size)::text FROM paper_fills p WHERE p.client_order_id = 'polycopy-q' || d.queue_id) AS shares,
               (SELECT sum(p.notional)::text FROM paper_fills p WHERE p.client_order_id = 'polycopy-q' || d.queue_id) AS notional
          FROM copy_decisions d WHERE d.user_id = ${f.userId}`.execute(db);
      engine.set(f.name, new Map(rows.map(({ fillKey, ...o }) => [fillKey, o])));
    }
  }, 240_000);

  afterAll(async () => {
    await worker?.stop();
    await detector?.stop();
    await sim?.close();
  });

  const normal = (v: string | null) => (v === null ? null : new Decimal(v).toFixed());
  const replay = async (f: (typeof followers)[number]): Promise<Map<string, Outcome>> => {
    const b: BacktestView = await backtestTrader(
      {
        db: t.current.db,
        clock: () => new Date(),
        marketRules: async (assets) => {
          const out = new Map<string, FillMarketRules>();
          for (const a of assets) {
            const r = await rules.get(a);
            if (r) out.set(a, r);
          }
          return out;
        },
      },
      f.userId,
      leader.address,
      {
        days: 7,
        startingBalanceUsd: '1000',
        slippageModel: { fixedBps: '0', impactBpsPer1000Usd: '0' },
        ...f.settings,
      },
    );
    expect(b.fillsReplayed).toBe(10);
    const out = new Map<string, Outcome>();
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

  it.each(['fixed', 'balance', 'filtered'])(
    'the %s follower: the backtest makes exactly the engine’s decisions',
    async (name) => {
      const f = followers.find((x) => x.name === name)!;
      const live = engine.get(name)!;
      expect(live.size).toBe(10);
      const bt = await replay(f);
      expect(bt.size).toBe(10);
      for (const [key, e] of live)
        expect(bt.get(key), `${name} ${key}`).toEqual({
          ...e,
          shares: normal(e.shares),
          notional: normal(e.notional),
        });
    },
  );

  it('the scenario exercised every new rule in the engine', () => {
    const reasons = (name: string) => new Set([...engine.get(name)!.values()].map((o) => o.reason));
    expect(reasons('fixed')).toEqual(new Set([null, 'price_above_max_buy', 'sells_not_copied']));
    expect(reasons('balance')).toContain('budget_exhausted');
    expect(reasons('balance')).toContain(null);
    expect(reasons('filtered')).toEqual(
      new Set([null, 'leader_trade_below_minimum', 'leader_trade_above_maximum', 'category_excluded']),
    );
    // The fixed follower's buys are all $6 at the leader's price.
    for (const o of engine.get('fixed')!.values())
      if (o.outcome === 'executed') expect(new Decimal(o.notional!).lte(6)).toBe(true);
  });
});
