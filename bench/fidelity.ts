// `npm run bench -- fidelity`: how faithfully a follower at the default follow settings copies the
// top traders on the simulator's market over a simulated month (accelerated, in process).
//
// The simulator runs a week of history (to rank leaders), then `--days` live days. One follower
// wallet per leader (top `--leaders` of the WEEK P&L board at the start), funded with $1,000.
// Every fill of a leader (either leg) is a copyable fill; `--latency-ms` after it (simulated time,
// via Simulation.at) the follower decides with decideCopy() at NEW_FOLLOW_DEFAULTS — the decision
// the live fan-out makes — prices the copy on the live book with priceCopyOrder() within the
// decision's slippage limit, and sends a FAK order to the simulator as any trader would. So
// slippage and P&L are the market's, not a model's. The detection latency is an input (default:
// RTDS delivery p50 28 ms + detection → post p50 11 ms + post → ack 5 ms, from the simulator and
// latency benches); what is reported is the delay the copies actually had.
// Not modelled: the worker's queue, balance/exposure gates other than decideCopy's, fees in the
// pricing walk (the simulator charges them on the fill; they are in the P&L).
import { decideCopy } from '../src/domain/decide-copy.ts';
import { priceCopyOrder } from '../src/domain/copy-pricing.ts';
import { NEW_FOLLOW_DEFAULTS, parseCopySettings } from '../src/domain/copy-settings.ts';
import { Decimal, ZERO } from '../src/domain/money.ts';
import type { Side } from '../src/domain/order-book.ts';
import { Simulation, type FillEvent, type SimulationConfig } from '../src/simulator/simulation.ts';

const DAY = 86_400_000;

/** A mid-sized market (16 binary markets, 3 pros): a month runs in about a minute of CPU. */
export const FIDELITY_POPULATION: Partial<SimulationConfig> = {
  binaryMarkets: 16,
  negRiskEvents: 2,
  outcomesPerEvent: [3, 4],
  marketMakers: 4,
  makersPerMarket: 3,
  traders: { informed: 15, noise: 60, whale: 3, flipper: 20, 'multi-fill': 10 },
};

export interface FidelityOptions {
  days?: number;
  leaders?: number;
  latencyMs?: number;
  seed?: number;
}

interface LeaderStats {
  wallet: string;
  name: string;
  copyable: number;
  copied: number;
  skips: Record<string, number>;
  slippageBps: number[];
  latencyMs: number[];
  leaderPnlStart: number;
  followerPnl: number;
  leaderScaledPnl: number;
}

interface Follower {
  wallet: string;
  stats: LeaderStats;
  /** Shares per token bought copying this leader, and what they cost. */
  shares: Map<string, Decimal>;
  cost: Map<string, Decimal>;
  /** The sum of `cost`, null after a change (summing the map for every copy was a tenth of the run). */
  exposure: Decimal | null;
  leaderPos: Map<string, Decimal>;
}

const settings = parseCopySettings(NEW_FOLLOW_DEFAULTS);
const USER_LIMITS = { maxTradeSizeUsd: new Decimal(1_000), maxTotalExposureUsd: new Decimal(10_000) };

function pct(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.floor(q * (s.length - 1))] as number) * 10) / 10;
}

function exposure(f: Follower): Decimal {
  if (f.exposure === null) {
    let e = ZERO;
    for (const c of f.cost.values()) e = e.plus(c);
    f.exposure = e;
  }
  return f.exposure;
}

function setCost(f: Follower, asset: string, cost: Decimal): void {
  f.cost.set(asset, cost);
  f.exposure = null;
}

function skip(f: Follower, reason: string): void {
  f.stats.skips[reason] = (f.stats.skips[reason] ?? 0) + 1;
}

