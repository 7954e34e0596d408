// The follow form's values and how they become a request: the form holds text as typed, the API
// takes decimal strings (money), whole numbers, booleans and lists. Used by the follow form for a
// new follow (POST /follows), an edit (PATCH /follows/{id}) and "save as a preset" (POST /presets),
// so the three send the same settings under the same names.
import type { Follow, FollowDefaults } from '../api/types';

export const CATEGORY_NAMES = [
  'politics',
  'sports',
  'esports',
  'crypto',
  'culture',
  'mentions',
  'weather',
  'economics',
  'tech',
  'finance',
] as const;

export const TEXT_FIELDS = [
  'proportionalityFactor',
  'fixedAmountUsd',
  'balancePercent',
  'maxInvestmentPerTradeUsd',
  'maxTotalExposureUsd',
  'minTradeSizeUsd',
  'budgetUsd',
  'maxSlippagePercent',
  'buySlippagePercent',
  'sellSlippagePercent',
  'maxBuyPrice',
  'minSellPrice',
  'minLeaderTradeUsd',
  'maxLeaderTradeUsd',
  'stopLossPercent',
  'takeProfitPercent',
  'maxConsecutiveFailures',
] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Every request field the API's validation messages may name: shown next to its control. */
export const FIELDS: readonly string[] = [
  ...TEXT_FIELDS,
  'mode',
  'sizingMode',
  'balanceSource',
  'copyBuys',
  'copySells',
  'categories',
  'excludedCategories',
  'allowedMarkets',
  'excludedMarkets',
  'copyOpenPositions',
  'presetId',
  'traderWallet',
];

/** Settings a follow always has: left empty, they keep their current (or default) value. */
const REQUIRED: readonly TextField[] = [
  'proportionalityFactor',
  'maxInvestmentPerTradeUsd',
  'maxTotalExposureUsd',
  'maxSlippagePercent',
];

export interface FormState {
  mode: 'paper' | 'live';
  sizingMode: string;
  balanceSource: 'cash' | 'equity';
  values: Record<TextField, string>;
  copyBuys: boolean;
  copySells: boolean;
  categories: string[];
  excludedCategories: string[];
  allowedMarkets: string;
  excludedMarkets: string;
  copyOpenPositions: boolean;
}

export type SettingsBody = Record<string, unknown>;

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** The form for an existing follow, or a new one starting from the platform's defaults. */
export function initialState(f?: Follow, d?: FollowDefaults): FormState {
  const values = {} as Record<TextField, string>;
  for (const k of TEXT_FIELDS) values[k] = text(f?.[k]);
  if (!f && d) {
    values.proportionalityFactor = d.proportionalityFactor;
    values.maxInvestmentPerTradeUsd = d.maxInvestmentPerTradeUsd;
    values.maxTotalExposureUsd = d.maxTotalExposureUsd;
    values.minTradeSizeUsd = text(d.minTradeSizeUsd);
    values.maxSlippagePercent = d.maxSlippagePercent;
    values.maxConsecutiveFailures = text(d.maxConsecutiveFailures);
  }
  return {
    mode: f?.mode ?? 'paper',
    sizingMode: f?.sizingMode ?? 'proportional',
    balanceSource: f?.balanceSource ?? 'cash',
    values,
    copyBuys: f?.copyBuys ?? true,
    copySells: f?.copySells ?? true,
    categories: list(f?.categories),
    excludedCategories: list(f?.excludedCategories),
    allowedMarkets: list(f?.allowedMarkets).join(', '),
    excludedMarkets: list(f?.excludedMarkets).join(', '),
    copyOpenPositions: false,
  };
}

/** `base` with a preset's settings over it (a preset holds any subset, under the API's names). */
export function withSettings(base: FormState, s: Readonly<Record<string, unknown>>): FormState {
  const next: FormState = { ...base, values: { ...base.values } };
  for (const k of TEXT_FIELDS) if (k in s) next.values[k] = text(s[k]);
  if (typeof s.sizingMode === 'string') next.sizingMode = s.sizingMode;
  if (s.balanceSource === 'cash' || s.balanceSource === 'equity') next.balanceSource = s.balanceSource;
  if (typeof s.copyBuys === 'boolean') next.copyBuys = s.copyBuys;
  if (typeof s.copySells === 'boolean') next.copySells = s.copySells;
  if (typeof s.copyOpenPositions === 'boolean') next.copyOpenPositions = s.copyOpenPositions;
  if ('categories' in s) next.categories = list(s.categories);
  if ('excludedCategories' in s) next.excludedCategories = list(s.excludedCategories);
  if ('allowedMarkets' in s) next.allowedMarkets = list(s.allowedMarkets).join(', ');
  if ('excludedMarkets' in s) next.excludedMarkets = list(s.excludedMarkets).join(', ');
  return next;
}

/**
 * A whole number typed for the circuit breaker goes as a number; anything else goes as typed, so
 * the API's own message ("must be a whole number") is what the person reads.
 */
function wholeNumber(t: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

const markets = (s: string): string[] | null => {
  const m = s.split(/[\s,]+/).filter(Boolean);
  return m.length ? m : null;
};

/** The copy settings the form describes; `create` adds what only a new follow takes. */
export function settingsBody(st: FormState, create: boolean): SettingsBody {
  const b: SettingsBody = {
    sizingMode: st.sizingMode,
    copyBuys: st.copyBuys,
    copySells: st.copySells,
  };
  for (const k of TEXT_FIELDS) {
    const t = st.values[k].trim();
    if (t === '') {
      if (!REQUIRED.includes(k)) b[k] = null;
    } else b[k] = k === 'maxConsecutiveFailures' ? wholeNumber(t) : t;
  }
  // An amount the chosen mode does not use is left as stored rather than cleared.
  if (st.sizingMode !== 'fixed_usd' && b.fixedAmountUsd === null) delete b.fixedAmountUsd;
  if (st.sizingMode !== 'balance_percent' && b.balancePercent === null) delete b.balancePercent;
  if (st.sizingMode === 'balance_percent') b.balanceSource = st.balanceSource;
  b.categories = st.categories.length ? st.categories : null;
  b.excludedCategories = st.excludedCategories.length ? st.excludedCategories : null;
  b.allowedMarkets = markets(st.allowedMarkets);
  b.excludedMarkets = markets(st.excludedMarkets);
  if (create) b.copyOpenPositions = st.copyOpenPositions;
  return b;
}
