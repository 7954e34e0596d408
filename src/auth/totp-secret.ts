// The TOTP secret at rest in users.two_factor_secret: envelope encryption with the vault's
// primitives (src/vault/envelope.ts). A fresh 256-bit data key encrypts the secret (AES-256-GCM);
// the data key is wrapped by the master key. Both ciphertexts are bound to the user through the
// associated data, so a blob copied to another user's row fails to decrypt.
//
// Column layout: master key id (16 bytes, the fingerprint's hex decoded) || wrapped data key
// (61 bytes: a vault blob of 32 bytes) || sealed secret (a vault blob).
import { newDataKey, open, seal, VaultDecryptError } from '../vault/envelope.ts';
import type { MasterKey } from '../vault/master-key.ts';

const KEY_ID_BYTES = 16;
const WRAPPED_KEY_BYTES = 1 + 12 + 16 + 32;

const dataKeyAad = (userId: string) => `polycopy/users/v1/two_factor_secret/data-key/user=${userId}`;
const secretAad = (userId: string) => `polycopy/users/v1/two_factor_secret/user=${userId}`;

export function encryptTotpSecret(master: MasterKey, userId: string, secretBase32: string): Buffer {
  const dataKey = newDataKey();
  try {
    return Buffer.concat([
      Buffer.from(master.id, 'hex'),
      seal(master.bytes(), dataKey, dataKeyAad(userId)),
      seal(dataKey, Buffer.from(secretBase32, 'utf8'), secretAad(userId)),
    ]);
  } finally {
    dataKey.fill(0);
  }
}

function split(blob: Buffer): { keyId: string; wrapped: Buffer; sealed: Buffer } {
  if (blob.length <= KEY_ID_BYTES + WRAPPED_KEY_BYTES) throw new VaultDecryptError('not a TOTP secret blob');
  return {
    keyId: blob.subarray(0, KEY_ID_BYTES).toString('hex'),
    wrapped: blob.subarray(KEY_ID_BYTES, KEY_ID_BYTES + WRAPPED_KEY_BYTES),
    sealed: blob.subarray(KEY_ID_BYTES + WRAPPED_KEY_BYTES),
  };
}

export function decryptTotpSecret(master: MasterKey, userId: string, blob: Buffer): string {
  const { keyId, wrapped, sealed } = split(blob);
  if (keyId !== master.id) {
    throw new VaultDecryptError(`TOTP secret is wrapped by master key ${keyId}, not ${master.id}`);
  }
  const dataKey = open(master.bytes(), wrapped, dataKeyAad(userId));
  try {
    return open(dataKey, sealed, secretAad(userId)).toString('utf8');
  } finally {
    dataKey.fill(0);
  }
}

/** The id of the master key a stored TOTP secret is wrapped by. */
export function totpSecretKeyId(blob: Buffer): string {
  return split(blob).keyId;
}

/** The same secret with its data key wrapped by another master key (for master key rotation). */
export function rewrapTotpSecret(from: MasterKey, to: MasterKey, userId: string, blob: Buffer): Buffer {
  const { keyId, wrapped, sealed } = split(blob);
  if (keyId !== from.id) throw new VaultDecryptError(`TOTP secret is wrapped by master key ${keyId}`);
  const dataKey = open(from.bytes(), wrapped, dataKeyAad(userId));
  try {
    return Buffer.concat([Buffer.from(to.id, 'hex'), seal(to.bytes(), dataKey, dataKeyAad(userId)), sealed]);
  } finally {
    dataKey.fill(0);
  }
}
