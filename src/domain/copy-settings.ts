// A follow's copy settings: what each one means, the defaults of a new follow (ONE named place:
// the follow service, presets and the what-if backtest all start from NEW_FOLLOW_DEFAULTS), and the
// rules that involve more than one setting. Every setting and an example: docs/copy-engine.md,
// "Copy settings".
//
// Two shapes: `FollowSettingsValues` is what the API, presets and the database hold (decimal
// strings, the API's names); `CopySettings` is what decideCopy() reads (Decimals). Tier caps are not
// here: they belong to the user, not the follow (tiers.ts).
import { Decimal, ZERO, dec } from './money.ts';
import type { Side } from './order-book.ts';

export const SIZING_MODES = ['proportional', 'fixed_usd', 'balance_percent', 'portfolio_weight'] as const;
export type SizingMode = (typeof SIZING_MODES)[number];

export const BALANCE_SOURCES = ['cash', 'equity'] as const;
export type BalanceSource = (typeof BALANCE_SOURCES)[number];

/** The settings as stored and sent: decimal strings, nulls for "not set". */
export interface FollowSettingsValues {
  readonly sizingMode: SizingMode;
  readonly proportionalityFactor: string;
  readonly fixedAmountUsd: string | null;
  readonly balancePercent: string | null;
  readonly balanceSource: BalanceSource;
  readonly maxInvestmentPerTradeUsd: string;
  readonly maxTotalExposureUsd: string;
  readonly minTradeSizeUsd: string | null;
  readonly budgetUsd: string | null;
  readonly copyBuys: boolean;
  readonly copySells: boolean;
  readonly maxSlippagePercent: string;
  readonly buySlippagePercent: string | null;
  readonly sellSlippagePercent: string | null;
  readonly maxBuyPrice: string | null;
  readonly minSellPrice: string | null;
  readonly minLeaderTradeUsd: string | null;
  readonly maxLeaderTradeUsd: string | null;
  readonly stopLossPercent: string | null;
  readonly takeProfitPercent: string | null;
  readonly allowedMarkets: string[] | null;
  readonly excludedMarkets: string[] | null;
  readonly categories: string[] | null;
  readonly excludedCategories: string[] | null;
  /** The circuit breaker: pause after this many consecutive failed copies; null never pauses. */
  readonly maxConsecutiveFailures: number | null;
  /** At follow time: also buy into the leader's current open positions. */
  readonly copyOpenPositions: boolean;
}

/**
 * The settings of a follow created without them: what a newcomer's first follow does, so it must
 * produce copies on the built-in simulator (leader fills of a few dollars to a few thousand) and be
 * a sensible small start on real Polymarket (top traders' fills of hundreds to tens of thousands):
 *   - 10 % of the leader's shares, at most $25 a copy and $500 at work per trader: a $200 leader buy
 *     is a $20 copy, anything from $250 up is $25 — twenty positions before the exposure cap binds;
 *   - no minimum of its own beyond Polymarket's $1 (the seed's $5 minimum with the seed's 1 % factor
 *     turned every leader fill under $500 into `below_min_trade_size`: nearly everything);
 *   - 2 % slippage: one tick of room at mid prices on a cent tick (1 % rounds back to the leader's
 *     own price below 1.00, so any copy of a taker that cleared the best level was refused).
 * Every newer setting off, and the circuit breaker at 5 consecutive failures (what commercial copy
 * bots use). The seed's column defaults (1 %, $100, $5, 1 %) stay in the schema for rows written
 * without settings; every follow the services create writes these. Whoever tunes what a newcomer's
 * first follow does changes it here, and only here (README and docs/api.md show these values).
 */
export const NEW_FOLLOW_DEFAULTS: FollowSettingsValues = Object.freeze({
  sizingMode: 'proportional',
  proportionalityFactor: '0.1',
  fixedAmountUsd: null,
  balancePercent: null,
  balanceSource: 'cash',
  maxInvestmentPerTradeUsd: '25',
  maxTotalExposureUsd: '500',
  minTradeSizeUsd: null,
  budgetUsd: null,
  copyBuys: true,
  copySells: true,
  maxSlippagePercent: '2',
  buySlippagePercent: null,
  sellSlippagePercent: null,
  maxBuyPrice: null,
  minSellPrice: null,
  minLeaderTradeUsd: null,
  maxLeaderTradeUsd: null,
  stopLossPercent: null,
  takeProfitPercent: null,
  allowedMarkets: null,
  excludedMarkets: null,
  categories: null,
  excludedCategories: null,
  maxConsecutiveFailures: 5,
  copyOpenPositions: false,
});

/** What decideCopy() reads. */
export interface CopySettings {
  readonly sizingMode: SizingMode;
  readonly proportionalityFactor: Decimal;
  readonly fixedAmountUsd: Decimal | null;
  readonly balancePercent: Decimal | null;
  readonly balanceSource: BalanceSource;
  readonly maxInvestmentPerTradeUsd: Decimal;
  readonly maxTotalExposureUsd: Decimal;
  readonly minTradeSizeUsd: Decimal | null;
  readonly budgetUsd: Decimal | null;
  readonly copyBuys: boolean;
  readonly copySells: boolean;
  readonly maxSlippagePercent: Decimal;
  readonly buySlippagePercent: Decimal | null;
  readonly sellSlippagePercent: Decimal | null;
  readonly maxBuyPrice: Decimal | null;
  readonly minSellPrice: Decimal | null;
  readonly minLeaderTradeUsd: Decimal | null;
  readonly maxLeaderTradeUsd: Decimal | null;
  readonly allowedMarkets: readonly string[] | null;
  readonly excludedMarkets: readonly string[] | null;
  readonly categories: readonly string[] | null;
  readonly excludedCategories: readonly string[] | null;
}

