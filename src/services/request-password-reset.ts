// Mails a password reset link. Answers the same whether or not the email has an account, so the
// endpoint cannot be used to discover accounts.
import type { AuthDeps } from './auth-deps.ts';
import { PASSWORD_RESET_TTL_MS } from './auth-deps.ts';
import { issueOneTimeToken } from './one-time-tokens.ts';

export async function requestPasswordReset(deps: AuthDeps, input: { email: string }): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'email', 'is_active'])
    .where('email', '=', email)
    .executeTakeFirst();
  if (!user?.email || !user.is_active) return;
  const token = await issueOneTimeToken(
    deps.db,
    deps.clock,
    user.id,
    'password_reset',
    PASSWORD_RESET_TTL_MS,
  );
  const link = `${deps.publicUrl}/reset-password#token=${encodeURIComponent(token)}`;
  try {
    await deps.mailer.send({
      to: user.email,
      subject: 'Reset your polycopy password',
      text: `Open this link within one hour to choose a new password:\n\n${link}\n\nIf you did not ask for this, ignore this message; your password is unchanged.`,
      link,
    });
  } catch (err) {
    deps.logger.error({ err, userId: user.id }, 'could not send the password reset mail');
  }
}
