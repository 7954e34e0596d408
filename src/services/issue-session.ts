// Starts a session (one refresh-token family) and issues its first token pair.
import { newOpaqueToken } from '../auth/opaque-tokens.ts';
import type { Db, Tx } from '../db/client.ts';
import type { AuthDeps, RequestMeta } from './auth-deps.ts';

export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  sessionId: string;
}

export function refreshExpiry(deps: Pick<AuthDeps, 'clock' | 'refreshTokenTtlDays'>): Date {
  return new Date(deps.clock().getTime() + deps.refreshTokenTtlDays * 86_400_000);
}

/** Inserts a refresh token for the session and signs an access token; returns both. */
export async function issueTokenPair(
  deps: Pick<AuthDeps, 'clock' | 'refreshTokenTtlDays' | 'accessTokens'>,
  db: Db | Tx,
  userId: string,
  sessionId: string,
): Promise<TokenPair> {
  const refresh = newOpaqueToken('rt');
  const expiresAt = refreshExpiry(deps);
  await db
    .insertInto('auth_refresh_tokens')
    .values({
      session_id: sessionId,
      token_hash: refresh.hash,
      expires_at: expiresAt,
      created_at: deps.clock(),
    })
    .execute();
  const access = await deps.accessTokens.sign({ userId, sessionId });
  return {
    tokenType: 'Bearer',
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken: refresh.token,
    refreshTokenExpiresAt: expiresAt.toISOString(),
    sessionId,
  };
}

export async function startSession(
  deps: Pick<AuthDeps, 'clock' | 'refreshTokenTtlDays' | 'accessTokens'>,
  tx: Tx,
  userId: string,
  meta: RequestMeta,
): Promise<TokenPair> {
  const now = deps.clock();
  const session = await tx
    .insertInto('auth_sessions')
    .values({
      user_id: userId,
      created_at: now,
      last_used_at: now,
      expires_at: refreshExpiry(deps),
      ip: meta.ip?.slice(0, 64) ?? null,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return issueTokenPair(deps, tx, userId, session.id);
}
