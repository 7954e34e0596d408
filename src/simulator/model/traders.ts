// The synthetic trader population. Every agent is a wallet with a persistent style; agents act
// at Poisson arrival times scheduled by the Simulation and trade through the same engine entry
// point as external orders. Prices here are micro-pUSD integers, sizes micro-shares (units.ts).
import type { MatchingEngine } from '../engine/matching-engine.ts';
import type { Account, Holding } from '../engine/ledger.ts';
import type { Prng } from '../engine/prng.ts';
import type { EngineMarket, EngineOrder, OrderType, OutcomeIndex, Side } from '../engine/types.ts';
import { LOT_MICRO, MICRO } from '../engine/units.ts';
import type { SimMarket } from './catalog.ts';
import { logit, sigmoid } from './true-probability.ts';

export type TraderStyle = 'informed' | 'noise' | 'whale' | 'flipper' | 'multi-fill';
export const TRADER_STYLES: readonly TraderStyle[] = ['informed', 'noise', 'whale', 'flipper', 'multi-fill'];

/**
 * Style parameters. `infoNoise` is the standard deviation (log-odds) of the trader's private
 * observation of the true probability; Infinity means the trader ignores it.
 */
export interface StyleProfile {
  ratePerDay: number;
  bankroll: readonly [number, number];
  infoNoise: number;
  /** Minimum perceived edge (price units) before trading on information. */
  edge: number;
  /** Largest fraction of available pUSD one trade may commit. */
  maxStake: number;
  /**
   * Typical dollars per trade of the style's median trader. Each trader's own scale is this times
   * a Pareto draw (`sizeTail` = the tail index: smaller = heavier), and each trade is that scale
   * times a log-normal factor, so sizes run from a few dollars to thousands, heavy-tailed, as on
   * Polymarket.
   */
  sizeUsd: number;
  sizeTail: number;
  /**
   * Longest time (ms, at live rates) between two of this trader's trades: its next arrival comes
   * no later, and an arrival that finds it due trades on the best price it sees even without its
   * usual edge (a smaller stake). Unset: arrivals are Poisson and it trades only on an edge.
   */
  maxGapMs?: number;
}

/** Spread (log sd) of one trader's trade sizes around its own scale. */
export const TRADE_SIZE_LOG_SD = 0.8;

export const STYLE_PROFILES: Record<TraderStyle, StyleProfile> = {
  // informed: sees the true probability through small noise and trades only when the book is
  // mispriced by more than `edge`; takes profit when the market reaches its estimate. Wins over
  // time because the market makers' quotes lag the truth (they requote from a noisy, smoothed
  // estimate), so informed orders systematically buy below and sell above the truth.
  informed: {
    ratePerDay: 10,
    bankroll: [2_000, 6_000],
    infoNoise: 0.08,
    edge: 0.025,
    maxStake: 0.1,
    sizeUsd: 60,
    sizeTail: 1.6,
  },
  // noise: random market, random outcome, random direction; mostly marketable orders that pay
  // the spread and the taker fee, sometimes resting GTD limits that informed traders pick off.
  // Its expected P&L is negative.
  noise: {
    ratePerDay: 12,
    bankroll: [500, 2_000],
    infoNoise: Infinity,
    edge: 0,
    maxStake: 0.08,
    sizeUsd: 15,
    sizeTail: 1.5,
  },
  // whale: rare, large orders (sweeping several levels) with moderate information.
  whale: {
    ratePerDay: 1.5,
    bankroll: [50_000, 200_000],
    infoNoise: 0.3,
    edge: 0.03,
    maxStake: 0.12,
    sizeUsd: 3_000,
    sizeTail: 2,
  },
  // flipper: high frequency and small: buys a few shares at the ask and sells them back at the
  // bid on its next arrival, in and out within minutes.
  flipper: {
    ratePerDay: 60,
    bankroll: [300, 1_000],
    infoNoise: Infinity,
    edge: 0,
    maxStake: 0.05,
    sizeUsd: 6,
    sizeTail: 2,
  },
  // multi-fill: sizes each order to 1.5–3 price levels of the opposite side and sets its limit a
  // few ticks through the touch, so one order sweeps several makers and its fills share one
  // transaction hash. Weakly informed about direction.
  'multi-fill': {
    ratePerDay: 6,
    bankroll: [5_000, 20_000],
    infoNoise: 0.5,
    edge: 0,
    maxStake: 0.15,
    sizeUsd: 150,
    sizeTail: 1.5,
  },
};

