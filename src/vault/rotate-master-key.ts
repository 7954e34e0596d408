// Master key rotation: every record's data key is unwrapped with the old master key and wrapped
// with the new one, in one transaction (all records move or none do). The encrypted fields are not
// touched: the data keys themselves do not change. Records already under the new key (a rotation
// re-run after a crash between commit and installing the new key) are skipped.
import { withTransaction, type Db } from '../db/client.ts';
import { writeAudit } from './audit-log.ts';
import { rewrapDataKey } from './credential-crypto.ts';
import type { MasterKey } from './master-key.ts';
import { rewrapTotpSecret, totpSecretKeyId } from '../auth/totp-secret.ts';

export interface RotationResult {
  rewrapped: number;
  alreadyCurrent: number;
  /** users.two_factor_secret blobs re-wrapped (their data keys move to the new master key too). */
  totpSecretsRewrapped: number;
}

export async function rotateMasterKey(db: Db, from: MasterKey, to: MasterKey): Promise<RotationResult> {
  if (from.id === to.id) throw new Error('the new master key is the current one');
  return withTransaction(db, async (tx) => {
    const rows = await tx
      .selectFrom('polymarket_api_keys')
      .select([
        'id',
        'user_id',
        'wrapped_data_key',
        'master_key_id',
        'encrypted_api_key',
        'encrypted_api_secret',
        'encrypted_api_passphrase',
        'encrypted_private_key',
      ])
      .where('wrapped_data_key', 'is not', null)
      .orderBy('id')
      .forUpdate()
      .execute();
    let rewrapped = 0;
    let alreadyCurrent = 0;
    for (const row of rows) {
      if (row.master_key_id === to.id) {
        alreadyCurrent++;
        continue;
      }
      // Throws (and rolls everything back) if a record is not under `from`.
      const next = rewrapDataKey(from, to, { userId: row.user_id, recordId: row.id }, row);
      await tx.updateTable('polymarket_api_keys').set(next).where('id', '=', row.id).execute();
      await writeAudit(tx, {
        userId: row.user_id,
        apiKeyId: row.id,
        action: 'rewrap',
        actor: 'cli',
        detail: { from: from.id, to: to.id },
      });
      rewrapped++;
    }
    // TOTP secrets are wrapped by the same master key; leaving them behind would lock every user
    // with 2FA out after the rotation.
    const totpRows = await tx
      .selectFrom('users')
      .select(['id', 'two_factor_secret'])
      .where('two_factor_secret', 'is not', null)
      .orderBy('id')
      .forUpdate()
      .execute();
    let totpSecretsRewrapped = 0;
    for (const u of totpRows) {
      const blob = u.two_factor_secret!;
      if (totpSecretKeyId(blob) === to.id) continue;
      await tx
        .updateTable('users')
        .set({ two_factor_secret: rewrapTotpSecret(from, to, u.id, blob) })
        .where('id', '=', u.id)
        .execute();
      totpSecretsRewrapped++;
    }
    await writeAudit(tx, {
      userId: null,
      apiKeyId: null,
      action: 'rotate_master_key',
      actor: 'cli',
      detail: { from: from.id, to: to.id, rewrapped, alreadyCurrent, totpSecretsRewrapped },
    });
    return { rewrapped, alreadyCurrent, totpSecretsRewrapped };
  });
}
