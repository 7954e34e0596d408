// The what-if backtest: "had I copied this leader with these settings over the last N days". Pure:
// the caller passes the leader's recorded fills, price observations, token outcomes and the user's
// limits; nothing here reads a clock or a database.
//
// Every decision goes through the code the engine runs, in the engine's order:
//   fan-out (ingest/record-fill.ts)   decideCopy() — THE decision the live fan-out makes: filters,
//                                     categories, buy/sell controls, price band, leader size bounds,
//                                     the sizing mode and every cap (src/domain/decide-copy.ts)
//   worker (execution/execute-claim)  market closed → pricing (priceCopyOrder within the decision's
//                                     slippage limit, BUYs re-priced as a pUSD amount) → gates
//                                     (checkGates in paper mode: daily trades, exposure caps, balance)
// so a skip here carries the reason code the engine would have recorded.
//
// What the backtest feeds decideCopy() in place of the engine's reads: the hypothetical account's
// cash and equity (cash + positions at the last price seen) at the fill, and — for portfolio-weight
// sizing — the leader's portfolio as its recorded positions at the last prices seen (the engine
// reads the venue's Data API /value, which has no history; positions the leader opened before its
// first recorded fill are not in it). Fills are judged as if seen on time (no copy TTL).
//
// What replaces the order book is the slippage model: the copy executes at the leader's price moved
// against the follower by
//     s (bps) = fixedBps + impactBpsPer1000Usd × (copy notional at the leader's price) / 1000
//     BUY  price = leader price × (1 + s / 10 000)      SELL  price = leader price × (1 − s / 10 000)
// presented to priceCopyOrder as a one-level book at that price, deep enough for any copy. When
// that price is beyond the follower's slippage limit the copy is skipped as slippage_exceeded, as
// the engine would skip it. Fees are not modelled apart: fold them into fixedBps.
//
// Positions are lots, closed oldest first with closePosition (as record-execution.ts does), at
// cost for the exposure caps. Stop-loss / take-profit (riskTrigger, as the scheduler uses) are
// checked at every price seen for the token (the leader's fills and the observations), and close
// everything at that price moved by the model. A token that resolves settles at its payout at the
// time the platform saw the resolution; fills in it after that are skipped as market_closed.
//
// The account is hypothetical: it starts with `startingBalanceUsd`, holds nothing else, and copies
// only this leader (its exposure is this relationship's). The daily trade limit counts this
// backtest's BUY copies in the 24 hours before each fill, as the gate counts executed BUYs.
import { checkGates, DAY_MS } from './execution-gates.ts';
import { marketBuyAmount, priceCopyOrder } from './copy-pricing.ts';
import type { CopySettings } from './copy-settings.ts';
import { decideCopy, type CopyDecision, type CopyOrder } from './decide-copy.ts';
import type { MarketCategory } from './market-categories.ts';
import { Decimal, ONE, ZERO } from './money.ts';
import type { Side } from './order-book.ts';
import type { MarketRules } from './order-rules.ts';
import { closePosition, riskTrigger, type OpenPosition } from './pnl.ts';
import type { CopyOutcomeReason } from './skip-reasons.ts';
import { effectiveUserLimits, type UserLimitSettings } from './tiers.ts';

export interface BacktestFill {
  readonly fillKey: string;
  readonly filledAt: Date;
  readonly assetId: string;
  readonly conditionId: string;
  readonly marketSlug: string | null;
  readonly eventSlug: string | null;
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal;
  /** The market's categories, when known (a follow's category filter). */
  readonly categories?: readonly MarketCategory[];
}

/** A price the token traded at (anyone's recorded fill), for marks and stop-loss / take-profit. */
export interface PriceObservation {
  readonly at: Date;
  readonly assetId: string;
  readonly price: Decimal;
}

export interface TokenState {
  /** When the platform first saw the resolution; null while unresolved. */
  readonly resolvedAt: Date | null;
  /** 1, 0 or 0.5 (void) per share once resolved. */
  readonly payout: Decimal | null;
  /** The current price, when one is known (marks open positions at the end). */
  readonly mark: Decimal | null;
}

export interface SlippageModel {
  readonly fixedBps: Decimal;
  readonly impactBpsPer1000Usd: Decimal;
}

