// The simulation driver: a deterministic discrete-event loop over an injected simulated clock.
// It owns the matching engine, the market catalogue and hidden truths, the market makers and the
// synthetic trader population, resolves markets at their end dates (opening new ones to keep the
// count steady), records history for the Data API views and publishes events to subscribers.
//
// Every scheduled thing (probability walk ticks, equity snapshots, agent arrivals, maker requotes,
// resolutions) is an entry of one time-ordered queue, so the history depends only on the seed and
// not on how the caller slices time: `step(1000)` ten times = `advanceTo(now + 10_000)`.
// `speed` is the server's business: it just calls advanceTo with a faster-moving target.
import type { Decimal } from '../domain/money.ts';
import { History } from './engine/history.ts';
import type { Account, AuditResult } from './engine/ledger.ts';
import {
  MatchingEngine,
  type BookSnapshot,
  type CancelResult,
  type OrderRequest,
  type PlaceResult,
} from './engine/matching-engine.ts';
import { Prng, hashHex } from './engine/prng.ts';
import type { EngineMarket, EngineOrder, Fill, OutcomeIndex } from './engine/types.ts';
import { MICRO, fromMicro } from './engine/units.ts';
import {
  MarketFactory,
  type Category,
  type MarketLiquidity,
  type SimEvent,
  type SimMarket,
} from './model/catalog.ts';
import { DEFAULT_WALK, EventTruth, type WalkParams } from './model/true-probability.ts';
import {
  MarketMaker,
  PRO_PROFILE,
  STYLE_PROFILES,
  TRADER_STYLES,
  Trader,
  type AgentContext,
  type MakerParams,
  type StyleProfile,
  type TraderStyle,
} from './model/traders.ts';
import * as views from './data-views.ts';
import type { FillEvent, WalletInfo } from './simulation-events.ts';

export type { FillEvent, LegEvent, WalletInfo } from './simulation-events.ts';
import { heapPop as popHeap, heapPush as pushHeap } from './engine/min-heap.ts';

const DAY_MS = 86_400_000;

export interface SimulationConfig {
  seed: number;
  /**
   * When the live simulation starts, epoch ms. With `historyMs` > 0 the market opens that long
   * before and `runHistory()` brings it up to here, so clients find a past behind it.
   */
  startTime: number;
  /** Simulated history before `startTime`, ms (0 = the market opens at `startTime`). */
  historyMs: number;
  /**
   * Activity during the history, as a fraction of the live rates: trader arrivals are this much
   * rarer and the truth walks in steps this much longer, so a month of history costs a few
   * seconds of CPU instead of minutes. Refills after fills are not thinned.
   */
  historyActivity: number;
  /** Mean time between periodic requotes of one maker on one market during the history. */
  historyRequoteMeanMs: number;
  /** Fraction of the informed traders that are pros (PRO_PROFILE), rounded. */
  proShare: number;
  /** Delay range (ms) between a maker's order trading and the maker refilling its quotes. */
  refillDelayMs: readonly [number, number];
  /** Share of markets in each liquidity tier (the rest are `mid`). */
  liquidityTiers: { readonly top: number; readonly thin: number };
  binaryMarkets: number;
  negRiskEvents: number;
  outcomesPerEvent: readonly [number, number];
  /** Lifetime of newly created markets, days (initial ones end between 1 day and the max). */
  marketLifetimeDays: readonly [number, number];
  marketMakers: number;
  makersPerMarket: number;
  makerParams: MakerParams;
  makerBankroll: number;
  /** Mean time between requotes of one maker on one market. */
  requoteMeanMs: number;
  traders: Record<TraderStyle, number>;
  styles: Record<TraderStyle, StyleProfile>;
  walkIntervalMs: number;
  snapshotIntervalMs: number;
  walk: WalkParams;
  feeRates?: Partial<Record<Category, number>>;
}

/** Server defaults: ~50 markets, 400 traders. */
export const DEFAULT_SIMULATION_CONFIG: SimulationConfig = {
  seed: 1,
  startTime: Date.UTC(2026, 0, 1),
  historyMs: 0,
  historyActivity: 0.02,
  historyRequoteMeanMs: 12 * 3_600_000,
  proShare: 0.2,
  refillDelayMs: [5, 25],
  liquidityTiers: { top: 0.3, thin: 0.3 },
  binaryMarkets: 36,
  negRiskEvents: 4,
  outcomesPerEvent: [3, 6],
  marketLifetimeDays: [5, 30],
  marketMakers: 8,
  makersPerMarket: 3,
  makerParams: {
    levels: 3,
    levelSize: 100,
    halfSpread: 0.01,
    obsNoise: 0.15,
    smoothing: 0.3,
    skewPerLevel: 0,
  },
  makerBankroll: 2_000_000,
  requoteMeanMs: 120_000,
  traders: { informed: 60, noise: 200, whale: 10, flipper: 90, 'multi-fill': 40 },
  styles: STYLE_PROFILES,
  walkIntervalMs: 60_000,
  snapshotIntervalMs: 3_600_000,
  walk: DEFAULT_WALK,
};