/** One copy: the engine's decision, then pricing on the live book, then a FAK at the venue. */
function copy(sim: Simulation, f: Follower, fill: FillEvent, side: Side, before: Decimal): void {
  const leg = fill.maker.wallet === f.stats.wallet ? fill.maker : fill.taker;
  const m = sim.marketByToken(leg.asset);
  if (m === undefined || m.closed) return skip(f, 'market_closed');
  const cash = sim.balance(f.wallet).available;
  const decision = decideCopy({
    trade: { source: 'fill', side, price: leg.price, size: leg.size, at: new Date(fill.timestamp) },
    market: {
      conditionId: m.conditionId,
      marketSlug: m.slug,
      eventSlug: m.event.slug,
      categories: [],
      rules: { tickSize: new Decimal(m.tickSize), minOrderSize: new Decimal(m.minOrderSize) },
    },
    settings,
    follower: {
      userActive: true,
      relationshipStatus: 'active',
      relationshipExposureUsd: exposure(f),
      userExposureUsd: exposure(f),
      realizedPnlUsd: ZERO,
      attributedShares: f.shares.get(leg.asset) ?? ZERO,
      leaderPositionBefore: before,
      funds: { cashUsd: cash, equityUsd: cash.plus(exposure(f)), observedAt: new Date(sim.now) },
      leaderPortfolio: null,
    },
    userLimits: USER_LIMITS,
    clock: {
      now: new Date(sim.now),
      maxFillAgeMs: 30_000,
      maxBalanceAgeMs: 600_000,
      maxLeaderValueAgeMs: 1_800_000,
    },
  });
  if (decision.kind !== 'copy') return skip(f, decision.reason);
  const book = sim.getBook(leg.asset);
  const level = (l: { price: string; size: string }) => ({
    price: new Decimal(l.price),
    size: new Decimal(l.size),
  });
  const priced = priceCopyOrder({
    side,
    targetPrice: decision.targetPrice,
    maxSlippagePercent: decision.maxSlippagePercent,
    book: { bids: [...book.bids].reverse().map(level), asks: [...book.asks].reverse().map(level) },
    quantity: { size: decision.shares },
    tickSize: new Decimal(m.tickSize),
  });
  if (!priced.ok) return skip(f, priced.reason);
  const r = sim.placeOrder({
    maker: f.wallet,
    tokenId: leg.asset,
    side,
    price: priced.order.limitPrice,
    size: priced.order.size ?? decision.shares,
    orderType: 'FAK',
  });
  const shares = side === 'BUY' ? r.takingAmount : r.makingAmount;
  const usd = side === 'BUY' ? r.makingAmount : r.takingAmount;
  if (!r.success || shares.lte(0)) return skip(f, 'venue_rejected');
  record(sim, f, fill, leg.asset, side, shares, usd, leg.price);
}

function record(
  sim: Simulation,
  f: Follower,
  fill: FillEvent,
  asset: string,
  side: Side,
  shares: Decimal,
  usd: Decimal,
  leaderPrice: Decimal,
): void {
  const avg = usd.div(shares);
  const worse = side === 'BUY' ? avg.minus(leaderPrice) : leaderPrice.minus(avg);
  f.stats.copied++;
  f.stats.slippageBps.push(worse.div(leaderPrice).times(10_000).toNumber());
  f.stats.latencyMs.push(sim.now - fill.timestamp);
  const held = f.shares.get(asset) ?? ZERO;
  const cost = f.cost.get(asset) ?? ZERO;
  if (side === 'BUY') {
    f.shares.set(asset, held.plus(shares));
    setCost(f, asset, cost.plus(usd));
  } else {
    const left = Decimal.max(ZERO, held.minus(shares));
    f.shares.set(asset, left);
    setCost(f, asset, held.isZero() ? ZERO : cost.times(left).div(held));
  }
}

function follow(sim: Simulation, wallet: string, i: number, latencyMs: number): Follower {
  const address = `0x${'f0110e'}${String(i).padStart(34, '0')}`;
  sim.fund(address, { pusd: '1000' });
  const leaderPos = new Map<string, Decimal>();
  for (const p of sim.positions(wallet)) leaderPos.set(p.asset, p.size);
  const f: Follower = {
    wallet: address,
    shares: new Map(),
    cost: new Map(),
    exposure: ZERO,
    leaderPos,
    stats: {
      wallet,
      name: sim.wallet(wallet)?.name ?? '',
      copyable: 0,
      copied: 0,
      skips: {},
      slippageBps: [],
      latencyMs: [],
      leaderPnlStart: sim.pnlMicro(wallet) / 1e6,
      followerPnl: 0,
      leaderScaledPnl: 0,
    },
  };
  sim.onWalletFill([wallet], (fill) => {
    for (const leg of [fill.maker, fill.taker]) {
      if (leg.wallet !== wallet) continue;
      const before = f.leaderPos.get(leg.asset) ?? ZERO;
      f.leaderPos.set(leg.asset, leg.side === 'BUY' ? before.plus(leg.size) : before.minus(leg.size));
      f.stats.copyable++;
      sim.at(fill.timestamp + latencyMs, () => copy(sim, f, fill, leg.side, before));
    }
  });
  return f;
}

