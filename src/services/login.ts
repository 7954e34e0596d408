// Sign-in with email and password. Unknown email and wrong password answer the same error in about
// the same time. Five consecutive failures lock the account for 30 minutes; while locked, no
// password is checked. Success resets the counter and starts a session. With two-factor
// authentication on, a TOTP or recovery code is needed too (`totp`); a wrong one counts as a failure.
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from '../auth/passwords.ts';
import type { AuthDeps, RequestMeta } from './auth-deps.ts';
import { AppError } from './app-error.ts';
import { recordFailedSignIn } from './failed-sign-in.ts';
import { startSession, type TokenPair } from './issue-session.ts';
import { withSecondFactor } from './two-factor.ts';

const INVALID = () => new AppError('invalid_credentials', 'email or password is incorrect');

export async function login(
  deps: AuthDeps,
  input: { email: string; password: string; totp?: string | undefined },
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
    await recordFailedSignIn(deps.db, user.id, now);
    throw INVALID();
  }
  if (!user.is_active) throw new AppError('forbidden', 'this account is disabled');
  const rehash = needsRehash(user.password_hash) ? await hashPassword(input.password) : undefined;
  return withSecondFactor(deps, user.id, input.totp, async (tx) => {
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