export interface MarketResolvedEvent {
  conditionId: string;
  market: SimMarket;
  event: SimEvent;
  winningOutcomeIndex: OutcomeIndex;
  winningAssetId: string;
  winningOutcome: string;
  timestamp: number;
}

export interface OrderUpdateEvent {
  kind: 'PLACEMENT' | 'UPDATE' | 'CANCELLATION';
  order: views.OrderView;
}

export type FundRequest =
  { pusd: string | Decimal } | { tokenId: string; size: string | Decimal; price?: string | Decimal };

const enum Kind {
  Walk,
  Snapshot,
  Trader,
  Quote,
  Resolve,
  Refill,
  /** The end of the history: arrivals and requotes switch to the live rates. */
  GoLive,
  /** A callback of `at()` (benches and tests acting as an outside agent at a simulated time). */
  Callback,
}

interface Scheduled {
  t: number;
  seq: number;
  kind: Kind;
  idx: number;
  /** Trader / Quote entries of an earlier rate regime are stale after GoLive. */
  gen: number;
  market: SimMarket | null;
  event: SimEvent | null;
}

type Listener<T> = (value: T) => void;

export class Simulation {
  readonly config: SimulationConfig;
  readonly engine: MatchingEngine;
  readonly history = new History();
  readonly traders: Trader[] = [];
  readonly makers: MarketMaker[] = [];
  readonly treasury: string;

  private clockMs: number;
  /** The history ends and the live rates apply from here (epoch ms). */
  readonly liveFrom: number;
  private gen = 0;
  private lastWalk: number;
  private readonly makerIndex = new Map<string, number>();
  /** Pending refills, keyed maker index × market index. */
  private readonly refillsDue = new Set<number>();
  /** Every (maker, market) pair with periodic requotes, for rescheduling at GoLive. */
  private readonly quotePairs: { maker: number; market: SimMarket }[] = [];
  private readonly liquidityRng: Prng;
  private readonly callbacks = new Map<number, () => void>();
  private callbackSeq = 0;
  private readonly rng: Prng;
  private readonly walkRng: Prng;
  private readonly agentRng: Prng;
  private readonly schedRng: Prng;
  private readonly resolveRng: Prng;
  private readonly factory: MarketFactory;
  private readonly queue: Scheduled[] = [];
  private queueSeq = 0;
  private readonly allEvents: SimEvent[] = [];
  private readonly allMarkets: SimMarket[] = [];
  private readonly truths = new Map<SimEvent, EventTruth>();
  private readonly byCondition = new Map<string, SimMarket>();
  private readonly byToken = new Map<string, SimMarket>();
  private readonly bySlug = new Map<string, SimMarket>();
  private readonly eventBySlug = new Map<string, SimEvent>();
  private activeCache: SimMarket[] | null = null;
  private readonly wallets = new Map<string, WalletInfo>();
  private readonly fillListeners: Listener<FillEvent>[] = [];
  private readonly walletFillListeners: { wallets: ReadonlySet<string>; cb: Listener<FillEvent> }[] = [];
  private readonly bookListeners: Listener<string>[] = [];
  private readonly resolvedListeners: Listener<MarketResolvedEvent>[] = [];
  private readonly createdListeners: Listener<SimEvent>[] = [];
  private readonly orderListeners: Listener<OrderUpdateEvent>[] = [];
  private readonly ctx: AgentContext;

