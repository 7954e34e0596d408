// Completes email verification with the token from the mailed link.
import { withTransaction } from '../db/client.ts';
import type { AuthDeps } from './auth-deps.ts';
import { AppError } from './app-error.ts';
import { consumeOneTimeToken } from './one-time-tokens.ts';

export async function confirmEmail(deps: AuthDeps, token: string): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    const userId = await consumeOneTimeToken(tx, deps.clock, token, 'email_verification');
    if (!userId) throw new AppError('invalid_token', 'the verification link is invalid, used or expired');
    await tx.updateTable('users').set({ is_verified: true }).where('id', '=', userId).execute();
  });
}
