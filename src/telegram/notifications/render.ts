// Notification texts (pure). One outbox row becomes one message; a burst of rows for one user
// becomes one summary message with a line each. Numbers first, words short: what was copied at
// what price against the leader's, why something was not copied and what to do about it.
import { Decimal } from '../../domain/money.ts';
import type { NotificationKind } from '../../db/schema.ts';
import { reasonAdvice } from '../../domain/notifications/reason-advice.ts';
import { isCopyOutcomeReason, reasonMessage } from '../../domain/skip-reasons.ts';
import { bold, clip, duration, esc, fitLines, num, pct, pnl, shortWallet, usd } from '../format.ts';

/** What the dispatcher knows about a row after reading its context from the database. */
export interface NotificationItem {
  kind: NotificationKind;
  data: Record<string, unknown>;
  at: string;
  /** Market and leader context, when found. */
  market?: { title: string | null; outcome: string | null } | undefined;
  leader?: { wallet: string; side: 'BUY' | 'SELL'; price: string; size: string; filledAt: Date } | undefined;
  copy?: { slippagePercent: string | null; executedAt: Date } | undefined;
  traderWallet?: string | undefined;
}

const s = (v: unknown): string =>
  typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);

function marketLine(item: NotificationItem): string {
  const title = item.market?.title ?? null;
  if (!title) return '';
  return `${esc(clip(title, 70))}${item.market?.outcome ? ` — ${esc(item.market.outcome)}` : ''}`;
}

const PURPOSE: Record<string, string> = {
  stop_loss: 'Stop-loss sell',
  take_profit: 'Take-profit sell',
  close: 'Closing sell',
  resolution: 'Resolution',
};

function executed(item: NotificationItem): string {
  const d = item.data;
  const purpose = s(d.purpose);
  const head = purpose && purpose !== 'copy' ? (PURPOSE[purpose] ?? 'Exit') : `Copied ${s(d.side)}`;
  const who = item.traderWallet ?? s(d.traderWallet);
  const lines = [`✅ ${bold(head)} · ${s(d.mode)} · ${shortWallet(who)}`, marketLine(item)];
  lines.push(
    `You: ${num(s(d.size), 2)} @ ${num(s(d.price))} = ${usd(s(d.notionalUsd))}${new Decimal(s(d.feesUsd) || '0').gt(0) ? ` (fee ${usd(s(d.feesUsd))})` : ''}`,
  );
  if (item.leader) {
    lines.push(`Leader: ${num(item.leader.size, 2)} @ ${num(item.leader.price)}`);
    const extra: string[] = [];
    if (item.copy?.slippagePercent)
      extra.push(`slippage ${pct(item.copy.slippagePercent, { signed: true })}`);
    const executedAt = item.copy?.executedAt ?? new Date(s(d.executedAt));
    if (!Number.isNaN(executedAt.getTime()))
      extra.push(`${duration(executedAt.getTime() - item.leader.filledAt.getTime())} after the leader`);
    if (extra.length > 0) lines.push(extra.join(' · '));
  }
  return lines.filter((l) => l !== '').join('\n');
}

