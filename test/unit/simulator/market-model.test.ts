// The market model's realism properties (issue 12): heavy-tailed trade sizes with the top traders
// larger, deep top markets and thin thin ones, makers that refill so a copy ~30 ms after a leader
// finds the leader's price, top-10 traders active every two minutes, and a deterministic history.
import { beforeAll, describe, expect, it } from 'vitest';
import { Simulation, type FillEvent, type SimulationConfig } from '../../../src/simulator/simulation.ts';
import type { SimMarket } from '../../../src/simulator/model/catalog.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 2, 12);

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

function median(xs: readonly number[]): number {
  return quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
}

/** Dollars resting within `band` (price units) of the YES mid, bids and asks. */
function depthNearMid(sim: Simulation, m: SimMarket, band: number): { bid: number; ask: number } | null {
  const book = sim.getBook(m.clobTokenIds[0]);
  const bestBid = book.bids.at(-1);
  const bestAsk = book.asks.at(-1);
  if (bestBid === undefined || bestAsk === undefined) return null;
  const mid = (Number(bestBid.price) + Number(bestAsk.price)) / 2;
  let bid = 0;
  let ask = 0;
  for (const l of book.bids)
    if (Number(l.price) >= mid - band - 1e-9) bid += Number(l.price) * Number(l.size);
  for (const l of book.asks)
    if (Number(l.price) <= mid + band + 1e-9) ask += Number(l.price) * Number(l.size);
  return { bid, ask };
}

describe('market model: a week of history then two live hours (default population)', () => {
  const live: FillEvent[] = [];
  let sim: Simulation;

  beforeAll(() => {
    sim = new Simulation({ seed: 4, startTime: START, historyMs: 7 * DAY });
    sim.runHistory();
    expect(sim.now).toBe(START);
    sim.onFill((f) => live.push(f));
    sim.advanceTo(START + 2 * HOUR);
  }, 120_000);

  it('trade sizes run from a few dollars to thousands, heavy-tailed, and pros trade larger', () => {
    const usd = live.map((f) => Number(f.taker.usdcSize)).sort((a, b) => a - b);
    expect(usd.length).toBeGreaterThan(1_000);
    expect(quantile(usd, 0.1)).toBeLessThan(10);
    expect(quantile(usd, 0.999)).toBeGreaterThan(1_000);
    // Heavy tail: the largest fills are far above the typical one.
    expect(quantile(usd, 0.99) / quantile(usd, 0.5)).toBeGreaterThan(10);
    const pro = new Set(sim.traders.filter((t) => t.pro).map((t) => t.address));
    const noise = new Set(sim.traders.filter((t) => t.style === 'noise').map((t) => t.address));
    const proUsd = live.filter((f) => pro.has(f.taker.wallet)).map((f) => Number(f.taker.usdcSize));
    const noiseUsd = live.filter((f) => noise.has(f.taker.wallet)).map((f) => Number(f.taker.usdcSize));
    expect(median(proUsd)).toBeGreaterThan(5 * median(noiseUsd));
  });

  it('top markets carry thousands of dollars within 2 points of the mid; thin markets stay thin', () => {
    const top = sim.activeMarkets().filter((m) => m.liquidity.tier === 'top');
    const thin = sim.activeMarkets().filter((m) => m.liquidity.tier === 'thin');
    expect(top.length).toBeGreaterThanOrEqual(5);
    expect(thin.length).toBeGreaterThanOrEqual(5);
    // Near-certain markets (YES below 0.1 or above 0.9) have one side pressed against the price
    // floor; the others are deep on both sides.
    let measured = 0;
    let deep = 0;
    for (const m of top) {
      const d = depthNearMid(sim, m, 0.02);
      const mid = Number(sim.midpoint(m.clobTokenIds[0]) ?? 0);
      if (d === null || mid < 0.1 || mid > 0.9) continue;
      measured++;
      if (d.bid >= 2_000 && d.ask >= 2_000) deep++;
    }
    expect(measured).toBeGreaterThanOrEqual(4);
    expect(deep / measured).toBeGreaterThanOrEqual(0.9);
    for (const m of thin) {
      const d = depthNearMid(sim, m, 0.02);
      if (d === null) continue;
      expect(d.bid + d.ask).toBeLessThan(300);
    }
  });

  it('each of the top 10 of the week trades at least once every two minutes', () => {
    const board = sim.leaderboard({ timePeriod: 'WEEK', orderBy: 'PNL', limit: 10 });
    expect(board).toHaveLength(10);
    const orders = new Map<string, Set<string>>();
    for (const f of live) {
      const s = orders.get(f.taker.wallet) ?? new Set<string>();
      s.add(f.taker.orderId);
      orders.set(f.taker.wallet, s);
    }
    for (const row of board) {
      // 2 hours = 60 two-minute slots; count taker orders (one order = one trade, however many fills).
      expect(orders.get(row.proxyWallet)?.size ?? 0, row.proxyWallet).toBeGreaterThanOrEqual(60);
    }
  });

  it('none of the top 10 of the week goes two minutes without a trade (a new follower waits less)', () => {
    const board = sim.leaderboard({ timePeriod: 'WEEK', orderBy: 'PNL', limit: 10 });
    expect(board).toHaveLength(10);
    const times = new Map<string, number[]>();
    for (const f of live) {
      const list = times.get(f.taker.wallet) ?? [];
      list.push(f.timestamp);
      times.set(f.taker.wallet, list);
    }
    for (const row of board) {
      // From the start of the live hours to the first trade, between trades, and to the end.
      const at = [START, ...(times.get(row.proxyWallet) ?? []), START + 2 * HOUR];
      let longest = 0;
      for (let i = 1; i < at.length; i++) longest = Math.max(longest, at[i]! - at[i - 1]!);
      expect(longest, row.proxyWallet).toBeLessThanOrEqual(120_000);
    }
  });

  it('informed traders (pros included) are ahead of noise traders after the week', () => {
    let informed = 0;
    let noise = 0;
    for (const t of sim.traders) {
      if (t.style === 'informed') informed += sim.pnlMicro(t.address);
      if (t.style === 'noise') noise += sim.pnlMicro(t.address);
    }
    expect(informed).toBeGreaterThan(0);
    expect(informed).toBeGreaterThan(noise);
  });
});