export async function benchFidelity(o: FidelityOptions = {}) {
  const days = o.days ?? 30;
  const latencyMs = o.latencyMs ?? 45;
  const start = Date.UTC(2026, 0, 1);
  const t0 = performance.now();
  const sim = new Simulation({
    ...FIDELITY_POPULATION,
    seed: o.seed ?? 7,
    startTime: start,
    historyMs: 7 * DAY,
  });
  sim.runHistory();
  const historyMs = Math.round(performance.now() - t0);
  const board = sim.leaderboard({ timePeriod: 'WEEK', orderBy: 'PNL', limit: o.leaders ?? 3 });
  const followers = board.map((b, i) => follow(sim, b.proxyWallet, i, latencyMs));
  const t1 = performance.now();
  sim.advanceTo(start + days * DAY);
  const liveMs = Math.round(performance.now() - t1);
  const factor = Number(NEW_FOLLOW_DEFAULTS.proportionalityFactor);
  const leaders = followers.map((f) => {
    const s = f.stats;
    s.followerPnl = Math.round(sim.pnlMicro(f.wallet) / 1e4) / 100;
    s.leaderScaledPnl = Math.round((sim.pnlMicro(s.wallet) / 1e6 - s.leaderPnlStart) * factor * 100) / 100;
    return summary(s);
  });
  const all = followers.map((f) => f.stats);
  const overall = summary({
    wallet: 'all',
    name: 'all',
    copyable: all.reduce((n, s) => n + s.copyable, 0),
    copied: all.reduce((n, s) => n + s.copied, 0),
    skips: mergeSkips(all.map((s) => s.skips)),
    slippageBps: all.flatMap((s) => s.slippageBps),
    latencyMs: all.flatMap((s) => s.latencyMs),
    leaderPnlStart: 0,
    followerPnl: Math.round(all.reduce((n, s) => n + s.followerPnl, 0) * 100) / 100,
    leaderScaledPnl: Math.round(all.reduce((n, s) => n + s.leaderScaledPnl, 0) * 100) / 100,
  });
  return {
    scenario: 'fidelity',
    days,
    latencyMs,
    settings: NEW_FOLLOW_DEFAULTS,
    population: FIDELITY_POPULATION,
    historyWallMs: historyMs,
    liveWallMs: liveMs,
    leaders,
    overall,
  };
}

function mergeSkips(list: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of list) for (const [k, v] of Object.entries(s)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function summary(s: LeaderStats) {
  return {
    wallet: s.wallet,
    name: s.name,
    copyable: s.copyable,
    copied: s.copied,
    skips: s.skips,
    slippageBps: { p50: pct(s.slippageBps, 0.5), p90: pct(s.slippageBps, 0.9) },
    latencyMs: { p50: pct(s.latencyMs, 0.5), p90: pct(s.latencyMs, 0.9) },
    followerPnl: s.followerPnl,
    leaderScaledPnl: s.leaderScaledPnl,
  };
}

type Result = Awaited<ReturnType<typeof benchFidelity>>;

export function fidelityRows(r: Result): { metric: string; value: string }[] {
  const line = (x: Result['overall']) =>
    `${x.copied} / ${x.copyable} copied; slippage p50 ${x.slippageBps.p50 ?? '–'} / p90 ${x.slippageBps.p90 ?? '–'} bps; ` +
    `latency p50 ${x.latencyMs.p50 ?? '–'} ms; P&L follower $${x.followerPnl} vs leader scaled $${x.leaderScaledPnl}; skips ${JSON.stringify(x.skips)}`;
  return [
    {
      metric: 'simulated days / leaders / modelled detection latency',
      value: `${r.days} / ${r.leaders.length} / ${r.latencyMs} ms`,
    },
    { metric: 'wall ms: 7-day history / live run', value: `${r.historyWallMs} / ${r.liveWallMs}` },
    { metric: 'overall', value: line(r.overall) },
    ...r.leaders.map((l) => ({ metric: `leader ${l.name} (${l.wallet.slice(0, 10)}…)`, value: line(l) })),
  ];
}
