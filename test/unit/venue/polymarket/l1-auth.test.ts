import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { buildL1Headers, verifyL1Headers } from '../../../../src/venue/polymarket/l1-auth.ts';

const alice = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const mallory = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const NOW = 1_760_000_000;

describe('L1 headers', () => {
  it('verify, with lower-cased header names as Node delivers them', async () => {
    const h = await buildL1Headers({ signer: alice, timestampSec: NOW, nonce: 3n });
    const lower = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
    expect(await verifyL1Headers(lower, { nowSec: NOW + 10 })).toEqual({
      ok: true,
      address: alice.address,
      nonce: 3n,
      timestampSec: NOW,
    });
  });

  it('defaults the timestamp to the injected clock and the nonce to 0', async () => {
    const h = await buildL1Headers({ signer: alice, now: () => NOW * 1000 + 999 });
    expect(h.POLY_TIMESTAMP).toBe(String(NOW));
    expect(h.POLY_NONCE).toBe('0');
  });

  it('reject a signature by another key, a changed nonce or timestamp, a stale timestamp, another chain', async () => {
    const h = await buildL1Headers({ signer: alice, timestampSec: NOW });
    const byMallory = await buildL1Headers({ signer: mallory, timestampSec: NOW });
    const opts = { nowSec: NOW };
    expect(await verifyL1Headers({ ...h, POLY_SIGNATURE: byMallory.POLY_SIGNATURE }, opts)).toEqual({
      ok: false,
      reason: 'signature_mismatch',
    });
    expect(await verifyL1Headers({ ...h, POLY_NONCE: '1' }, opts)).toMatchObject({
      reason: 'signature_mismatch',
    });
    expect(await verifyL1Headers({ ...h, POLY_TIMESTAMP: String(NOW + 1) }, opts)).toMatchObject({
      reason: 'signature_mismatch',
    });
    expect(await verifyL1Headers(h, { nowSec: NOW + 301 })).toMatchObject({ reason: 'stale_timestamp' });
    expect(await verifyL1Headers(h, { nowSec: NOW + 301, maxSkewSec: 600 })).toMatchObject({ ok: true });
    expect(await verifyL1Headers(h, { nowSec: NOW, chainId: 80002 })).toMatchObject({
      reason: 'signature_mismatch',
    });
  });

  it('reject malformed input without throwing', async () => {
    const h = await buildL1Headers({ signer: alice, timestampSec: NOW });
    const opts = { nowSec: NOW };
    expect(await verifyL1Headers({ POLY_ADDRESS: h.POLY_ADDRESS }, opts)).toMatchObject({
      reason: 'missing_header',
    });
    expect(await verifyL1Headers({ ...h, POLY_ADDRESS: '0x12' }, opts)).toMatchObject({
      reason: 'malformed_address',
    });
    expect(await verifyL1Headers({ ...h, POLY_TIMESTAMP: '0' + h.POLY_TIMESTAMP }, opts)).toMatchObject({
      reason: 'malformed_timestamp',
    });
    expect(await verifyL1Headers({ ...h, POLY_NONCE: '-1' }, opts)).toMatchObject({
      reason: 'malformed_nonce',
    });
    expect(await verifyL1Headers({ ...h, POLY_SIGNATURE: '0xdead' }, opts)).toMatchObject({
      reason: 'malformed_signature',
    });
    expect(await verifyL1Headers({ ...h, POLY_SIGNATURE: `0x${'00'.repeat(65)}` }, opts)).toMatchObject({
      ok: false,
    });
  });
});
