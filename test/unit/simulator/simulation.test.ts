import { describe, expect, it } from 'vitest';
import { Simulation, type SimulationConfig } from '../../../src/simulator/simulation.ts';
import type { TraderStyle } from '../../../src/simulator/model/traders.ts';
import { blockNumberAt } from '../../../src/simulator/chain/sim-chain.ts';

const DAY = 86_400_000;

// Test-sized population: the server defaults are larger.
const SMALL: Partial<SimulationConfig> = {
  binaryMarkets: 10,
  negRiskEvents: 1,
  outcomesPerEvent: [3, 4],
  marketMakers: 3,
  makersPerMarket: 2,
  requoteMeanMs: 15 * 60_000,
  traders: { informed: 20, noise: 30, whale: 3, flipper: 8, 'multi-fill': 6 },
  walkIntervalMs: 5 * 60_000,
  // One of the informed traders is a pro (a pro trades ~1500 times a day: more is slow to test).
  proShare: 0.05,
};

function fingerprint(sim: Simulation, days: number, stepMs?: number): string[] {
  const out: string[] = [];
  sim.onFill((f) =>
    out.push(
      [
        f.transactionHash,
        f.timestamp,
        f.maker.wallet,
        f.taker.wallet,
        f.taker.asset,
        f.taker.side,
        f.taker.price,
        f.size,
      ].join('|'),
    ),
  );
  const end = sim.now + days * DAY;
  if (stepMs === undefined) sim.advanceTo(end);
  else while (sim.now < end) sim.step(Math.min(stepMs, end - sim.now));
  return out;
}

describe('simulation: fill listeners', () => {
  it('onWalletFill hears exactly the fills with a leg of its wallets, as onFill shows them', () => {
    const sim = new Simulation({ ...SMALL, seed: 5 });
    const all: string[] = [];
    const mine: string[] = [];
    const wallets = sim.traders.slice(0, 3).map((t) => t.address);
    const key = (f: { id: string; maker: { wallet: string }; taker: { wallet: string } }) =>
      `${f.id}|${f.maker.wallet}|${f.taker.wallet}`;
    sim.onFill((f) => {
      if (wallets.includes(f.maker.wallet) || wallets.includes(f.taker.wallet)) all.push(key(f));
    });
    const stop = sim.onWalletFill(
      wallets.map((w) => w.toUpperCase().replace('0X', '0x')),
      (f) => mine.push(key(f)),
    );
    sim.advanceTo(sim.now + DAY / 4);
    expect(all.length).toBeGreaterThan(0);
    expect(mine).toEqual(all);
    stop();
    const before = mine.length;
    sim.advanceTo(sim.now + DAY / 8);
    expect(mine.length).toBe(before);
  });
});

describe('simulation: determinism', () => {
  it('the same seed gives the same fills, however the clock is advanced', () => {
    const a = fingerprint(new Simulation({ ...SMALL, seed: 11 }), 2);
    const b = fingerprint(new Simulation({ ...SMALL, seed: 11 }), 2, 37_000);
    expect(a.length).toBeGreaterThan(500);
    expect(b).toEqual(a);
    const c = fingerprint(new Simulation({ ...SMALL, seed: 12 }), 2);
    expect(c.slice(0, 50)).not.toEqual(a.slice(0, 50));
  }, 60_000);

  it('a run started at another time issues other transaction hashes and continues the block numbers', () => {
    const T = Date.UTC(2026, 11, 8, 2, 0, 0);
    const hashes = (startTime: number) => {
      const out: string[] = [];
      const sim = new Simulation({ ...SMALL, seed: 11, startTime, historyMs: DAY / 4 });
      sim.onFill((f) => out.push(f.transactionHash));
      sim.advanceTo(sim.now + DAY / 2);
      return out;
    };
    const first = hashes(T);
    expect(first.length).toBeGreaterThan(20);
    // The same seed and start: the same run, id for id.
    expect(hashes(T)).toEqual(first);
    // Restarted ten minutes later: no hash of the earlier run comes back (a platform would take
    // the new run's fills for fills it had already recorded, and copy none of them).
    const later = new Set(hashes(T + 600_000));
    expect(first.filter((h) => later.has(h))).toEqual([]);
    // Block numbers follow the clock, so a later run's first block comes after the earlier run's.
    expect(blockNumberAt(T + 600_000, 2_000)).toBe(blockNumberAt(T, 2_000) + 300);
  }, 60_000);

  it('gives wallets, markets and ids the production shapes', () => {
    const sim = new Simulation({ ...SMALL, seed: 5 });
    const m = sim.activeMarkets()[0]!;
    expect(m.conditionId).toMatch(/^0x[0-9a-f]{64}$/);
    expect(m.clobTokenIds[0]).toMatch(/^\d{70,78}$/);
    for (const t of sim.traders) expect(t.address).toMatch(/^0x[0-9a-f]{40}$/);
    const negRisk = sim.events().find((e) => e.negRisk)!;
    const total = negRisk.markets.reduce((s, mk) => s + sim.trueProbability(mk.conditionId)!, 0);
    expect(total).toBeCloseTo(1, 9);
    expect(sim.marketByToken(m.clobTokenIds[1])).toBe(m);
  });
});

