// The backtest's hypothetical account (src/domain/backtest.ts says what it models and why): its
// cash, its lots per token, the leader's positions as recorded, the last prices seen, and what it
// did — copies, exits, settlements, skips. Each leader fill goes through decideCopy(), then the
// worker's pricing and gates, as the engine would take it.
import {
  copySettingsOf,
  type BacktestFill,
  type BacktestInput,
  type BacktestSkip,
  type BacktestTrade,
  type OpenBacktestPosition,
  type PriceObservation,
  type SlippageModel,
} from './backtest-types.ts';
import { marketBuyAmount, priceCopyOrder } from './copy-pricing.ts';
import type { CopySettings } from './copy-settings.ts';
import { decideCopy, type CopyDecision, type CopyOrder } from './decide-copy.ts';
import { checkGates, DAY_MS } from './execution-gates.ts';
import { Decimal, ONE, ZERO } from './money.ts';
import type { Side } from './order-book.ts';
import type { MarketRules } from './order-rules.ts';
import { closePosition, riskTrigger, type OpenPosition } from './pnl.ts';
import type { CopyOutcomeReason } from './skip-reasons.ts';
import { effectiveUserLimits } from './tiers.ts';

const BPS = new Decimal(10_000);
/** Deep enough that the synthetic level never limits a copy. */
const UNLIMITED = new Decimal('1e15');
export const usd = (d: Decimal) => d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP);

/** The model's execution price for a copy of `shares` at the leader's `price`. */
export function modelPrice(model: SlippageModel, side: Side, price: Decimal, shares: Decimal): Decimal {
  const bps = model.fixedBps.plus(model.impactBpsPer1000Usd.times(shares.times(price)).div(1000));
  const move = price.times(bps).div(BPS);
  return side === 'BUY' ? price.plus(move) : Decimal.max(ZERO, price.minus(move));
}

type Lot = OpenPosition;

export class BacktestAccount {
  cash: Decimal;
  realized = ZERO;
  readonly skips = new Map<CopyOutcomeReason, number>();
  readonly skipList: BacktestSkip[] = [];
  readonly trades: BacktestTrade[] = [];
  readonly exits = { stopLoss: 0, takeProfit: 0, resolution: 0 };
  buys = 0;
  sells = 0;
  private readonly lots = new Map<string, Lot[]>();
  private readonly leaderPos: Map<string, Decimal>;
  private readonly lastPrice = new Map<string, Decimal>();
  private readonly settled = new Set<string>();
  private readonly buyTimes: number[] = [];
  private readonly copySettings: CopySettings;
  private readonly limits: ReturnType<typeof effectiveUserLimits>;

  constructor(private readonly input: BacktestInput) {
    this.cash = input.settings.startingBalanceUsd;
    this.leaderPos = new Map(input.leaderPositionsAtStart);
    this.copySettings = copySettingsOf(input.settings);
    this.limits = effectiveUserLimits(input.user);
  }

  /** A price seen for a token: the last price, and a stop-loss / take-profit check at it. */
  onPrice(o: PriceObservation): void {
    if (this.settled.has(o.assetId)) return;
    this.lastPrice.set(o.assetId, o.price);
    this.riskCheck(o.assetId, o.price, o.at);
  }

  /** A leader fill: decided, copied or skipped, then the leader's position and the last price. */
  onFill(f: BacktestFill): void {
    const before = this.leaderPos.get(f.assetId) ?? ZERO;
    const rules = this.input.marketRules(f.assetId);
    const d = this.decide(f, rules, before);
    if (d.kind === 'skip') this.skip(f, d.reason, d.detail);
    else if (d.side === 'BUY') this.copyBuy(f, rules, d);
    else this.copySell(f, rules, d);
    // As the engine replays it (record-fill.ts): a sale never takes the position below zero.
    this.leaderPos.set(
      f.assetId,
      f.side === 'BUY' ? before.plus(f.size) : Decimal.max(ZERO, before.minus(f.size)),
    );
    if (!this.settled.has(f.assetId)) {
      this.lastPrice.set(f.assetId, f.price);
      this.riskCheck(f.assetId, f.price, f.filledAt);
    }
  }

