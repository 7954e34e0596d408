// Ends one of the user's sessions (logout is the current one). Another user's session reads as not
// found. Revoking an already revoked session of one's own is a no-op.
import type { Db } from '../db/client.ts';
import type { Clock } from '../auth/clock.ts';
import type { SessionRevokedReason } from '../db/schema.ts';
import { hashToken } from '../auth/opaque-tokens.ts';
import { notFound } from './app-error.ts';

export async function revokeSession(
  deps: { db: Db; clock: Clock },
  userId: string,
  sessionId: string,
  reason: SessionRevokedReason,
): Promise<void> {
  const session = await deps.db
    .selectFrom('auth_sessions')
    .select(['id', 'revoked_at'])
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!session) throw notFound('session');
  if (session.revoked_at) return;
  await deps.db
    .updateTable('auth_sessions')
    .set({ revoked_at: deps.clock(), revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Logout by refresh token (the web app's cookie, when its access token is gone): ends the session the
 * token belongs to if the token is still the live one. A spent, unknown or expired token ends nothing
 * (it cannot prove it holds the session).
 */
export async function revokeSessionOfRefreshToken(
  deps: { db: Db; clock: Clock },
  refreshToken: string,
): Promise<void> {
  const now = deps.clock();
  await deps.db
    .updateTable('auth_sessions')
    .set({ revoked_at: now, revoked_reason: 'logout' })
    .where('revoked_at', 'is', null)
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('auth_refresh_tokens')
        .select('session_id')
        .where('token_hash', '=', hashToken(refreshToken))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now),
    )
    .execute();
}