/**
 * Every copy setting a follow has (the newer ones optional: absent means off / proportional), plus
 * the exits and the hypothetical account's starting balance.
 */
export interface BacktestSettings extends Partial<CopySettings> {
  readonly proportionalityFactor: Decimal;
  readonly maxInvestmentPerTradeUsd: Decimal;
  readonly maxTotalExposureUsd: Decimal;
  readonly minTradeSizeUsd: Decimal | null;
  readonly maxSlippagePercent: Decimal;
  readonly allowedMarkets: readonly string[] | null;
  readonly excludedMarkets: readonly string[] | null;
  readonly stopLossPercent: Decimal | null;
  readonly takeProfitPercent: Decimal | null;
  readonly startingBalanceUsd: Decimal;
}

/** The follow's settings as decideCopy() reads them: unset newer settings are off. */
export function copySettingsOf(s: BacktestSettings): CopySettings {
  return {
    sizingMode: s.sizingMode ?? 'proportional',
    proportionalityFactor: s.proportionalityFactor,
    fixedAmountUsd: s.fixedAmountUsd ?? null,
    balancePercent: s.balancePercent ?? null,
    balanceSource: s.balanceSource ?? 'cash',
    maxInvestmentPerTradeUsd: s.maxInvestmentPerTradeUsd,
    maxTotalExposureUsd: s.maxTotalExposureUsd,
    minTradeSizeUsd: s.minTradeSizeUsd,
    budgetUsd: s.budgetUsd ?? null,
    copyBuys: s.copyBuys ?? true,
    copySells: s.copySells ?? true,
    maxSlippagePercent: s.maxSlippagePercent,
    buySlippagePercent: s.buySlippagePercent ?? null,
    sellSlippagePercent: s.sellSlippagePercent ?? null,
    maxBuyPrice: s.maxBuyPrice ?? null,
    minSellPrice: s.minSellPrice ?? null,
    minLeaderTradeUsd: s.minLeaderTradeUsd ?? null,
    maxLeaderTradeUsd: s.maxLeaderTradeUsd ?? null,
    allowedMarkets: s.allowedMarkets,
    excludedMarkets: s.excludedMarkets,
    categories: s.categories ?? null,
    excludedCategories: s.excludedCategories ?? null,
  };
}

export interface BacktestInput {
  readonly from: Date;
  readonly to: Date;
  /** The leader's recorded fills with from ≤ filledAt ≤ to, oldest first. */
  readonly fills: readonly BacktestFill[];
  /** The leader's net shares per token from its recorded fills before `from`. */
  readonly leaderPositionsAtStart: ReadonlyMap<string, Decimal>;
  /** Oldest first. */
  readonly observations: readonly PriceObservation[];
  readonly tokens: ReadonlyMap<string, TokenState>;
  readonly settings: BacktestSettings;
  readonly user: UserLimitSettings;
  readonly model: SlippageModel;
  readonly marketRules: (assetId: string) => MarketRules;
}

export type BacktestEventKind = 'copy' | 'stop_loss' | 'take_profit' | 'resolution';

export interface BacktestTrade {
  readonly at: Date;
  readonly kind: BacktestEventKind;
  /** The leader fill copied (copies only). */
  readonly fillKey: string | null;
  readonly assetId: string;
  readonly side: Side;
  readonly shares: Decimal;
  /** The leader's price (copies), or the observed price / payout the exit was taken at. */
  readonly referencePrice: Decimal;
  /** What the follower paid or received per share. */
  readonly price: Decimal;
  readonly notionalUsd: Decimal;
  /** For sells and settlements: the P&L they realized. */
  readonly realizedPnlUsd: Decimal | null;
}

export interface BacktestSkip {
  readonly at: Date;
  readonly fillKey: string;
  readonly reason: CopyOutcomeReason;
  readonly detail: string;
}

export interface EquityPoint {
  /** UTC day, YYYY-MM-DD; the value is at the day's end (or at `to` for the last day). */
  readonly date: string;
  readonly equityUsd: Decimal;
  readonly cashUsd: Decimal;
  readonly positionsValueUsd: Decimal;
}

export interface OpenBacktestPosition {
  readonly assetId: string;
  readonly shares: Decimal;
  readonly costUsd: Decimal;
  readonly markPrice: Decimal;
  readonly markSource: 'current' | 'last_seen';
  readonly valueUsd: Decimal;
}

