import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import {
  buildL2Headers,
  decodeApiSecret,
  l2Signature,
  signedRequestPath,
  verifyL2Request,
  type StoredApiKey,
} from '../../../../src/venue/polymarket/l2-auth.ts';

const alice = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const NOW = 1_760_000_000;
const key: StoredApiKey = {
  key: '6f1b6a0e-0000-4000-8000-000000000001',
  // bytes chosen so the standard encoding contains '+' and '/' (url-safe handling matters)
  secret: Buffer.from([0xfb, 0xff, 0xbf, 0x01, 0x02, 0x03, 0xfe, 0xef, 0x10]).toString('base64'),
  passphrase: 'correct horse',
  address: alice.address,
};
const lookup = (apiKey: string) => (apiKey === key.key ? key : undefined);
const body = '{"orderID":"0xabc"}';

function headers(overrides: { secret?: string; ts?: number; path?: string; body?: string } = {}) {
  return buildL2Headers({
    address: alice.address,
    credentials: { ...key, secret: overrides.secret ?? key.secret },
    method: 'DELETE',
    requestPath: overrides.path ?? '/order',
    body: overrides.body ?? body,
    timestampSec: overrides.ts ?? NOW,
  });
}

describe('L2 HMAC', () => {
  it('is url-safe base64 with padding, over ts + METHOD + path + body', () => {
    const sig = l2Signature(key.secret, NOW, 'DELETE', '/order', body);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(sig).toBe(
      l2Signature(
        key.secret.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
        NOW,
        'DELETE',
        '/order',
        body,
      ),
    );
  });

  it('tolerates url-safe and unpadded secrets like the official clients', () => {
    expect(decodeApiSecret('-_8=')).toEqual(decodeApiSecret('+/8='));
    expect(decodeApiSecret('+/8')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(() => decodeApiSecret('')).toThrow();
    expect(() => decodeApiSecret('not base64!')).toThrow();
  });

  it('signs the path without its query string', () => {
    expect(signedRequestPath('/data/orders?market=0x1&next_cursor=MA==')).toBe('/data/orders');
    const withQuery = buildL2Headers({
      address: alice.address,
      credentials: key,
      method: 'GET',
      requestPath: '/data/orders?next_cursor=MA==',
      timestampSec: NOW,
    });
    expect(withQuery.POLY_SIGNATURE).toBe(l2Signature(key.secret, NOW, 'GET', '/data/orders'));
  });

  it('verifies a genuine request (case-insensitive header names, query ignored)', () => {
    const lower = Object.fromEntries(Object.entries(headers()).map(([k, v]) => [k.toLowerCase(), v]));
    expect(
      verifyL2Request({
        headers: lower,
        method: 'DELETE',
        requestPath: '/order?x=1',
        rawBody: body,
        lookup,
        nowSec: NOW,
      }),
    ).toEqual({ ok: true, apiKey: key.key, address: alice.address });
  });

  it('rejects a wrong secret, an altered body or path or method, and a stale timestamp', () => {
    const base = { method: 'DELETE', requestPath: '/order', rawBody: body, lookup, nowSec: NOW };
    const wrongSecret = headers({ secret: Buffer.from('another secret').toString('base64') });
    expect(verifyL2Request({ ...base, headers: wrongSecret })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyL2Request({ ...base, headers: headers(), rawBody: '{"orderID":"0xabd"}' })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyL2Request({ ...base, headers: headers(), rawBody: '{"orderID": "0xabc"}' })).toMatchObject({
      reason: 'bad_signature',
    });
    expect(verifyL2Request({ ...base, headers: headers(), requestPath: '/orders' })).toMatchObject({
      reason: 'bad_signature',
    });
    expect(verifyL2Request({ ...base, headers: headers(), method: 'POST' })).toMatchObject({
      reason: 'bad_signature',
    });
    expect(verifyL2Request({ ...base, headers: headers({ ts: NOW - 301 }) })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyL2Request({ ...base, headers: headers({ ts: NOW + 301 }) })).toMatchObject({
      reason: 'stale_timestamp',
    });
    expect(verifyL2Request({ ...base, headers: headers({ ts: NOW - 301 }), maxSkewSec: 400 })).toMatchObject({
      ok: true,
    });
  });

  it('rejects unknown keys, wrong passphrases, another address and missing headers', () => {
    const base = { method: 'DELETE', requestPath: '/order', rawBody: body, lookup, nowSec: NOW };
    expect(verifyL2Request({ ...base, headers: { ...headers(), POLY_API_KEY: 'nope' } })).toMatchObject({
      reason: 'unknown_api_key',
    });
    expect(verifyL2Request({ ...base, headers: { ...headers(), POLY_PASSPHRASE: 'wrong' } })).toMatchObject({
      reason: 'wrong_passphrase',
    });
    expect(
      verifyL2Request({
        ...base,
        headers: { ...headers(), POLY_ADDRESS: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
      }),
    ).toMatchObject({ reason: 'address_mismatch' });
    const { POLY_SIGNATURE: _dropped, ...missing } = headers();
    expect(verifyL2Request({ ...base, headers: missing })).toMatchObject({ reason: 'missing_header' });
    expect(verifyL2Request({ ...base, headers: { ...headers(), POLY_SIGNATURE: 'x' } })).toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('accepts a signature sent in the standard alphabet or without padding (same bytes)', () => {
    const h = headers();
    const standard = h.POLY_SIGNATURE.replace(/-/g, '+').replace(/_/g, '/');
    const base = { method: 'DELETE', requestPath: '/order', rawBody: body, lookup, nowSec: NOW };
    expect(verifyL2Request({ ...base, headers: { ...h, POLY_SIGNATURE: standard } }).ok).toBe(true);
    expect(
      verifyL2Request({ ...base, headers: { ...h, POLY_SIGNATURE: h.POLY_SIGNATURE.replace(/=$/, '') } }).ok,
    ).toBe(true);
  });
});
