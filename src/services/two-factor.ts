// TOTP two-factor authentication: enrol (a new secret, encrypted at rest, not yet enabled), confirm
// (a code from the app enables it and issues ten one-time recovery codes, stored hashed), disable
// (needs a current code), and the check every protected action runs: sign-in by any identity,
// credential changes, identity unlinking, the emergency stop and admin actions.
//
// A TOTP code is accepted once: the last accepted time step is kept per user, so a code seen at
// sign-in cannot be replayed for a credential change. A wrong code counts as a failed sign-in
// (five lock the account for 30 minutes), which bounds guessing even with a stolen session.
//
// The step-up rule: a code is spent in the same transaction as the action it authorises
// (withSecondFactor), never in a transaction of its own. An action that fails rolls the spend back,
// so the user's code still works for the retry; and since the spend is a conditional write under a
// lock on the user's row, two requests racing with one code cannot both succeed.
import { sql } from 'kysely';
import QRCode from 'qrcode';
import type { Clock } from '../auth/clock.ts';
import { decryptTotpSecret, encryptTotpSecret } from '../auth/totp-secret.ts';
import {
  isTotpCode,
  newRecoveryCode,
  newTotpSecret,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
  totpStep,
  totpUri,
} from '../auth/totp.ts';
import { withTransaction, type Db, type Tx } from '../db/client.ts';
import type { MasterKey } from '../vault/master-key.ts';
import { AppError, notFound } from './app-error.ts';
import { recordFailedSignIn } from './failed-sign-in.ts';

export interface TwoFactorDeps {
  db: Db;
  clock: Clock;
  masterKey: MasterKey;
}

export const TOTP_HEADER = 'x-totp';

const REQUIRED = () =>
  new AppError('totp_required', 'two-factor authentication is on: send a current authenticator code');
const INVALID = () =>
  new AppError('invalid_totp', 'the authenticator or recovery code is wrong or already used');

/**
 * Accepts a TOTP code (6 digits, each time step once) or an unused recovery code (spent by this
 * call). Writes through `db`, so inside a transaction a later failure un-spends it.
 */
async function acceptCode(
  deps: TwoFactorDeps,
  db: Db | Tx,
  userId: string,
  secretBlob: Buffer,
  code: string,
): Promise<boolean> {
  const now = deps.clock();
  if (isTotpCode(code)) {
    const step = totpStep(decryptTotpSecret(deps.masterKey, userId, secretBlob), code, now);
    if (step === null) return false;
    const claimed = await sql<{ user_id: string }>`
      INSERT INTO auth_totp_state (user_id, last_used_step, updated_at) VALUES (${userId}, ${step}, ${now})
      ON CONFLICT (user_id) DO UPDATE SET last_used_step = EXCLUDED.last_used_step, updated_at = EXCLUDED.updated_at
      WHERE auth_totp_state.last_used_step IS NULL OR auth_totp_state.last_used_step < EXCLUDED.last_used_step
      RETURNING user_id`.execute(db);
    return claimed.rows.length === 1;
  }
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) return false;
  const spent = await db
    .updateTable('auth_recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', recoveryCodeHash(normalized))
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return spent !== undefined;
}

/**
 * Runs `work` in a transaction after the user's second factor passed (when 2FA is on; otherwise
 * directly). Missing code: 401 totp_required. Wrong or replayed code: 401 invalid_totp, counted as
 * a failed sign-in; nothing else is written. A locked account: 423.
 */
export async function withSecondFactor<T>(
  deps: TwoFactorDeps,
  userId: string,
  code: string | undefined,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await withTransaction(deps.db, async (tx) => {
      const user = await tx
        .selectFrom('users')
        .select(['two_factor_enabled', 'two_factor_secret', 'locked_until'])
        .where('id', '=', userId)
        .forUpdate()
        .executeTakeFirst();
      if (!user) throw notFound('user');
      if (user.two_factor_enabled) {
        const now = deps.clock();
        if (user.locked_until && user.locked_until > now) {
          const seconds = Math.ceil((user.locked_until.getTime() - now.getTime()) / 1000);
          throw new AppError('account_locked', 'too many failed attempts; try again later', seconds);
        }
        if (code === undefined || code === '') throw REQUIRED();
        if (!user.two_factor_secret || !(await acceptCode(deps, tx, userId, user.two_factor_secret, code))) {
          throw INVALID();
        }
      }
      return work(tx);
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_totp') {
      await recordFailedSignIn(deps.db, userId, deps.clock());
    }
    throw err;
  }
}

/**
 * Checks a step-up code WITHOUT spending it, for actions that must call out (e.g. verify credentials
 * with the venue) before their own transaction, so a missing or wrong code is refused before the
 * call. The action must still run inside withSecondFactor, which spends the code atomically with it
 * (a code that passed here can lose a race there, and is then refused). A wrong code counts as a
 * failed sign-in, as in withSecondFactor.
 */
