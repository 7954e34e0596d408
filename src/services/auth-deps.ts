// The collaborators the account and session use cases share. Built by the composition root
// (src/app/platform.ts) and by tests.
import type { Decimal } from '../domain/money.ts';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { Clock } from '../auth/clock.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../observability/logger.ts';
import type { MasterKey } from '../vault/master-key.ts';
import type { Mailer } from './mailer.ts';

export interface AuthDeps {
  db: Db;
  clock: Clock;
  accessTokens: AccessTokens;
  refreshTokenTtlDays: number;
  mailer: Mailer;
  /** Base URL of the web app; mail links point here. */
  publicUrl: string;
  logger: Logger;
  /** Decrypts TOTP secrets (two-factor sign-in). */
  masterKey: MasterKey;
  /** A paper account's cash before its first entry: the balance a new account's view shows. */
  paperStartingBalanceUsd: Decimal;
}

/** Who made a request, for session records and audit rows. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 30 * 60_000;
export const EMAIL_VERIFICATION_TTL_MS = 24 * 3_600_000;
export const PASSWORD_RESET_TTL_MS = 3_600_000;