export interface BacktestResult {
  readonly startingBalanceUsd: Decimal;
  readonly endingEquityUsd: Decimal;
  readonly pnlUsd: Decimal;
  readonly realizedPnlUsd: Decimal;
  readonly unrealizedPnlUsd: Decimal;
  readonly fillsReplayed: number;
  readonly copies: { readonly buys: number; readonly sells: number };
  readonly exits: { readonly stopLoss: number; readonly takeProfit: number; readonly resolution: number };
  readonly skips: ReadonlyMap<CopyOutcomeReason, number>;
  readonly skipList: readonly BacktestSkip[];
  readonly trades: readonly BacktestTrade[];
  readonly equityCurve: readonly EquityPoint[];
  readonly openPositions: readonly OpenBacktestPosition[];
}

const BPS = new Decimal(10_000);
/** Deep enough that the synthetic level never limits a copy. */
const UNLIMITED = new Decimal('1e15');
const usd = (d: Decimal) => d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** The model's execution price for a copy of `shares` at the leader's `price`. */
export function modelPrice(model: SlippageModel, side: Side, price: Decimal, shares: Decimal): Decimal {
  const bps = model.fixedBps.plus(model.impactBpsPer1000Usd.times(shares.times(price)).div(1000));
  const move = price.times(bps).div(BPS);
  return side === 'BUY' ? price.plus(move) : Decimal.max(ZERO, price.minus(move));
}

type Lot = OpenPosition;

type Event =
  | { readonly at: number; readonly order: 0; readonly kind: 'price'; readonly o: PriceObservation }
  | { readonly at: number; readonly order: 1; readonly kind: 'fill'; readonly f: BacktestFill }
  | { readonly at: number; readonly order: 2; readonly kind: 'resolve'; readonly assetId: string };