function notCopied(item: NotificationItem, failed: boolean): string {
  const d = item.data;
  const reason = s(d.reason);
  const words = isCopyOutcomeReason(reason)
    ? reasonMessage(reason)
    : failed
      ? 'The copy could not be placed.'
      : 'The copy was skipped.';
  const advice = reasonAdvice(reason);
  const leader = item.leader
    ? ` ${item.leader.side} ${num(item.leader.size, 2)} @ ${num(item.leader.price)}`
    : '';
  return [
    `${failed ? '❌' : '⏭'} ${bold(failed ? 'Copy failed' : 'Copy skipped')} · ${shortWallet(item.leader?.wallet ?? item.traderWallet ?? '')}${leader}`,
    marketLine(item),
    esc(words),
    advice ? `→ ${esc(advice)}` : '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

const CAUSE: Record<string, string> = {
  sell: 'the trader sold',
  stop_loss: 'stop-loss',
  take_profit: 'take-profit',
  close: 'closed by you',
  resolution: 'market resolved',
};

function closed(item: NotificationItem): string {
  const d = item.data;
  const cause = CAUSE[s(d.cause)] ?? s(d.cause);
  const resolution = d.resolution ? ` (${esc(s(d.resolution))})` : '';
  return [
    `🏁 ${bold('Position closed')} · ${esc(cause)}${resolution}`,
    marketLine(item),
    `P&amp;L ${pnl(s(d.realizedPnlUsd) || '0')}`,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

function daily(item: NotificationItem): string {
  const d = item.data;
  return [
    `📅 ${bold(`Daily summary · ${s(d.date)}`)}`,
    `Copies ${s(d.executed)} · skipped ${s(d.skipped)} · failed ${s(d.failed)}`,
    `P&amp;L today ${pnl(s(d.realizedTodayUsd) || '0')} realized · unrealized ${pnl(s(d.unrealizedUsd) || '0')}`,
    `Paper equity ${usd(s(d.paperEquityUsd) || '0')} · exposure ${usd(s(d.exposureUsd) || '0')}`,
  ].join('\n');
}

function operator(item: NotificationItem): string {
  const d = item.data;
  if (d.alert === 'kill_switch')
    return d.enabled
      ? `🚨 ${bold('Kill switch ON')} — copying is halted platform-wide.\nReason: ${esc(clip(s(d.reason), 200))}`
      : `✅ ${bold('Kill switch OFF')} — copying resumed.`;
  if (d.alert === 'needs_operator')
    return `🚨 ${bold('A copy needs an operator')}: a ${esc(s(d.mode))} ${esc(s(d.side))} order may exist at the venue, but ${esc(s(d.attempts))} reconciliation lookups got no answer.\nOpen Admin → Queue (rows needing an operator) or run: polycopy queue status`;
  // Alerts that carry their own sentence (e.g. a detection feed degraded / recovered).
  if (typeof d.message === 'string') return `🚨 ${bold('Operator alert')}: ${esc(clip(d.message, 300))}`;
  return `🚨 ${bold('Operator alert')}`;
}

function paused(item: NotificationItem): string {
  const d = item.data;
  const last = s(d.lastReason);
  const lastWords = isCopyOutcomeReason(last) ? reasonMessage(last) : last;
  return [
    `⏸ ${bold('Follow paused')} · ${shortWallet(item.traderWallet ?? s(d.traderWallet))}`,
    `${esc(s(d.consecutiveFailures))} copies in a row failed (your limit is ${esc(s(d.maxConsecutiveFailures))}), so copying this trader stopped.`,
    lastWords ? `Last: ${esc(clip(lastWords, 160))}` : '',
    '→ Fix the cause, then /resume to copy again.',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

export function renderOne(item: NotificationItem): string {
  switch (item.kind) {
    case 'copy_executed':
      return executed(item);
    case 'copy_failed':
      return notCopied(item, true);
    case 'copy_skipped':
      return notCopied(item, false);
    case 'position_closed':
      return closed(item);
    case 'daily_summary':
      return daily(item);
    case 'operator_alert':
      return operator(item);
    case 'follow_paused':
      return paused(item);
  }
}

/** One line for a batch. */
export function renderLine(item: NotificationItem): string {
  const d = item.data;
  const market = item.market?.title ? ` · ${esc(clip(item.market.title, 40))}` : '';
  switch (item.kind) {
    case 'copy_executed':
      return `✅ ${s(d.side)} ${num(s(d.size), 2)} @ ${num(s(d.price))}${item.leader ? ` (leader ${num(item.leader.price)})` : ''}${market}`;
    case 'copy_failed':
    case 'copy_skipped': {
      const reason = s(d.reason);
      const words = isCopyOutcomeReason(reason) ? reasonMessage(reason).replace(/\.$/, '') : reason;
      return `${item.kind === 'copy_failed' ? '❌' : '⏭'} ${item.leader?.side ?? ''}${market} — ${esc(clip(words, 80))}`;
    }
    case 'position_closed':
      return `🏁 closed (${esc(CAUSE[s(d.cause)] ?? s(d.cause))}) ${pnl(s(d.realizedPnlUsd) || '0')}${market}`;
    default:
      return renderOne(item).split('\n')[0]!;
  }
}

export function renderBatch(items: readonly NotificationItem[]): string {
  const count = (k: NotificationKind) => items.filter((i) => i.kind === k).length;
  const parts = [
    [count('copy_executed'), 'copied'],
    [count('copy_skipped'), 'skipped'],
    [count('copy_failed'), 'failed'],
    [count('position_closed'), 'closed'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, w]) => `${n} ${w}`);
  const others =
    items.length -
    (count('copy_executed') + count('copy_skipped') + count('copy_failed') + count('position_closed'));
  if (others > 0) parts.push(`${others} other`);
  const header = `🔔 ${bold(`${items.length} updates`)}: ${parts.join(' · ')}`;
  const shown = items.slice(0, 15).map(renderLine);
  const more = items.length - shown.length;
  return fitLines(
    [header, ...shown, ...(more > 0 ? [`… and ${more} more — /history`] : [])],
    (n) => `… and ${n + more} more — /history`,
  );
}
