// The Data API and Gamma clients parse what the simulator serves (which follows the documented v1
// shapes: camelCase, money as JSON numbers, Gamma's JSON-encoded string arrays).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../../../src/domain/money.ts';
import { DataApiClient } from '../../../../src/venue/polymarket/data-api-client.ts';
import { GammaClient } from '../../../../src/venue/polymarket/gamma-client.ts';
import { PolymarketHttpClient } from '../../../../src/venue/polymarket/http-client.ts';
import { SimHarness, type SimMarketSummary } from './sim-harness.ts';

let sim: SimHarness;
let data: DataApiClient;
let gamma: GammaClient;
let market: SimMarketSummary;
let active: string;

beforeAll(async () => {
  sim = await SimHarness.start({ seed: 31 });
  data = new DataApiClient(new PolymarketHttpClient({ baseUrl: sim.hosts.data, service: 'data-api' }));
  gamma = new GammaClient(new PolymarketHttpClient({ baseUrl: sim.hosts.gamma, service: 'gamma' }));
  market = await sim.binaryMarket();
  await sim.control('POST', '/sim/advance', { ms: 30 * 60_000 });
  // The wallet with the most recent trades in the market feed.
  const recent = await data.getTrades({ limit: 50 });
  active = recent[0]?.proxyWallet as string;
});

afterAll(async () => {
  await sim.close();
});

describe('Data API client against the simulator', () => {
  it('reads trades with maker fills included (takerOnly=false) and pages through them', async () => {
    const takerOnly = await data.getTrades({ user: active, takerOnly: true, limit: 1000 });
    const all = await data.getTrades({ user: active, limit: 1000 });
    expect(all.length).toBeGreaterThanOrEqual(takerOnly.length);
    const t = all[0];
    expect(t?.price).toBeInstanceOf(Decimal);
    expect(t?.size).toBeInstanceOf(Decimal);
    expect(t?.proxyWallet.toLowerCase()).toBe(active.toLowerCase());
    expect(Number.isInteger(t?.timestamp)).toBe(true);
    expect(t?.transactionHash).toMatch(/^0x[0-9a-f]{64}$/);

    const paged: string[] = [];
    for await (const page of data.iterateTrades({ user: active }, 7)) {
      paged.push(...page.map((r) => `${r.transactionHash}|${r.asset}|${r.side}|${r.size.toFixed()}`));
    }
    expect(paged).toEqual(all.map((r) => `${r.transactionHash}|${r.asset}|${r.side}|${r.size.toFixed()}`));
  });

  it('reads activity, positions, value, closed positions and the leaderboard', async () => {
    const activity = await data.getActivity({ user: active, type: ['TRADE'], limit: 20 });
    expect(activity.length).toBeGreaterThan(0);
    expect(activity.every((a) => a.type === 'TRADE' && a.side !== null)).toBe(true);
    expect(activity[0]?.usdcSize).toBeInstanceOf(Decimal);

    const positions = await data.getPositions({ user: active, sizeThreshold: '0' });
    expect(positions.every((p) => p.size instanceof Decimal && p.avgPrice instanceof Decimal)).toBe(true);

    const value = await data.getValue(active);
    expect(value?.value).toBeInstanceOf(Decimal);

    const closed = await data.getClosedPositions({ user: active, limit: 50 });
    expect(Array.isArray(closed)).toBe(true);

    const board = await data.getLeaderboard({ timePeriod: 'ALL', orderBy: 'PNL', limit: 10 });
    expect(board.length).toBeGreaterThan(0);
    expect(board[0]?.rank).toBe(1);
    expect(board[0]?.pnl).toBeInstanceOf(Decimal);
    for (let i = 1; i < board.length; i++) {
      expect(board[i - 1]?.pnl.gte(board[i]?.pnl as Decimal)).toBe(true);
    }
  });
});

describe('Gamma client against the simulator', () => {
  it('reads markets with decoded outcome arrays and decimal rules', async () => {
    const rows = await gamma.getMarkets({ conditionIds: [market.conditionId] });
    expect(rows).toHaveLength(1);
    const m = rows[0];
    expect(m?.conditionId).toBe(market.conditionId);
    expect(m?.tokenIds).toEqual(market.tokens.map((t) => t.tokenId));
    expect(m?.outcomes).toEqual(market.tokens.map((t) => t.outcome));
    expect(m?.outcomePrices).toHaveLength(2);
    expect(m?.tickSize?.toFixed()).toBe('0.01');
    expect(m?.minOrderSize?.toFixed()).toBe('5');
    expect(m?.feeSchedule?.rate.toFixed()).toBe(new Decimal(market.feeRateBps).div(10_000).toFixed());
    expect(m?.endDate).toBeInstanceOf(Date);

    const bySlug = await gamma.getMarketBySlug(market.slug);
    expect(bySlug?.conditionId).toBe(market.conditionId);
    expect(await gamma.getMarketBySlug('no-such-market-slug')).toBeNull();
  });

  it('pages markets with limit/offset and reads events with their markets', async () => {
    const first = await gamma.getMarkets({ limit: 5, offset: 0 });
    const second = await gamma.getMarkets({ limit: 5, offset: 5 });
    expect(first).toHaveLength(5);
    expect(new Set([...first, ...second].map((m) => m.id)).size).toBe(first.length + second.length);

    const events = await gamma.getEvents({ limit: 5 });
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((e) => e.markets.length > 0)).toBe(true);
    const negRisk = (await gamma.getEvents({ limit: 100 })).find((e) => e.negRisk);
    if (negRisk) expect(negRisk.markets.every((m) => m.negRisk)).toBe(true);
  });
});
