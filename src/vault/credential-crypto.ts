// Polymarket credentials ↔ the encrypted columns of polymarket_api_keys.
import { createHash } from 'node:crypto';
import {
  dataKeyAad,
  fieldAad,
  newDataKey,
  open,
  seal,
  VaultDecryptError,
  type RecordContext,
} from './envelope.ts';
import type { MasterKey } from './master-key.ts';

export interface PolymarketCredentials {
  apiKey: string;
  apiSecret: string;
  apiPassphrase: string;
  /** Hex private key of the signing wallet, when the platform signs orders for the user. */
  privateKey: string | null;
}

export interface EncryptedColumns {
  wrapped_data_key: Buffer;
  master_key_id: string;
  encrypted_api_key: Buffer;
  encrypted_api_secret: Buffer;
  encrypted_api_passphrase: Buffer;
  encrypted_private_key: Buffer | null;
}

/** key_hash: SHA-256 of the API key, for lookup and uniqueness without decrypting. */
export function apiKeyHash(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** The last four characters: enough to tell keys apart in a list, useless on their own. */
export function apiKeyHint(apiKey: string): string {
  return apiKey.slice(-4);
}

export function maskedApiKey(hint: string | null): string {
  return `••••••••${hint ?? '????'}`;
}

export function encryptCredentials(
  master: MasterKey,
  ctx: RecordContext,
  creds: PolymarketCredentials,
): EncryptedColumns {
  const dataKey = newDataKey();
  try {
    const field = (name: string, value: string) =>
      seal(dataKey, Buffer.from(value, 'utf8'), fieldAad(ctx, name));
    return {
      wrapped_data_key: seal(master.bytes(), dataKey, dataKeyAad(ctx)),
      master_key_id: master.id,
      encrypted_api_key: field('api_key', creds.apiKey),
      encrypted_api_secret: field('api_secret', creds.apiSecret),
      encrypted_api_passphrase: field('api_passphrase', creds.apiPassphrase),
      encrypted_private_key: creds.privateKey === null ? null : field('private_key', creds.privateKey),
    };
  } finally {
    dataKey.fill(0);
  }
}

export interface StoredEncryptedRow {
  wrapped_data_key: Buffer | null;
  master_key_id: string | null;
  encrypted_api_key: Buffer;
  encrypted_api_secret: Buffer;
  encrypted_api_passphrase: Buffer | null;
  encrypted_private_key: Buffer | null;
}

export function unwrapDataKey(master: MasterKey, ctx: RecordContext, row: StoredEncryptedRow): Buffer {
  if (!row.wrapped_data_key || !row.master_key_id) {
    throw new VaultDecryptError('record has no wrapped data key (not written by the vault)');
  }
  if (row.master_key_id !== master.id) {
    throw new VaultDecryptError(`record is wrapped by master key ${row.master_key_id}, not ${master.id}`);
  }
  return open(master.bytes(), row.wrapped_data_key, dataKeyAad(ctx));
}

export function decryptCredentials(
  master: MasterKey,
  ctx: RecordContext,
  row: StoredEncryptedRow,
): PolymarketCredentials {
  const dataKey = unwrapDataKey(master, ctx, row);
  try {
    const field = (name: string, blob: Buffer) => open(dataKey, blob, fieldAad(ctx, name)).toString('utf8');
    if (!row.encrypted_api_passphrase) throw new VaultDecryptError('record has no passphrase');
    return {
      apiKey: field('api_key', row.encrypted_api_key),
      apiSecret: field('api_secret', row.encrypted_api_secret),
      apiPassphrase: field('api_passphrase', row.encrypted_api_passphrase),
      privateKey: row.encrypted_private_key ? field('private_key', row.encrypted_private_key) : null,
    };
  } finally {
    dataKey.fill(0);
  }
}

/** The same data key, wrapped under another master key (master key rotation). */
export function rewrapDataKey(
  from: MasterKey,
  to: MasterKey,
  ctx: RecordContext,
  row: StoredEncryptedRow,
): { wrapped_data_key: Buffer; master_key_id: string } {
  const dataKey = unwrapDataKey(from, ctx, row);
  try {
    return { wrapped_data_key: seal(to.bytes(), dataKey, dataKeyAad(ctx)), master_key_id: to.id };
  } finally {
    dataKey.fill(0);
  }
}
