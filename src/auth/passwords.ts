// Password hashing (argon2id, OWASP's recommended parameters: 19 MiB, 2 passes, 1 lane) and the
// password policy. The policy follows NIST SP 800-63B: length over composition rules, and a refusal
// of passwords that are known-common or built from the account's own email.
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

// The most common passwords that would otherwise pass the length rule.
const COMMON = new Set([
  '1234567890',
  '12345678910',
  '123456789012',
  '0123456789',
  '1111111111',
  'qwertyuiop',
  'qwertyuiop1',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'password12',
  'password123',
  'password1234',
  'passw0rd123',
  'iloveyou123',
  'abcdefghij',
  'abc1234567',
  'qwerty1234',
  'qwerty12345',
  'qwerty123456',
  'letmein123',
  'welcome123',
  'monkey1234',
  'dragon1234',
  'football123',
  'baseball123',
  'sunshine123',
  'princess123',
  'administrator',
  'polycopy123',
  'polymarket123',
  'polymarket',
  'copytrading',
]);

/** Why the password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'password is too common';
  if (new Set(lower).size <= 2) return 'password is too repetitive';
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local))
    return 'password must not contain your email address';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false; // a malformed stored hash is a failed check, not a crash
  }
}

/** True when the hash was made with other parameters than today's (upgraded at the next sign-in). */
export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, OPTIONS);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one real verification, for sign-ins with an unknown email: answering those
 * faster than wrong passwords would tell an attacker which emails have accounts.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
}