/**
 * Pros: the busiest informed traders (style `informed`, named `pro-N`), the top of every
 * leaderboard. They see the truth through less noise, accept a thinner edge and trade
 * hundreds of dollars about once a minute, and never go more than 90 s without a trade at speed 1
 * (`maxGapMs`): Poisson arrivals that trade only on an edge left one in eight gaps over two minutes,
 * and a new follower of a top-10 trader could wait three minutes for a first copy (issue 12).
 */
export const PRO_PROFILE: StyleProfile = {
  ratePerDay: 1_500,
  bankroll: [150_000, 400_000],
  infoNoise: 0.05,
  edge: 0.012,
  maxStake: 0.02,
  sizeUsd: 350,
  sizeTail: 2.5,
  maxGapMs: 90_000,
};

/** Share of the usual stake a trader due for a trade (maxGapMs) commits without an edge. */
export const DUE_TRADE_STAKE = 0.25;

export interface AgentContext {
  readonly engine: MatchingEngine;
  readonly now: number;
  readonly rng: Prng;
  /** Markets currently open for trading. */
  activeMarkets(): readonly SimMarket[];
  trueProb(m: SimMarket): number;
}

export class Trader {
  readonly account: Account;
  /** Simulated time of this trader's last order that traded (-Infinity before the first). */
  lastTradeMs = -Infinity;

  constructor(
    readonly address: string,
    readonly name: string,
    readonly style: TraderStyle,
    readonly profile: StyleProfile,
    engine: MatchingEngine,
    /** This trader's typical dollars per trade (see StyleProfile.sizeUsd). */
    readonly sizeUsd: number = profile.sizeUsd,
    /** A pro: scans more markets, always trades on its best opportunity (see PRO_PROFILE). */
    readonly pro = false,
  ) {
    this.account = engine.ledger.account(address);
  }

  /** One arrival; `due`: the trader's maxGapMs has run out, so it trades even without an edge. */
  act(ctx: AgentContext, due = false): void {
    const markets = ctx.activeMarkets();
    if (markets.length === 0) return;
    switch (this.style) {
      case 'informed':
      case 'whale':
        this.actInformed(ctx, markets, due);
        break;
      case 'noise':
        this.actNoise(ctx, ctx.rng.pick(markets));
        break;
      case 'flipper':
        this.actFlipper(ctx, markets);
        break;
      case 'multi-fill':
        this.actMultiFill(ctx, ctx.rng.pick(markets));
        break;
    }
  }

  private estimate(ctx: AgentContext, m: SimMarket): number {
    const p = ctx.trueProb(m);
    if (!Number.isFinite(this.profile.infoNoise)) return p;
    return sigmoid(logit(p) + this.profile.infoNoise * ctx.rng.normal());
  }

  /** pUSD (micro) for one trade: heavy-tailed around the trader's scale, capped by its cash. */
  private stakeMicro(ctx: AgentContext): number {
    const want = this.sizeUsd * Math.exp(TRADE_SIZE_LOG_SD * ctx.rng.normal()) * MICRO;
    return Math.floor(Math.min(want, this.account.availableMicro * this.profile.maxStake));
  }

