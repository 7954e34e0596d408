// Accounts and sessions, two-factor, credentials' audit, the admin audit trail (0020-0024, 0050).
import type { ColumnType } from 'kysely';
import type { BigId, BigIntRef, Timestamp, TimestampDefault } from './columns.ts';

// --- Platform API (issue 6): migrations 0020-0022 ---

export type UserRole = 'user' | 'admin';
export type CopyMode = 'live' | 'paper';
export type StopPositions = 'keep' | 'close';
export type SessionRevokedReason =
  'logout' | 'revoked_by_user' | 'refresh_token_reuse' | 'password_reset' | 'admin';
export type OneTimeTokenPurpose = 'email_verification' | 'password_reset';
export type CredentialAuditAction =
  'create' | 'verify_failed' | 'use' | 'update' | 'revoke' | 'rotate_master_key' | 'rewrap';
export type AuditActor = 'user' | 'admin' | 'system' | 'cli';

export interface AuthSessionsTable {
  id: ColumnType<string, string | undefined, never>;
  user_id: BigIntRef;
  created_at: TimestampDefault;
  last_used_at: TimestampDefault;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_reason: SessionRevokedReason | null;
  user_agent: string | null;
  ip: string | null;
}

export interface AuthRefreshTokensTable {
  id: BigId;
  session_id: string;
  token_hash: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface AuthOneTimeTokensTable {
  id: BigId;
  user_id: BigIntRef;
  purpose: OneTimeTokenPurpose;
  token_hash: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

// 0023-two-factor
export interface AuthRecoveryCodesTable {
  id: BigId;
  user_id: BigIntRef;
  code_hash: string;
  created_at: TimestampDefault;
  used_at: Timestamp | null;
}

export interface AuthTotpStateTable {
  user_id: BigIntRef;
  /** The last accepted TOTP time step (bigint as string). */
  last_used_step: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  updated_at: TimestampDefault;
}

// 0050-event-stream-tickets
export interface AuthStreamTicketsTable {
  ticket_hash: string;
  user_id: BigIntRef;
  session_id: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface AuthSiweNoncesTable {
  nonce: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface CredentialAuditLogTable {
  id: BigId;
  user_id: ColumnType<string | null, string | null | undefined, never>;
  api_key_id: ColumnType<string | null, string | null | undefined, never>;
  action: CredentialAuditAction;
  actor: AuditActor;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  ip: string | null;
  created_at: TimestampDefault;
}

// 0024-admin-audit
export type AdminAuditAction =
  | 'user_activate'
  | 'user_deactivate'
  | 'user_role'
  | 'user_tier'
  | 'kill_switch'
  | 'queue_cancel'
  | 'queue_requeue'
  | 'user_create' // 0082
  | 'queue_settle'; // 0082

export interface AdminAuditLogTable {
  id: BigId;
  /** Null for an action taken from the command line (0082); `actor` names the operator then. */
  actor_user_id: ColumnType<string | null, string | null | undefined, never>;
  actor: ColumnType<string | null, string | null | undefined, never>; // 0082
  action: AdminAuditAction;
  target_user_id: ColumnType<string | null, string | null | undefined, never>;
  target_queue_id: ColumnType<string | null, string | null | undefined, never>;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  ip: string | null;
  created_at: TimestampDefault;
}