  constructor(config: Partial<SimulationConfig> & { seed: number }) {
    this.config = { ...DEFAULT_SIMULATION_CONFIG, ...config };
    const cfg = this.config;
    this.liveFrom = cfg.startTime;
    this.clockMs = cfg.startTime - cfg.historyMs;
    this.lastWalk = this.clockMs;
    this.rng = new Prng(cfg.seed);
    this.liquidityRng = this.rng.fork('liquidity');
    this.walkRng = this.rng.fork('walk');
    this.agentRng = this.rng.fork('agents');
    this.schedRng = this.rng.fork('schedule');
    this.resolveRng = this.rng.fork('resolve');
    const walletRng = this.rng.fork('wallets');
    this.factory = new MarketFactory(this.rng.fork('catalog'), { feeRates: cfg.feeRates });
    this.engine = new MatchingEngine({
      seed: cfg.seed,
      runKey: `${cfg.seed}:${cfg.startTime}`,
      clock: () => this.clockMs,
    });
    this.engine.hooks = {
      onFill: (f) => this.onEngineFill(f),
      onBook: (m) => this.onEngineBook(m),
      onOrder: (o, kind) => {
        if (this.orderListeners.length > 0) {
          const e: OrderUpdateEvent = { kind, order: views.orderView(o) };
          for (const l of this.orderListeners) l(e);
        }
      },
    };
    const nowOf = (): number => this.clockMs;
    this.ctx = {
      engine: this.engine,
      get now() {
        return nowOf();
      },
      rng: this.agentRng,
      activeMarkets: () => this.activeMarkets(),
      trueProb: (m) => this.truthOf(m),
    };

    this.treasury = `0x${hashHex(cfg.seed, 0, 0x7472, 20)}`;
    this.wallets.set(this.treasury, {
      address: this.treasury,
      name: 'treasury',
      pseudonym: 'Simulator-Treasury',
      style: 'treasury',
    });

    for (let i = 0; i < cfg.marketMakers; i++) {
      const address = `0x${walletRng.hex(20)}`;
      const name = `mm-${i + 1}`;
      const p = cfg.makerParams;
      const params: MakerParams = {
        ...p,
        halfSpread: p.halfSpread * walletRng.uniform(0.8, 1.5),
        levelSize: Math.round(p.levelSize * walletRng.uniform(0.6, 1.4)),
      };
      const mm = new MarketMaker(address, name, params, this.engine);
      this.makerIndex.set(address, this.makers.length);
      this.makers.push(mm);
      this.registerWallet(address, name, 'market-maker', walletRng);
      this.engine.fundPusdMicro(address, cfg.makerBankroll * MICRO);
    }
    this.createTraders(walletRng);

    const maxLife = cfg.marketLifetimeDays[1] * DAY_MS;
    for (let i = 0; i < cfg.binaryMarkets; i++) this.openEvent(false, this.schedRng.uniform(DAY_MS, maxLife));
    for (let i = 0; i < cfg.negRiskEvents; i++) this.openEvent(true, this.schedRng.uniform(DAY_MS, maxLife));

    this.schedule(this.clockMs + this.walkInterval(), Kind.Walk, 0, null, null);
    this.schedule(this.clockMs, Kind.Snapshot, 0, null, null);
    for (let i = 0; i < this.traders.length; i++) this.scheduleTrader(i);
    for (const m of this.allMarkets) this.sampleMarket(m);
    if (this.clockMs < this.liveFrom) this.schedule(this.liveFrom, Kind.GoLive, 0, null, null);
  }

  /**
   * Traders of every style; the first `proShare` of the informed ones are pros. Each trader's
   * size scale is its style's typical size times a Pareto draw, so a few traders of every style
   * trade far larger than the rest (heavy tails), and its bankroll covers at least 20 such trades.
   */
  private createTraders(walletRng: Prng): void {
    const cfg = this.config;
    const pros = Math.round(cfg.traders.informed * cfg.proShare);
    for (const style of TRADER_STYLES) {
      for (let i = 0; i < cfg.traders[style]; i++) {
        const pro = style === 'informed' && i < pros;
        const profile = pro ? PRO_PROFILE : cfg.styles[style];
        const address = `0x${walletRng.hex(20)}`;
        const name = pro ? `pro-${i + 1}` : `${style}-${i + 1 - (style === 'informed' ? pros : 0)}`;
        const pareto = Math.min(30, walletRng.uniform(0, 1) ** (-1 / profile.sizeTail));
        const sizeUsd = profile.sizeUsd * pareto;
        const t = new Trader(address, name, style, profile, this.engine, sizeUsd, pro);
        this.traders.push(t);
        this.registerWallet(address, name, style, walletRng);
        const drawn = walletRng.uniform(profile.bankroll[0], profile.bankroll[1]);
        this.engine.fundPusdMicro(address, Math.round(Math.max(drawn, 20 * sizeUsd)) * MICRO);
      }
    }
  }

  /**
   * Runs `fn` at simulated time `t` (≥ now) between two scheduled events, where it may place
   * orders like any trader: how a bench acts "30 ms after a fill" without slicing the clock.
   */
  at(t: number, fn: () => void): void {
    if (t < this.clockMs) throw new RangeError('cannot schedule in the past');
    const id = this.callbackSeq++;
    this.callbacks.set(id, fn);
    this.schedule(t, Kind.Callback, id, null, null);
  }

  /** Runs the history (if any) up to `liveFrom`. Subscribe first to see its fills. */
  runHistory(): void {
    if (this.clockMs < this.liveFrom) this.advanceTo(this.liveFrom);
  }

  /** 1 live, `historyActivity` during the history. */
  private activityScale(): number {
    return this.clockMs < this.liveFrom ? this.config.historyActivity : 1;
  }

  private walkInterval(): number {
    return Math.round(this.config.walkIntervalMs / this.activityScale());
  }

  // ================================================================= time

