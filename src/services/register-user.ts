// Sign-up with email and password. The account starts on the free tier, unverified, and signed in
// (a first session is started: nobody should have to sign in right after signing up); a verification
// link is mailed (a mail failure does not undo the account: the user can ask for another link).
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import { withTransaction } from '../db/client.ts';
import type { AuthDeps, RequestMeta } from './auth-deps.ts';
import { AppError } from './app-error.ts';
import { startSession, type TokenPair } from './issue-session.ts';
import { sendEmailVerification } from './send-email-verification.ts';
import { userViewOf, type UserView } from './user-view.ts';

export async function registerUser(
  deps: AuthDeps,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<{ user: UserView; session: TokenPair }> {
  const email = input.email.trim().toLowerCase();
  const problem = passwordProblem(input.password, email);
  if (problem) throw new AppError('weak_password', problem);
  const passwordHash = await hashPassword(input.password);
  const user = await deps.db
    .insertInto('users')
    .values({ email, password_hash: passwordHash })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!user) throw new AppError('email_taken', 'an account with this email already exists');
  const { signedIn, session } = await withTransaction(deps.db, async (tx) => {
    const row = await tx
      .updateTable('users')
      .set({ last_login_at: deps.clock() })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { signedIn: row, session: await startSession(deps, tx, user.id, meta) };
  });
  try {
    await sendEmailVerification(deps, user.id);
  } catch (err) {
    deps.logger.error({ err, userId: user.id }, 'could not send the verification mail');
  }
  return { user: await userViewOf(deps, signedIn), session };
}
