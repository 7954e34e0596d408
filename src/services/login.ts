// Sign-in with email and password. Unknown email and wrong password answer the same error in about
// the same time. Five consecutive failures lock the account for 30 minutes; while locked, no
// password is checked and the answer is that same 401 (a distinct "locked" answer would tell anyone
// which emails have accounts): the owner learns of the lock by mail, sent when it starts. Success resets the counter and starts a session. With two-factor
// authentication on, a TOTP or recovery code is needed too (`totp`); a wrong one counts as a failure.
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from '../auth/passwords.ts';
import type { AuthDeps, RequestMeta } from './auth-deps.ts';
import { AppError } from './app-error.ts';
import { LOCKOUT_MS } from './auth-deps.ts';
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
    await burnPasswordCheck(input.password);
    throw INVALID();
  }
  if (!(await verifyPassword(user.password_hash, input.password))) {
    if (await recordFailedSignIn(deps.db, user.id, now)) await mailLockNotice(deps, email);
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

async function mailLockNotice(deps: AuthDeps, email: string): Promise<void> {
  const minutes = Math.round(LOCKOUT_MS / 60_000);
  const link = `${deps.publicUrl}/reset-password`;
  try {
    await deps.mailer.send({
      to: email,
      subject: 'Your polycopy sign-in is locked for a while',
      text:
        `After five wrong passwords in a row, signing in to your polycopy account is locked for ${minutes} minutes; ` +
        `until then even the right password is refused. If this was not you, choose a new password (it lifts the lock):\n\n${link}`,
      link,
    });
  } catch (err) {
    deps.logger.error({ err }, 'could not send the sign-in lock notice');
  }
}
