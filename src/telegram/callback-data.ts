// Inline-button payloads: short, versionless strings ("op:arg:arg") of at most 64 bytes, that carry
// only public references — a trader's wallet, a prefix of a fill's key, a setting's short code —
// never a row id. Every press is parsed here against a strict grammar; anything else (an old
// button, a forged payload) is null and answered "no longer valid".
import { NOTIFICATION_KINDS, NOTIFICATION_LEVELS } from '../domain/notifications/notification-kinds.ts';
import type { NotificationKind, NotificationLevel } from '../db/schema.ts';

export const SETTING_CODES = {
  pf: 'proportionalityFactor',
  mt: 'maxInvestmentPerTradeUsd',
  me: 'maxTotalExposureUsd',
  mn: 'minTradeSizeUsd',
  sp: 'maxSlippagePercent',
  sl: 'stopLossPercent',
  tp: 'takeProfitPercent',
  fx: 'fixedAmountUsd',
  bp: 'balancePercent',
  bg: 'budgetUsd',
  mb: 'maxBuyPrice',
  ms: 'minSellPrice',
  cb: 'copyBuys',
  cs: 'copySells',
  cf: 'maxConsecutiveFailures',
} as const;
export type SettingCode = keyof typeof SETTING_CODES;

export type Callback =
  | { op: 'trader'; wallet: string }
  | { op: 'follow'; wallet: string; mode: 'paper' | 'live' }
  | { op: 'follow_live_confirm'; wallet: string }
  | { op: 'settings'; wallet: string }
  | { op: 'setting_menu'; wallet: string; setting: SettingCode }
  | { op: 'setting_set'; wallet: string; setting: SettingCode; value: string }
  | { op: 'setting_type'; wallet: string; setting: SettingCode }
  | { op: 'pause' | 'resume'; wallet: string | 'all' }
  | { op: 'unfollow_ask'; wallet: string }
  | { op: 'unfollow'; wallet: string; positions: 'keep' | 'close' }
  | { op: 'why'; fillKeyPrefix: string }
  | { op: 'stop'; positions: 'keep' | 'close' }
  | { op: 'notify'; kind: NotificationKind; level: NotificationLevel }
  | { op: 'notify_all'; enabled: boolean }
  | { op: 'top'; category: string }
  | { op: 'cancel' };

const WALLET = '(0x[0-9a-f]{40})';
const SETTING = `(${Object.keys(SETTING_CODES).join('|')})`;

export function encodeCallback(c: Callback): string {
  switch (c.op) {
    case 'trader':
      return `t:${c.wallet}`;
    case 'follow':
      return `f:${c.wallet}:${c.mode === 'paper' ? 'p' : 'l'}`;
    case 'follow_live_confirm':
      return `fl:${c.wallet}`;
    case 'settings':
      return `s:${c.wallet}`;
    case 'setting_menu':
      return `sm:${c.wallet}:${c.setting}`;
    case 'setting_set':
      return `sv:${c.wallet}:${c.setting}:${c.value}`;
    case 'setting_type':
      return `st:${c.wallet}:${c.setting}`;
    case 'pause':
      return `pa:${c.wallet}`;
    case 'resume':
      return `re:${c.wallet}`;
    case 'unfollow_ask':
      return `ua:${c.wallet}`;
    case 'unfollow':
      return `u:${c.wallet}:${c.positions === 'keep' ? 'k' : 'c'}`;
    case 'why':
      return `w:${c.fillKeyPrefix}`;
    case 'stop':
      return `x:${c.positions === 'keep' ? 'k' : 'c'}`;
    case 'notify':
      return `n:${c.kind}:${c.level}`;
    case 'notify_all':
      return `na:${c.enabled ? '1' : '0'}`;
    case 'top':
      return `tc:${c.category}`;
    case 'cancel':
      return 'c';
  }
}

type Rule = [RegExp, (m: RegExpExecArray) => Callback];

const RULES: Rule[] = [
  [new RegExp(`^t:${WALLET}$`), (m) => ({ op: 'trader', wallet: m[1]! })],
  [
    new RegExp(`^f:${WALLET}:(p|l)$`),
    (m) => ({ op: 'follow', wallet: m[1]!, mode: m[2] === 'p' ? 'paper' : 'live' }),
  ],
  [new RegExp(`^fl:${WALLET}$`), (m) => ({ op: 'follow_live_confirm', wallet: m[1]! })],
  [new RegExp(`^s:${WALLET}$`), (m) => ({ op: 'settings', wallet: m[1]! })],
  [
    new RegExp(`^sm:${WALLET}:${SETTING}$`),
    (m) => ({ op: 'setting_menu', wallet: m[1]!, setting: m[2] as SettingCode }),
  ],
  [
    new RegExp(`^sv:${WALLET}:${SETTING}:(off|on|\\d{1,7}(\\.\\d{1,6})?)$`),
    (m) => ({ op: 'setting_set', wallet: m[1]!, setting: m[2] as SettingCode, value: m[3]! }),
  ],
  [
    new RegExp(`^st:${WALLET}:${SETTING}$`),
    (m) => ({ op: 'setting_type', wallet: m[1]!, setting: m[2] as SettingCode }),
  ],
  [new RegExp(`^pa:(all|${WALLET.slice(1, -1)})$`), (m) => ({ op: 'pause', wallet: m[1]! })],
  [new RegExp(`^re:(all|${WALLET.slice(1, -1)})$`), (m) => ({ op: 'resume', wallet: m[1]! })],
  [new RegExp(`^ua:${WALLET}$`), (m) => ({ op: 'unfollow_ask', wallet: m[1]! })],
  [
    new RegExp(`^u:${WALLET}:(k|c)$`),
    (m) => ({ op: 'unfollow', wallet: m[1]!, positions: m[2] === 'k' ? 'keep' : 'close' }),
  ],
  [/^w:([0-9a-f]{16})$/, (m) => ({ op: 'why', fillKeyPrefix: m[1]! })],
  [/^x:(k|c)$/, (m) => ({ op: 'stop', positions: m[1] === 'k' ? 'keep' : 'close' })],
  [
    new RegExp(`^n:(${NOTIFICATION_KINDS.join('|')}):(${NOTIFICATION_LEVELS.join('|')})$`),
    (m) => ({ op: 'notify', kind: m[1] as NotificationKind, level: m[2] as NotificationLevel }),
  ],
  [/^na:(0|1)$/, (m) => ({ op: 'notify_all', enabled: m[1] === '1' })],
  [/^tc:([a-z_]{1,30})$/, (m) => ({ op: 'top', category: m[1]! })],
  [/^c$/, () => ({ op: 'cancel' })],
];

export function decodeCallback(data: string | undefined): Callback | null {
  if (!data || data.length > 64) return null;
  for (const [re, build] of RULES) {
    const m = re.exec(data);
    if (m) return build(m);
  }
  return null;
}
