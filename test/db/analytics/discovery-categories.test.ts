// Discovery categories over HTTP (GET /api/v1/leaderboard/categories[/{category}]): public, every
// list exactly the pure rule (src/domain/analytics/categories.ts) applied to the stored figures in
// the rule's order, hand-picked members at the thresholds, keyset pages, unknown category 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CATEGORY_IDS,
  compareInCategory,
  inCategory,
  type CategoryCandidate,
  type CategoryId,
} from '../../../src/domain/analytics/categories.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, type TestApi } from '../api/api-harness.ts';

const W = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;

interface Seed {
  n: number;
  ranked: boolean;
  active?: boolean;
  rank7d?: number;
  rankAll?: number;
  rankVolume?: number;
  trades: number;
  winRate: string;
  sharpe: string | null;
  pnl: string;
  pnl7d: string;
  pnl7dPct: string;
  drawdown: string | null;
  days: number;
}

// Hand-picked: each sits on (or just past) a threshold. Ranks are unique among ranked traders.
const SEEDS: Seed[] = [
  // consistent winner exactly at the thresholds (20 trades, 55 %, Sharpe 1, P&L > 0)
  {
    n: 1,
    ranked: true,
    rank7d: 5,
    rankAll: 3,
    rankVolume: 4,
    trades: 20,
    winRate: '55',
    sharpe: '1',
    pnl: '10',
    pnl7d: '1',
    pnl7dPct: '1',
    drawdown: '30',
    days: 40,
  },
  // one trade short
  {
    n: 2,
    ranked: true,
    rank7d: 6,
    rankAll: 4,
    rankVolume: 5,
    trades: 19,
    winRate: '80',
    sharpe: '3',
    pnl: '9',
    pnl7d: '1',
    pnl7dPct: '1',
    drawdown: '30',
    days: 40,
  },
  // Sharpe 2.5 winner, also low drawdown (8 % over 30 days), tied on Sharpe with n=4
  {
    n: 3,
    ranked: true,
    rank7d: 3,
    rankAll: 1,
    rankVolume: 6,
    trades: 50,
    winRate: '60',
    sharpe: '2.5',
    pnl: '100',
    pnl7d: '1',
    pnl7dPct: '1',
    drawdown: '8',
    days: 30,
  },
  {
    n: 4,
    ranked: true,
    rank7d: 4,
    rankAll: 2,
    rankVolume: 7,
    trades: 50,
    winRate: '60',
    sharpe: '2.5',
    pnl: '50',
    pnl7d: '1',
    pnl7dPct: '1',
    drawdown: '10',
    days: 29,
  },
  // rising: 7-day rank 1 vs all-time 5, +6 % of capital this week
  {
    n: 5,
    ranked: true,
    rank7d: 1,
    rankAll: 5,
    rankVolume: 8,
    trades: 12,
    winRate: '40',
    sharpe: '0.5',
    pnl: '5',
    pnl7d: '6',
    pnl7dPct: '6',
    drawdown: '40',
    days: 10,
  },
  // rising at exactly 5 %, 7-day rank 2 vs all-time 6
  {
    n: 6,
    ranked: true,
    rank7d: 2,
    rankAll: 6,
    rankVolume: 9,
    trades: 12,
    winRate: '40',
    sharpe: null,
    pnl: '-5',
    pnl7d: '5',
    pnl7dPct: '5',
    drawdown: null,
    days: 10,
  },
  // the highest volume, nothing else
  {
    n: 7,
    ranked: true,
    rank7d: 8,
    rankAll: 8,
    rankVolume: 1,
    trades: 12,
    winRate: '10',
    sharpe: '-1',
    pnl: '-50',
    pnl7d: '-1',
    pnl7dPct: '-1',
    drawdown: '90',
    days: 60,
  },
  {
    n: 8,
    ranked: true,
    rank7d: 7,
    rankAll: 7,
    rankVolume: 2,
    trades: 12,
    winRate: '10',
    sharpe: '-1',
    pnl: '-40',
    pnl7d: '-1',
    pnl7dPct: '-1',
    drawdown: '90',
    days: 60,
  },
  // 9 and 10 fill the ranks: 10 ranked traders in all, so high volume takes the top ⌈10 % × 10⌉ = 1
  {
    n: 9,
    ranked: true,
    rank7d: 9,
    rankAll: 9,
    rankVolume: 3,
    trades: 12,
    winRate: '10',
    sharpe: '-1',
    pnl: '-60',
    pnl7d: '-2',
    pnl7dPct: '-2',
    drawdown: '90',
    days: 60,
  },
  {
    n: 10,
    ranked: true,
    rank7d: 10,
    rankAll: 10,
    rankVolume: 10,
    trades: 12,
    winRate: '10',
    sharpe: '-1',
    pnl: '-70',
    pnl7d: '-3',
    pnl7dPct: '-3',
    drawdown: '90',
    days: 60,
  },
  // unranked (minimum sample not met) with perfect figures: in no category
  {
    n: 11,
    ranked: false,
    trades: 3,
    winRate: '100',
    sharpe: '9',
    pnl: '900',
    pnl7d: '900',
    pnl7dPct: '500',
    drawdown: '0',
    days: 40,
  },
];

