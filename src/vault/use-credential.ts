// The one way code outside the API reads a user's decrypted credentials (the live execution path):
// only active keys, every read audited as a 'use', last_used_at kept.
import type { Db } from '../db/client.ts';
import type { Clock } from '../auth/clock.ts';
import { writeAudit } from './audit-log.ts';
import { decryptCredentials, type PolymarketCredentials } from './credential-crypto.ts';
import type { MasterKey } from './master-key.ts';

export interface UsableCredential extends PolymarketCredentials {
  id: string;
  userId: string;
  signatureType: number | null;
  funderAddress: string | null;
}

/** Decrypts the user's key `keyId` (or their primary key) for `purpose`; null when none is active. */
export async function useCredential(
  deps: { db: Db; masterKey: MasterKey; clock: Clock },
  userId: string,
  opts: { keyId?: string; purpose: string },
): Promise<UsableCredential | null> {
  let q = deps.db
    .selectFrom('polymarket_api_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', '=', 'active');
  q = opts.keyId ? q.where('id', '=', opts.keyId) : q.where('is_primary', '=', true);
  const row = await q.executeTakeFirst();
  if (!row) return null;
  const creds = decryptCredentials(deps.masterKey, { userId: row.user_id, recordId: row.id }, row);
  await deps.db
    .updateTable('polymarket_api_keys')
    .set({ last_used_at: deps.clock() })
    .where('id', '=', row.id)
    .execute();
  await writeAudit(deps.db, {
    userId: row.user_id,
    apiKeyId: row.id,
    action: 'use',
    actor: 'system',
    detail: { purpose: opts.purpose },
  });
  return {
    ...creds,
    id: row.id,
    userId: row.user_id,
    signatureType: row.signature_type,
    funderAddress: row.funder_address,
  };
}
