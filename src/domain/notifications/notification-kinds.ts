// What a user can be told about, how loudly by default, and which engine event feeds which kind.
// Pure data: the outbox writer (src/events/notification-outbox.ts), the preferences service and
// the bot's /notify all read it, so a kind is added in one place.

// The notification_outbox / notification_preferences columns use these unions (src/db/schema.ts).
export type NotificationKind =
  | 'copy_executed'
  | 'copy_failed'
  | 'copy_skipped'
  | 'position_closed'
  | 'daily_summary'
  | 'operator_alert'
  | 'follow_paused'; // migration 0071
export type NotificationLevel = 'on' | 'silent' | 'off';

export const NOTIFICATION_KINDS: readonly NotificationKind[] = Object.freeze([
  'copy_executed',
  'copy_failed',
  'copy_skipped',
  'position_closed',
  'follow_paused',
  'daily_summary',
  'operator_alert',
]);

export const NOTIFICATION_LEVELS: readonly NotificationLevel[] = Object.freeze(['on', 'silent', 'off']);

/**
 * Defaults when the user has not chosen: what went wrong or right with money is loud; skips are
 * frequent and usually expected, so they arrive silently; the daily summary is opt-in.
 */
export const DEFAULT_LEVELS: Readonly<Record<NotificationKind, NotificationLevel>> = Object.freeze({
  copy_executed: 'on',
  copy_failed: 'on',
  copy_skipped: 'silent',
  position_closed: 'on',
  follow_paused: 'on',
  daily_summary: 'off',
  operator_alert: 'on',
});

/** How each kind is named to people (the bot's /notify, the API's descriptions). */
export const KIND_LABELS: Readonly<Record<NotificationKind, string>> = Object.freeze({
  copy_executed: 'Copy executed',
  copy_failed: 'Copy failed',
  copy_skipped: 'Copy skipped',
  position_closed: 'Position closed',
  follow_paused: 'Follow paused',
  daily_summary: 'Daily summary',
  operator_alert: 'Operator alerts',
});

/** Kinds only administrators receive. */
export const ADMIN_ONLY_KINDS: ReadonlySet<NotificationKind> = new Set(['operator_alert']);

/** The user event (src/events/publish.ts) that feeds each notification kind; others notify nobody. */
const EVENT_KINDS: Readonly<Record<string, NotificationKind>> = Object.freeze({
  'copy.executed': 'copy_executed',
  'copy.failed': 'copy_failed',
  'copy.skipped': 'copy_skipped',
  'position.closed': 'position_closed',
  'follow.paused': 'follow_paused',
});

export function notificationKindOfEvent(eventType: string): NotificationKind | null {
  return Object.hasOwn(EVENT_KINDS, eventType) ? EVENT_KINDS[eventType]! : null;
}

export function isNotificationKind(v: string): v is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(v);
}

export function isNotificationLevel(v: string): v is NotificationLevel {
  return (NOTIFICATION_LEVELS as readonly string[]).includes(v);
}

/** The louder of two levels: a batch rings when any of its items would. */
export function louder(a: NotificationLevel, b: NotificationLevel): NotificationLevel {
  const rank = { off: 0, silent: 1, on: 2 } as const;
  return rank[a] >= rank[b] ? a : b;
}
