// Adds email + password sign-in to an account that signs in with a wallet or Telegram (issue 16
// item 4). The address starts unverified and a verification link is mailed (a mail failure does not
// undo the link: the user can ask for another). Like removing an identity, adding one needs a fresh
// 2FA code when 2FA is on: a stolen session must not be able to plant a password it knows.
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import type { AuthDeps } from './auth-deps.ts';
import { AppError, notFound } from './app-error.ts';
import { sendEmailVerification } from './send-email-verification.ts';
import { withSecondFactor } from './two-factor.ts';
import { userViewOf, type UserView } from './user-view.ts';

export async function linkEmail(
  deps: AuthDeps,
  userId: string,
  input: { email: string; password: string },
  totp: string | undefined,
): Promise<UserView> {
  const email = input.email.trim().toLowerCase();
  const problem = passwordProblem(input.password, email);
  if (problem) throw new AppError('weak_password', problem);
  // Hashing is slow on purpose: done before the transaction so no row lock waits on it.
  const passwordHash = await hashPassword(input.password);
  const view = await withSecondFactor(deps, userId, totp, async (tx) => {
    const user = await tx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) throw notFound('user');
    if (user.password_hash !== null)
      throw new AppError('conflict', 'the account already signs in with an email and password');
    const taken = await tx
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .where('id', '<>', userId)
      .executeTakeFirst();
    if (taken) throw new AppError('email_taken', 'an account with this email already exists');
    const keepsVerification = user.email === email && user.is_verified;
    const updated = await tx
      .updateTable('users')
      .set({ email, password_hash: passwordHash, is_verified: keepsVerification })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((err: unknown) => {
        // A sign-up with the same email committed between the check above and this write.
        if ((err as { code?: string }).code === '23505')
          throw new AppError('email_taken', 'an account with this email already exists');
        throw err;
      });
    return userViewOf({ db: tx, paperStartingBalanceUsd: deps.paperStartingBalanceUsd }, updated);
  });
  if (!view.emailVerified) {
    try {
      await sendEmailVerification(deps, userId);
    } catch (err) {
      deps.logger.error({ err, userId }, 'could not send the verification mail');
    }
  }
  return view;
}
