// Counts a failed sign-in factor (wrong password, wrong TOTP code). Five in a row lock the account
// for 30 minutes. One statement, so concurrent failures all count and exactly one sets the lock.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { LOCKOUT_MS, LOCKOUT_THRESHOLD } from './auth-deps.ts';

/** Returns true when this failure started a lock. */
export async function recordFailedSignIn(db: Db | Tx, userId: string, now: Date): Promise<boolean> {
  const lockUntil = new Date(now.getTime() + LOCKOUT_MS);
  const { rows } = await sql<{ locked: boolean }>`
    UPDATE users SET
      locked_until = CASE WHEN failed_login_attempts + 1 >= ${LOCKOUT_THRESHOLD} THEN ${lockUntil} ELSE locked_until END,
      failed_login_attempts = CASE WHEN failed_login_attempts + 1 >= ${LOCKOUT_THRESHOLD} THEN 0
                                   ELSE failed_login_attempts + 1 END
    WHERE id = ${userId}
    RETURNING locked_until IS NOT DISTINCT FROM ${lockUntil}::timestamptz AS locked`.execute(db);
  return rows[0]?.locked === true;
}
