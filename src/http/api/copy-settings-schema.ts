// The copy settings on the wire, once: POST/PATCH /follows, presets and the what-if backtest take the
// same fields with the same ranges (the columns' types and CHECKs, so a valid request never trips
// the database), and the follow and preset views return them. What each setting does:
// docs/copy-engine.md "Copy settings".
import { z } from 'zod';
import { BALANCE_SOURCES, NEW_FOLLOW_DEFAULTS, SIZING_MODES } from '../../domain/copy-settings.ts';
import { MARKET_CATEGORIES } from '../../domain/market-categories.ts';
import { SETTING_RANGES, type RangedSetting } from '../../services/follow-setting-ranges.ts';
import { decimalString } from './schemas.ts';

const D = NEW_FOLLOW_DEFAULTS;
const defaultNote = (v: unknown) => `default ${v === null ? 'null (off)' : JSON.stringify(v)}`;

// Ranges come from the one table the Telegram bot's typed values are checked against too.
const Ranged = (setting: RangedSetting, example: string) =>
  decimalString({ ...SETTING_RANGES[setting], example });
const MarketList = z
  .array(z.string().regex(/^[A-Za-z0-9_:.-]{1,100}$/, 'must be a market id or slug (1-100 characters)'))
  .max(500)
  .nullable();
const CategoryList = z
  .array(z.enum(MARKET_CATEGORIES, { message: `must be one of ${MARKET_CATEGORIES.join(', ')}` }))
  .max(MARKET_CATEGORIES.length)
  .nullable();

/** Every setting, each optional (absent: the stored value, the preset's or the default). */
export const SettingsFields = {
  sizingMode: z
    .enum(SIZING_MODES)
    .describe(
      `proportional: proportionalityFactor of the leader's shares; fixed_usd: fixedAmountUsd per leader buy; ` +
        `balance_percent: balancePercent of your cash or equity (balanceSource); portfolio_weight: the ` +
        `trade's share of the leader's portfolio, applied to your equity. ${defaultNote(D.sizingMode)}`,
    )
    .optional(),
  proportionalityFactor: Ranged('proportionalityFactor', '0.05')
    .describe(
      `multiplier on the leader's size (0.01 = 1%); > 0 and ≤ 10; ${defaultNote(D.proportionalityFactor)}`,
    )
    .optional(),
  fixedAmountUsd: Ranged('fixedAmountUsd', '10')
    .nullable()
    .describe('fixed_usd: the amount of each copy at the leader price')
    .optional(),
  balancePercent: Ranged('balancePercent', '2')
    .nullable()
    .describe('balance_percent: percent of your balance per copy, > 0 and ≤ 100')
    .optional(),
  balanceSource: z
    .enum(BALANCE_SOURCES)
    .describe(
      `balance_percent: cash, or equity (cash + open positions at their mark); ${defaultNote(D.balanceSource)}`,
    )
    .optional(),
  maxInvestmentPerTradeUsd: Ranged('maxInvestmentPerTradeUsd', '100')
    .describe(defaultNote(D.maxInvestmentPerTradeUsd))
    .optional(),
  maxTotalExposureUsd: Ranged('maxTotalExposureUsd', '500')
    .describe(defaultNote(D.maxTotalExposureUsd))
    .optional(),
  minTradeSizeUsd: Ranged('minTradeSizeUsd', '5')
    .nullable()
    .describe(defaultNote(D.minTradeSizeUsd))
    .optional(),
  budgetUsd: Ranged('budgetUsd', '1000')
    .nullable()
    .describe('the most this trader may have at work, losses included (null: no budget)')
    .optional(),
  copyBuys: z
    .boolean()
    .describe(`copy the leader's buys; ${defaultNote(D.copyBuys)}`)
    .optional(),
  copySells: z
    .boolean()
    .describe(`mirror the leader's sells; ${defaultNote(D.copySells)}`)
    .optional(),
  maxSlippagePercent: Ranged('maxSlippagePercent', '1')
    .describe(defaultNote(D.maxSlippagePercent))
    .optional(),
  buySlippagePercent: Ranged('buySlippagePercent', '1')
    .nullable()
    .describe('slippage limit for buys (null: maxSlippagePercent)')
    .optional(),
  sellSlippagePercent: Ranged('sellSlippagePercent', '3')
    .nullable()
    .describe('slippage limit for sells (null: maxSlippagePercent)')
    .optional(),
  maxBuyPrice: Ranged('maxBuyPrice', '0.90')
    .nullable()
    .describe('never buy above this price, slippage included')
    .optional(),
  minSellPrice: Ranged('minSellPrice', '0.05')
    .nullable()
    .describe('never sell below this price, slippage included')
    .optional(),
  minLeaderTradeUsd: Ranged('minLeaderTradeUsd', '50')
    .nullable()
    .describe("ignore leader buys smaller than this (the leader's USD)")
    .optional(),
  maxLeaderTradeUsd: Ranged('maxLeaderTradeUsd', '10000')
    .nullable()
    .describe("ignore leader buys larger than this (the leader's USD)")
    .optional(),
  stopLossPercent: Ranged('stopLossPercent', '20').nullable().optional(),
  takeProfitPercent: Ranged('takeProfitPercent', '50').nullable().optional(),
  allowedMarkets: MarketList.optional().describe('copy only these markets (null: all)'),
  excludedMarkets: MarketList.optional().describe('never copy these markets'),
  categories: CategoryList.optional().describe(
    `copy only markets in these categories (from the market's tags; null: all): ${MARKET_CATEGORIES.join(', ')}`,
  ),
  excludedCategories: CategoryList.optional().describe('never copy markets in these categories'),
  maxConsecutiveFailures: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .nullable()
    .describe(
      `pause the follow after this many failed copies in a row (null: never); ${defaultNote(D.maxConsecutiveFailures)}`,
    )
    .optional(),
};

/** POST /follows and presets also take this (a follow's creation is when it acts). */
export const CopyOpenPositionsField = {
  copyOpenPositions: z
    .boolean()
    .describe("at follow time, also buy into the leader's current open positions; default false")
    .optional(),
};

/** The settings as the views return them. */
export const SettingsView = {
  sizingMode: z.enum(SIZING_MODES),
  proportionalityFactor: z.string(),
  fixedAmountUsd: z.string().nullable(),
  balancePercent: z.string().nullable(),
  balanceSource: z.enum(BALANCE_SOURCES),
  maxInvestmentPerTradeUsd: z.string(),
  maxTotalExposureUsd: z.string(),
  minTradeSizeUsd: z.string().nullable(),
  budgetUsd: z.string().nullable(),
  copyBuys: z.boolean(),
  copySells: z.boolean(),
  maxSlippagePercent: z.string(),
  buySlippagePercent: z.string().nullable(),
  sellSlippagePercent: z.string().nullable(),
  maxBuyPrice: z.string().nullable(),
  minSellPrice: z.string().nullable(),
  minLeaderTradeUsd: z.string().nullable(),
  maxLeaderTradeUsd: z.string().nullable(),
  stopLossPercent: z.string().nullable(),
  takeProfitPercent: z.string().nullable(),
  allowedMarkets: z.array(z.string()).nullable(),
  excludedMarkets: z.array(z.string()).nullable(),
  categories: z.array(z.string()).nullable(),
  excludedCategories: z.array(z.string()).nullable(),
  maxConsecutiveFailures: z.number().int().nullable(),
  copyOpenPositions: z.boolean(),
};
