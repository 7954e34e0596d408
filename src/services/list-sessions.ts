// The user's live sessions (signed-in devices), newest first.
import type { Clock } from '../auth/clock.ts';
import type { Db } from '../db/client.ts';

export interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export async function listSessions(
  deps: { db: Db; clock: Clock },
  userId: string,
  currentSessionId: string,
): Promise<SessionView[]> {
  const rows = await deps.db
    .selectFrom('auth_sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', deps.clock())
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((s) => ({
    id: s.id,
    createdAt: s.created_at.toISOString(),
    lastUsedAt: s.last_used_at.toISOString(),
    expiresAt: s.expires_at.toISOString(),
    ip: s.ip,
    userAgent: s.user_agent,
    current: s.id === currentSessionId,
  }));
}
