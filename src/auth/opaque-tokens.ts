// Random bearer tokens (refresh, email verification, password reset). Only their SHA-256 is stored:
// a leaked database does not yield usable tokens, and 256 random bits need no slow hash.
import { createHash, randomBytes } from 'node:crypto';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token with a readable prefix (`rt_`, `ev_`, `pr_`) and its storage hash. */
export function newOpaqueToken(prefix: string): { token: string; hash: string } {
  const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}