  /**
   * Informed / whale: look at up to `scan` open markets, estimate each one's true probability,
   * and act on the single best opportunity: take profit on a held outcome the market now values
   * at or above the estimate, or buy the outcome whose ask is furthest below its estimate (by
   * more than `edge`), with a limit at estimate − edge so it never pays more than that. When `due`
   * and no such opportunity exists, it buys a smaller stake of the outcome whose ask is closest
   * to (or furthest below) its estimate, at that ask: its best guess, without the edge.
   */
  private actInformed(ctx: AgentContext, markets: readonly SimMarket[], due = false): void {
    const r = ctx.rng;
    const edge = this.profile.edge;
    const scan = Math.min(markets.length, this.style === 'whale' ? 4 : 8);
    const first = r.int(markets.length);
    let best = 0;
    let bestMarket: EngineMarket | null = null;
    let bestOutcome: OutcomeIndex = 0;
    let bestLimit = 0;
    let near: { em: EngineMarket; o: OutcomeIndex; ask: number; gap: number } | null = null;
    for (let k = 0; k < scan; k++) {
      const m = markets[(first + k) % markets.length] as SimMarket;
      const em = m.engine;
      if (em === null) continue;
      const est = this.estimate(ctx, m);
      for (const o of [0, 1] as const) {
        const value = o === 0 ? est : 1 - est;
        const h = this.account.peekHolding(em, o);
        const { bidMicro, askMicro } = em.book.bestPrices(o);
        if (
          h !== undefined &&
          h.availableMicro >= LOT_MICRO &&
          bidMicro > 0 &&
          bidMicro >= (value - 0.005) * MICRO
        ) {
          // Exits first: the position has reached fair value.
          const limit = ceilTick(em, (value - 0.005) * MICRO);
          this.traded(ctx, place(ctx, this, em, o, 'SELL', 'FAK', limit, lots(h.availableMicro)));
          return;
        }
        if (askMicro === 0) continue;
        const gap = value - askMicro / MICRO;
        if (due && (near === null || gap > near.gap)) near = { em, o, ask: askMicro, gap };
        if (gap > edge && gap > best) {
          const limit = floorTick(em, (value - edge) * MICRO);
          if (limit < askMicro) continue;
          best = gap;
          bestMarket = em;
          bestOutcome = o;
          bestLimit = limit;
        }
      }
    }
    if (bestMarket === null) {
      if (near === null) return;
      const size = sharesFor(this.stakeMicro(ctx) * DUE_TRADE_STAKE, near.ask);
      const min = Math.max(LOT_MICRO, near.em.minSizeMicro);
      if (size >= min) this.traded(ctx, place(ctx, this, near.em, near.o, 'BUY', 'FAK', near.ask, size));
      return;
    }
    const size = sharesFor(this.stakeMicro(ctx), bestLimit);
    if (size > 0) this.traded(ctx, place(ctx, this, bestMarket, bestOutcome, 'BUY', 'FAK', bestLimit, size));
  }

  private traded(ctx: AgentContext, filled: boolean): void {
    if (filled) this.lastTradeMs = ctx.now;
  }

  private actNoise(ctx: AgentContext, m: SimMarket): void {
    const em = m.engine;
    if (em === null) return;
    const r = ctx.rng;
    if (this.account.holdings.size > 0 && r.chance(0.4)) {
      // Sell (part of) a random holding at the bid.
      const held = [...this.account.holdings.values()].filter(
        (h) => h.availableMicro >= LOT_MICRO && !h.market.resolved,
      );
      if (held.length > 0) {
        const h = r.pick(held);
        const bid = h.market.book.bestPrices(h.outcome).bidMicro;
        if (bid === 0) return;
        const size = r.chance(0.5) ? lots(h.availableMicro) : lots(h.availableMicro / 2);
        place(
          ctx,
          this,
          h.market,
          h.outcome,
          'SELL',
          'FAK',
          Math.max(h.market.tickMicro, bid - 2 * h.market.tickMicro),
          size,
        );
        return;
      }
    }
    const o = r.int(2) as OutcomeIndex;
    const { bidMicro, askMicro } = em.book.bestPrices(o);
    const tick = em.tickMicro;
    // Shares as if at even odds: a random side bought for a fixed number of dollars would hold
    // more shares of cheap outcomes, and mispriced longshots would pay it back (Jensen): with a
    // price-independent share count a random bet is worth zero before the spread and fees.
    const shares = sharesFor(this.stakeMicro(ctx), MICRO / 2);
    if (r.chance(0.7)) {
      if (askMicro === 0) return;
      const limit = Math.min(MICRO - tick, askMicro + tick);
      place(
        ctx,
        this,
        em,
        o,
        'BUY',
        'FAK',
        limit,
        Math.min(shares, sharesFor(this.account.availableMicro, limit)),
      );
    } else {
      const anchor = bidMicro > 0 ? bidMicro : askMicro > 0 ? askMicro - 2 * tick : MICRO / 2;
      const limit = clampTick(em, anchor + r.intBetween(-3, 1) * tick);
      const size = Math.max(em.minSizeMicro, Math.min(shares, sharesFor(this.account.availableMicro, limit)));
      const expiration = ctx.now + 60_000 + r.intBetween(1, 12) * 3_600_000;
      place(ctx, this, em, o, 'BUY', 'GTD', limit, size, expiration);
    }
  }

