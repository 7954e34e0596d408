// L1 authentication (docs/polymarket-api.md §4.1): an EIP-712 "ClobAuth" signature by the
// wallet key, used only to create or derive API credentials. The domain has no
// verifyingContract and stays at version "1" under CLOB V2.
import {
  getAddress,
  hashTypedData,
  isAddressEqual,
  isHex,
  recoverTypedDataAddress,
  size,
  type Address,
  type Hex,
} from 'viem';
import { POLYGON_CHAIN_ID } from './contracts.ts';
import type { TypedDataSigner } from './order-struct.ts';

export const CLOB_AUTH_MESSAGE = 'This message attests that I control the given wallet';

export const CLOB_AUTH_TYPES = {
  ClobAuth: [
    { name: 'address', type: 'address' },
    { name: 'timestamp', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'message', type: 'string' },
  ],
} as const;

export function clobAuthDomain(chainId: number = POLYGON_CHAIN_ID) {
  return { name: 'ClobAuthDomain', version: '1', chainId } as const;
}

export interface ClobAuthFields {
  address: Address;
  /** unix seconds; signed as a decimal *string* */
  timestampSec: number;
  nonce: bigint;
  chainId?: number;
}

export function clobAuthTypedData(fields: ClobAuthFields) {
  return {
    domain: clobAuthDomain(fields.chainId),
    types: CLOB_AUTH_TYPES,
    primaryType: 'ClobAuth' as const,
    message: {
      address: fields.address,
      timestamp: String(fields.timestampSec),
      nonce: fields.nonce,
      message: CLOB_AUTH_MESSAGE,
    },
  };
}

export function clobAuthDigest(fields: ClobAuthFields): Hex {
  return hashTypedData(clobAuthTypedData(fields));
}

export type L1Headers = {
  POLY_ADDRESS: string;
  POLY_SIGNATURE: string;
  POLY_TIMESTAMP: string;
  POLY_NONCE: string;
};

export interface BuildL1HeadersParams {
  signer: TypedDataSigner;
  chainId?: number;
  /** defaults to 0; the same nonce derives the same API key again */
  nonce?: bigint;
  /** unix seconds; defaults to the local clock (or pass the server's /time) */
  timestampSec?: number;
  now?: () => number;
}

export async function buildL1Headers(params: BuildL1HeadersParams): Promise<L1Headers> {
  const timestampSec = params.timestampSec ?? Math.floor((params.now ?? Date.now)() / 1000);
  const nonce = params.nonce ?? 0n;
  if (nonce < 0n) throw new RangeError('nonce must be non-negative');
  const address = getAddress(params.signer.address);
  const signature = await params.signer.signTypedData(
    clobAuthTypedData({ address, timestampSec, nonce, chainId: params.chainId }),
  );
  return {
    POLY_ADDRESS: address,
    POLY_SIGNATURE: signature,
    POLY_TIMESTAMP: String(timestampSec),
    POLY_NONCE: nonce.toString(),
  };
}

export type L1Failure =
  | 'missing_header'
  | 'malformed_address'
  | 'malformed_timestamp'
  | 'malformed_nonce'
  | 'malformed_signature'
  | 'stale_timestamp'
  | 'signature_mismatch';

export type L1Check =
  { ok: true; address: Address; nonce: bigint; timestampSec: number } | { ok: false; reason: L1Failure };

export interface VerifyL1Options {
  chainId?: number;
  /** server clock in unix seconds */
  nowSec: number;
  /** accepted |now − timestamp|; Polymarket does not document its value (§4.2 UNCERTAIN) */
  maxSkewSec?: number;
}

/** Reads a header case-insensitively: Node lower-cases incoming header names. */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
    return value;
  }
  return undefined;
}

/**
 * Verifies L1 headers as the CLOB does for /auth/api-key and /auth/derive-api-key: the ClobAuth
 * signature over (POLY_ADDRESS, POLY_TIMESTAMP, POLY_NONCE) must recover to POLY_ADDRESS.
 */
export async function verifyL1Headers(
  headers: Record<string, string | string[] | undefined>,
  options: VerifyL1Options,
): Promise<L1Check> {
  const addr = headerValue(headers, 'POLY_ADDRESS');
  const sig = headerValue(headers, 'POLY_SIGNATURE');
  const ts = headerValue(headers, 'POLY_TIMESTAMP');
  const nonceRaw = headerValue(headers, 'POLY_NONCE') ?? '0';
  if (addr === undefined || sig === undefined || ts === undefined)
    return { ok: false, reason: 'missing_header' };
  if (!/^0x[0-9a-fA-F]{40}$/.test(addr)) return { ok: false, reason: 'malformed_address' };
  // The timestamp is signed as a string, so "01700000000" and "1700000000" are different
  // messages; only the canonical decimal form is accepted.
  if (!/^(0|[1-9]\d{0,15})$/.test(ts)) return { ok: false, reason: 'malformed_timestamp' };
  if (!/^\d{1,78}$/.test(nonceRaw)) return { ok: false, reason: 'malformed_nonce' };
  if (!isHex(sig) || size(sig) !== 65) return { ok: false, reason: 'malformed_signature' };
  const timestampSec = Number(ts);
  if (Math.abs(options.nowSec - timestampSec) > (options.maxSkewSec ?? 300)) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const address = getAddress(addr);
  const nonce = BigInt(nonceRaw);
  let recovered: Address;
  try {
    recovered = await recoverTypedDataAddress({
      ...clobAuthTypedData({ address, timestampSec, nonce, chainId: options.chainId }),
      signature: sig,
    });
  } catch {
    return { ok: false, reason: 'malformed_signature' };
  }
  if (!isAddressEqual(recovered, address)) return { ok: false, reason: 'signature_mismatch' };
  return { ok: true, address, nonce, timestampSec };
}