describe('simulation: a month of trading', () => {
  it('informed traders beat noise traders, ledger conserved, markets replaced', () => {
    const sim = new Simulation({ ...SMALL, seed: 1 });
    const open = sim.activeMarkets().length;
    let multiFillTx = 0;
    const perTx = new Map<string, number>();
    sim.onFill((f) => perTx.set(f.transactionHash, (perTx.get(f.transactionHash) ?? 0) + 1));
    const resolved: string[] = [];
    sim.onMarketResolved((e) => resolved.push(e.conditionId));
    sim.advanceTo(sim.now + 30 * DAY);

    const pnl: Record<string, number> = {};
    const bankroll: Record<string, number> = {};
    for (const t of sim.traders) {
      pnl[t.style] = (pnl[t.style] ?? 0) + sim.pnlMicro(t.address) / 1e6;
      bankroll[t.style] = (bankroll[t.style] ?? 0) + t.account.fundedMicro / 1e6;
    }
    const ret = (s: TraderStyle) => pnl[s]! / bankroll[s]!;
    // Informed traders make money, noise traders lose it, and the gap is large in both dollars
    // and return on capital (noise traders pay spread and fees on random bets; informed ones buy
    // below the true probability the market makers only catch up with).
    expect(pnl.informed!).toBeGreaterThan(0);
    expect(pnl.noise!).toBeLessThan(0);
    expect(pnl.informed! - pnl.noise!).toBeGreaterThan(2_000);
    expect(ret('informed') - ret('noise')).toBeGreaterThan(0.02);

    expect(sim.audit().problems).toEqual([]);
    expect(resolved.length).toBeGreaterThan(5);
    // Every resolved event is replaced by a new one of the same kind.
    expect(sim.activeMarkets().filter((m) => !m.negRisk)).toHaveLength(SMALL.binaryMarkets!);
    expect(sim.events().filter((e) => e.negRisk && !e.closed)).toHaveLength(SMALL.negRiskEvents!);
    expect(open).toBeGreaterThan(SMALL.binaryMarkets!);
    for (const n of perTx.values()) if (n > 1) multiFillTx++;
    expect(multiFillTx).toBeGreaterThan(100);
  }, 180_000);
});

describe('simulation: external orders and Data API views', () => {
  it('places external orders through the same engine and reports them in every view', () => {
    const sim = new Simulation({ ...SMALL, seed: 3 });
    sim.step(3_600_000);
    const me = '0x1111111111111111111111111111111111111111';
    sim.fund(me, { pusd: '1000' });
    const m = sim.activeMarkets()[0]!;
    const yes = m.clobTokenIds[0];
    const book = sim.getBook(yes);
    const bestAsk = book.asks.at(-1)!.price;
    const r = sim.placeOrder({
      maker: me,
      tokenId: yes,
      side: 'BUY',
      price: bestAsk,
      size: '5',
      orderType: 'FOK',
    });
    expect(r.success).toBe(true);
    expect(r.transactionsHashes).toHaveLength(1);

    const trades = sim.trades({ user: me });
    expect(trades.length).toBeGreaterThan(0);
    expect(trades.every((t) => t.role === 'TAKER' && t.transactionHash === r.transactionsHashes[0])).toBe(
      true,
    );
    expect(trades[0]!.slug).toBe(m.slug);
    const positions = sim.positions(me);
    expect(positions).toHaveLength(1);
    expect(positions[0]!.size.toFixed()).toBe('5');
    expect(positions[0]!.asset).toBe(yes);
    expect(sim.activity({ user: me, excludeDepositsWithdrawals: false }).map((a) => a.type)).toEqual([
      'TRADE',
      'DEPOSIT',
    ]);
    expect(sim.portfolioValue(me).gt(0)).toBe(true);

    // A resting order is visible, cancellable, and its funds come back.
    const live = sim.placeOrder({ maker: me, tokenId: yes, side: 'BUY', price: '0.01', size: '100' });
    expect(live.status).toBe('live');
    expect(sim.getOrder(live.orderID)?.status).toBe('LIVE');
    expect(sim.balance(me).reserved.toFixed()).toBe('1');
    expect(sim.cancelOrder(live.orderID, me).canceled).toEqual([live.orderID]);
    expect(sim.balance(me).reserved.toFixed()).toBe('0');

    // Maker fills show up with takerOnly=false.
    sim.step(2 * DAY);
    const mm = sim.makers[0]!.address;
    const makerRows = sim.trades({ user: mm, takerOnly: false, limit: 50 });
    expect(makerRows.some((t) => t.role === 'MAKER')).toBe(true);
    expect(sim.trades({ user: mm }).every((t) => t.role === 'TAKER')).toBe(true);

    const board = sim.leaderboard({ timePeriod: 'WEEK', orderBy: 'VOL', limit: 10 });
    expect(board.map((b) => b.rank)).toEqual(board.map((_, i) => String(i + 1)));
    for (let i = 1; i < board.length; i++) expect(board[i - 1]!.vol.gte(board[i]!.vol)).toBe(true);
    const history = sim.priceHistory(yes, { fidelityMinutes: 60 });
    expect(history.length).toBeGreaterThan(40);
    expect(history.every((h) => h.p.gt(0) && h.p.lt(1))).toBe(true);
  });
});