  private actFlipper(ctx: AgentContext, markets: readonly SimMarket[]): void {
    // Out: sell whatever is held, at the bid.
    for (const h of this.account.holdings.values()) {
      if (h.availableMicro < LOT_MICRO || h.market.resolved) continue;
      const { bidMicro } = h.market.book.bestPrices(h.outcome);
      if (bidMicro === 0) continue;
      place(
        ctx,
        this,
        h.market,
        h.outcome,
        'SELL',
        'FAK',
        Math.max(h.market.tickMicro, bidMicro - h.market.tickMicro),
        lots(h.availableMicro),
      );
      return;
    }
    // In: a small buy at the ask.
    const em = ctx.rng.pick(markets).engine;
    if (em === null) return;
    const o = ctx.rng.int(2) as OutcomeIndex;
    const { askMicro } = em.book.bestPrices(o);
    if (askMicro === 0) return;
    const limit = Math.min(MICRO - em.tickMicro, askMicro + em.tickMicro);
    place(ctx, this, em, o, 'BUY', 'FAK', limit, sharesFor(this.stakeMicro(ctx), limit));
  }

  private actMultiFill(ctx: AgentContext, m: SimMarket): void {
    const em = m.engine;
    if (em === null) return;
    const r = ctx.rng;
    const tick = em.tickMicro;
    // Sometimes unwind a holding with a sweeping SELL.
    for (const o of [0, 1] as const) {
      const h = this.account.peekHolding(em, o);
      if (h === undefined || h.availableMicro < LOT_MICRO || !r.chance(0.35)) continue;
      const { bidMicro } = em.book.bestPrices(o);
      if (bidMicro === 0) continue;
      place(ctx, this, em, o, 'SELL', 'FAK', Math.max(tick, bidMicro - 3 * tick), lots(h.availableMicro));
      return;
    }
    const est = this.estimate(ctx, m);
    const yes = em.book.bestPrices(0);
    const mid = yes.bidMicro > 0 && yes.askMicro > 0 ? (yes.bidMicro + yes.askMicro) / 2 / MICRO : 0.5;
    const o: OutcomeIndex = est >= mid ? 0 : 1;
    const { askMicro } = em.book.bestPrices(o);
    if (askMicro === 0) return;
    const limit = Math.min(MICRO - tick, askMicro + 3 * tick);
    const depth = depthToLimit(em, o, limit, 3);
    const target = lots(depth * r.uniform(0.6, 1.0));
    const cap = sharesFor(this.stakeMicro(ctx), limit);
    const size = Math.min(target, cap);
    if (size <= 0) return;
    if (r.chance(0.2)) {
      // A market BUY by dollars, as the SDK's createMarketOrder sends it (FOK on `amount`).
      const amount = Math.floor(((size / LOT_MICRO) * askMicro) / 100);
      place(ctx, this, em, o, 'BUY', 'FOK', limit, 0, 0, amount);
    } else {
      place(ctx, this, em, o, 'BUY', 'FAK', limit, size);
    }
  }
}

/** Depth (micro-shares) available to a BUY of `outcome` up to `limitMicro`, over ≤ maxLevels. */
export function depthToLimit(
  em: EngineMarket,
  outcome: OutcomeIndex,
  limitMicro: number,
  maxLevels: number,
): number {
  const book = em.book;
  let total = 0;
  let seen = 0;
  if (outcome === 0) {
    const last = limitMicro / em.tickMicro;
    for (let l = book.bestAsk; l <= last && l < em.nTicks && seen < maxLevels; l++) {
      const lvl = book.asks[l];
      if (lvl !== undefined && lvl.live > 0) {
        total += lvl.totalMicro;
        seen++;
      }
    }
  } else {
    const last = em.nTicks - limitMicro / em.tickMicro;
    for (let l = book.bestBid; l >= last && l > 0 && seen < maxLevels; l--) {
      const lvl = book.bids[l];
      if (lvl !== undefined && lvl.live > 0) {
        total += lvl.totalMicro;
        seen++;
      }
    }
  }
  return total;
}

