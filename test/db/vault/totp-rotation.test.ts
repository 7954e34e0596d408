// Master key rotation also moves every stored TOTP secret: after a rotation, 2FA users still sign in.
import { describe, expect, it } from 'vitest';
import { decryptTotpSecret, encryptTotpSecret } from '../../../src/auth/totp-secret.ts';
import { VaultDecryptError } from '../../../src/vault/envelope.ts';
import { MasterKey } from '../../../src/vault/master-key.ts';
import { rotateMasterKey } from '../../../src/vault/rotate-master-key.ts';
import { insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

describe('master key rotation and TOTP secrets', () => {
  const t = useTestDatabase();

  it('re-wraps every TOTP secret, which still decrypts to the same seed under the new key only', async () => {
    const db = t.current.db;
    const from = MasterKey.generate();
    const to = MasterKey.generate();
    const alice = await insertUser(db);
    const bob = await insertUser(db);
    await insertUser(db); // no 2FA
    for (const [u, seed] of [
      [alice, 'JBSWY3DPEHPK3PXP'],
      [bob, 'KRSXG5CTMVRXEZLU'],
    ] as const) {
      await db
        .updateTable('users')
        .set({ two_factor_secret: encryptTotpSecret(from, u.id, seed), two_factor_enabled: true })
        .where('id', '=', u.id)
        .execute();
    }
    const result = await rotateMasterKey(db, from, to);
    expect(result.totpSecretsRewrapped).toBe(2);
    const row = await db
      .selectFrom('users')
      .select('two_factor_secret')
      .where('id', '=', alice.id)
      .executeTakeFirstOrThrow();
    expect(decryptTotpSecret(to, alice.id, row.two_factor_secret!)).toBe('JBSWY3DPEHPK3PXP');
    expect(() => decryptTotpSecret(from, alice.id, row.two_factor_secret!)).toThrow(VaultDecryptError);
    // A re-run skips what is already under the new key.
    expect((await rotateMasterKey(db, from, to)).totpSecretsRewrapped).toBe(0);
  });
});
