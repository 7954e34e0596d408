// Sign-up with email and password. The account starts on the free tier, unverified; a verification
// link is mailed (a mail failure does not undo the account: the user can ask for another link).
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import type { AuthDeps } from './auth-deps.ts';
import { AppError } from './app-error.ts';
import { sendEmailVerification } from './send-email-verification.ts';
import { toUserView, type UserView } from './user-view.ts';

export async function registerUser(
  deps: AuthDeps,
  input: { email: string; password: string },
): Promise<UserView> {
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
  try {
    await sendEmailVerification(deps, user.id);
  } catch (err) {
    deps.logger.error({ err, userId: user.id }, 'could not send the verification mail');
  }
  return toUserView(user);
}
