// Per-user live events (docs/api.md, "Live updates"), published through PostgreSQL NOTIFY on one
// channel. Call it inside the transaction that records the outcome: PostgreSQL delivers a
// notification only when (and if) that transaction commits, so a rolled-back outcome is never
// announced. Every API process LISTENs (src/events/hub.ts) and forwards an event to the SSE clients
// of its user.
//
// The same statement writes the Telegram notification of the event, when it has one and the user
// can receive it (notification-outbox.ts): the live stream and the bot hear of exactly the same
// committed outcomes.
//
// Payloads are small JSON objects; ids and amounts are strings (never floats). NOTIFY payloads are
// limited to 8000 bytes: long strings are cut, and an event that is still too large is sent without
// its data (`truncated: true`) rather than failing the engine's transaction.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { notificationKindOfEvent } from '../domain/notifications/notification-kinds.ts';
import { canReceive } from './notification-outbox.ts';

export const USER_EVENTS_CHANNEL = 'polycopy_user_events';

export const USER_EVENT_TYPES = [
  'copy.executed',
  'copy.failed',
  'copy.skipped',
  'position.closed',
  'pnl.updated',
  'follow.paused',
] as const;
export type UserEventType = (typeof USER_EVENT_TYPES)[number];

export type EventValue = string | number | boolean | null;
export type EventPayload = Readonly<Record<string, EventValue>>;

/** What travels in the NOTIFY payload (and, without `userId`, to the SSE client). */
export interface UserEventMessage {
  readonly userId: string;
  readonly type: UserEventType;
  /** ISO 8601, when the event was published (inside its transaction). */
  readonly at: string;
  readonly data: EventPayload;
  readonly truncated?: true;
}

export const MAX_NOTIFY_BYTES = 7900;
const MAX_STRING = 500;

export function encodeUserEvent(
  userId: string,
  type: UserEventType,
  payload: EventPayload,
  at = new Date(),
): string {
  const data: Record<string, EventValue> = {};
  for (const [k, v] of Object.entries(payload))
    data[k] = typeof v === 'string' && v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v;
  const message: UserEventMessage = { userId, type, at: at.toISOString(), data };
  const json = JSON.stringify(message);
  if (Buffer.byteLength(json, 'utf8') <= MAX_NOTIFY_BYTES) return json;
  return JSON.stringify({ userId, type, at: message.at, data: {}, truncated: true });
}

/**
 * Queues a NOTIFY for `userId`'s event, delivered when `executor`'s transaction commits, and the
 * event's notification in the outbox (one statement: the data-modifying CTE runs whether or not
 * the SELECT reads it).
 */
export async function publishUserEvent(
  executor: Db | Tx,
  userId: string,
  type: UserEventType,
  payload: EventPayload,
): Promise<void> {
  const message = encodeUserEvent(userId, type, payload);
  const kind = notificationKindOfEvent(type);
  if (kind === null) {
    await sql`SELECT pg_notify(${USER_EVENTS_CHANNEL}, ${message})`.execute(executor);
    return;
  }
  await sql`
    WITH outbox AS (
      INSERT INTO notification_outbox (user_id, kind, payload)
      SELECT ${userId}::bigint, ${kind}, (${message}::jsonb - 'userId')
       WHERE ${canReceive(userId, kind)}
    )
    SELECT pg_notify(${USER_EVENTS_CHANNEL}, ${message})`.execute(executor);
}

/** Parses a notification payload; null when it is not a well-formed user event. */
export function decodeUserEvent(payload: string | undefined): UserEventMessage | null {
  if (!payload) return null;
  try {
    const m = JSON.parse(payload) as Partial<UserEventMessage>;
    if (
      typeof m.userId !== 'string' ||
      typeof m.type !== 'string' ||
      !(USER_EVENT_TYPES as readonly string[]).includes(m.type) ||
      typeof m.at !== 'string' ||
      typeof m.data !== 'object' ||
      m.data === null
    )
      return null;
    return m as UserEventMessage;
  } catch {
    return null;
  }
}