  /** The token resolved: what is held settles at its payout (once). */
  settle(asset: string, at: Date): void {
    if (this.settled.has(asset)) return;
    this.settled.add(asset);
    const payout = this.input.tokens.get(asset)?.payout;
    if (payout == null) return;
    this.lastPrice.set(asset, payout);
    const shares = this.sharesOf(asset);
    if (!shares.gt(ZERO)) return;
    const pnl = this.closeShares(asset, shares, payout);
    this.cash = this.cash.plus(shares.times(payout));
    this.exits.resolution += 1;
    this.trades.push({
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
  }

  /** Open positions at the last prices seen (final: at the tokens' current marks where known). */
  positionsValue(final: boolean): Decimal {
    let v = ZERO;
    for (const asset of this.lots.keys()) {
      const mark = (final ? this.input.tokens.get(asset)?.mark : null) ?? this.lastPrice.get(asset) ?? ZERO;
      v = v.plus(this.sharesOf(asset).times(mark));
    }
    return v;
  }

  openPositions(): OpenBacktestPosition[] {
    return [...this.lots.keys()].sort().map((assetId) => {
      const current = this.input.tokens.get(assetId)?.mark ?? null;
      const markPrice = current ?? this.lastPrice.get(assetId) ?? ZERO;
      const shares = this.sharesOf(assetId);
      return {
        assetId,
        shares,
        costUsd: this.costOf(assetId),
        markPrice,
        markSource: current !== null ? ('current' as const) : ('last_seen' as const),
        valueUsd: usd(shares.times(markPrice)),
      };
    });
  }

  private sharesOf(asset: string): Decimal {
    return (this.lots.get(asset) ?? []).reduce((a, l) => a.plus(l.quantity), ZERO);
  }

  private costOf(asset: string): Decimal {
    return (this.lots.get(asset) ?? []).reduce((a, l) => a.plus(l.entryValueUsd), ZERO);
  }

  private exposure(): Decimal {
    return [...this.lots.keys()].reduce((a, k) => a.plus(this.costOf(k)), ZERO);
  }

  private skip(f: BacktestFill, reason: CopyOutcomeReason, detail: string): void {
    this.skips.set(reason, (this.skips.get(reason) ?? 0) + 1);
    this.skipList.push({ at: f.filledAt, fillKey: f.fillKey, reason, detail });
  }

  private resolvedBy(asset: string, atMs: number): boolean {
    const r = this.input.tokens.get(asset)?.resolvedAt;
    return r != null && r.getTime() <= atMs;
  }

  /** Sells `shares` of the token's lots oldest first at `price`; returns the realized P&L. */
  private closeShares(asset: string, shares: Decimal, price: Decimal): Decimal {
    const held = this.lots.get(asset) ?? [];
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
    if (kept.length > 0) this.lots.set(asset, kept);
    else this.lots.delete(asset);
    this.realized = this.realized.plus(pnl);
    return pnl;
  }

  private riskCheck(asset: string, price: Decimal, at: Date): void {
    const s = this.input.settings;
    if (s.stopLossPercent === null && s.takeProfitPercent === null) return;
    const shares = this.sharesOf(asset);
    if (!shares.gt(ZERO)) return;
    const kind = riskTrigger({
      entryValueUsd: this.costOf(asset),
      currentValueUsd: usd(shares.times(price)),
      stopLossPercent: s.stopLossPercent,
      takeProfitPercent: s.takeProfitPercent,
    });
    if (kind === null) return;
    const exitPrice = Decimal.min(ONE, modelPrice(this.input.model, 'SELL', price, shares));
    const proceeds = shares.times(exitPrice);
    const pnl = this.closeShares(asset, shares, exitPrice);
    this.cash = this.cash.plus(proceeds);
    if (kind === 'stop_loss') this.exits.stopLoss += 1;
    else this.exits.takeProfit += 1;
    this.trades.push({
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
  }

  /** The leader's portfolio: its recorded positions at the last prices seen. */
  private leaderValue(): Decimal {
    return [...this.leaderPos].reduce(
      (a, [asset, n]) => a.plus(Decimal.max(n, ZERO).times(this.lastPrice.get(asset) ?? ZERO)),
      ZERO,
    );
  }

  /** decideCopy() with what the engine would have read at the fill, from the replay's own state. */
  private decide(f: BacktestFill, rules: MarketRules, leaderBefore: Decimal): CopyDecision {
    const exp = this.exposure();
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
      settings: this.copySettings,
      follower: {
        userActive: true,
        relationshipStatus: 'active',
        relationshipExposureUsd: exp,
        userExposureUsd: exp,
        realizedPnlUsd: this.realized,
        attributedShares: this.sharesOf(f.assetId),
        leaderPositionBefore: leaderBefore,
        funds: { cashUsd: this.cash, equityUsd: this.cash.plus(this.positionsValue(false)), observedAt: at },
        leaderPortfolio: { valueUsd: this.leaderValue(), observedAt: at },
      },
      userLimits: this.limits,
      clock: { now: at, maxFillAgeMs: Infinity, maxBalanceAgeMs: Infinity, maxLeaderValueAgeMs: Infinity },
    });
  }

  /** The worker's gates in paper mode, over this account. */
  private gate(f: BacktestFill, side: Side, tradesInWindow: number, notional: Decimal, cost: Decimal) {
    const exp = this.exposure();
    const s = this.input.settings;
    return checkGates(
      {
        mode: 'paper',
        killSwitch: false,
        side,
        purpose: 'copy',
        user: { isActive: true, limits: this.input.user, exposureUsd: exp, availableBalanceUsd: this.cash },
        relationship: { status: 'active', maxTotalExposureUsd: s.maxTotalExposureUsd, exposureUsd: exp },
        tradesInWindow,
        apiKey: null,
        order: { notionalUsd: notional, costUsd: cost },
      },
      f.filledAt,
    );
  }

  private copyBuy(f: BacktestFill, rules: MarketRules, sized: CopyOrder): void {
    if (this.resolvedBy(f.assetId, f.filledAt.getTime()))
      return this.skip(f, 'market_closed', 'the market had resolved');
    const at = modelPrice(this.input.model, 'BUY', f.price, sized.shares);
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
    if (!priced.ok) return this.skip(f, priced.reason, priced.detail);
    const o = priced.order;
    const orderNotional = o.amount ?? (o.size as Decimal).times(o.limitPrice);
    const windowStart = f.filledAt.getTime() - DAY_MS;
    const inWindow = this.buyTimes.filter((t) => t > windowStart).length;
    const gate = this.gate(f, 'BUY', inWindow, orderNotional, orderNotional.plus(o.expectedFees));
    if (!gate.ok) return this.skip(f, gate.reason, gate.detail);

    const cost = usd(o.expectedNotional);
    const held = this.lots.get(f.assetId) ?? [];
    held.push({ quantity: o.expectedFilledSize, entryValueUsd: cost, feesUsd: ZERO, gasFeeUsd: ZERO });
    this.lots.set(f.assetId, held);
    this.cash = this.cash.minus(o.expectedNotional);
    this.buyTimes.push(f.filledAt.getTime());
    this.buys += 1;
    this.trades.push({
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
  }

  private copySell(f: BacktestFill, rules: MarketRules, sized: CopyOrder): void {
    if (this.resolvedBy(f.assetId, f.filledAt.getTime()))
      return this.skip(f, 'market_closed', 'the market had resolved');
    const at = modelPrice(this.input.model, 'SELL', f.price, sized.shares);
    const priced = priceCopyOrder({
      side: 'SELL',
      targetPrice: f.price,
      maxSlippagePercent: sized.maxSlippagePercent,
      book: { bids: [{ price: at, size: UNLIMITED }], asks: [] },
      quantity: { size: sized.shares },
      tickSize: rules.tickSize,
    });
    if (!priced.ok) return this.skip(f, priced.reason, priced.detail);
    const o = priced.order;
    const gate = this.gate(f, 'SELL', 0, o.expectedNotional, ZERO);
    if (!gate.ok) return this.skip(f, gate.reason, gate.detail);
    const pnl = this.closeShares(f.assetId, o.expectedFilledSize, o.expectedAveragePrice);
    this.cash = this.cash.plus(o.expectedNotional).minus(o.expectedFees);
    this.sells += 1;
    this.trades.push({
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
  }
}
