// L2 authentication (docs/polymarket-api.md §4.2): HMAC-SHA256 over
// `timestamp + METHOD + path + body` keyed with the base64-decoded API secret, sent as url-safe
// base64 *with* padding. The path excludes the query string and the body is the exact string
// sent, so callers must sign the same serialisation they transmit.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { getAddress, isAddressEqual, type Address } from 'viem';
import { headerValue } from './l1-auth.ts';

export interface ApiCredentials {
  /** API key UUID (POLY_API_KEY and the order body's `owner`) */
  key: string;
  /** base64 (or base64url) secret; never logged */
  secret: string;
  passphrase: string;
}

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';

/**
 * Decodes the secret like the official clients: url-safe characters are mapped back and the
 * padding restored, so secrets stored in either alphabet give the same key bytes.
 */
export function decodeApiSecret(secret: string): Buffer {
  if (secret.length === 0) throw new Error('API secret is empty');
  const normalized = secret.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized)) throw new Error('API secret is not base64');
  const padded = normalized.replace(/=+$/, '');
  return Buffer.from(padded + '='.repeat((4 - (padded.length % 4)) % 4), 'base64');
}

/** The signed path: the request target without its query string or fragment. */
export function signedRequestPath(target: string): string {
  const cut = target.search(/[?#]/);
  return cut === -1 ? target : target.slice(0, cut);
}

export function l2Message(timestampSec: number, method: string, requestPath: string, body?: string): string {
  return `${timestampSec}${method}${requestPath}${body ?? ''}`;
}

function hmac(secret: string, message: string): Buffer {
  return createHmac('sha256', decodeApiSecret(secret)).update(message, 'utf8').digest();
}

/** url-safe alphabet, `=` padding kept (unlike Node's 'base64url', which drops it). */
function toUrlSafeBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export function l2Signature(
  secret: string,
  timestampSec: number,
  method: string,
  requestPath: string,
  body?: string,
): string {
  return toUrlSafeBase64(hmac(secret, l2Message(timestampSec, method, requestPath, body)));
}

export type L2Headers = {
  POLY_ADDRESS: string;
  POLY_SIGNATURE: string;
  POLY_TIMESTAMP: string;
  POLY_API_KEY: string;
  POLY_PASSPHRASE: string;
};

export interface BuildL2HeadersParams {
  /** the L1 signer's address the API key is bound to */
  address: Address;
  credentials: ApiCredentials;
  method: HttpMethod;
  /** path only; a query string is stripped before signing */
  requestPath: string;
  /** the exact body string that will be sent */
  body?: string;
  timestampSec?: number;
  now?: () => number;
}

export function buildL2Headers(params: BuildL2HeadersParams): L2Headers {
  const timestampSec = params.timestampSec ?? Math.floor((params.now ?? Date.now)() / 1000);
  const path = signedRequestPath(params.requestPath);
  return {
    POLY_ADDRESS: getAddress(params.address),
    POLY_SIGNATURE: l2Signature(params.credentials.secret, timestampSec, params.method, path, params.body),
    POLY_TIMESTAMP: String(timestampSec),
    POLY_API_KEY: params.credentials.key,
    POLY_PASSPHRASE: params.credentials.passphrase,
  };
}

// ---------------------------------------------------------------------------------------------
// Verification (simulator side).

export interface L2HeaderValues {
  address: string;
  signature: string;
  timestamp: string;
  apiKey: string;
  passphrase: string;
}

/** Pulls the five headers out (case-insensitively), or undefined if any is missing. */
export function readL2Headers(
  headers: Record<string, string | string[] | undefined>,
): L2HeaderValues | undefined {
  const address = headerValue(headers, 'POLY_ADDRESS');
  const signature = headerValue(headers, 'POLY_SIGNATURE');
  const timestamp = headerValue(headers, 'POLY_TIMESTAMP');
  const apiKey = headerValue(headers, 'POLY_API_KEY');
  const passphrase = headerValue(headers, 'POLY_PASSPHRASE');
  if (!address || !signature || !timestamp || !apiKey || !passphrase) return undefined;
  return { address, signature, timestamp, apiKey, passphrase };
}

export type L2Failure =
  | 'missing_header'
  | 'malformed_timestamp'
  | 'stale_timestamp'
  | 'unknown_api_key'
  | 'wrong_passphrase'
  | 'address_mismatch'
  | 'bad_signature';

export type L2Check = { ok: true; apiKey: string; address: Address } | { ok: false; reason: L2Failure };

export interface StoredApiKey extends ApiCredentials {
  /** the address the key was created for via L1 */
  address: Address;
}

export interface VerifyL2Params {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  /** request target as received; the query string is stripped here */
  requestPath: string;
  /** the raw body bytes as received (not a re-serialisation) */
  rawBody?: string;
  /** looks the key up by POLY_API_KEY; undefined = unknown key */
  lookup: (apiKey: string) => StoredApiKey | undefined;
  nowSec: number;
  /** accepted |now − timestamp|; Polymarket's value is undocumented (§4.2 UNCERTAIN) */
  maxSkewSec?: number;
}

function equalSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Decodes a received signature in either base64 alphabet, padded or not. */
function decodeSignature(sig: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(sig)) return undefined;
  const bytes = Buffer.from(sig.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '') + '=', 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

export function verifyL2Request(params: VerifyL2Params): L2Check {
  const h = readL2Headers(params.headers);
  if (!h) return { ok: false, reason: 'missing_header' };
  if (!/^(0|[1-9]\d{0,15})$/.test(h.timestamp)) return { ok: false, reason: 'malformed_timestamp' };
  const ts = Number(h.timestamp);
  if (Math.abs(params.nowSec - ts) > (params.maxSkewSec ?? 300))
    return { ok: false, reason: 'stale_timestamp' };
  const stored = params.lookup(h.apiKey);
  if (!stored) return { ok: false, reason: 'unknown_api_key' };
  if (!equalSecret(h.passphrase, stored.passphrase)) return { ok: false, reason: 'wrong_passphrase' };
  if (!/^0x[0-9a-fA-F]{40}$/.test(h.address) || !isAddressEqual(h.address as Address, stored.address)) {
    return { ok: false, reason: 'address_mismatch' };
  }
  const received = decodeSignature(h.signature);
  const expected = hmac(
    stored.secret,
    l2Message(ts, params.method.toUpperCase(), signedRequestPath(params.requestPath), params.rawBody),
  );
  if (!received || !timingSafeEqual(received, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true, apiKey: stored.key, address: stored.address };
}
