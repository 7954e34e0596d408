// Exchanges a refresh token for a new pair. Each refresh token works once. A token presented again
// after it was rotated means two parties hold it (one of them a thief): the whole session (every
// token of the family) is revoked and both have to sign in again.
import { hashToken } from '../auth/opaque-tokens.ts';
import { withTransaction } from '../db/client.ts';
import type { AuthDeps } from './auth-deps.ts';
import { AppError } from './app-error.ts';
import { issueTokenPair, refreshExpiry, type TokenPair } from './issue-session.ts';

export async function refreshSession(deps: AuthDeps, refreshToken: string): Promise<TokenPair> {
  const outcome = await withTransaction(deps.db, async (tx) => {
    const row = await tx
      .selectFrom('auth_refresh_tokens as t')
      .innerJoin('auth_sessions as s', 's.id', 't.session_id')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select([
        't.id as token_id',
        't.used_at',
        't.expires_at as token_expires_at',
        's.id as session_id',
        's.revoked_at',
        's.expires_at as session_expires_at',
        's.user_id',
        'u.is_active',
      ])
      .where('t.token_hash', '=', hashToken(refreshToken))
      .forUpdate('t')
      .executeTakeFirst();
    const now = deps.clock();
    if (!row || row.revoked_at || !row.is_active) return { kind: 'invalid' } as const;
    if (row.used_at) {
      await tx
        .updateTable('auth_sessions')
        .set({ revoked_at: now, revoked_reason: 'refresh_token_reuse' })
        .where('id', '=', row.session_id)
        .where('revoked_at', 'is', null)
        .execute();
      return { kind: 'reused', sessionId: row.session_id, userId: row.user_id } as const;
    }
    if (row.token_expires_at <= now || row.session_expires_at <= now) return { kind: 'invalid' } as const;
    await tx
      .updateTable('auth_refresh_tokens')
      .set({ used_at: now })
      .where('id', '=', row.token_id)
      .execute();
    await tx
      .updateTable('auth_sessions')
      .set({ last_used_at: now, expires_at: refreshExpiry(deps) })
      .where('id', '=', row.session_id)
      .execute();
    return { kind: 'ok', pair: await issueTokenPair(deps, tx, row.user_id, row.session_id) } as const;
  });
  if (outcome.kind === 'ok') return outcome.pair;
  if (outcome.kind === 'reused') {
    deps.logger.warn(
      { userId: outcome.userId, sessionId: outcome.sessionId },
      'refresh token reuse: session revoked',
    );
    throw new AppError(
      'refresh_token_reused',
      'this refresh token was already used; the session has been revoked',
    );
  }
  throw new AppError('invalid_token', 'the refresh token is invalid or expired');
}