  get now(): number {
    return this.clockMs;
  }

  step(dtMs: number): void {
    this.advanceTo(this.clockMs + dtMs);
  }

  /** Runs every scheduled event up to and including `t`, then sets the clock to `t`. */
  advanceTo(t: number): void {
    if (t < this.clockMs) throw new RangeError('the simulated clock cannot go backwards');
    const q = this.queue;
    while (q.length > 0 && (q[0] as Scheduled).t <= t) {
      const e = popQueue(q);
      this.clockMs = e.t;
      this.engine.expireOrders(e.t);
      this.dispatch(e);
    }
    this.clockMs = t;
    this.engine.expireOrders(t);
  }

  private dispatch(e: Scheduled): void {
    const cfg = this.config;
    switch (e.kind) {
      case Kind.Walk: {
        const dt = e.t - this.lastWalk;
        this.lastWalk = e.t;
        for (const ev of this.allEvents) {
          if (ev.closed) continue;
          (this.truths.get(ev) as EventTruth).step(dt, cfg.walk, this.walkRng);
          for (const m of ev.markets) this.sampleMarket(m);
        }
        // The history's long steps stop at liveFrom; live steps follow.
        const next = e.t + this.walkInterval();
        this.schedule(e.t < this.liveFrom ? Math.min(next, this.liveFrom) : next, Kind.Walk, 0, null, null);
        break;
      }
      case Kind.Snapshot:
        this.history.snapshot(e.t, this.engine.ledger.accounts.values(), (a) => this.equityMicro(a));
        this.schedule(e.t + cfg.snapshotIntervalMs, Kind.Snapshot, 0, null, null);
        break;
      case Kind.Trader:
        if (e.gen !== this.gen) break;
        (this.traders[e.idx] as Trader).act(this.ctx, this.dueToTrade(e.idx));
        this.scheduleTrader(e.idx);
        break;
      case Kind.Quote: {
        if (e.gen !== this.gen) break;
        const m = e.market as SimMarket;
        if (m.closed) {
          (this.makers[e.idx] as MarketMaker).forget(m.engine as EngineMarket);
          break;
        }
        (this.makers[e.idx] as MarketMaker).requote(this.ctx, m);
        this.scheduleQuote(e.idx, m);
        break;
      }
      case Kind.Refill: {
        const m = e.market as SimMarket;
        this.refillsDue.delete(refillKey(e.idx, m));
        if (!m.closed) (this.makers[e.idx] as MarketMaker).refill(this.ctx, m);
        break;
      }
      case Kind.Resolve:
        this.resolveEvent(e.event as SimEvent);
        break;
      case Kind.GoLive:
        this.goLive();
        break;
      case Kind.Callback: {
        const cb = this.callbacks.get(e.idx);
        this.callbacks.delete(e.idx);
        cb?.();
        break;
      }
    }
  }

  /** Redraws every arrival and requote at the live rates (the history's ones are far apart). */
  private goLive(): void {
    this.gen++;
    for (let i = 0; i < this.traders.length; i++) this.scheduleTrader(i);
    const live = this.quotePairs.filter((p) => !p.market.closed);
    this.quotePairs.length = 0;
    for (const p of live) {
      this.quotePairs.push(p);
      this.scheduleQuote(p.maker, p.market);
    }
  }

  private scheduleTrader(i: number): void {
    const t = this.traders[i] as Trader;
    const rate = (t.profile.ratePerDay / DAY_MS) * this.activityScale();
    let wait = this.schedRng.exponential(rate);
    const cap = this.maxGap(t);
    // No later than the trader's last trade + its longest gap; a due arrival that could not trade
    // (no ask anywhere) tries again a twentieth of the gap later, not at once.
    if (cap !== null) wait = Math.min(wait, Math.max(cap / 20, t.lastTradeMs + cap - this.clockMs));
    this.schedule(this.clockMs + wait, Kind.Trader, i, null, null);
  }

  /** A trader's longest gap between trades at the current activity (history: as much longer). */
  private maxGap(t: Trader): number | null {
    return t.profile.maxGapMs === undefined ? null : t.profile.maxGapMs / this.activityScale();
  }

  private dueToTrade(i: number): boolean {
    const t = this.traders[i] as Trader;
    const cap = this.maxGap(t);
    // Scheduled times are rounded up to the ms: due from 1 ms before the cap.
    return cap !== null && this.clockMs >= t.lastTradeMs + cap - 1;
  }

  private scheduleQuote(maker: number, m: SimMarket): void {
    const cfg = this.config;
    const rate = 1 / (this.clockMs < this.liveFrom ? cfg.historyRequoteMeanMs : cfg.requoteMeanMs);
    this.schedule(this.clockMs + this.schedRng.exponential(rate), Kind.Quote, maker, m, null);
  }

