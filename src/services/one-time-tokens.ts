// Email verification and password reset tokens: random, stored hashed, single-use, expiring. Issuing
// a new token of a purpose retires the user's older unused ones of that purpose.
import type { Clock } from '../auth/clock.ts';
import { hashToken, newOpaqueToken } from '../auth/opaque-tokens.ts';
import type { Db, Tx } from '../db/client.ts';
import type { OneTimeTokenPurpose } from '../db/schema.ts';

const PREFIX: Record<OneTimeTokenPurpose, string> = { email_verification: 'ev', password_reset: 'pr' };

export async function issueOneTimeToken(
  db: Db | Tx,
  clock: Clock,
  userId: string,
  purpose: OneTimeTokenPurpose,
  ttlMs: number,
): Promise<string> {
  const now = clock();
  await db
    .updateTable('auth_one_time_tokens')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
  const { token, hash } = newOpaqueToken(PREFIX[purpose]);
  await db
    .insertInto('auth_one_time_tokens')
    .values({
      user_id: userId,
      purpose,
      token_hash: hash,
      created_at: now,
      expires_at: new Date(now.getTime() + ttlMs),
    })
    .execute();
  return token;
}

/** Marks the token used and returns its user, or null when it is unknown, used or expired. */
export async function consumeOneTimeToken(
  db: Db | Tx,
  clock: Clock,
  token: string,
  purpose: OneTimeTokenPurpose,
): Promise<string | null> {
  const now = clock();
  const row = await db
    .updateTable('auth_one_time_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id ?? null;
}
