// The synthetic trader population. Every agent is a wallet with a persistent style; agents act
// at Poisson arrival times scheduled by the Simulation and trade through the same engine entry
// point as external orders. Prices here are micro-pUSD integers, sizes micro-shares (units.ts).
import type { MatchingEngine } from '../engine/matching-engine.ts';
import type { Account } from '../engine/ledger.ts';
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
  /** Fraction of available pUSD committed per trade. */
  stake: readonly [number, number];
}

export const STYLE_PROFILES: Record<TraderStyle, StyleProfile> = {
  // informed: sees the true probability through small noise and trades only when the book is
  // mispriced by more than `edge`; takes profit when the market reaches its estimate. Wins over
  // time because the market makers' quotes lag the truth (they requote from a noisy, smoothed
  // estimate), so informed orders systematically buy below and sell above the truth.
  informed: { ratePerDay: 10, bankroll: [2_000, 6_000], infoNoise: 0.08, edge: 0.025, stake: [0.03, 0.07] },
  // noise: random market, random outcome, random direction; mostly marketable orders that pay
  // the spread and the taker fee, sometimes resting GTD limits that informed traders pick off.
  // Its expected P&L is negative.
  noise: { ratePerDay: 12, bankroll: [500, 2_000], infoNoise: Infinity, edge: 0, stake: [0.01, 0.05] },
  // whale: rare, large orders (sweeping several levels) with moderate information.
  whale: { ratePerDay: 1.5, bankroll: [50_000, 200_000], infoNoise: 0.3, edge: 0.03, stake: [0.04, 0.12] },
  // flipper: high frequency and small: buys a few shares at the ask and sells them back at the
  // bid on its next arrival, in and out within minutes.
  flipper: { ratePerDay: 60, bankroll: [300, 1_000], infoNoise: Infinity, edge: 0, stake: [0.01, 0.03] },
  // multi-fill: sizes each order to 1.5–3 price levels of the opposite side and sets its limit a
  // few ticks through the touch, so one order sweeps several makers and its fills share one
  // transaction hash. Weakly informed about direction.
  'multi-fill': { ratePerDay: 6, bankroll: [5_000, 20_000], infoNoise: 0.5, edge: 0, stake: [0.05, 0.15] },
};

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

  constructor(
    readonly address: string,
    readonly name: string,
    readonly style: TraderStyle,
    readonly profile: StyleProfile,
    engine: MatchingEngine,
  ) {
    this.account = engine.ledger.account(address);
  }

  act(ctx: AgentContext): void {
    const markets = ctx.activeMarkets();
    if (markets.length === 0) return;
    switch (this.style) {
      case 'informed':
      case 'whale':
        this.actInformed(ctx, markets);
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

  private stakeMicro(ctx: AgentContext): number {
    const [lo, hi] = this.profile.stake;
    return Math.floor(this.account.availableMicro * ctx.rng.uniform(lo, hi));
  }

  /**
   * Informed / whale: look at up to `scan` open markets, estimate each one's true probability,
   * and act on the single best opportunity: take profit on a held outcome the market now values
   * at or above the estimate, or buy the outcome whose ask is furthest below its estimate (by
   * more than `edge`), with a limit at estimate − edge so it never pays more than that.
   */
  private actInformed(ctx: AgentContext, markets: readonly SimMarket[]): void {
    const r = ctx.rng;
    const edge = this.profile.edge;
    const scan = Math.min(markets.length, this.style === 'whale' ? 4 : 8);
    const first = r.int(markets.length);
    let best = 0;
    let bestMarket: EngineMarket | null = null;
    let bestOutcome: OutcomeIndex = 0;
    let bestLimit = 0;
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
          place(ctx, this, em, o, 'SELL', 'FAK', limit, lots(h.availableMicro));
          return;
        }
        if (askMicro === 0) continue;
        const gap = value - askMicro / MICRO;
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
    if (bestMarket === null) return;
    const size = sharesFor(this.stakeMicro(ctx), bestLimit);
    if (size > 0) place(ctx, this, bestMarket, bestOutcome, 'BUY', 'FAK', bestLimit, size);
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
    const stake = this.stakeMicro(ctx);
    if (r.chance(0.7)) {
      if (askMicro === 0) return;
      const limit = Math.min(MICRO - tick, askMicro + tick);
      place(ctx, this, em, o, 'BUY', 'FAK', limit, sharesFor(stake, limit));
    } else {
      const anchor = bidMicro > 0 ? bidMicro : askMicro > 0 ? askMicro - 2 * tick : MICRO / 2;
      const limit = clampTick(em, anchor + r.intBetween(-3, 1) * tick);
      const size = Math.max(em.minSizeMicro, sharesFor(stake, limit));
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
    const size = ctx.rng.intBetween(5, 20) * MICRO;
    place(ctx, this, em, o, 'BUY', 'FAK', Math.min(MICRO - em.tickMicro, askMicro + em.tickMicro), size);
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
): void {
  if (amountMicro === 0 && sizeMicro < LOT_MICRO) return;
  ctx.engine.placeOrderMicro({
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
  /** Shares per level (the first level; deeper levels are larger). */
  levelSize: number;
  /** Half spread around the fair value, price units. */
  halfSpread: number;
  /** Observation noise of the truth, log-odds sd. */
  obsNoise: number;
  /** Weight of a new observation in the smoothed estimate. */
  smoothing: number;
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
    const r = ctx.rng;
    const p = ctx.trueProb(m);
    const obs = logit(p) + this.params.obsNoise * r.normal();
    let q = this.quotes.get(em.idx);
    if (q === undefined) {
      q = { est: obs, orders: [] };
      this.quotes.set(em.idx, q);
    } else {
      q.est += this.params.smoothing * (obs - q.est);
    }
    const yes = this.account.peekHolding(em, 0);
    const no = this.account.peekHolding(em, 1);
    const yesBal = yes?.balanceMicro ?? 0;
    const noBal = no?.balanceMicro ?? 0;
    // Merge matched pairs beyond a working inventory to recycle capital.
    const pairs = Math.min(yes?.availableMicro ?? 0, no?.availableMicro ?? 0);
    if (pairs > 20 * this.params.levelSize * MICRO) ctx.engine.mergeMicro(this.address, em, lots(pairs / 2));

    const tick = em.tickMicro;
    const size0 = this.params.levelSize * MICRO;
    const inventory = (yesBal - noBal) / size0; // in level-size units
    const skew = Math.max(-0.05, Math.min(0.05, -0.002 * inventory));
    const fair = sigmoid(q.est) + skew;
    const spacing = Math.max(tick, Math.round((0.002 * MICRO) / tick) * tick);
    const bid0 = Math.floor(((fair - this.params.halfSpread) * MICRO) / tick) * tick;
    const ask0 = Math.ceil(((fair + this.params.halfSpread) * MICRO) / tick) * tick;

    // Desired quotes in YES terms: [bookSide, price, size].
    const want: number[] = [];
    for (let j = 0; j < this.params.levels; j++) {
      const size = lots(size0 * (1 + 0.5 * j));
      const b = bid0 - j * spacing;
      const a = ask0 + j * spacing;
      if (b >= tick && b < MICRO - tick) want.push(0, b, size);
      if (a <= MICRO - tick && a > tick) want.push(1, a, size);
    }
    if (sameQuotes(q.orders, want, em)) return;

    for (const o of q.orders) ctx.engine.cancelOrderFast(o);
    q.orders.length = 0;
    let yesFree = yes?.availableMicro ?? 0;
    let noFree = no?.availableMicro ?? 0;
    for (let i = 0; i < want.length; i += 3) {
      const bookSide = want[i] as number;
      const yesPrice = want[i + 1] as number;
      const size = want[i + 2] as number;
      let outcome: OutcomeIndex;
      let side: Side;
      let price: number;
      if (bookSide === 0) {
        // Bid for YES: sell NO inventory if there is some, else buy YES.
        if (noFree >= size) {
          outcome = 1;
          side = 'SELL';
          price = MICRO - yesPrice;
          noFree -= size;
        } else {
          outcome = 0;
          side = 'BUY';
          price = yesPrice;
        }
      } else if (yesFree >= size) {
        outcome = 0;
        side = 'SELL';
        price = yesPrice;
        yesFree -= size;
      } else {
        outcome = 1;
        side = 'BUY';
        price = MICRO - yesPrice;
      }
      const res = ctx.engine.placeOrderMicro({
        maker: this.address,
        owner: 'market-maker',
        market: em,
        outcome,
        side,
        type: 'GTC',
        priceMicro: price,
        sizeMicro: size,
        postOnly: true,
      });
      if (res.order !== null && res.order.status === 'LIVE') q.orders.push(res.order);
    }
  }
}

function sameQuotes(orders: readonly EngineOrder[], want: readonly number[], em: EngineMarket): boolean {
  if (orders.length * 3 !== want.length) return false;
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i] as EngineOrder;
    if (o.status !== 'LIVE' || o.remainingMicro !== o.sizeMicro) return false;
    if (
      o.bookSide !== want[i * 3] ||
      o.level * em.tickMicro !== want[i * 3 + 1] ||
      o.sizeMicro !== want[i * 3 + 2]
    ) {
      return false;
    }
  }
  return true;
}
