// The what-if backtest's input and result (src/domain/backtest.ts has how it replays), and its
// settings as the live decision reads them.
import type { CopySettings } from './copy-settings.ts';
import type { MarketCategory } from './market-categories.ts';
import type { Decimal } from './money.ts';
import type { Side } from './order-book.ts';
import type { MarketRules } from './order-rules.ts';
import type { CopyOutcomeReason } from './skip-reasons.ts';
import type { UserLimitSettings } from './tiers.ts';

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
