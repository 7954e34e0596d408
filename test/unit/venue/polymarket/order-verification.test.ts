// The verifying side, as the simulator will use it: valid orders verify; tampering, the other
// exchange's domain, another key, and V1 orders are all detected.
import { getAddress, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { contractSet } from '../../../../src/venue/polymarket/contracts.ts';
import { orderDomainV2 } from '../../../../src/venue/polymarket/exchange-domains.ts';
import {
  defaultsV1,
  hashOrderV1,
  signOrderV1,
  verifyOrderSignatureV1,
  type SignedOrderV1,
} from '../../../../src/venue/polymarket/legacy-order-v1.ts';
import {
  parsePostOrderBody,
  postOrderBodyV1,
  postOrderBodyV2,
} from '../../../../src/venue/polymarket/order-body.ts';
import {
  createLimitOrderV2,
  hashOrderV2,
  orderV2TypedData,
  signOrderV2,
} from '../../../../src/venue/polymarket/order-signing.ts';
import { SignatureType, type SignedOrderV2 } from '../../../../src/venue/polymarket/order-struct.ts';
import {
  recoverOrderSignerV2,
  verifyOrderSignatureV2,
} from '../../../../src/venue/polymarket/order-verification.ts';

const alice = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const mallory = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const SAFE = getAddress('0x2222222222222222222222222222222222222222');
const WALLET = getAddress('0x3333333333333333333333333333333333333333');
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';

async function order(
  signatureType: SignatureType,
  negRisk: boolean,
  maker?: Address,
): Promise<SignedOrderV2> {
  return createLimitOrderV2({
    signer: alice,
    signatureType,
    maker,
    tokenId: TOKEN,
    side: 'BUY',
    price: '0.55',
    size: '10',
    tickSize: '0.01',
    negRisk,
    salt: 987654321n,
    timestampMs: 1_760_000_000_000n,
  });
}

describe('V2 order verification', () => {
  it.each([
    ['EOA', SignatureType.EOA, undefined],
    ['POLY_PROXY', SignatureType.POLY_PROXY, getAddress('0x1111111111111111111111111111111111111111')],
    ['POLY_GNOSIS_SAFE', SignatureType.POLY_GNOSIS_SAFE, SAFE],
    ['POLY_1271', SignatureType.POLY_1271, WALLET],
  ] as const)(
    '%s: a valid order verifies on its own domain and returns the order hash',
    async (_n, type, maker) => {
      for (const negRisk of [false, true]) {
        const o = await order(type, negRisk, maker);
        const check = await verifyOrderSignatureV2(o, negRisk);
        expect(check).toEqual({ ok: true, orderHash: hashOrderV2(o, negRisk), ownerEoa: alice.address });
      }
    },
  );

  it('the neg-risk and ordinary domains give different hashes and do not cross-verify', async () => {
    const plain = await order(SignatureType.EOA, false);
    const neg = await order(SignatureType.EOA, true);
    expect(hashOrderV2(plain, false)).not.toBe(hashOrderV2(plain, true));
    expect((await verifyOrderSignatureV2(plain, true)).ok).toBe(false);
    expect((await verifyOrderSignatureV2(neg, false)).ok).toBe(false);
    const wrapped = await order(SignatureType.POLY_1271, true, WALLET);
    expect(await verifyOrderSignatureV2(wrapped, false)).toMatchObject({ ok: false, reason: 'wrong_domain' });
  });

  it('every signed field is covered: changing any one breaks verification', async () => {
    const o = await order(SignatureType.POLY_GNOSIS_SAFE, false, SAFE);
    const tampered: Array<[string, SignedOrderV2]> = [
      ['salt', { ...o, salt: o.salt + 1n }],
      ['maker', { ...o, maker: WALLET }],
      ['tokenId', { ...o, tokenId: o.tokenId + 1n }],
      ['makerAmount', { ...o, makerAmount: o.makerAmount + 1n }],
      ['takerAmount', { ...o, takerAmount: o.takerAmount - 1n }],
      ['side', { ...o, side: 'SELL' }],
      ['signatureType', { ...o, signatureType: SignatureType.POLY_PROXY }],
      ['timestamp', { ...o, timestamp: o.timestamp + 1n }],
      ['metadata', { ...o, metadata: `0x${'01'.padStart(64, '0')}` as Hex }],
      ['builder', { ...o, builder: `0x${'02'.padStart(64, '0')}` as Hex }],
    ];
    for (const [field, t] of tampered) {
      const check = await verifyOrderSignatureV2(t, false);
      expect({ field, ok: check.ok }).toEqual({ field, ok: false });
    }
    // `expiration` is not part of the V2 signature (§3.4): changing it keeps the signature valid.
    expect((await verifyOrderSignatureV2({ ...o, expiration: 1_900_000_000n }, false)).ok).toBe(true);
  });

  it('tampering inside a POLY_1271 envelope is detected', async () => {
    const o = await order(SignatureType.POLY_1271, false, WALLET);
    const changed = await verifyOrderSignatureV2({ ...o, makerAmount: o.makerAmount + 1n }, false);
    expect(changed).toMatchObject({ ok: false, reason: 'contents_mismatch' });
    const truncated = await verifyOrderSignatureV2(
      { ...o, signature: o.signature.slice(0, -4) as Hex },
      false,
    );
    expect(truncated).toMatchObject({ ok: false, reason: 'malformed_signature' });
    // a different inner key still "verifies" structurally but yields a different owner, which
    // the caller checks against its deposit-wallet registry
    const byMallory = await createLimitOrderV2({
      signer: mallory,
      signatureType: SignatureType.POLY_1271,
      maker: WALLET,
      tokenId: TOKEN,
      side: 'BUY',
      price: '0.55',
      size: '10',
      tickSize: '0.01',
      negRisk: false,
      salt: o.salt,
      timestampMs: o.timestamp,
    });
    expect(await verifyOrderSignatureV2(byMallory, false)).toMatchObject({
      ok: true,
      ownerEoa: mallory.address,
    });
  });

  it('a signature by another key is a signer mismatch, and reports who signed', async () => {
    const o = await order(SignatureType.EOA, false);
    // mallory signs alice's exact order (signOrderV2 itself refuses to, hence the raw call)
    const forged = await mallory.signTypedData(orderV2TypedData(o, orderDomainV2(false)));
    await expect(signOrderV2(o, mallory, false)).rejects.toThrow(/does not match/);
    const claimed: SignedOrderV2 = { ...o, signature: forged };
    expect(await verifyOrderSignatureV2(claimed, false)).toMatchObject({
      ok: false,
      reason: 'signer_mismatch',
      recovered: mallory.address,
    });
    expect(await recoverOrderSignerV2(claimed, false)).toBe(mallory.address);
  });

  it('an EOA order whose maker is not the signer is refused even with a valid signature', async () => {
    const o = await order(SignatureType.EOA, false);
    const withOtherMaker = await signOrderV2({ ...o, maker: SAFE }, alice, false);
    expect(await verifyOrderSignatureV2(withOtherMaker, false)).toMatchObject({
      ok: false,
      reason: 'maker_mismatch',
    });
  });

  it('garbage signatures are reported, not thrown', async () => {
    const o = await order(SignatureType.EOA, false);
    for (const signature of ['0x', '0x1234', `0x${'00'.repeat(65)}`, `0x${'ff'.repeat(65)}`] as Hex[]) {
      expect(await verifyOrderSignatureV2({ ...o, signature }, false)).toMatchObject({ ok: false });
    }
  });

  it('chain id and addresses are overridable (a simulator on another chain)', async () => {
    const sim = contractSet({ chainId: 31337, exchangeV2: '0x00000000000000000000000000000000000000e2' });
    const base = await order(SignatureType.EOA, false);
    const o = await signOrderV2(base, alice, false, sim);
    expect((await verifyOrderSignatureV2(o, false, sim)).ok).toBe(true);
    expect((await verifyOrderSignatureV2(o, false)).ok).toBe(false);
    expect(hashOrderV2(o, false, sim)).not.toBe(hashOrderV2(o, false));
  });
});

describe('legacy V1 orders', () => {
  async function v1(): Promise<SignedOrderV1> {
    return signOrderV1(
      defaultsV1({
        salt: 42n,
        maker: alice.address,
        signer: alice.address,
        tokenId: BigInt(TOKEN),
        makerAmount: 5_500_000n,
        takerAmount: 10_000_000n,
        side: 'BUY',
        feeRateBps: 0n,
      }),
      alice,
      false,
    );
  }

  it('verify on the V1 domain, and not with the neg-risk V1 domain', async () => {
    const o = await v1();
    expect(await verifyOrderSignatureV1(o, false)).toEqual({
      ok: true,
      orderHash: hashOrderV1(o, false),
      signer: alice.address,
    });
    expect((await verifyOrderSignatureV1(o, true)).ok).toBe(false);
    expect((await verifyOrderSignatureV1({ ...o, nonce: 1n }, false)).ok).toBe(false);
  });

  it('a V1 signature does not verify as a V2 order with the same common fields', async () => {
    const o = await v1();
    const asV2: SignedOrderV2 = {
      salt: o.salt,
      maker: o.maker,
      signer: o.signer,
      tokenId: o.tokenId,
      makerAmount: o.makerAmount,
      takerAmount: o.takerAmount,
      side: o.side,
      signatureType: 0,
      timestamp: 0n,
      metadata: `0x${'00'.repeat(32)}`,
      builder: `0x${'00'.repeat(32)}`,
      expiration: 0n,
      signature: o.signature,
    };
    expect(await verifyOrderSignatureV2(asV2, false)).toMatchObject({ ok: false, reason: 'signer_mismatch' });
  });

  it('a V1 body is classified as version 1 (→ order_version_mismatch), a V2 body as version 2', async () => {
    const body1 = JSON.parse(JSON.stringify(postOrderBodyV1(await v1(), { owner: 'k', orderType: 'GTC' })));
    const parsed1 = parsePostOrderBody(body1);
    expect(parsed1.ok && parsed1.version).toBe(1);
    if (parsed1.ok && parsed1.version === 1)
      expect((await verifyOrderSignatureV1(parsed1.order, false)).ok).toBe(true);
    const body2 = JSON.parse(
      JSON.stringify(
        postOrderBodyV2(await order(SignatureType.EOA, false), { owner: 'k', orderType: 'GTC' }),
      ),
    );
    const parsed2 = parsePostOrderBody(body2);
    expect(parsed2.ok && parsed2.version).toBe(2);
  });
});
