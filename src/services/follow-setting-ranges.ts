// The range and precision of each single copy setting, as the copy_relationships columns and their
// CHECKs allow. One table for every client: the API's request schema (copy-settings-schema.ts) and the
// bot's typed values check against it, so a value the database would refuse is a clear "must be at
// most …" everywhere instead of a database error. Rules across settings are in follow-settings.ts.
import { dec, isDecimalString } from '../domain/money.ts';

export interface SettingRange {
  /** Digits allowed after the point (the column's scale). */
  scale: number;
  min: string;
  minExclusive: boolean;
  max: string;
}

export const SETTING_RANGES = {
  proportionalityFactor: { scale: 6, min: '0', minExclusive: true, max: '10' },
  maxInvestmentPerTradeUsd: { scale: 2, min: '0', minExclusive: true, max: '9999999999.99' },
  maxTotalExposureUsd: { scale: 2, min: '0', minExclusive: true, max: '9999999999.99' },
  minTradeSizeUsd: { scale: 2, min: '0', minExclusive: false, max: '9999999999.99' },
  maxSlippagePercent: { scale: 2, min: '0', minExclusive: false, max: '100' },
  stopLossPercent: { scale: 2, min: '0', minExclusive: true, max: '100' },
  takeProfitPercent: { scale: 2, min: '0', minExclusive: true, max: '999.99' },
  fixedAmountUsd: { scale: 2, min: '0', minExclusive: true, max: '9999999999.99' },
  balancePercent: { scale: 2, min: '0', minExclusive: true, max: '100' },
  budgetUsd: { scale: 2, min: '0', minExclusive: true, max: '9999999999.99' },
  buySlippagePercent: { scale: 2, min: '0', minExclusive: false, max: '100' },
  sellSlippagePercent: { scale: 2, min: '0', minExclusive: false, max: '100' },
  maxBuyPrice: { scale: 4, min: '0', minExclusive: true, max: '1' },
  minSellPrice: { scale: 4, min: '0', minExclusive: false, max: '0.9999' },
  minLeaderTradeUsd: { scale: 2, min: '0', minExclusive: false, max: '9999999999.99' },
  maxLeaderTradeUsd: { scale: 2, min: '0', minExclusive: true, max: '9999999999.99' },
} as const satisfies Record<string, SettingRange>;

export type RangedSetting = keyof typeof SETTING_RANGES;

/** Null when `value` fits the setting; otherwise what is wrong, in words. */
export function settingProblem(setting: RangedSetting, value: string): string | null {
  const r: SettingRange = SETTING_RANGES[setting];
  if (!isDecimalString(value) || value.startsWith('-')) return 'must be a non-negative number, e.g. 12.5';
  if ((value.split('.')[1]?.length ?? 0) > r.scale) return `at most ${r.scale} decimal places`;
  const d = dec(value);
  if (r.minExclusive ? d.lte(r.min) : d.lt(r.min))
    return `must be ${r.minExclusive ? 'greater than' : 'at least'} ${r.min}`;
  if (d.gt(r.max)) return `must be at most ${r.max}`;
  return null;
}