/**
 * Replays the pros' taker BUY fills and, 30 ms after each, asks whether a copy of the same size
 * would fill at or below the leader's price: the best ask is at most the leader's price and the
 * book holds the leader's size there.
 */
function copyFillsAtLeaderPrice(config: Partial<SimulationConfig>): { checked: number; atPrice: number } {
  const sim = new Simulation({ seed: 9, startTime: START, historyMs: DAY, ...config });
  sim.runHistory();
  const pro = new Set(sim.traders.filter((t) => t.pro).map((t) => t.address));
  const pending: FillEvent[] = [];
  sim.onFill((f) => {
    if (pro.has(f.taker.wallet) && f.taker.side === 'BUY') pending.push(f);
  });
  const end = START + HOUR;
  let checked = 0;
  let atPrice = 0;
  // 10 ms steps: each fill is checked between 30 and 40 ms after it.
  while (sim.now < end) {
    sim.step(10);
    while (pending.length > 0 && (pending[0] as FillEvent).timestamp + 30 <= sim.now) {
      const f = pending.shift() as FillEvent;
      const asks = sim.getBook(f.taker.asset).asks;
      let shares = 0;
      for (const l of asks) if (Number(l.price) <= Number(f.taker.price)) shares += Number(l.size);
      checked++;
      if (shares >= Number(f.size)) atPrice++;
    }
  }
  return { checked, atPrice };
}

describe('market model: makers refill within milliseconds', () => {
  it('a copy 30 ms after a pro buy fills at the pro’s price; without refills it would not', () => {
    const refill = copyFillsAtLeaderPrice({});
    expect(refill.checked).toBeGreaterThan(200);
    expect(refill.atPrice / refill.checked).toBeGreaterThanOrEqual(0.9);
    // The same market without the refill (makers only requote on their schedule): the copy
    // mostly finds the leader's level gone.
    const none = copyFillsAtLeaderPrice({ refillDelayMs: [10 * DAY, 10 * DAY] });
    expect(none.checked).toBeGreaterThan(200);
    expect(none.atPrice / none.checked).toBeLessThan(0.6);
  }, 120_000);
});

describe('market model: history', () => {
  it('a history is the same for a seed and start, and ends at the live start', () => {
    const run = (): string[] => {
      const sim = new Simulation({ seed: 21, startTime: START, historyMs: 2 * DAY });
      const out: string[] = [];
      sim.onFill((f) => out.push(`${f.transactionHash}|${f.timestamp}|${f.taker.wallet}|${f.size}`));
      sim.runHistory();
      const board = sim.leaderboard({ timePeriod: 'ALL', orderBy: 'PNL', limit: 5 });
      out.push(...board.map((b) => `${b.proxyWallet}|${b.pnl}`));
      expect(sim.now).toBe(START);
      return out;
    };
    const a = run();
    expect(a.length).toBeGreaterThan(500);
    expect(Number(a[0]!.split('|')[1])).toBeLessThan(START - DAY);
    expect(run()).toEqual(a);
  }, 60_000);
});

describe('Simulation.at', () => {
  it('runs a callback at its simulated time, where it can trade, and refuses the past', () => {
    const sim = new Simulation({ seed: 2, startTime: START });
    const me = '0x2222222222222222222222222222222222222222';
    sim.fund(me, { pusd: '100' });
    const seen: number[] = [];
    const m = sim.activeMarkets()[0]!;
    sim.at(START + 1_234, () => {
      seen.push(sim.now);
      const ask = sim.getBook(m.clobTokenIds[0]).asks.at(-1)!;
      const r = sim.placeOrder({
        maker: me,
        tokenId: m.clobTokenIds[0],
        side: 'BUY',
        price: ask.price,
        size: '5',
        orderType: 'FAK',
      });
      seen.push(r.success ? 1 : 0);
    });
    sim.advanceTo(START + 5_000);
    expect(seen).toEqual([START + 1_234, 1]);
    expect(sim.trades({ user: me })[0]!.timestamp).toBe(Math.floor((START + 1_234) / 1000));
    expect(() => sim.at(START, () => undefined)).toThrow(RangeError);
  });
});