export function runBacktest(input: BacktestInput): BacktestResult {
  const { settings: s, model } = input;
  const fromMs = input.from.getTime();
  const toMs = input.to.getTime();
  if (toMs < fromMs) throw new RangeError('backtest window ends before it starts');
  const copySettings = copySettingsOf(s);
  const limits = effectiveUserLimits(input.user);

  let cash = s.startingBalanceUsd;
  let realized = ZERO;
  const lots = new Map<string, Lot[]>();
  const leaderPos = new Map(input.leaderPositionsAtStart);
  const lastPrice = new Map<string, Decimal>();
  const settled = new Set<string>();
  const buyTimes: number[] = [];
  const skips = new Map<CopyOutcomeReason, number>();
  const skipList: BacktestSkip[] = [];
  const trades: BacktestTrade[] = [];
  const exits = { stopLoss: 0, takeProfit: 0, resolution: 0 };
  let buys = 0;
  let sells = 0;

  const sharesOf = (asset: string) => (lots.get(asset) ?? []).reduce((a, l) => a.plus(l.quantity), ZERO);
  const costOf = (asset: string) => (lots.get(asset) ?? []).reduce((a, l) => a.plus(l.entryValueUsd), ZERO);
  const exposure = () => [...lots.keys()].reduce((a, k) => a.plus(costOf(k)), ZERO);
  const skip = (f: BacktestFill, reason: CopyOutcomeReason, detail: string) => {
    skips.set(reason, (skips.get(reason) ?? 0) + 1);
    skipList.push({ at: f.filledAt, fillKey: f.fillKey, reason, detail });
  };
  const resolvedBy = (asset: string, atMs: number) => {
    const r = input.tokens.get(asset)?.resolvedAt;
    return r != null && r.getTime() <= atMs;
  };

  /** Sells `shares` of the token's lots oldest first at `price`; returns the realized P&L. */
  const closeShares = (asset: string, shares: Decimal, price: Decimal): Decimal => {
    const held = lots.get(asset) ?? [];
    let remaining = shares;
    let pnl = ZERO;
    const kept: Lot[] = [];
    for (const lot of held) {
      if (!remaining.gt(ZERO)) {
        kept.push(lot);
        continue;
      }
      const take = Decimal.min(lot.quantity, remaining);
      const r = closePosition(lot, { quantity: take, price, feesUsd: ZERO, gasFeeUsd: ZERO });
      pnl = pnl.plus(r.closed.realizedPnlUsd);
      remaining = remaining.minus(take);
      if (r.remaining) kept.push(r.remaining);
    }
    if (kept.length > 0) lots.set(asset, kept);
    else lots.delete(asset);
    realized = realized.plus(pnl);
    return pnl;
  };

  const riskCheck = (asset: string, price: Decimal, at: Date) => {
    if (s.stopLossPercent === null && s.takeProfitPercent === null) return;
    const shares = sharesOf(asset);
    if (!shares.gt(ZERO)) return;
    const kind = riskTrigger({
      entryValueUsd: costOf(asset),
      currentValueUsd: usd(shares.times(price)),
      stopLossPercent: s.stopLossPercent,
      takeProfitPercent: s.takeProfitPercent,
    });
    if (kind === null) return;
    const exitPrice = Decimal.min(ONE, modelPrice(model, 'SELL', price, shares));
    const proceeds = shares.times(exitPrice);
    const pnl = closeShares(asset, shares, exitPrice);
    cash = cash.plus(proceeds);
    if (kind === 'stop_loss') exits.stopLoss += 1;
    else exits.takeProfit += 1;
    trades.push({
      at,
      kind,
      fillKey: null,
      assetId: asset,
      side: 'SELL',
      shares,
      referencePrice: price,
      price: exitPrice,
      notionalUsd: usd(proceeds),
      realizedPnlUsd: pnl,
    });
  };

  /** The leader's portfolio: its recorded positions at the last prices seen. */
  const leaderValue = () =>
    [...leaderPos].reduce(
      (a, [asset, n]) => a.plus(Decimal.max(n, ZERO).times(lastPrice.get(asset) ?? ZERO)),
      ZERO,
    );

  /** decideCopy() with what the engine would have read at the fill, from the replay's own state. */
  const decide = (f: BacktestFill, rules: MarketRules, leaderBefore: Decimal): CopyDecision => {
    const exp = exposure();
    const at = f.filledAt;
    return decideCopy({
      trade: { source: 'fill', side: f.side, price: f.price, size: f.size, at },
      market: {
        conditionId: f.conditionId,
        marketSlug: f.marketSlug,
        eventSlug: f.eventSlug,
        categories: f.categories ?? [],
        rules,
      },
      settings: copySettings,
      follower: {
        userActive: true,
        relationshipStatus: 'active',
        relationshipExposureUsd: exp,
        userExposureUsd: exp,
        realizedPnlUsd: realized,
        attributedShares: sharesOf(f.assetId),
        leaderPositionBefore: leaderBefore,
        funds: { cashUsd: cash, equityUsd: cash.plus(positionsValue(false)), observedAt: at },
        leaderPortfolio: { valueUsd: leaderValue(), observedAt: at },
      },
      userLimits: limits,
      clock: { now: at, maxFillAgeMs: Infinity, maxBalanceAgeMs: Infinity, maxLeaderValueAgeMs: Infinity },
    });
  };

  const copyBuy = (f: BacktestFill, rules: MarketRules, sized: CopyOrder) => {
    const exp = exposure();
    if (resolvedBy(f.assetId, f.filledAt.getTime()))
      return skip(f, 'market_closed', 'the market had resolved');

    const at = modelPrice(model, 'BUY', f.price, sized.shares);
    const book = { bids: [], asks: [{ price: at, size: UNLIMITED }] };
    const price = (quantity: { size: Decimal } | { amount: Decimal }) =>
      priceCopyOrder({
        side: 'BUY',
        targetPrice: f.price,
        maxSlippagePercent: sized.maxSlippagePercent,
        book,
        quantity,
        tickSize: rules.tickSize,
      });
    // As the worker: priced in shares, then sent as the pUSD amount the book walk expects them to cost.
    let priced = price({ size: sized.shares });
    if (priced.ok) priced = price({ amount: marketBuyAmount(priced.order) });
    if (!priced.ok) return skip(f, priced.reason, priced.detail);
    const o = priced.order;
    const orderNotional = o.amount ?? (o.size as Decimal).times(o.limitPrice);
    const windowStart = f.filledAt.getTime() - DAY_MS;
    const gate = checkGates(
      {
        mode: 'paper',
        killSwitch: false,
        side: 'BUY',
        purpose: 'copy',
        user: { isActive: true, limits: input.user, exposureUsd: exp, availableBalanceUsd: cash },
        relationship: { status: 'active', maxTotalExposureUsd: s.maxTotalExposureUsd, exposureUsd: exp },
        tradesInWindow: buyTimes.filter((t) => t > windowStart).length,
        apiKey: null,
        order: { notionalUsd: orderNotional, costUsd: orderNotional.plus(o.expectedFees) },
      },
      f.filledAt,
    );
    if (!gate.ok) return skip(f, gate.reason, gate.detail);

    const cost = usd(o.expectedNotional);
    const held = lots.get(f.assetId) ?? [];
    held.push({ quantity: o.expectedFilledSize, entryValueUsd: cost, feesUsd: ZERO, gasFeeUsd: ZERO });
    lots.set(f.assetId, held);
    cash = cash.minus(o.expectedNotional);
    buyTimes.push(f.filledAt.getTime());
    buys += 1;
    trades.push({
      at: f.filledAt,
      kind: 'copy',
      fillKey: f.fillKey,
      assetId: f.assetId,
      side: 'BUY',
      shares: o.expectedFilledSize,
      referencePrice: f.price,
      price: o.expectedAveragePrice,
      notionalUsd: cost,
      realizedPnlUsd: null,
    });
  };

  const copySell = (f: BacktestFill, rules: MarketRules, sized: CopyOrder) => {
    if (resolvedBy(f.assetId, f.filledAt.getTime()))
      return skip(f, 'market_closed', 'the market had resolved');
    const at = modelPrice(model, 'SELL', f.price, sized.shares);
    const priced = priceCopyOrder({
      side: 'SELL',
      targetPrice: f.price,
      maxSlippagePercent: sized.maxSlippagePercent,
      book: { bids: [{ price: at, size: UNLIMITED }], asks: [] },
      quantity: { size: sized.shares },
      tickSize: rules.tickSize,
    });
    if (!priced.ok) return skip(f, priced.reason, priced.detail);
    const o = priced.order;
    const exp = exposure();
    const gate = checkGates(
      {
        mode: 'paper',
        killSwitch: false,
        side: 'SELL',
        purpose: 'copy',
        user: { isActive: true, limits: input.user, exposureUsd: exp, availableBalanceUsd: cash },
        relationship: { status: 'active', maxTotalExposureUsd: s.maxTotalExposureUsd, exposureUsd: exp },
        tradesInWindow: 0,
        apiKey: null,
        order: { notionalUsd: o.expectedNotional, costUsd: ZERO },
      },
      f.filledAt,
    );
    if (!gate.ok) return skip(f, gate.reason, gate.detail);
    const pnl = closeShares(f.assetId, o.expectedFilledSize, o.expectedAveragePrice);
    cash = cash.plus(o.expectedNotional).minus(o.expectedFees);
    sells += 1;
    trades.push({
      at: f.filledAt,
      kind: 'copy',
      fillKey: f.fillKey,
      assetId: f.assetId,
      side: 'SELL',
      shares: o.expectedFilledSize,
      referencePrice: f.price,
      price: o.expectedAveragePrice,
      notionalUsd: usd(o.expectedNotional),
      realizedPnlUsd: pnl,
    });
  };

  const settle = (asset: string, at: Date) => {
    if (settled.has(asset)) return;
    settled.add(asset);
    const payout = input.tokens.get(asset)?.payout;
    if (payout == null) return;
    lastPrice.set(asset, payout);
    const shares = sharesOf(asset);
    if (!shares.gt(ZERO)) return;
    const pnl = closeShares(asset, shares, payout);
    cash = cash.plus(shares.times(payout));
    exits.resolution += 1;
    trades.push({
      at,
      kind: 'resolution',
      fillKey: null,
      assetId: asset,
      side: 'SELL',
      shares,
      referencePrice: payout,
      price: payout,
      notionalUsd: usd(shares.times(payout)),
      realizedPnlUsd: pnl,
    });
  };

  const positionsValue = (final: boolean) => {
    let v = ZERO;
    for (const asset of lots.keys()) {
      const mark = (final ? input.tokens.get(asset)?.mark : null) ?? lastPrice.get(asset) ?? ZERO;
      v = v.plus(sharesOf(asset).times(mark));
    }
    return v;
  };

  const events: Event[] = [
    ...input.observations
      .filter((o) => o.at.getTime() >= fromMs && o.at.getTime() <= toMs)
      .map((o) => ({ at: o.at.getTime(), order: 0 as const, kind: 'price' as const, o })),
    ...input.fills.map((f) => ({ at: f.filledAt.getTime(), order: 1 as const, kind: 'fill' as const, f })),
    ...[...input.tokens]
      .filter(([, t]) => t.resolvedAt !== null && t.resolvedAt.getTime() <= toMs)
      .map(([assetId, t]) => ({
        at: Math.max(t.resolvedAt!.getTime(), fromMs),
        order: 2 as const,
        kind: 'resolve' as const,
        assetId,
      })),
  ];
  // Stable: equal times keep price → fill → resolution, and the caller's order among fills.
  events.sort((a, b) => a.at - b.at || a.order - b.order);

  const curve: EquityPoint[] = [];
  let nextDayEnd = dayStart(fromMs) + DAY_MS;
  const snapshot = (atMs: number, final: boolean) => {
    const positions = positionsValue(final);
    curve.push({
      date: utcDay(Math.min(atMs, toMs) - (final ? 0 : 1)),
      equityUsd: usd(cash.plus(positions)),
      cashUsd: usd(cash),
      positionsValueUsd: usd(positions),
    });
  };

  for (const e of events) {
    while (e.at >= nextDayEnd && nextDayEnd <= toMs) {
      snapshot(nextDayEnd, false);
      nextDayEnd += DAY_MS;
    }
    if (e.kind === 'price') {
      if (settled.has(e.o.assetId)) continue;
      lastPrice.set(e.o.assetId, e.o.price);
      riskCheck(e.o.assetId, e.o.price, e.o.at);
    } else if (e.kind === 'resolve') {
      settle(e.assetId, new Date(e.at));
    } else {
      const f = e.f;
      const before = leaderPos.get(f.assetId) ?? ZERO;
      const rules = input.marketRules(f.assetId);
      const d = decide(f, rules, before);
      if (d.kind === 'skip') skip(f, d.reason, d.detail);
      else if (d.side === 'BUY') copyBuy(f, rules, d);
      else copySell(f, rules, d);
      // As the engine replays it (record-fill.ts): a sale never takes the position below zero.
      leaderPos.set(
        f.assetId,
        f.side === 'BUY' ? before.plus(f.size) : Decimal.max(ZERO, before.minus(f.size)),
      );
      if (!settled.has(f.assetId)) {
        lastPrice.set(f.assetId, f.price);
        riskCheck(f.assetId, f.price, f.filledAt);
      }
    }
  }
  while (nextDayEnd <= toMs) {
    snapshot(nextDayEnd, false);
    nextDayEnd += DAY_MS;
  }
  snapshot(toMs, true);

  const openPositions: OpenBacktestPosition[] = [...lots.keys()].sort().map((assetId) => {
    const current = input.tokens.get(assetId)?.mark ?? null;
    const markPrice = current ?? lastPrice.get(assetId) ?? ZERO;
    const shares = sharesOf(assetId);
    return {
      assetId,
      shares,
      costUsd: costOf(assetId),
      markPrice,
      markSource: current !== null ? ('current' as const) : ('last_seen' as const),
      valueUsd: usd(shares.times(markPrice)),
    };
  });
  const openValue = openPositions.reduce((a, p) => a.plus(p.valueUsd), ZERO);
  const openCost = openPositions.reduce((a, p) => a.plus(p.costUsd), ZERO);
  const endingEquity = usd(cash.plus(openValue));
  return {
    startingBalanceUsd: s.startingBalanceUsd,
    endingEquityUsd: endingEquity,
    pnlUsd: endingEquity.minus(s.startingBalanceUsd),
    realizedPnlUsd: usd(realized),
    unrealizedPnlUsd: usd(openValue.minus(openCost)),
    fillsReplayed: input.fills.length,
    copies: { buys, sells },
    exits,
    skips,
    skipList,
    trades,
    equityCurve: curve,
    openPositions,
  };
}
