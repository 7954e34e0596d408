// Copying open positions at follow, every rule, with a local fake of the venue reads (the simulator
// redeems positions at resolution, so a redeemable one cannot be produced there; the end-to-end run
// is test/db/engine/open-positions.test.ts): resolved or closed markets, an unknown market, the
// follow's categories, sizing from the paper balance and from the leader's portfolio (the positions'
// value, which is also kept for the fan-out), and the money at work growing from one position to
// the next so the caps hold across them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import type { LeaderOpenPosition, OpenPositionsSource } from '../../../src/services/copy-open-positions.ts';
import type { Market, OrderBook } from '../../../src/venue/venue.ts';
import { wallet } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const d = (v: string) => new Decimal(v);

function market(token: string, over: Partial<Market> = {}): Market {
  return {
    conditionId: `0x${token.padStart(64, '0')}`,
    question: `Market ${token}`,
    slug: `market-${token}`,
    tokens: [{ tokenId: token, outcome: 'Yes' }],
    tickSize: d('0.01'),
    minOrderSize: d('5'),
    negRisk: false,
    fees: { rate: d('0'), exponent: 1, takerOnly: true },
    endDate: null,
    acceptingOrders: true,
    closed: false,
    resolved: false,
    winningTokenId: null,
    tags: ['Politics'],
    ...over,
  };
}

function position(token: string, size: string, value: string, over: Partial<LeaderOpenPosition> = {}) {
  return {
    assetId: token,
    conditionId: `0x${token.padStart(64, '0')}`,
    size: d(size),
    avgPrice: d('0.4'),
    currentValueUsd: d(value),
    redeemable: false,
    title: `Market ${token}`,
    marketSlug: `market-${token}`,
    eventSlug: null,
    outcome: 'Yes',
    outcomeIndex: 0,
    ...over,
  };
}

function book(token: string, ask: string | null): OrderBook {
  return {
    tokenId: token,
    conditionId: `0x${token.padStart(64, '0')}`,
    bids: [],
    asks: ask === null ? [] : [{ price: d(ask), size: d('100000') }],
    tickSize: d('0.01'),
    minOrderSize: d('5'),
    negRisk: false,
    timestampMs: 0,
    hash: null,
    lastTradePrice: null,
  };
}

describe('copy open positions: the rules', () => {
  const t = useTestDatabase();
  let api: TestApi;
  const markets = new Map<string, Market | null>([
    ['1', market('1')],
    ['2', market('2', { closed: true, resolved: true, acceptingOrders: false })],
    ['3', null],
    ['4', market('4', { tags: ['Sports'] })],
    ['5', market('5')],
    ['6', market('6')],
  ]);
  const source: OpenPositionsSource = {
    positions: async () => [
      position('1', '1000', '500'),
      position('2', '100', '100', { redeemable: true }),
      position('3', '100', '50'),
      position('4', '100', '50'),
      position('5', '2000', '1000'),
      position('6', '500', '250'),
    ],
    market: async (token) => markets.get(token) ?? null,
    books: async (tokens) => new Map(tokens.map((tk) => [tk, book(tk, '0.50')])),
  };

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    api.deps.openPositions = { source, copyTtlMs: 60_000, paperStartingBalanceUsd: d('1000') };
  });
  afterAll(async () => api?.app.close());

  const follow = async (auth: Record<string, string>, leader: string, settings: Record<string, unknown>) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/v1/follows',
      headers: auth,
      payload: { traderWallet: leader, mode: 'paper', copyOpenPositions: true, ...settings },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as {
      openPositions: Array<{ assetId: string; reason: string | null; shares: string | null }>;
    };
    return new Map(body.openPositions.map((p) => [p.assetId, p]));
  };

  it('says why each position is or is not copied, and keeps caps across positions', async () => {
    const u = await signUp(api);
    const leader = wallet();
    // $10 a position, at most $25 at work in all (the cap holds at the worst price 0.505).
    const got = await follow(u.auth, leader, {
      sizingMode: 'fixed_usd',
      fixedAmountUsd: '10',
      minTradeSizeUsd: null,
      maxTotalExposureUsd: '25',
      maxInvestmentPerTradeUsd: '25',
      maxSlippagePercent: '1',
      excludedCategories: ['sports'],
    });
    expect([...got.values()].map((p) => [p.assetId, p.reason, p.shares])).toEqual([
      ['1', null, '20'],
      ['2', 'market_closed', null],
      ['3', 'market_unavailable', null],
      ['4', 'category_excluded', null],
      ['5', null, '20'],
      // $25 − 2 × $10.10 at work: $4.80 left → the exposure cap binds: 9.5 shares at the worst price 0.505.
      ['6', null, '9.5'],
    ]);
  });

  it('sizes from the paper balance and from the leader portfolio, and keeps the portfolio value', async () => {
    const u = await signUp(api);
    const leader = wallet();
    const pct = await follow(u.auth, leader, {
      sizingMode: 'balance_percent',
      balancePercent: '1',
      minTradeSizeUsd: null,
      categories: ['politics'],
    });
    // 1 % of the $1,000 paper cash = $10 at 0.50 → 20 shares (market 4 is sports: not copied).
    expect(pct.get('1')).toMatchObject({ reason: null, shares: '20' });
    expect(pct.get('4')).toMatchObject({ reason: 'category_not_allowed' });

    const v = await signUp(api);
    const other = wallet();
    const weight = await follow(v.auth, other, {
      sizingMode: 'portfolio_weight',
      minTradeSizeUsd: null,
      maxInvestmentPerTradeUsd: '100',
      maxSlippagePercent: '1',
    });
    // The positions are worth $1,950; position 1 is 1000 shares at the 0.50 ask = $500:
    // 500 / (1950 + 500) of $1,000 equity = $204.08 → capped at $100 per trade at 0.505 → 198.01.
    expect(weight.get('1')).toMatchObject({ reason: null, shares: '198.01' });
    const kept = await t.current.db
      .selectFrom('trader_portfolio_values')
      .selectAll()
      .where('trader_wallet_address', '=', other)
      .executeTakeFirstOrThrow();
    expect(new Decimal(kept.value_usd).toFixed()).toBe('1950');
  });
});
