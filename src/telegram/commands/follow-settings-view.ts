// A follow's settings in the chat (pure): the text of /settings, its buttons, the quick choices for
// each setting and the parser of a typed value. The values are checked against the same ranges as
// the API's (follow-setting-ranges.ts); rules across settings stay with the follow services.
import { Decimal } from '../../domain/money.ts';
import { settingProblem, type RangedSetting } from '../../services/follow-setting-ranges.ts';
import type { FollowView } from '../../services/follow-view.ts';
import type { UpdateFollowInput } from '../../services/update-follow.ts';
import { SETTING_CODES, type SettingCode } from '../callback-data.ts';
import { bold, esc, pct, pnl, shortWallet, usd } from '../format.ts';
import type { Button } from '../reply.ts';

const off = (v: string | null, show: (v: string) => string): string => (v === null ? 'off' : show(v));
const price = (v: string): string => new Decimal(v).toFixed();

function sizingLine(f: FollowView): string {
  switch (f.sizingMode) {
    case 'fixed_usd':
      return `Copy size: ${usd(f.fixedAmountUsd ?? '0')} per copy`;
    case 'balance_percent':
      return `Copy size: ${pct(f.balancePercent ?? '0')} of your ${f.balanceSource === 'equity' ? 'equity' : 'cash'} per copy`;
    case 'portfolio_weight':
      return "Copy size: the trader's portfolio weight, applied to your balance";
    case 'proportional':
      return `Copy size: ${pct(new Decimal(f.proportionalityFactor).times(100), { places: 4 })} of the trader's size`;
  }
}

/** The copy size in a few words, for the /following list. */
export function sizeShort(f: FollowView): string {
  switch (f.sizingMode) {
    case 'fixed_usd':
      return `${usd(f.fixedAmountUsd ?? '0')} a copy`;
    case 'balance_percent':
      return `${pct(f.balancePercent ?? '0')} of balance`;
    case 'portfolio_weight':
      return 'portfolio weight';
    case 'proportional':
      return pct(new Decimal(f.proportionalityFactor).times(100), { places: 4 });
  }
}

function stateLine(f: FollowView): string {
  if (f.status !== 'paused') return '▶️ copying';
  return f.pausedReason === 'circuit_breaker' ? '⏸ paused by the circuit breaker' : '⏸ paused';
}

export function settingsText(f: FollowView, index: number): string {
  const lines = [
    `${bold(`#${index} ${shortWallet(f.traderWallet)}`)} · ${f.mode} · ${stateLine(f)}`,
    sizingLine(f),
    `Max per trade: ${usd(f.maxInvestmentPerTradeUsd)} · max exposure: ${usd(f.maxTotalExposureUsd)} · budget: ${off(f.budgetUsd, usd)}`,
    `Min trade: ${off(f.minTradeSizeUsd, usd)} · max slippage: ${pct(f.maxSlippagePercent)}`,
    `Copies buys: ${f.copyBuys ? 'on' : 'off'} · sells: ${f.copySells ? 'on' : 'off'} · buy at most: ${off(f.maxBuyPrice, price)} · sell at least: ${off(f.minSellPrice, price)}`,
    `Stop-loss: ${off(f.stopLossPercent, pct)} · take-profit: ${off(f.takeProfitPercent, pct)} · pause after: ${f.maxConsecutiveFailures === null ? 'never' : `${f.maxConsecutiveFailures} failures in a row`}`,
    `Copied ${f.totalTradesCopied} · invested ${usd(f.totalInvestedUsd)} · P&amp;L ${pnl(f.totalPnlUsd)}`,
  ];
  if (f.pausedReason === 'circuit_breaker' && f.pauseDetail) lines.push(`Why paused: ${esc(f.pauseDetail)}`);
  return lines.join('\n');
}

export function settingsButtons(f: FollowView): Button[][] {
  const w = f.traderWallet;
  const b = (text: string, setting: SettingCode): Button => ({
    text,
    cb: { op: 'setting_menu', wallet: w, setting },
  });
  // The two switches flip at a tap: there is nothing to choose but the other state.
  const flip = (text: string, setting: 'cb' | 'cs', on: boolean): Button => ({
    text: `${text}: ${on ? 'on' : 'off'}`,
    cb: { op: 'setting_set', wallet: w, setting, value: on ? 'off' : 'on' },
  });
  return [
    [b('Copy %', 'pf'), b('Fixed $', 'fx'), b('% of balance', 'bp')],
    [b('Max/trade', 'mt'), b('Exposure', 'me'), b('Budget', 'bg')],
    [b('Min trade', 'mn'), b('Slippage', 'sp'), b('Pause after', 'cf')],
    [flip('Buys', 'cb', f.copyBuys), flip('Sells', 'cs', f.copySells)],
    [b('Max buy price', 'mb'), b('Min sell price', 'ms')],
    [b('Stop-loss', 'sl'), b('Take-profit', 'tp')],
    [
      f.status === 'paused'
        ? { text: '▶️ Resume', cb: { op: 'resume', wallet: w } }
        : { text: '⏸ Pause', cb: { op: 'pause', wallet: w } },
      { text: '🛑 Unfollow', cb: { op: 'unfollow_ask', wallet: w } },
    ],
  ];
}

const dollars = (...v: number[]) => v.map((n) => [`$${n.toLocaleString('en-US')}`, String(n)] as const);
const percents = (...v: number[]) => v.map((n) => [`${n}%`, String(n)] as const);
const prices = (...v: string[]) => v.map((n) => [n, n] as const);
const OFF = [['off', 'off']] as const;