describe('discovery categories API', () => {
  const t = useTestDatabase();
  let api: TestApi;

  beforeAll(async () => {
    const db = t.current.db;
    api = await buildTestApi(db);
    for (const s of SEEDS) {
      await insertTrader(db, {
        wallet_address: W(s.n),
        is_active: s.active ?? true,
        rank_7d: s.ranked ? s.rank7d! : null,
        rank_all_time: s.ranked ? s.rankAll! : null,
        rank_volume: s.ranked ? s.rankVolume! : null,
        total_trades: s.trades,
        win_rate: s.winRate,
        sharpe_ratio: s.sharpe,
        total_pnl: s.pnl,
        pnl_7d: s.pnl7d,
        pnl_7d_percent: s.pnl7dPct,
        max_drawdown: s.drawdown,
        total_volume_usd: String(1000 - (s.rankVolume ?? 100)),
      });
      await db
        .insertInto('trader_metrics')
        .values({ wallet_address: W(s.n), equity_days: s.days, meets_sample: s.ranked, ranked: s.ranked })
        .execute();
    }
  });
  afterAll(async () => api?.app.close());

  const get = (url: string) => api.app.inject({ method: 'GET', url: `/api/v1/leaderboard/categories${url}` });
  const list = async (id: string, qs = '') =>
    (await get(`/${id}${qs}`)).json() as {
      items: Array<{ wallet: string; position: number }>;
      nextCursor: string | null;
    };
  const walletsOf = async (id: string) => (await list(id)).items.map((e) => e.wallet);

  it('lists the categories with their rules, without a token', async () => {
    const res = await get('');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: Array<{ id: string; rule: string; sortedBy: string }> };
    expect(body.items.map((c) => c.id)).toEqual([...CATEGORY_IDS]);
    expect(body.items.find((c) => c.id === 'low_drawdown')!.rule).toMatch(/at most 10 %/);
  });

  it('puts exactly the traders meeting each rule in each list, in the rule order', async () => {
    // consistent winners: 3 and 4 tie on Sharpe 2.5 (3 < 4 by wallet), then 1 at the thresholds;
    // 2 has one trade too few, 11 is not ranked.
    expect(await walletsOf('consistent_winners')).toEqual([W(3), W(4), W(1)]);
    // high volume: 10 ranked traders, the top 10 % = ⌈1⌉ = 1: rank_volume 1.
    expect(await walletsOf('high_volume')).toEqual([W(7)]);
    // rising: 5 (+6 %) then 6 (+5 %, exactly the threshold).
    expect(await walletsOf('rising')).toEqual([W(5), W(6)]);
    // low drawdown: 3 (8 %, 30 days); 4 has 10 % but only 29 days.
    expect(await walletsOf('low_drawdown')).toEqual([W(3)]);
  });

  it('agrees with the pure rules on every category', async () => {
    const ranked = SEEDS.filter((s) => s.ranked).length;
    const candidates: CategoryCandidate[] = SEEDS.map((s) => ({
      wallet: W(s.n),
      rankAllTime: s.ranked ? s.rankAll! : null,
      rank7d: s.ranked ? s.rank7d! : null,
      rankVolume: s.ranked ? s.rankVolume! : null,
      totalTrades: s.trades,
      winRate: new Decimal(s.winRate),
      sharpeRatio: s.sharpe === null ? null : new Decimal(s.sharpe),
      totalPnl: new Decimal(s.pnl),
      pnl7d: new Decimal(s.pnl7d),
      pnl7dPercent: new Decimal(s.pnl7dPct),
      maxDrawdown: s.drawdown === null ? null : new Decimal(s.drawdown),
      equityDays: s.days,
    }));
    for (const id of CATEGORY_IDS) {
      const want = candidates
        .filter((c) => inCategory(id as CategoryId, c, { rankedTraders: ranked }))
        .sort(compareInCategory(id))
        .map((c) => c.wallet);
      expect(await walletsOf(id), id).toEqual(want);
    }
  });

  it('pages with a cursor, keeping places', async () => {
    const first = await list('consistent_winners', '?limit=2');
    expect(first.items.map((e) => [e.wallet, e.position])).toEqual([
      [W(3), 1],
      [W(4), 2],
    ]);
    const second = await list('consistent_winners', `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((e) => [e.wallet, e.position])).toEqual([[W(1), 3]]);
    expect(second.nextCursor).toBeNull();
    // A cursor of another category's list is refused.
    expect((await get(`/rising?cursor=${first.nextCursor}`)).statusCode).toBe(400);
  });

  it('answers 404 for an unknown category and 400 for a bad query', async () => {
    const res = await get('/lucky_ones');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'category not found' } });
    expect((await get('/rising?limit=0')).statusCode).toBe(400);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(doc.paths['/api/v1/leaderboard/categories']?.get?.responses['200']).toBeDefined();
    expect(doc.paths['/api/v1/leaderboard/categories/{category}']?.get?.responses['200']).toBeDefined();
  });
});
