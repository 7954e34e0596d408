// The one way code outside the API reads a user's decrypted credentials (the live execution path):
// only active keys, every read audited as a 'use', last_used_at kept.
//
// One statement does the read, the last_used_at update and the audit row: it runs once per live
// copy order, so it costs one round trip instead of three, and the audit row exists exactly when the
// key was handed out (the statement is atomic).
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import type { Clock } from '../auth/clock.ts';
import {
  decryptCredentials,
  type PolymarketCredentials,
  type StoredEncryptedRow,
} from './credential-crypto.ts';
import type { MasterKey } from './master-key.ts';

export interface UsableCredential extends PolymarketCredentials {
  id: string;
  userId: string;
  signatureType: number | null;
  funderAddress: string | null;
}

export interface UseCredentialOptions {
  /** A specific key; the user's primary key when omitted. */
  readonly keyId?: string;
  /** Recorded in the audit row. */
  readonly purpose: string;
  /** Also require the key to be unexpired at this time and to hold a signing key (live orders). */
  readonly forSigningAt?: Date;
}

interface KeyRow extends StoredEncryptedRow {
  id: string;
  user_id: string;
  signature_type: number | null;
  funder_address: string | null;
}

/** Decrypts the user's key (or their primary key) for `purpose`; null when none is usable. */
export async function useCredential(
  deps: { db: Db; masterKey: MasterKey; clock: Clock },
  userId: string,
  opts: UseCredentialOptions,
): Promise<UsableCredential | null> {
  const which = opts.keyId ? sql`id = ${opts.keyId}` : sql`is_primary`;
  const signing = opts.forSigningAt
    ? sql`AND encrypted_private_key IS NOT NULL AND (expires_at IS NULL OR expires_at > ${opts.forSigningAt})`
    : sql``;
  const { rows } = await sql<KeyRow>`
    WITH k AS (
      UPDATE polymarket_api_keys SET last_used_at = ${deps.clock()}
       WHERE id = (SELECT id FROM polymarket_api_keys
                    WHERE user_id = ${userId} AND status = 'active' AND ${which} ${signing}
                    ORDER BY id LIMIT 1)
         AND status = 'active'
      RETURNING id, user_id, signature_type, funder_address, wrapped_data_key, master_key_id,
                encrypted_api_key, encrypted_api_secret, encrypted_api_passphrase, encrypted_private_key
    ), audit AS (
      INSERT INTO credential_audit_log (user_id, api_key_id, action, actor, detail)
      SELECT user_id, id, 'use', 'system', ${JSON.stringify({ purpose: opts.purpose })}::jsonb FROM k
    )
    SELECT * FROM k`.execute(deps.db);
  const row = rows[0];
  if (!row) return null;
  const creds = decryptCredentials(deps.masterKey, { userId: row.user_id, recordId: row.id }, row);
  return {
    ...creds,
    id: row.id,
    userId: row.user_id,
    signatureType: row.signature_type,
    funderAddress: row.funder_address,
  };
}