  /** A maker whose order traded refills its quotes on that market a few ms later (once). */
  private scheduleRefill(f: Fill): void {
    const maker = this.makerIndex.get(f.maker.address);
    if (maker === undefined || f.market.resolved) return;
    const m = this.allMarkets[f.market.idx] as SimMarket;
    const key = refillKey(maker, m);
    if (this.refillsDue.has(key)) return;
    this.refillsDue.add(key);
    const [lo, hi] = this.config.refillDelayMs;
    this.schedule(this.clockMs + this.schedRng.uniform(lo, hi), Kind.Refill, maker, m, null);
  }

  private schedule(
    t: number,
    kind: Kind,
    idx: number,
    market: SimMarket | null,
    event: SimEvent | null,
  ): void {
    const gen = this.gen;
    pushQueue(this.queue, { t: Math.ceil(t), seq: this.queueSeq++, kind, idx, gen, market, event });
  }

  // ================================================================= markets

  private openEvent(negRisk: boolean, lifetimeMs: number): SimEvent {
    const cfg = this.config;
    const end = Math.round(this.clockMs + lifetimeMs);
    const n = negRisk ? this.schedRng.intBetween(cfg.outcomesPerEvent[0], cfg.outcomesPerEvent[1]) : 1;
    const ev = negRisk ? this.factory.negRisk(this.clockMs, end, n) : this.factory.binary(this.clockMs, end);
    this.truths.set(ev, new EventTruth(negRisk, ev.markets.length, this.walkRng));
    this.allEvents.push(ev);
    this.eventBySlug.set(ev.slug, ev);
    const liquidity = this.drawLiquidity();
    for (const m of ev.markets) {
      m.liquidity = liquidity;
      m.engine = this.engine.addMarket({
        conditionId: m.conditionId,
        tokenIds: m.clobTokenIds,
        outcomes: m.outcomes,
        tickSize: m.tickSize,
        minOrderSize: m.minOrderSize,
        feeRateBps: m.feeRateBps,
        negRisk: m.negRisk,
        labels: {
          slug: m.slug,
          title: m.question,
          eventSlug: ev.slug,
          icon: m.icon,
          endDate: new Date(m.endDate).toISOString(),
        },
      });
      this.allMarkets.push(m);
      this.byCondition.set(m.conditionId, m);
      this.byToken.set(m.clobTokenIds[0], m);
      this.byToken.set(m.clobTokenIds[1], m);
      this.bySlug.set(m.slug, m);
      this.assignMakers(m);
    }
    this.activeCache = null;
    this.schedule(end, Kind.Resolve, 0, null, ev);
    for (const l of this.createdListeners) l(ev);
    return ev;
  }

  private assignMakers(m: SimMarket): void {
    const n = Math.min(this.config.makersPerMarket, this.makers.length);
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(this.schedRng.int(this.makers.length));
    for (const i of [...chosen].sort((a, b) => a - b)) {
      (this.makers[i] as MarketMaker).requote(this.ctx, m);
      this.quotePairs.push({ maker: i, market: m });
      this.scheduleQuote(i, m);
    }
  }

  /**
   * An event's liquidity tier (all its markets share it): top events carry 25–60× the makers'
   * base level size on half the base spread, thin ones a fifth to a half of it on twice the
   * spread, the rest 2–6× on the base spread.
   */
  private drawLiquidity(): MarketLiquidity {
    const r = this.liquidityRng;
    const u = r.uniform(0, 1);
    const { top, thin } = this.config.liquidityTiers;
    if (u < top) return { tier: 'top', depthFactor: r.uniform(25, 60), spreadFactor: 0.5 };
    if (u < top + thin) return { tier: 'thin', depthFactor: r.uniform(0.2, 0.5), spreadFactor: 2 };
    return { tier: 'mid', depthFactor: r.uniform(2, 6), spreadFactor: 1 };
  }

  /**
   * Resolves a market now instead of at its end date (the server's `/sim/resolve`). A binary
   * market resolves to the given outcome; in a neg-risk event only "Yes" is meaningful (it names
   * the event's winner, and every other market of the event resolves "No").
   */
  resolveNow(conditionId: string, winner: OutcomeIndex): void {
    const m = this.byCondition.get(conditionId);
    if (m === undefined) throw new Error('market not found');
    if (m.closed) throw new Error('market already resolved');
    const ev = m.event;
    if (ev.negRisk && winner !== 0) {
      throw new Error('a neg-risk market can only be resolved to Yes (its event resolves with it)');
    }
    this.resolveEvent(ev, ev.negRisk ? ev.markets.indexOf(m) : winner);
  }

