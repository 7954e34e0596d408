// Sends (or re-sends) the link that proves the user owns their email address.
import type { AuthDeps } from './auth-deps.ts';
import { EMAIL_VERIFICATION_TTL_MS } from './auth-deps.ts';
import { AppError } from './app-error.ts';
import { issueOneTimeToken } from './one-time-tokens.ts';

export async function sendEmailVerification(deps: AuthDeps, userId: string): Promise<void> {
  const user = await deps.db
    .selectFrom('users')
    .select(['email', 'is_verified'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user?.email) throw new AppError('conflict', 'this account has no email address');
  if (user.is_verified) throw new AppError('conflict', 'the email address is already verified');
  const token = await issueOneTimeToken(
    deps.db,
    deps.clock,
    userId,
    'email_verification',
    EMAIL_VERIFICATION_TTL_MS,
  );
  const link = `${deps.publicUrl}/verify-email#token=${encodeURIComponent(token)}`;
  await deps.mailer.send({
    to: user.email,
    subject: 'Verify your polycopy email address',
    text: `Open this link within 24 hours to verify your email address:\n\n${link}\n\nIf you did not sign up for polycopy, ignore this message.`,
    link,
  });
}
