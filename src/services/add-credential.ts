// Stores a user's Polymarket credentials: verified with the venue first, then encrypted under a
// fresh data key bound to (user, record), with the audit row in the same transaction. The first
// active key becomes primary unless the caller says otherwise.
//
// With 2FA on, the step-up code is checked before the venue is asked (a missing or wrong code never
// reaches Polymarket) and spent in the insert's transaction: a rejected or duplicate key leaves the
// code usable, and two requests with one code cannot both store a key.
import { sql } from 'kysely';
import { writeAudit } from '../vault/audit-log.ts';
import { apiKeyHash, apiKeyHint, encryptCredentials } from '../vault/credential-crypto.ts';
import { AppError } from './app-error.ts';
import type { RequestMeta } from './auth-deps.ts';
import { toCredentialView, type CredentialView } from './credential-view.ts';
import { precheckSecondFactor, withSecondFactor } from './two-factor.ts';
import type { VaultDeps } from './vault-deps.ts';

export interface AddCredentialInput {
  apiKey: string;
  apiSecret: string;
  apiPassphrase: string;
  privateKey?: string | null;
  signatureType: 0 | 1 | 2 | 3;
  funderAddress?: string | null;
  keyName?: string | null;
  dailySpendLimitUsd?: string;
  isPrimary?: boolean;
}

export async function addCredential(
  deps: VaultDeps,
  userId: string,
  input: AddCredentialInput,
  meta: RequestMeta,
  totp: string | undefined,
): Promise<CredentialView> {
  await precheckSecondFactor(deps, userId, totp);
  const keyHash = apiKeyHash(input.apiKey);
  await refuseKnownKey(deps, userId, keyHash);
  const creds = {
    apiKey: input.apiKey,
    apiSecret: input.apiSecret,
    apiPassphrase: input.apiPassphrase,
    privateKey: input.privateKey ?? null,
  };
  await verifyWithVenue(deps, userId, input, creds, meta);
  try {
    return await withSecondFactor(deps, userId, totp, async (tx) => {
      // The record id is part of the ciphertexts' associated data, so it is taken before encrypting.
      const { rows } = await sql<{
        id: string;
      }>`SELECT nextval('polymarket_api_keys_id_seq')::text AS id`.execute(tx);
      const id = rows[0]!.id;
      const hasPrimary = await tx
        .selectFrom('polymarket_api_keys')
        .select('id')
        .where('user_id', '=', userId)
        .where('is_primary', '=', true)
        .forUpdate()
        .executeTakeFirst();
      const isPrimary = input.isPrimary ?? !hasPrimary;
      if (isPrimary && hasPrimary) {
        await tx
          .updateTable('polymarket_api_keys')
          .set({ is_primary: false })
          .where('id', '=', hasPrimary.id)
          .execute();
      }
      const row = await tx
        .insertInto('polymarket_api_keys')
        .values({
          id,
          user_id: userId,
          ...encryptCredentials(deps.masterKey, { userId, recordId: id }, creds),
          key_hash: keyHash,
          key_hint: apiKeyHint(input.apiKey),
          key_name: input.keyName ?? null,
          signature_type: input.signatureType,
          funder_address: input.funderAddress ?? null,
          ...(input.dailySpendLimitUsd !== undefined
            ? { daily_spend_limit_usd: input.dailySpendLimitUsd }
            : {}),
          is_primary: isPrimary,
          last_reset_at: deps.clock(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await writeAudit(tx, {
        userId,
        apiKeyId: id,
        action: 'create',
        actor: 'user',
        detail: { signatureType: input.signatureType, isPrimary, hasPrivateKey: creds.privateKey !== null },
        ip: meta.ip,
      });
      return toCredentialView(row);
    });
  } catch (err) {
    // Two requests adding the same key at once: the unique key_hash index decides.
    if ((err as { code?: string }).code === '23505')
      throw new AppError('credential_exists', 'this API key is already stored');
    throw err;
  }
}

/** A key already stored (by anyone) is refused before Polymarket is asked about it. */
async function refuseKnownKey(deps: VaultDeps, userId: string, keyHash: string): Promise<void> {
  const existing = await deps.db
    .selectFrom('polymarket_api_keys')
    .select(['user_id', 'status'])
    .where('key_hash', '=', keyHash)
    .executeTakeFirst();
  if (!existing) return;
  throw new AppError(
    'credential_exists',
    existing.user_id === userId && existing.status === 'revoked'
      ? 'this API key was revoked; create a new key on Polymarket'
      : 'this API key is already stored',
  );
}

/** Polymarket must accept the credentials; a rejection is audited, an unreachable venue is not one. */
async function verifyWithVenue(
  deps: VaultDeps,
  userId: string,
  input: AddCredentialInput,
  creds: { apiKey: string; apiSecret: string; apiPassphrase: string; privateKey: string | null },
  meta: RequestMeta,
): Promise<void> {
  let verdict;
  try {
    verdict = await deps.credentialVerifier.verify({
      ...creds,
      signatureType: input.signatureType,
      funderAddress: input.funderAddress ?? null,
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    // The venue could not be asked (outage, timeout): not a rejection, and nothing is stored.
    throw new AppError(
      'verification_unavailable',
      'Polymarket could not be reached to verify the credentials; try again',
    );
  }
  if (verdict.ok) return;
  await writeAudit(deps.db, {
    userId,
    apiKeyId: null,
    action: 'verify_failed',
    actor: 'user',
    detail: { reason: verdict.reason, keyHint: apiKeyHint(input.apiKey) },
    ip: meta.ip,
  });
  throw new AppError('credential_rejected', `Polymarket rejected these credentials: ${verdict.reason}`);
}
