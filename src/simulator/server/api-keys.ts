// API credentials of the simulated CLOB. A key is a pure function of (simulator seed, address,
// nonce): HMAC-SHA256 under a seed-derived key, so creating the key for the same wallet and nonce
// on another run with the same seed gives the same credentials (as Polymarket's derive does for
// one account). Keys exist once created (`POST /auth/api-key`); `GET /auth/derive-api-key` returns
// an existing key and fails for a nonce never used, as production does.
import { createHash, createHmac } from 'node:crypto';
import { getAddress, type Address } from 'viem';
import type { StoredApiKey } from '../../venue/polymarket/l2-auth.ts';

export interface ApiKeyRecord extends StoredApiKey {
  nonce: bigint;
  /** Wall-clock ms of creation. */
  createdAt: number;
}

function uuidOf(bytes: Buffer): string {
  const h = bytes.subarray(0, 16).toString('hex');
  const variant = ((parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class ApiKeyStore {
  private readonly root: Buffer;
  private readonly byKey = new Map<string, ApiKeyRecord>();
  private readonly byOwner = new Map<string, ApiKeyRecord>();

  constructor(seed: number) {
    this.root = createHash('sha256').update(`polycopy-simulator/api-keys/${seed}`).digest();
  }

  /** The credentials (address, nonce) derives to, whether or not they were created. */
  derive(address: Address, nonce: bigint): ApiKeyRecord {
    const addr = getAddress(address);
    const tag = `${addr.toLowerCase()}|${nonce.toString()}`;
    const part = (label: string): Buffer =>
      createHmac('sha256', this.root).update(`${label}|${tag}`).digest();
    return {
      key: uuidOf(part('key')),
      // url-safe base64 with padding, the alphabet production secrets use
      secret: part('secret').toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
      passphrase: part('passphrase').toString('hex'),
      address: addr,
      nonce,
      createdAt: Date.now(),
    };
  }

  /** Creates the key for (address, nonce); undefined when it already exists (production: 400). */
  create(address: Address, nonce: bigint): ApiKeyRecord | undefined {
    const rec = this.derive(address, nonce);
    if (this.byKey.has(rec.key)) return undefined;
    this.byKey.set(rec.key, rec);
    this.byOwner.set(ownerTag(rec.address, nonce), rec);
    return rec;
  }

  /** The existing key for (address, nonce), if it was created. */
  existing(address: Address, nonce: bigint): ApiKeyRecord | undefined {
    return this.byOwner.get(ownerTag(getAddress(address), nonce));
  }

  get(apiKey: string): ApiKeyRecord | undefined {
    return this.byKey.get(apiKey);
  }

  keysOf(address: Address): ApiKeyRecord[] {
    const a = getAddress(address);
    return [...this.byKey.values()].filter((r) => r.address === a);
  }

  delete(apiKey: string): boolean {
    const rec = this.byKey.get(apiKey);
    if (rec === undefined) return false;
    this.byKey.delete(apiKey);
    this.byOwner.delete(ownerTag(rec.address, rec.nonce));
    return true;
  }

  all(): ApiKeyRecord[] {
    return [...this.byKey.values()];
  }
}

function ownerTag(address: Address, nonce: bigint): string {
  return `${address.toLowerCase()}|${nonce.toString()}`;
}
