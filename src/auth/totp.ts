// TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, the parameters every authenticator app
// supports) and recovery codes.
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const TOTP_ISSUER = 'polycopy';
const PERIOD = 30;
const DIGITS = 6;
/** Steps accepted either side of now: 30 s of clock drift. */
const WINDOW = 1;

export const RECOVERY_CODE_COUNT = 10;

function totp(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new random 160-bit secret, base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, label: string): string {
  return totp(secretBase32, label).toString();
}

export const isTotpCode = (code: string): boolean => /^\d{6}$/.test(code);

/** The time step the code belongs to (within the window around `at`), or null when it is wrong. */
export function totpStep(secretBase32: string, code: string, at: Date): number | null {
  if (!isTotpCode(code)) return null;
  const timestamp = at.getTime();
  const delta = totp(secretBase32, 'x').validate({ token: code, timestamp, window: WINDOW });
  return delta === null ? null : TOTP.counter({ period: PERIOD, timestamp }) + delta;
}

// Recovery codes: 80 random bits as four groups of four base32 characters (xxxx-xxxx-xxxx-xxxx).
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-').toLowerCase();
}

/** Case, spaces and dashes do not matter; null when it cannot be a recovery code. */
export function normalizeRecoveryCode(input: string): string | null {
  const v = input.replace(/[\s-]/g, '').toUpperCase();
  return /^[A-Z2-7]{16}$/.test(v) ? v : null;
}

export function recoveryCodeHash(normalized: string): string {
  return createHash('sha256').update(`polycopy-recovery-code\0${normalized}`, 'utf8').digest('hex');
}
