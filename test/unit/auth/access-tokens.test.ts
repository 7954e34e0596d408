// Access tokens (jose HS256) with an injected clock: a signed token verifies to its subject until it
// expires; anything else — another key, alg none, another audience or type, a tampered payload, a
// token dated in the future — verifies to null.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokens, deriveAccessTokenKey } from '../../../src/auth/access-tokens.ts';

const KEY = deriveAccessTokenKey(Buffer.alloc(32, 7));
const START = Date.UTC(2026, 11, 7, 12, 0, 0);

function tokensAt(ms: { now: number }, key = KEY) {
  return new AccessTokens(key, 900, () => new Date(ms.now));
}

describe('AccessTokens', () => {
  it('verifies its own token to the subject until it expires', async () => {
    const clock = { now: START };
    const tokens = tokensAt(clock);
    const { token, expiresAt } = await tokens.sign({ userId: '42', sessionId: 's-1' });
    expect(expiresAt.getTime()).toBe(START + 900_000);
    expect(await tokens.verify(token)).toEqual({ userId: '42', sessionId: 's-1' });
    clock.now = START + 899_000;
    expect(await tokens.verify(token)).toEqual({ userId: '42', sessionId: 's-1' });
    clock.now = START + 900_000;
    expect(await tokens.verify(token)).toBeNull();
  });

  it('refuses another key, alg none, a tampered payload and garbage', async () => {
    const clock = { now: START };
    const { token } = await tokensAt(clock).sign({ userId: '42', sessionId: 's-1' });
    expect(await tokensAt(clock, deriveAccessTokenKey(Buffer.alloc(32, 8))).verify(token)).toBeNull();
    const [, payload] = token.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect(await tokensAt(clock).verify(none)).toBeNull();
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: '1' })).toString('base64url');
    const [h, , sig] = token.split('.');
    expect(await tokensAt(clock).verify(`${h}.${forged}.${sig}`)).toBeNull();
    for (const junk of ['', 'a.b', 'a.b.c', `${token}x`])
      expect(await tokensAt(clock).verify(junk)).toBeNull();
  });

  it('refuses our key used for another audience, type, a non-numeric user, or a token from the future', async () => {
    const key = new Uint8Array(KEY);
    const iat = Math.floor(START / 1000);
    const make = (claims: Record<string, unknown>, aud = 'polycopy-api', at = iat, sub = '42') =>
      new SignJWT({ sid: 's-1', typ: 'access', ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('polycopy')
        .setAudience(aud)
        .setSubject(sub)
        .setIssuedAt(at)
        .setExpirationTime(at + 900)
        .sign(key);
    const tokens = tokensAt({ now: START });
    expect(await tokens.verify(await make({}))).toEqual({ userId: '42', sessionId: 's-1' });
    expect(await tokens.verify(await make({}, 'someone-else'))).toBeNull();
    expect(await tokens.verify(await make({ typ: 'refresh' }))).toBeNull();
    expect(await tokens.verify(await make({}, 'polycopy-api', iat, 'admin'))).toBeNull();
    expect(await tokens.verify(await make({ sid: 7 }))).toBeNull();
    expect(await tokens.verify(await make({}, 'polycopy-api', iat + 120))).toBeNull();
  });
});