  private resolveEvent(ev: SimEvent, forcedWinner?: number): void {
    // Already resolved early by resolveNow: the end-date entry in the queue has nothing to do.
    if (ev.closed) return;
    const truth = this.truths.get(ev) as EventTruth;
    const w = forcedWinner ?? truth.drawWinner(this.resolveRng);
    ev.closed = true;
    for (let i = 0; i < ev.markets.length; i++) {
      const m = ev.markets[i] as SimMarket;
      const winner: OutcomeIndex = ev.negRisk ? (i === w ? 0 : 1) : (w as OutcomeIndex);
      this.engine.resolveMarket(m.conditionId, winner);
      m.closed = true;
      m.closedTime = this.clockMs;
      m.winner = winner;
      for (const mm of this.makers) mm.forget(m.engine as EngineMarket);
    }
    this.activeCache = null;
    for (const m of ev.markets) {
      const e: MarketResolvedEvent = {
        conditionId: m.conditionId,
        market: m,
        event: ev,
        winningOutcomeIndex: m.winner as OutcomeIndex,
        winningAssetId: m.clobTokenIds[m.winner as OutcomeIndex],
        winningOutcome: m.outcomes[m.winner as OutcomeIndex],
        timestamp: this.clockMs,
      };
      for (const l of this.resolvedListeners) l(e);
    }
    // Keep the number of open markets steady.
    const [lo, hi] = this.config.marketLifetimeDays;
    this.openEvent(ev.negRisk, this.schedRng.uniform(lo * DAY_MS, hi * DAY_MS));
  }

  private sampleMarket(m: SimMarket): void {
    if (m.engine === null || m.closed) return;
    this.history.samplePrice(m.engine.idx, this.clockMs, this.markMicro(m.engine, 0));
  }

  private truthOf(m: SimMarket): number {
    const truth = this.truths.get(m.event) as EventTruth;
    return truth.prob(m.event.markets.indexOf(m));
  }

  activeMarkets(): readonly SimMarket[] {
    this.activeCache ??= this.allMarkets.filter((m) => !m.closed);
    return this.activeCache;
  }

  /** All markets ever opened (closed ones included), oldest first. */
  markets(): readonly SimMarket[] {
    return this.allMarkets;
  }

  events(): readonly SimEvent[] {
    return this.allEvents;
  }

  marketByCondition(conditionId: string): SimMarket | undefined {
    return this.byCondition.get(conditionId);
  }

  marketByToken(tokenId: string): SimMarket | undefined {
    return this.byToken.get(tokenId);
  }

  marketBySlug(slug: string): SimMarket | undefined {
    return this.bySlug.get(slug);
  }

  eventBySlugOrId(key: string): SimEvent | undefined {
    return this.eventBySlug.get(key) ?? this.allEvents.find((e) => e.id === key);
  }

  /** The hidden probability that a market resolves YES (for tests and debugging only). */
  trueProbability(conditionId: string): number | undefined {
    const m = this.byCondition.get(conditionId);
    return m === undefined || m.closed ? undefined : this.truthOf(m);
  }

  // ================================================================= subscriptions

  /** Each fill (one maker order × one taker order) with both legs. Returns an unsubscribe. */
  onFill(cb: Listener<FillEvent>): () => void {
    return subscribe(this.fillListeners, cb);
  }

  /**
   * Fills with a leg of one of `wallets` only (lowercase addresses). A month at live rates is
   * millions of fills; building each one's event (Decimals, lazy order ids) for a listener that
   * wants a few wallets' cost the fidelity bench a tenth of its time.
   */
  onWalletFill(wallets: readonly string[], cb: Listener<FillEvent>): () => void {
    const entry = { wallets: new Set(wallets.map((w) => w.toLowerCase())), cb };
    this.walletFillListeners.push(entry);
    return () => {
      const i = this.walletFillListeners.indexOf(entry);
      if (i >= 0) this.walletFillListeners.splice(i, 1);
    };
  }

  /** Called with a token id whenever that token's book changed (both tokens of a market). */
  onBookChange(cb: Listener<string>): () => void {
    return subscribe(this.bookListeners, cb);
  }

  onMarketResolved(cb: Listener<MarketResolvedEvent>): () => void {
    return subscribe(this.resolvedListeners, cb);
  }

  onMarketCreated(cb: Listener<SimEvent>): () => void {
    return subscribe(this.createdListeners, cb);
  }

  /** Order placement / partial fill / cancellation (WS user channel `order` events). */
  onOrderUpdate(cb: Listener<OrderUpdateEvent>): () => void {
    return subscribe(this.orderListeners, cb);
  }

  private onEngineFill(f: Fill): void {
    this.history.record(f);
    this.scheduleRefill(f);
    let e: FillEvent | null = null;
    if (this.fillListeners.length > 0) {
      e = views.fillEvent(f);
      for (const l of this.fillListeners) l(e);
    }
    for (const { wallets, cb } of this.walletFillListeners) {
      if (!wallets.has(f.maker.address) && !wallets.has(f.taker.address)) continue;
      e ??= views.fillEvent(f);
      cb(e);
    }
  }

