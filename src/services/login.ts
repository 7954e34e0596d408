// Sign-in with email and password. Unknown email and wrong password answer the same error in about
// the same time. Five consecutive failures lock the account for 30 minutes; while locked, no
// password is checked. Success resets the counter and starts a session.
import { sql } from 'kysely';
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from '../auth/passwords.ts';
import { withTransaction } from '../db/client.ts';
import type { AuthDeps, RequestMeta } from './auth-deps.ts';
import { LOCKOUT_MS, LOCKOUT_THRESHOLD } from './auth-deps.ts';
import { AppError } from './app-error.ts';
import { startSession, type TokenPair } from './issue-session.ts';

const INVALID = () => new AppError('invalid_credentials', 'email or password is incorrect');

export async function login(
  deps: AuthDeps,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<TokenPair> {
  const email = input.email.trim().toLowerCase();
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'password_hash', 'locked_until', 'is_active'])
    .where('email', '=', email)
    .executeTakeFirst();
  if (!user?.password_hash) {
    await burnPasswordCheck(input.password);
    throw INVALID();
  }
  const now = deps.clock();
  if (user.locked_until && user.locked_until > now) {
    const seconds = Math.ceil((user.locked_until.getTime() - now.getTime()) / 1000);
    throw new AppError('account_locked', 'too many failed sign-ins; try again later', seconds);
  }
  if (!(await verifyPassword(user.password_hash, input.password))) {
    // One statement, so concurrent failures all count and exactly one of them sets the lock.
    const lockUntil = new Date(now.getTime() + LOCKOUT_MS);
    await sql`
      UPDATE users SET
        locked_until = CASE WHEN failed_login_attempts + 1 >= ${LOCKOUT_THRESHOLD} THEN ${lockUntil} ELSE locked_until END,
        failed_login_attempts = CASE WHEN failed_login_attempts + 1 >= ${LOCKOUT_THRESHOLD} THEN 0
                                     ELSE failed_login_attempts + 1 END
      WHERE id = ${user.id}`.execute(deps.db);
    throw INVALID();
  }
  if (!user.is_active) throw new AppError('forbidden', 'this account is disabled');
  const rehash = needsRehash(user.password_hash) ? await hashPassword(input.password) : undefined;
  return withTransaction(deps.db, async (tx) => {
    await tx
      .updateTable('users')
      .set({
        failed_login_attempts: 0,
        locked_until: null,
        last_login_at: now,
        ...(rehash ? { password_hash: rehash } : {}),
      })
      .where('id', '=', user.id)
      .execute();
    return startSession(deps, tx, user.id, meta);
  });
}
