// Short-lived access tokens: JWTs signed with HMAC-SHA256 (node:crypto; no JWT library). The token
// names its user and session; the API still loads the session on every request, so logout and
// session revocation take effect at once rather than when the token expires.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Clock } from './clock.ts';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const ISSUER = 'polycopy';
const AUDIENCE = 'polycopy-api';

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
}

/** The HMAC key, derived from the master key so a deployment has one secret to manage. */
export function deriveAccessTokenKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, 'polycopy', 'access-token-hmac-v1', 32));
}

export class AccessTokens {
  readonly #key: Buffer;

  constructor(
    key: Buffer,
    readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {
    if (key.length < 32) throw new RangeError('access token key must be at least 32 bytes');
    this.#key = Buffer.from(key);
  }

  sign(subject: AccessTokenSubject): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.clock().getTime() / 1000);
    const exp = iat + this.ttlSeconds;
    const payload = Buffer.from(
      JSON.stringify({
        iss: ISSUER,
        aud: AUDIENCE,
        sub: subject.userId,
        sid: subject.sessionId,
        typ: 'access',
        iat,
        exp,
      }),
    ).toString('base64url');
    const signingInput = `${HEADER}.${payload}`;
    return { token: `${signingInput}.${this.#mac(signingInput)}`, expiresAt: new Date(exp * 1000) };
  }

  /** The token's subject when it is well-formed, ours, and unexpired; null otherwise. */
  verify(token: string): AccessTokenSubject | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [header, payload, signature] = parts as [string, string, string];
    // Only our exact header: no alg=none, no algorithm confusion.
    if (header !== HEADER) return null;
    const expected = Buffer.from(this.#mac(`${header}.${payload}`), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
    const now = Math.floor(this.clock().getTime() / 1000);
    if (claims.iss !== ISSUER || claims.aud !== AUDIENCE || claims.typ !== 'access') return null;
    if (typeof claims.exp !== 'number' || claims.exp <= now) return null;
    if (typeof claims.iat !== 'number' || claims.iat > now + 60) return null;
    if (typeof claims.sub !== 'string' || !/^\d+$/.test(claims.sub)) return null;
    if (typeof claims.sid !== 'string') return null;
    return { userId: claims.sub, sessionId: claims.sid };
  }

  #mac(input: string): string {
    return createHmac('sha256', this.#key).update(input).digest('base64url');
  }
}
