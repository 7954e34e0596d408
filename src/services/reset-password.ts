// Sets a new password with a reset token. Every existing session is revoked (whoever knew the old
// password is signed out) and any lockout is lifted. Possession of the mailed link also proves the
// email address.
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import { withTransaction } from '../db/client.ts';
import type { AuthDeps } from './auth-deps.ts';
import { AppError } from './app-error.ts';
import { consumeOneTimeToken } from './one-time-tokens.ts';

export async function resetPassword(
  deps: AuthDeps,
  input: { token: string; password: string },
): Promise<void> {
  const hash = await hashPassword(input.password);
  await withTransaction(deps.db, async (tx) => {
    const userId = await consumeOneTimeToken(tx, deps.clock, input.token, 'password_reset');
    if (!userId) throw new AppError('invalid_token', 'the reset link is invalid, used or expired');
    const user = await tx
      .selectFrom('users')
      .select('email')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    // Checked after the token so an invalid token is reported as such; the throw rolls the use back.
    const problem = passwordProblem(input.password, user.email ?? undefined);
    if (problem) throw new AppError('weak_password', problem);
    const now = deps.clock();
    await tx
      .updateTable('users')
      .set({ password_hash: hash, failed_login_attempts: 0, locked_until: null, is_verified: true })
      .where('id', '=', userId)
      .execute();
    await tx
      .updateTable('auth_sessions')
      .set({ revoked_at: now, revoked_reason: 'password_reset' })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  });
}