  private onEngineBook(m: EngineMarket): void {
    if (this.bookListeners.length === 0) return;
    for (const l of this.bookListeners) {
      l(m.tokenIds[0]);
      l(m.tokenIds[1]);
    }
  }

  // ================================================================= trading (external API)

  /** Places an order exactly as synthetic traders do (same engine entry point). */
  placeOrder(req: OrderRequest): PlaceResult {
    if (!this.wallets.has(req.maker.toLowerCase())) this.registerExternal(req.maker);
    return this.engine.placeOrder(req);
  }

  cancelOrder(orderId: string, maker?: string): CancelResult {
    return this.engine.cancelOrder(orderId, maker);
  }

  cancelOrders(orderIds: readonly string[], maker?: string): CancelResult {
    return this.engine.cancelOrders(orderIds, maker);
  }

  cancelAll(maker: string, filter?: { conditionId?: string; tokenId?: string }): CancelResult {
    return this.engine.cancelAll(maker, filter);
  }

  getOrder(orderId: string): views.OrderView | undefined {
    const o = this.engine.getOrder(orderId);
    return o === undefined ? undefined : views.orderView(o);
  }

  openOrders(maker: string, filter?: { conditionId?: string; tokenId?: string }): views.OrderView[] {
    return this.engine.openOrders(maker, filter).map(views.orderView);
  }

  /** Funds a wallet with pUSD, or with outcome tokens (backed by new collateral, see Ledger). */
  fund(address: string, req: FundRequest): void {
    if (!this.wallets.has(address.toLowerCase())) this.registerExternal(address);
    if ('pusd' in req) this.engine.fundPusd(address, req.pusd);
    else this.engine.fundTokens(address, req.tokenId, req.size, req.price ?? '0.5', this.treasury);
  }

  split(address: string, conditionId: string, size: string | Decimal): string {
    return this.engine.split(address, conditionId, size);
  }

  merge(address: string, conditionId: string, size: string | Decimal): string {
    return this.engine.merge(address, conditionId, size);
  }

  /** pUSD balance, reserved by open orders, and available (production `/balance-allowance`). */
  balance(address: string): { balance: Decimal; reserved: Decimal; available: Decimal } {
    const a = this.engine.ledger.peek(address);
    return {
      balance: fromMicro(a?.pusdMicro ?? 0),
      reserved: fromMicro(a?.reservedMicro ?? 0),
      available: fromMicro(a?.availableMicro ?? 0),
    };
  }

  tokenBalance(
    address: string,
    tokenId: string,
  ): { balance: Decimal; reserved: Decimal; available: Decimal } {
    const t = this.engine.token(tokenId);
    const h =
      t === undefined ? undefined : this.engine.ledger.peek(address)?.peekHolding(t.market, t.outcome);
    return {
      balance: fromMicro(h?.balanceMicro ?? 0),
      reserved: fromMicro(h?.reservedMicro ?? 0),
      available: fromMicro(h?.availableMicro ?? 0),
    };
  }

  // ================================================================= market data

  getBook(tokenId: string): BookSnapshot {
    return this.engine.getBook(tokenId);
  }

  midpoint(tokenId: string): Decimal | null {
    return this.engine.midpoint(tokenId);
  }

  spread(tokenId: string): Decimal | null {
    return this.engine.spread(tokenId);
  }

  bestBidAsk(tokenId: string): { bid: Decimal | null; ask: Decimal | null } {
    return this.engine.bestBidAsk(tokenId);
  }

  lastTradePrice(tokenId: string): { price: Decimal; side: 'BUY' | 'SELL' | '' } {
    return this.engine.lastTradePrice(tokenId);
  }

  /** Current display price of a token: midpoint when the spread ≤ 0.10, else the last trade. */
  price(tokenId: string): Decimal {
    const t = this.engine.token(tokenId);
    if (t === undefined) throw new Error('No orderbook exists for the requested token id');
    return fromMicro(Math.round(this.markMicro(t.market, t.outcome)));
  }

  /** Price history of a token (`/prices-history`): samples (t in epoch s) at ≥ fidelity minutes. */
  priceHistory(
    tokenId: string,
    q: { startTs?: number; endTs?: number; fidelityMinutes?: number } = {},
  ): { t: number; p: Decimal }[] {
    return views.priceHistory(this.viewContext(), tokenId, q);
  }

  // ================================================================= Data API views

  trades(q: views.TradesQuery = {}): views.TradeRow[] {
    return views.trades(this.viewContext(), q);
  }

  activity(q: views.ActivityQuery): views.ActivityRow[] {
    return views.activity(this.viewContext(), q);
  }

