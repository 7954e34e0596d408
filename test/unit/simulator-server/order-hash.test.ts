// The server's fast order hash and signer check must agree with the venue's hashOrderV2 and
// verifyOrderSignatureV2 on both exchange domains, for every signature type they can check.
import { describe, expect, it } from 'vitest';
import { privateKeyToAccount } from 'viem/accounts';
import { OrderHasher } from '../../../src/simulator/server/order-hash.ts';
import { POLYGON_CONTRACTS } from '../../../src/venue/polymarket/contracts.ts';
import {
  createLimitOrderV2,
  createMarketOrderV2,
  hashOrderV2,
} from '../../../src/venue/polymarket/order-signing.ts';
import { verifyOrderSignatureV2 } from '../../../src/venue/polymarket/order-verification.ts';

const a = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const b = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9c86dae88c7a8412f4603b6b78690d');
const hasher = new OrderHasher(POLYGON_CONTRACTS);
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';

describe('OrderHasher', () => {
  it('hashes exactly like hashOrderV2 and accepts/refuses exactly like verifyOrderSignatureV2', async () => {
    const cases = [];
    for (const negRisk of [false, true]) {
      for (const signatureType of [0, 1, 2, 3] as const) {
        const maker =
          signatureType === 0 ? undefined : ('0x00000000000000000000000000000000000abcde' as const);
        cases.push(
          await createLimitOrderV2({
            signer: a,
            signatureType,
            maker,
            tokenId: TOKEN,
            side: 'BUY',
            price: '0.55',
            size: '10',
            tickSize: '0.01',
            negRisk,
          }),
          await createMarketOrderV2({
            signer: a,
            signatureType,
            maker,
            tokenId: TOKEN,
            side: 'SELL',
            price: '0.42',
            amount: '40',
            tickSize: '0.01',
            negRisk,
          }),
        );
      }
    }
    for (const o of cases) {
      for (const negRisk of [false, true]) {
        const h = hasher.hash(o, negRisk);
        expect(h).toBe(hashOrderV2(o, negRisk));
        const ours = await hasher.verify(o, negRisk, h);
        const theirs = await verifyOrderSignatureV2(o, negRisk);
        expect(ours.ok).toBe(theirs.ok);
        // Tampering is refused by both.
        const t = { ...o, makerAmount: o.makerAmount + 1n };
        expect((await hasher.verify(t, negRisk, hasher.hash(t, negRisk))).ok).toBe(false);
      }
    }
    // Another key's signature over the same order is refused.
    const mine = await createLimitOrderV2({
      signer: a,
      tokenId: TOKEN,
      side: 'BUY',
      price: '0.5',
      size: '10',
      tickSize: '0.01',
      negRisk: false,
    });
    const theirs = await createLimitOrderV2({
      signer: b,
      tokenId: TOKEN,
      side: 'BUY',
      price: '0.5',
      size: '10',
      tickSize: '0.01',
      negRisk: false,
    });
    const forged = { ...mine, signature: theirs.signature };
    expect((await hasher.verify(forged, false, hasher.hash(forged, false))).ok).toBe(false);
  });
});