function place(
  ctx: AgentContext,
  t: Trader,
  em: EngineMarket,
  outcome: OutcomeIndex,
  side: Side,
  type: OrderType,
  priceMicro: number,
  sizeMicro: number,
  expiration = 0,
  amountMicro = 0,
): boolean {
  if (amountMicro === 0 && sizeMicro < LOT_MICRO) return false;
  const res = ctx.engine.placeOrderMicro({
    maker: t.address,
    owner: t.style,
    market: em,
    outcome,
    side,
    type,
    priceMicro,
    sizeMicro: amountMicro > 0 ? undefined : sizeMicro,
    amountMicro: amountMicro > 0 ? amountMicro : undefined,
    expiration: expiration > 0 ? expiration : undefined,
  });
  return res.fills.length > 0;
}

/** Rounds micro-shares down to whole lots. */
export function lots(micro: number): number {
  return Math.floor(micro / LOT_MICRO) * LOT_MICRO;
}

/** Shares (micro, whole lots) that `pusdMicro` buys at `priceMicro`. */
export function sharesFor(pusdMicro: number, priceMicro: number): number {
  if (priceMicro <= 0) return 0;
  return Math.floor(pusdMicro / (priceMicro / 100)) * LOT_MICRO;
}

export function floorTick(em: EngineMarket, priceMicro: number): number {
  return clampTick(em, Math.floor(priceMicro / em.tickMicro) * em.tickMicro);
}

export function ceilTick(em: EngineMarket, priceMicro: number): number {
  return clampTick(em, Math.ceil(priceMicro / em.tickMicro) * em.tickMicro);
}

export function clampTick(em: EngineMarket, priceMicro: number): number {
  const t = em.tickMicro;
  const p = Math.round(priceMicro / t) * t;
  return Math.min(MICRO - t, Math.max(t, p));
}

// ------------------------------------------------------------------ market makers

export interface MakerParams {
  /** Quote levels per side. */
  levels: number;
  /**
   * Shares per level on a market of depth factor 1 (the first level; deeper levels are larger).
   * Each market's MarketLiquidity.depthFactor multiplies it.
   */
  levelSize: number;
  /** Half spread around the fair value, price units (× the market's spreadFactor). */
  halfSpread: number;
  /** Observation noise of the truth, log-odds sd. */
  obsNoise: number;
  /** Weight of a new observation in the smoothed estimate. */
  smoothing: number;
  /** Price skew per level of inventory (against it), capped at ±0.05. */
  skewPerLevel: number;
}

interface QuoteState {
  est: number;
  orders: EngineOrder[];
}

/**
 * A market maker: quotes `levels` bids and asks around its estimate of the true probability on
 * every market it covers, skewing the quotes against its inventory. Its estimate is a smoothed,
 * noisy observation of the truth, so it provides liquidity near fair value but lags news, which
 * is what informed traders earn from. Asks are placed as SELL YES when it holds YES and as BUY NO
 * at 1 − p otherwise (and bids likewise), so its quotes need only pUSD and trades mint or merge
 * pairs through the shared book. Excess YES+NO pairs are merged back to pUSD.
 *
 * Two kinds of update: `requote` (periodic: a new observation moves the estimate) and `refill`
 * (a few ms after one of its orders traded: the same estimate, the consumed size put back), so a
 * copy placed tens of ms after a leader's order finds the leader's price level again, as on
 * Polymarket where makers requote within milliseconds. Only orders that differ from the wanted
 * quotes are cancelled and replaced.
 */
export class MarketMaker {
  readonly account: Account;
  private readonly quotes = new Map<number, QuoteState>();

  constructor(
    readonly address: string,
    readonly name: string,
    readonly params: MakerParams,
    engine: MatchingEngine,
  ) {
    this.account = engine.ledger.account(address);
  }

  forget(em: EngineMarket): void {
    this.quotes.delete(em.idx);
  }

  requote(ctx: AgentContext, m: SimMarket): void {
    const em = m.engine;
    if (em === null || em.resolved) return;
    const obs = logit(ctx.trueProb(m)) + this.params.obsNoise * ctx.rng.normal();
    let q = this.quotes.get(em.idx);
    if (q === undefined) {
      q = { est: obs, orders: [] };
      this.quotes.set(em.idx, q);
    } else {
      q.est += this.params.smoothing * (obs - q.est);
    }
    this.quote(ctx, m, em, q);
  }

  /** Puts back what traded on `m` at the current estimate (no new observation). */
  refill(ctx: AgentContext, m: SimMarket): void {
    const em = m.engine;
    const q = em === null ? undefined : this.quotes.get(em.idx);
    if (em === null || em.resolved || q === undefined) return;
    this.quote(ctx, m, em, q);
  }

