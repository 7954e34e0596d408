// Column types every table uses, and the enumerations stored as text. NUMERIC and BIGINT columns
// arrive from `pg` as strings (exact; never parsed into floats), timestamps as Date.
import type { ColumnType } from 'kysely';
import type { NotificationKind, NotificationLevel } from '../../domain/notifications/notification-kinds.ts';

export type { NotificationKind, NotificationLevel };

/** NUMERIC: read as an exact string; written as a string (or a Decimal's toFixed()). */
export type Numeric = ColumnType<string, string, string>;
export type NumericDefault = ColumnType<string, string | undefined, string>;
/** BIGINT / BIGSERIAL ids: strings, so ids above 2^53 stay exact. */
export type BigId = ColumnType<string, string | undefined, never>;
export type BigIntRef = ColumnType<string, string | number | bigint, string | number | bigint>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type TimestampDefault = ColumnType<Date, Date | string | undefined, Date | string>;

export type SubscriptionTier = 'free' | 'basic' | 'pro' | 'premium';
export type ApiKeyStatus = 'active' | 'revoked' | 'suspended' | 'expired';
export type RelationshipStatus = 'active' | 'paused' | 'stopped';
export type TradeStatus = 'pending' | 'open' | 'closed' | 'cancelled' | 'failed';
export type QueueStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
export type Position = 'YES' | 'NO' | 'LONG' | 'SHORT';
