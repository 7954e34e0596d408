// One-time tickets for the live-event stream (docs/api.md "Live updates"). A browser's EventSource
// cannot send an Authorization header, and an access token in a URL would be recorded by proxies
// and logs; so the app trades its access token for a ticket (POST /events/ticket) and opens
// GET /events?ticket=... with it. A ticket is random (only its SHA-256 is stored), works once, for
// 60 seconds, and is bound to the session that asked: the stream then lives as long as that session.
import { hashToken, newOpaqueToken } from '../auth/opaque-tokens.ts';
import type { Clock } from '../auth/clock.ts';
import type { Db } from '../db/client.ts';
import { AppError } from './app-error.ts';
import type { AuthContext } from './authenticate.ts';

export const STREAM_TICKET_TTL_MS = 60_000;
export const STREAM_TICKET_PATTERN = /^st_[A-Za-z0-9_-]{43}$/;

type Deps = { db: Db; clock: Clock };

export async function issueStreamTicket(
  deps: Deps,
  auth: AuthContext,
): Promise<{ ticket: string; expiresAt: string }> {
  const now = deps.clock();
  const { token, hash } = newOpaqueToken('st');
  const expiresAt = new Date(now.getTime() + STREAM_TICKET_TTL_MS);
  // The user's stale tickets go as new ones come: the table stays the size of recent reconnects.
  await deps.db
    .deleteFrom('auth_stream_tickets')
    .where('user_id', '=', auth.userId)
    .where('expires_at', '<', new Date(now.getTime() - 3_600_000))
    .execute();
  await deps.db
    .insertInto('auth_stream_tickets')
    .values({
      ticket_hash: hash,
      user_id: auth.userId,
      session_id: auth.sessionId,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { ticket: token, expiresAt: expiresAt.toISOString() };
}

/** Whether the session is still live (not revoked, not expired, its user active); its role if so. */
export async function liveSession(
  deps: Deps,
  userId: string,
  sessionId: string,
): Promise<AuthContext | null> {
  const row = await deps.db
    .selectFrom('auth_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.role', 'u.is_active', 's.revoked_at', 's.expires_at'])
    .where('s.id', '=', sessionId)
    .where('s.user_id', '=', userId)
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at <= deps.clock() || !row.is_active) return null;
  return { userId, sessionId, role: row.role };
}

/** Spends the ticket (once) and answers its session; 401 invalid_token when it cannot be used. */
export async function redeemStreamTicket(deps: Deps, ticket: string): Promise<AuthContext> {
  const now = deps.clock();
  const row = await deps.db
    .updateTable('auth_stream_tickets')
    .set({ used_at: now })
    .where('ticket_hash', '=', hashToken(ticket))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['user_id', 'session_id'])
    .executeTakeFirst();
  const auth = row ? await liveSession(deps, row.user_id, row.session_id) : null;
  if (!auth)
    throw new AppError('invalid_token', 'the stream ticket is unknown, used or expired; get a new one');
  return auth;
}
