// Short-lived access tokens: JWTs (HS256) signed and verified with jose. The token names its user
// and session; the API still loads the session on every request, so logout and session revocation
// take effect at once rather than when the token expires.
import { hkdfSync } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Clock } from './clock.ts';

const ISSUER = 'polycopy';
const AUDIENCE = 'polycopy-api';
const ALG = 'HS256';
// A token dated this far in the future (clock skew between API processes) is still accepted.
const MAX_FUTURE_IAT_SECONDS = 60;

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
}

/** The HMAC key, derived from the master key so a deployment has one secret to manage. */
export function deriveAccessTokenKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, 'polycopy', 'access-token-hmac-v1', 32));
}

export class AccessTokens {
  readonly #key: Uint8Array;

  constructor(
    key: Buffer,
    readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {
    if (key.length < 32) throw new RangeError('access token key must be at least 32 bytes');
    this.#key = new Uint8Array(key);
  }

  async sign(subject: AccessTokenSubject): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(this.clock().getTime() / 1000);
    const exp = iat + this.ttlSeconds;
    const token = await new SignJWT({ sid: subject.sessionId, typ: 'access' })
      .setProtectedHeader({ alg: ALG, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(subject.userId)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.#key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The token's subject when it is well-formed, ours, and unexpired; null otherwise. */
  async verify(token: string): Promise<AccessTokenSubject | null> {
    const now = this.clock();
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        // Only HS256: no alg=none, no algorithm confusion.
        algorithms: [ALG],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: now,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 0,
      });
      if (payload.typ !== 'access') return null;
      if (payload.iat! > Math.floor(now.getTime() / 1000) + MAX_FUTURE_IAT_SECONDS) return null;
      if (!/^\d+$/.test(payload.sub!)) return null;
      if (typeof payload.sid !== 'string') return null;
      return { userId: payload.sub!, sessionId: payload.sid };
    } catch {
      return null;
    }
  }
}