const opt = (v: string | null): Decimal | null => (v === null ? null : dec(v));

export function parseCopySettings(v: FollowSettingsValues): CopySettings {
  return {
    sizingMode: v.sizingMode,
    proportionalityFactor: dec(v.proportionalityFactor),
    fixedAmountUsd: opt(v.fixedAmountUsd),
    balancePercent: opt(v.balancePercent),
    balanceSource: v.balanceSource,
    maxInvestmentPerTradeUsd: dec(v.maxInvestmentPerTradeUsd),
    maxTotalExposureUsd: dec(v.maxTotalExposureUsd),
    minTradeSizeUsd: opt(v.minTradeSizeUsd),
    budgetUsd: opt(v.budgetUsd),
    copyBuys: v.copyBuys,
    copySells: v.copySells,
    maxSlippagePercent: dec(v.maxSlippagePercent),
    buySlippagePercent: opt(v.buySlippagePercent),
    sellSlippagePercent: opt(v.sellSlippagePercent),
    maxBuyPrice: opt(v.maxBuyPrice),
    minSellPrice: opt(v.minSellPrice),
    minLeaderTradeUsd: opt(v.minLeaderTradeUsd),
    maxLeaderTradeUsd: opt(v.maxLeaderTradeUsd),
    allowedMarkets: v.allowedMarkets,
    excludedMarkets: v.excludedMarkets,
    categories: v.categories,
    excludedCategories: v.excludedCategories,
  };
}

/** The slippage limit of one side: its own when set, else the follow's single limit. */
export function slippageFor(s: CopySettings, side: Side): Decimal {
  return (side === 'BUY' ? s.buySlippagePercent : s.sellSlippagePercent) ?? s.maxSlippagePercent;
}

/**
 * The rules that involve more than one setting, checked on the merged settings (request over
 * stored values or defaults). Returns every broken rule, in words a person can act on.
 */
export function settingsProblems(v: FollowSettingsValues): string[] {
  const problems: string[] = [];
  const perTrade = dec(v.maxInvestmentPerTradeUsd);
  if (v.minTradeSizeUsd !== null && dec(v.minTradeSizeUsd).gt(perTrade))
    problems.push('minTradeSizeUsd must not exceed maxInvestmentPerTradeUsd');
  if (perTrade.gt(dec(v.maxTotalExposureUsd)))
    problems.push('maxInvestmentPerTradeUsd must not exceed maxTotalExposureUsd');
  if (v.sizingMode === 'fixed_usd') {
    if (v.fixedAmountUsd === null) problems.push('sizingMode fixed_usd needs fixedAmountUsd');
    else if (dec(v.fixedAmountUsd).gt(perTrade))
      problems.push('fixedAmountUsd must not exceed maxInvestmentPerTradeUsd');
  }
  if (v.sizingMode === 'balance_percent' && v.balancePercent === null)
    problems.push('sizingMode balance_percent needs balancePercent');
  if (!v.copyBuys && !v.copySells)
    problems.push(
      'copyBuys and copySells are both false: nothing would be copied (pause the follow instead)',
    );
  if (v.copyOpenPositions && !v.copyBuys)
    problems.push("copyOpenPositions buys into the trader's positions: it needs copyBuys");
  if (
    v.minLeaderTradeUsd !== null &&
    v.maxLeaderTradeUsd !== null &&
    dec(v.minLeaderTradeUsd).gt(dec(v.maxLeaderTradeUsd))
  )
    problems.push('minLeaderTradeUsd must not exceed maxLeaderTradeUsd');
  const overlap = (a: readonly string[] | null, b: readonly string[] | null, norm: (x: string) => string) => {
    const bs = new Set((b ?? []).map(norm));
    return [...new Set((a ?? []).map(norm))].filter((x) => bs.has(x));
  };
  const markets = overlap(v.allowedMarkets, v.excludedMarkets, (x) => x);
  if (markets.length > 0)
    problems.push(`markets both allowed and excluded: ${markets.slice(0, 5).join(', ')}`);
  const cats = overlap(v.categories, v.excludedCategories, (x) => x.toLowerCase());
  if (cats.length > 0) problems.push(`categories both copied and excluded: ${cats.join(', ')}`);
  return problems;
}

/** The budget left: budget − money at work − losses so far (gains never raise it above the budget). */
export function budgetRemaining(
  budgetUsd: Decimal | null,
  atWorkUsd: Decimal,
  realizedPnlUsd: Decimal,
): Decimal | null {
  if (budgetUsd === null) return null;
  return budgetUsd.minus(atWorkUsd).minus(Decimal.max(ZERO, realizedPnlUsd.neg()));
}
