// Ends one of the user's sessions (logout is the current one). Another user's session reads as not
// found. Revoking an already revoked session of one's own is a no-op.
import type { Db } from '../db/client.ts';
import type { Clock } from '../auth/clock.ts';
import type { SessionRevokedReason } from '../db/schema.ts';
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