export const CHOICES: Record<SettingCode, ReadonlyArray<readonly [string, string]>> = {
  // Copy % is chosen as a percent of the trader's size, like a typed value (parseSettingValue).
  pf: percents(1, 5, 10, 25, 50, 100),
  mt: dollars(5, 10, 25, 50, 100, 250),
  me: dollars(100, 250, 500, 1000, 2500),
  mn: [...OFF, ...dollars(1, 2, 5, 10)],
  sp: percents(0.5, 1, 2, 5, 10),
  sl: [...OFF, ...percents(10, 20, 30, 50)],
  tp: [...OFF, ...percents(25, 50, 100, 200)],
  fx: dollars(1, 5, 10, 25, 50),
  bp: percents(0.5, 1, 2, 5, 10),
  bg: [...OFF, ...dollars(100, 250, 500, 1000)],
  mb: [...OFF, ...prices('0.5', '0.8', '0.9', '0.95')],
  ms: [...OFF, ...prices('0.05', '0.1', '0.2', '0.5')],
  cb: [
    ['on', 'on'],
    ['off', 'off'],
  ],
  cs: [
    ['on', 'on'],
    ['off', 'off'],
  ],
  cf: [
    ['never', 'off'],
    ['3', '3'],
    ['5', '5'],
    ['10', '10'],
  ],
};

export const SETTING_LABELS: Record<SettingCode, string> = {
  pf: 'Copy % (of the trader’s size)',
  mt: 'Max per trade ($)',
  me: 'Max exposure to this trader ($)',
  mn: 'Min trade ($, or off)',
  sp: 'Max slippage (%)',
  sl: 'Stop-loss (% loss, or off)',
  tp: 'Take-profit (% gain, or off)',
  fx: 'Fixed amount per copy ($)',
  bp: 'Copy % of your balance',
  bg: 'Budget for this trader ($, or off)',
  mb: 'Max price to buy at (0–1, or off)',
  ms: 'Min price to sell at (0–1, or off)',
  cb: 'Copy the trader’s buys (on or off)',
  cs: 'Copy the trader’s sells (on or off)',
  cf: 'Pause after this many failed copies in a row (or off)',
};

/** The example shown when asking for a typed value. */
export const SETTING_EXAMPLES: Record<SettingCode, string> = {
  pf: '7.5',
  mt: '25',
  me: '500',
  mn: '2',
  sp: '1.5',
  sl: '25',
  tp: '50',
  fx: '10',
  bp: '2',
  bg: '300',
  mb: '0.85',
  ms: '0.1',
  cb: 'on',
  cs: 'off',
  cf: '5',
};

const NULLABLE: ReadonlySet<SettingCode> = new Set(['mn', 'sl', 'tp', 'bg', 'mb', 'ms', 'cf']);
/** Choosing an amount for a sizing mode is choosing that mode. */
const SIZING: Partial<Record<SettingCode, UpdateFollowInput['sizingMode']>> = {
  pf: 'proportional',
  fx: 'fixed_usd',
  bp: 'balance_percent',
};

type Parsed = { ok: true; input: UpdateFollowInput } | { ok: false; message: string };

function parseSwitch(setting: 'cb' | 'cs', text: string): Parsed {
  const field = SETTING_CODES[setting];
  if (['on', 'yes', 'true'].includes(text)) return { ok: true, input: { [field]: true } };
  if (['off', 'no', 'false'].includes(text)) return { ok: true, input: { [field]: false } };
  return { ok: false, message: `${SETTING_LABELS[setting]}: send on or off.` };
}

function parseFailures(text: string): Parsed {
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > 100)
    return { ok: false, message: `${SETTING_LABELS.cf}: a whole number from 1 to 100, or off.` };
  return { ok: true, input: { maxConsecutiveFailures: Number(text) } };
}

/** A typed or chosen value → the service's input; a message when it does not fit. */
export function parseSettingValue(setting: SettingCode, raw: string): Parsed {
  const text = raw
    .trim()
    .toLowerCase()
    .replace(/[$,%\s]/g, '');
  if (setting === 'cb' || setting === 'cs') return parseSwitch(setting, text);
  const field = SETTING_CODES[setting];
  if (text === 'off' || text === 'none' || text === 'never' || (text === '0' && setting === 'mn')) {
    if (NULLABLE.has(setting)) return { ok: true, input: { [field]: null } };
    return { ok: false, message: `${SETTING_LABELS[setting]} cannot be off.` };
  }
  if (setting === 'cf') return parseFailures(text);
  if (!/^\d{1,12}(\.\d{1,8})?$/.test(text))
    return { ok: false, message: 'That is not a number. Send e.g. 12.5' };
  // Copy % is typed as a percent of the trader's size; the setting is a factor (5% → 0.05).
  const value = setting === 'pf' ? new Decimal(text).div(100).toFixed() : new Decimal(text).toFixed();
  const problem = settingProblem(field as RangedSetting, value);
  if (problem) {
    const shown =
      setting === 'pf'
        ? problem.replace(/\d+(\.\d+)?/g, (n) => `${new Decimal(n).times(100).toFixed()}%`)
        : problem;
    return { ok: false, message: `${SETTING_LABELS[setting]} ${shown}.` };
  }
  const mode = SIZING[setting];
  return { ok: true, input: { ...(mode ? { sizingMode: mode } : {}), [field]: value } };
}