export async function precheckSecondFactor(
  deps: TwoFactorDeps,
  userId: string,
  code: string | undefined,
): Promise<void> {
  const user = await deps.db
    .selectFrom('users')
    .leftJoin('auth_totp_state as s', 's.user_id', 'users.id')
    .select(['two_factor_enabled', 'two_factor_secret', 'locked_until', 's.last_used_step'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('user');
  if (!user.two_factor_enabled) return;
  const now = deps.clock();
  if (user.locked_until && user.locked_until > now) {
    const seconds = Math.ceil((user.locked_until.getTime() - now.getTime()) / 1000);
    throw new AppError('account_locked', 'too many failed attempts; try again later', seconds);
  }
  if (code === undefined || code === '') throw REQUIRED();
  let ok = false;
  if (user.two_factor_secret && isTotpCode(code)) {
    const step = totpStep(decryptTotpSecret(deps.masterKey, userId, user.two_factor_secret), code, now);
    ok = step !== null && (user.last_used_step === null || BigInt(user.last_used_step) < BigInt(step));
  } else if (user.two_factor_secret) {
    const normalized = normalizeRecoveryCode(code);
    ok =
      normalized !== null &&
      (await deps.db
        .selectFrom('auth_recovery_codes')
        .select('id')
        .where('user_id', '=', userId)
        .where('code_hash', '=', recoveryCodeHash(normalized))
        .where('used_at', 'is', null)
        .executeTakeFirst()) !== undefined;
  }
  if (!ok) {
    await recordFailedSignIn(deps.db, userId, now);
    throw INVALID();
  }
}

export interface Enrollment {
  /** Base32, for typing into an app by hand. Shown at enrolment only. */
  secret: string;
  otpauthUri: string;
  /** The otpauth URI as a QR code, a PNG data URL. */
  qrCodeDataUrl: string;
}

/** A new secret, stored encrypted and not yet enabled (a second enrol replaces a pending one). */
export async function enrollTwoFactor(deps: TwoFactorDeps, userId: string): Promise<Enrollment> {
  const user = await deps.db
    .selectFrom('users')
    .select(['email', 'wallet_address', 'telegram_id', 'two_factor_enabled'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('user');
  if (user.two_factor_enabled) throw new AppError('conflict', 'two-factor authentication is already on');
  const secret = newTotpSecret();
  const label =
    user.email ?? user.wallet_address ?? (user.telegram_id ? `telegram:${user.telegram_id}` : userId);
  const otpauthUri = totpUri(secret, label);
  const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2 });
  await deps.db
    .updateTable('users')
    .set({ two_factor_secret: encryptTotpSecret(deps.masterKey, userId, secret) })
    .where('id', '=', userId)
    .where('two_factor_enabled', '=', false)
    .execute();
  return { secret, otpauthUri, qrCodeDataUrl };
}

/** Enables 2FA with a code from the pending secret; returns the recovery codes (shown once). */
export async function confirmTwoFactor(
  deps: TwoFactorDeps,
  userId: string,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  return withTransaction(deps.db, async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select(['two_factor_enabled', 'two_factor_secret'])
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) throw notFound('user');
    if (user.two_factor_enabled) throw new AppError('conflict', 'two-factor authentication is already on');
    if (!user.two_factor_secret) throw new AppError('conflict', 'start with POST /auth/2fa/enroll');
    if (!isTotpCode(code) || !(await acceptCode(deps, tx, userId, user.two_factor_secret, code))) {
      throw INVALID();
    }
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await tx.deleteFrom('auth_recovery_codes').where('user_id', '=', userId).execute();
    await tx
      .insertInto('auth_recovery_codes')
      .values(
        recoveryCodes.map((c) => ({
          user_id: userId,
          code_hash: recoveryCodeHash(normalizeRecoveryCode(c)!),
          created_at: deps.clock(),
        })),
      )
      .execute();
    await tx.updateTable('users').set({ two_factor_enabled: true }).where('id', '=', userId).execute();
    return { recoveryCodes };
  });
}

/** Turns 2FA off with a current code (or a recovery code); forgets the secret and the codes. */
export async function disableTwoFactor(deps: TwoFactorDeps, userId: string, code: string): Promise<void> {
  const user = await deps.db
    .selectFrom('users')
    .select('two_factor_enabled')
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('user');
  if (!user.two_factor_enabled) throw new AppError('conflict', 'two-factor authentication is not on');
  await withSecondFactor(deps, userId, code, async (tx) => {
    await tx
      .updateTable('users')
      .set({ two_factor_enabled: false, two_factor_secret: null })
      .where('id', '=', userId)
      .execute();
    await tx.deleteFrom('auth_recovery_codes').where('user_id', '=', userId).execute();
    await tx.deleteFrom('auth_totp_state').where('user_id', '=', userId).execute();
  });
}