  private quote(ctx: AgentContext, m: SimMarket, em: EngineMarket, q: QuoteState): void {
    const yes = this.account.peekHolding(em, 0);
    const no = this.account.peekHolding(em, 1);
    const size0 = lots(this.params.levelSize * m.liquidity.depthFactor * MICRO);
    if (size0 < LOT_MICRO) return;
    // Merge matched pairs beyond a working inventory to recycle capital.
    const pairs = Math.min(yes?.availableMicro ?? 0, no?.availableMicro ?? 0);
    if (pairs > 20 * size0) ctx.engine.mergeMicro(this.address, em, lots(pairs / 2));
    const want = this.wantedQuotes(em, q.est, m.liquidity.spreadFactor, size0, yes, no);

    // Keep the orders that are exactly wanted (and untouched); cancel the rest; place the missing.
    const kept: EngineOrder[] = [];
    for (const o of q.orders) {
      const i = o.status === 'LIVE' && o.remainingMicro === o.sizeMicro ? findWanted(want, o, em) : -1;
      if (i >= 0) {
        want[i + 2] = 0;
        kept.push(o);
      } else if (o.status === 'LIVE') ctx.engine.cancelOrderFast(o);
    }
    q.orders = kept;
    let yesFree = yes?.availableMicro ?? 0;
    let noFree = no?.availableMicro ?? 0;
    for (let i = 0; i < want.length; i += 3) {
      const size = want[i + 2] as number;
      if (size === 0) continue;
      const yesPrice = want[i + 1] as number;
      // A YES bid sells NO inventory when there is some, else buys YES; an ask likewise.
      const bid = want[i] === 0;
      const sellHeld = bid ? noFree >= size : yesFree >= size;
      if (sellHeld && bid) noFree -= size;
      else if (sellHeld) yesFree -= size;
      const outcome: OutcomeIndex = bid === sellHeld ? 1 : 0;
      const res = ctx.engine.placeOrderMicro({
        maker: this.address,
        owner: 'market-maker',
        market: em,
        outcome,
        side: sellHeld ? 'SELL' : 'BUY',
        type: 'GTC',
        priceMicro: outcome === 0 ? yesPrice : MICRO - yesPrice,
        sizeMicro: size,
        postOnly: true,
      });
      if (res.order !== null && res.order.status === 'LIVE') q.orders.push(res.order);
    }
  }

  /** Desired quotes in YES terms, flattened [bookSide, price, size]... (bookSide 0 = bid). */
  private wantedQuotes(
    em: EngineMarket,
    est: number,
    spreadFactor: number,
    size0: number,
    yes: Holding | undefined,
    no: Holding | undefined,
  ): number[] {
    const tick = em.tickMicro;
    const inventory = ((yes?.balanceMicro ?? 0) - (no?.balanceMicro ?? 0)) / size0; // level units
    const skew = Math.max(-0.05, Math.min(0.05, -this.params.skewPerLevel * inventory));
    const fair = sigmoid(est) + skew;
    // Never tighter than one tick between bid and ask.
    const half = Math.max(this.params.halfSpread * spreadFactor, tick / 2 / MICRO);
    const spacing = Math.max(tick, Math.round((0.002 * MICRO) / tick) * tick);
    const bid0 = Math.floor(((fair - half) * MICRO) / tick) * tick;
    const ask0 = Math.max(bid0 + tick, Math.ceil(((fair + half) * MICRO) / tick) * tick);
    const want: number[] = [];
    for (let j = 0; j < this.params.levels; j++) {
      const size = lots(size0 * (1 + 0.5 * j));
      const b = bid0 - j * spacing;
      const a = ask0 + j * spacing;
      if (b >= tick && b < MICRO - tick) want.push(0, b, size);
      if (a <= MICRO - tick && a > tick) want.push(1, a, size);
    }
    return want;
  }
}

function findWanted(want: readonly number[], o: EngineOrder, em: EngineMarket): number {
  for (let i = 0; i < want.length; i += 3) {
    if (
      want[i + 2] !== 0 &&
      o.bookSide === want[i] &&
      o.level * em.tickMicro === want[i + 1] &&
      o.sizeMicro === want[i + 2]
    ) {
      return i;
    }
  }
  return -1;
}
