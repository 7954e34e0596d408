// Resolves a bearer access token to its user and session. The session is read on every request, so
// a revoked session (logout, reuse detection, password reset) stops its access tokens at once.
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { Clock } from '../auth/clock.ts';
import type { Db } from '../db/client.ts';
import type { UserRole } from '../db/schema.ts';
import { AppError } from './app-error.ts';

export interface AuthContext {
  userId: string;
  sessionId: string;
  role: UserRole;
}

export async function authenticate(
  deps: { db: Db; clock: Clock; accessTokens: AccessTokens },
  accessToken: string,
): Promise<AuthContext> {
  const subject = await deps.accessTokens.verify(accessToken);
  if (!subject) throw new AppError('unauthenticated', 'the access token is invalid or expired');
  const row = await deps.db
    .selectFrom('auth_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.role', 'u.is_active', 's.revoked_at', 's.expires_at'])
    .where('s.id', '=', subject.sessionId)
    .where('s.user_id', '=', subject.userId)
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at <= deps.clock() || !row.is_active) {
    throw new AppError('unauthenticated', 'the session has ended; sign in again');
  }
  return { userId: subject.userId, sessionId: subject.sessionId, role: row.role };
}
