// The copy settings of a follow as copy_relationships stores them, both ways: the columns behind
// each setting (src/domain/copy-settings.ts), so the fan-out, the follow services, presets and the
// API view all read and write them through one mapping.
import type { FollowSettingsValues } from '../domain/copy-settings.ts';

/** The columns a follow's settings live in, by setting name. */
export const SETTING_COLUMNS = {
  sizingMode: 'sizing_mode',
  proportionalityFactor: 'proportionality_factor',
  fixedAmountUsd: 'fixed_amount_usd',
  balancePercent: 'balance_percent',
  balanceSource: 'balance_source',
  maxInvestmentPerTradeUsd: 'max_investment_per_trade_usd',
  maxTotalExposureUsd: 'max_total_exposure_usd',
  minTradeSizeUsd: 'min_trade_size_usd',
  budgetUsd: 'budget_usd',
  copyBuys: 'copy_buys',
  copySells: 'copy_sells',
  maxSlippagePercent: 'max_slippage_percent',
  buySlippagePercent: 'buy_slippage_percent',
  sellSlippagePercent: 'sell_slippage_percent',
  maxBuyPrice: 'max_buy_price',
  minSellPrice: 'min_sell_price',
  minLeaderTradeUsd: 'min_leader_trade_usd',
  maxLeaderTradeUsd: 'max_leader_trade_usd',
  stopLossPercent: 'stop_loss_percent',
  takeProfitPercent: 'take_profit_percent',
  allowedMarkets: 'allowed_markets',
  excludedMarkets: 'excluded_markets',
  categories: 'categories',
  excludedCategories: 'excluded_categories',
  maxConsecutiveFailures: 'max_consecutive_failures',
  copyOpenPositions: 'copy_open_positions',
} as const satisfies Record<keyof FollowSettingsValues, string>;

export type SettingColumn = (typeof SETTING_COLUMNS)[keyof typeof SETTING_COLUMNS];
export type SettingsRow = { readonly [C in SettingColumn]: unknown };

export const SETTING_COLUMN_LIST = Object.values(SETTING_COLUMNS) as SettingColumn[];

/** A row's settings under the API's names (NUMERIC columns arrive as strings). */
export function settingsOfRow(row: SettingsRow): FollowSettingsValues {
  const out: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(SETTING_COLUMNS)) out[name] = row[column];
  return out as unknown as FollowSettingsValues;
}

/** The columns to write for some settings (absent settings are left out). */
export function columnsOfSettings(settings: Partial<FollowSettingsValues>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(SETTING_COLUMNS)) {
    const value = (settings as Record<string, unknown>)[name];
    if (value !== undefined) out[column] = value;
  }
  return out;
}