  positions(user: string, q: views.PositionsQuery = {}): views.PositionRow[] {
    return views.positions(this.viewContext(), user, q);
  }

  closedPositions(user: string, q: { markets?: readonly string[] } = {}): views.ClosedPositionRow[] {
    return views.closedPositions(this.viewContext(), user, q);
  }

  /** Marked value of a wallet's open positions (`/value`). */
  portfolioValue(user: string, markets?: readonly string[]): Decimal {
    return views.portfolioValue(this.viewContext(), user, markets);
  }

  leaderboard(q: views.LeaderboardQuery = {}): views.LeaderboardRow[] {
    return views.leaderboard(this.viewContext(), q);
  }

  holders(conditionId: string, limit = 20): views.HoldersRow[] {
    return views.holders(this.viewContext(), conditionId, limit);
  }

  /** Lifetime P&L of a wallet: pUSD + marked positions − net funding. */
  pnl(address: string): Decimal {
    const a = this.engine.ledger.peek(address);
    return fromMicro(a === undefined ? 0 : Math.round(this.equityMicro(a) - a.fundedMicro));
  }

  pnlMicro(address: string): number {
    const a = this.engine.ledger.peek(address);
    return a === undefined ? 0 : this.equityMicro(a) - a.fundedMicro;
  }

  wallet(address: string): WalletInfo | undefined {
    return this.wallets.get(address.toLowerCase());
  }

  walletList(): WalletInfo[] {
    return [...this.wallets.values()];
  }

  /** Ledger conservation / collateralisation check. */
  audit(): AuditResult {
    return this.engine.ledger.audit();
  }

  // ================================================================= internals

  /** Mark price of a token in micro (may be a half-micro): mid if spread ≤ 0.10, else last. */
  markMicro(em: EngineMarket, outcome: OutcomeIndex): number {
    if (em.resolved) return em.winner === outcome ? MICRO : 0;
    const b = em.book.bestPrices(outcome);
    if (b.bidMicro > 0 && b.askMicro > 0 && b.askMicro - b.bidMicro <= 100_000)
      return (b.bidMicro + b.askMicro) / 2;
    const last = em.lastPriceMicro[outcome];
    if (last > 0) return last;
    if (b.bidMicro > 0 && b.askMicro > 0) return (b.bidMicro + b.askMicro) / 2;
    return MICRO / 2;
  }

  private equityMicro(a: Account): number {
    let v = a.pusdMicro;
    for (const h of a.holdings.values()) {
      if (h.balanceMicro > 0) v += (h.balanceMicro * this.markMicro(h.market, h.outcome)) / MICRO;
    }
    return v;
  }

  private viewContext(): views.ViewContext {
    return {
      engine: this.engine,
      history: this.history,
      now: this.clockMs,
      treasury: this.treasury,
      marketOf: (em) => this.allMarkets[em.idx] as SimMarket,
      byCondition: (cid) => this.byCondition.get(cid),
      byToken: (tid) => this.byToken.get(tid),
      markMicro: (em, o) => this.markMicro(em, o),
      equityMicro: (a) => this.equityMicro(a),
      wallet: (addr) => this.wallets.get(addr),
    };
  }

  private registerWallet(address: string, name: string, style: WalletInfo['style'], rng: Prng): void {
    this.wallets.set(address, { address, name, pseudonym: pseudonym(rng), style });
  }

  private registerExternal(address: string): void {
    const a = address.toLowerCase();
    this.wallets.set(a, { address: a, name: '', pseudonym: '', style: 'external' });
  }
}

const ADJ = [
  'Calm',
  'Brave',
  'Swift',
  'Quiet',
  'Lucky',
  'Bold',
  'Clever',
  'Sunny',
  'Misty',
  'Rapid',
  'Gentle',
  'Wild',
];
const ANIMAL = [
  'Otter',
  'Falcon',
  'Badger',
  'Lynx',
  'Heron',
  'Marten',
  'Gecko',
  'Bison',
  'Puffin',
  'Orca',
  'Ibis',
  'Yak',
];

function pseudonym(rng: Prng): string {
  return `${rng.pick(ADJ)}-${rng.pick(ANIMAL)}`;
}

function subscribe<T>(list: Listener<T>[], cb: Listener<T>): () => void {
  list.push(cb);
  return () => {
    const i = list.indexOf(cb);
    if (i >= 0) list.splice(i, 1);
  };
}

function refillKey(maker: number, m: SimMarket): number {
  return (m.engine as EngineMarket).idx * 1024 + maker;
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

function pushQueue(h: Scheduled[], item: Scheduled): void {
  pushHeap(h, item, before);
}

function popQueue(h: Scheduled[]): Scheduled {
  return popHeap(h, before);
}

// Re-exported for convenience of the server layer.
export type { EngineOrder, OrderRequest, PlaceResult, CancelResult, BookSnapshot };
