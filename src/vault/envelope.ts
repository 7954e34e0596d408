// Envelope encryption with AES-256-GCM. Each record has its own random data key; the data key is
// stored wrapped (encrypted) under the master key; every ciphertext is bound to its owner, record
// and field through GCM's associated data, so a ciphertext copied to another user, another record
// or another column fails authentication instead of decrypting.
//
// Blob layout: version (1 byte, 0x01) || IV (12 bytes, random) || tag (16 bytes) || ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 0x01;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export class VaultDecryptError extends Error {
  constructor(message = 'ciphertext failed authentication (wrong key or context)') {
    super(message);
    this.name = 'VaultDecryptError';
  }
}

export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  if (key.length !== 32) throw new RangeError('AES-256-GCM needs a 32-byte key');
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob.length < 1 + IV_LENGTH + TAG_LENGTH || blob[0] !== VERSION) {
    throw new VaultDecryptError('not a vault ciphertext');
  }
  const iv = blob.subarray(1, 1 + IV_LENGTH);
  const tag = blob.subarray(1 + IV_LENGTH, 1 + IV_LENGTH + TAG_LENGTH);
  const body = blob.subarray(1 + IV_LENGTH + TAG_LENGTH);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new VaultDecryptError();
  }
}

/** Which record a ciphertext belongs to: bound into every AAD. */
export interface RecordContext {
  userId: string;
  recordId: string;
}

export function dataKeyAad(ctx: RecordContext): string {
  return `polycopy/polymarket_api_keys/v1/data-key/user=${ctx.userId}/record=${ctx.recordId}`;
}

export function fieldAad(ctx: RecordContext, field: string): string {
  return `polycopy/polymarket_api_keys/v1/field=${field}/user=${ctx.userId}/record=${ctx.recordId}`;
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}
