// The Telegram bot and notifications (0070), periodic job runs (0080), the demo account (0045).
import type { ColumnType, Generated } from 'kysely';
import type {
  BigId,
  BigIntRef,
  NotificationKind,
  NotificationLevel,
  Timestamp,
  TimestampDefault,
} from './columns.ts';

// 0070-telegram
// NotificationKind / NotificationLevel: from the domain (imported at the top).
export type OutboxStatus = 'pending' | 'claimed' | 'sending' | 'sent' | 'dropped' | 'unconfirmed';

export interface TelegramChatsTable {
  user_id: BigIntRef;
  chat_id: BigIntRef;
  username: string | null;
  started_at: TimestampDefault;
  blocked_at: Timestamp | null;
  updated_at: TimestampDefault;
}

export interface TelegramLinkCodesTable {
  code_hash: Buffer;
  user_id: BigIntRef;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface TelegramLinkFailuresTable {
  chat_id: BigIntRef;
  failed_at: TimestampDefault;
}

export interface NotificationPreferencesTable {
  user_id: BigIntRef;
  kind: NotificationKind;
  level: NotificationLevel;
  updated_at: TimestampDefault;
}

export interface NotificationOutboxTable {
  id: BigId;
  user_id: BigIntRef;
  kind: NotificationKind;
  payload: ColumnType<Record<string, unknown>, string, string>;
  dedup_key: string | null;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: Generated<number>;
  not_before: TimestampDefault;
  claim_token: string | null;
  claimed_until: Timestamp | null;
  created_at: TimestampDefault;
  sent_at: Timestamp | null;
  last_error: string | null;
}

export interface TelegramPendingActionsTable {
  chat_id: BigIntRef;
  user_id: BigIntRef;
  action: ColumnType<Record<string, unknown>, string, string>;
  expires_at: Timestamp;
}

export interface TelegramProcessedUpdatesTable {
  bot_id: BigIntRef;
  update_id: BigIntRef;
  processed_at: TimestampDefault;
}

export interface TelegramBotInfoTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  bot_id: BigIntRef;
  username: string;
  updated_at: TimestampDefault;
}

export type JobRunReason = 'schedule' | 'start' | 'catch-up' | 'trigger' | 'warm-up';
export type JobRunOutcome = 'running' | 'succeeded' | 'failed' | 'abandoned';

/** 0080: one row per run of a periodic job (src/jobs/). */
export interface JobRunsTable {
  id: BigId;
  job: string;
  reason: JobRunReason;
  runner: string;
  started_at: TimestampDefault;
  finished_at: Timestamp | null;
  outcome: ColumnType<JobRunOutcome, JobRunOutcome | undefined, JobRunOutcome>;
  error: string | null;
  summary: ColumnType<Record<string, unknown> | null, string | null, string | null>;
}

/** 0045: the one demo account (src/services/demo-account.ts). */
export interface DemoAccountTable {
  singleton: Generated<boolean>;
  user_id: BigIntRef;
  created_at: Generated<Date>;
  follows_set_at: Date | null;
  followed: Generated<string[]>;
}
