// The test vectors of docs/polymarket-api.md §4.3, §5.1–§5.3, reproduced exactly.
import { keccak256, stringToHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { buildL1Headers, clobAuthDigest } from '../../../../src/venue/polymarket/l1-auth.ts';
import { l2Signature } from '../../../../src/venue/polymarket/l2-auth.ts';
import { defaultsV1, hashOrderV1 } from '../../../../src/venue/polymarket/legacy-order-v1.ts';
import { limitOrderAmounts, marketOrderAmounts } from '../../../../src/venue/polymarket/order-amounts.ts';
import { buildOrderV2, hashOrderV2, signOrderV2 } from '../../../../src/venue/polymarket/order-signing.ts';
import { ORDER_V2_TYPEHASH } from '../../../../src/venue/polymarket/order-struct.ts';

const account = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';

describe('§4.3 test vectors', () => {
  it('uses the Hardhat #0 key', () => {
    expect(account.address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  });

  it('L1: ClobAuth digest and POLY_SIGNATURE at ts=1700000000, nonce 0, chain 137', async () => {
    expect(
      clobAuthDigest({ address: account.address, timestampSec: 1_700_000_000, nonce: 0n, chainId: 137 }),
    ).toBe('0xc85352894b3c41f3ea6152479d64b9233fbaf2de87eabc7e4bba3a161fd28493');
    const headers = await buildL1Headers({ signer: account, timestampSec: 1_700_000_000 });
    expect(headers).toEqual({
      POLY_ADDRESS: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      POLY_SIGNATURE:
        '0x659ed4b28ae28e0f038fdf0023c00863c9559caacb9ebc83f44eea87059a099a36f1e1dee110e7faa1c4f65d17489b2da1333ebef78bbe2116d81207b975052d1c',
      POLY_TIMESTAMP: '1700000000',
      POLY_NONCE: '0',
    });
  });

  it('L2: HMAC for DELETE /order with a body and GET /data/orders without one', () => {
    const secret = 'c2VjcmV0LWtleS1mb3ItdGVzdGluZy0xMjM0NTY3OA==';
    expect(l2Signature(secret, 1_700_000_000, 'DELETE', '/order', '{"orderID":"0xabc"}')).toBe(
      '5rflqJIxf-wy_4baXpGnEmn9WspX6C9zAOhNhuNaOeo=',
    );
    expect(l2Signature(secret, 1_700_000_000, 'GET', '/data/orders')).toBe(
      'V3xUzYOCaT1EBgfnXqa5BMhrtyg0GsMCL2hMwj1cKYc=',
    );
  });

  const v2 = buildOrderV2({
    signer: account,
    tokenId: TOKEN,
    side: 'BUY',
    makerAmount: 5_500_000n,
    takerAmount: 10_000_000n,
    salt: 123456789n,
    timestampMs: 1_700_000_000_000n,
    negRisk: false,
  });

  it('V2 order: hash and signature on the CTF Exchange V2 domain', async () => {
    expect(hashOrderV2(v2, false)).toBe('0x2cdd340544751173f8bb1b50dac2df1a5da5b8686a30cc993b9d673c75007f62');
    const signed = await signOrderV2(v2, account, false);
    expect(signed.signature).toBe(
      '0x316ae1a8cc1264293b6f8dbf4d7d1a0fccb6f670c75390905f71ebd475721b9f62f4c1c1786095b1ff9e8716709054b64e18334eb536591c1fed6ae1a101e5a31b',
    );
  });

  it('V1 order hash with taker/expiration/nonce/fee = 0 on the V1 domain', () => {
    const v1 = defaultsV1({
      salt: 123456789n,
      maker: account.address,
      signer: account.address,
      tokenId: BigInt(TOKEN),
      makerAmount: 5_500_000n,
      takerAmount: 10_000_000n,
      side: 'BUY',
    });
    expect(hashOrderV1(v1, false)).toBe('0xd2be67630ee3c725671ad0703c6e64b95d7e671d8c64230a8d44b5903fd06ae5');
  });
});

describe('§5.1/§5.2 type hashes', () => {
  it('V2 Order typehash', () => {
    expect(ORDER_V2_TYPEHASH).toBe('0xbb86318a2138f5fa8ae32fbe8e659f8fcf13cc6ae4014a707893055433818589');
  });
  it('V1 Order typehash', () => {
    const v1 =
      'Order(uint256 salt,address maker,address signer,address taker,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint256 expiration,uint256 nonce,uint256 feeRateBps,uint8 side,uint8 signatureType)';
    expect(keccak256(stringToHex(v1))).toBe(
      '0xa852566c4e14d00869b6db0220888a9090a13eccdaea03713ff0a3d27bf9767c',
    );
  });
});

describe('§5.3 worked examples', () => {
  const units = (a: { makerAmount: bigint; takerAmount: bigint }) => [a.makerAmount, a.takerAmount];
  it('limit BUY 10 @ 0.55, tick 0.01', () => {
    expect(units(limitOrderAmounts({ side: 'BUY', price: '0.55', size: '10', tickSize: '0.01' }))).toEqual([
      5_500_000n,
      10_000_000n,
    ]);
  });
  it('limit SELL 10 @ 0.55', () => {
    expect(units(limitOrderAmounts({ side: 'SELL', price: '0.55', size: '10', tickSize: '0.01' }))).toEqual([
      10_000_000n,
      5_500_000n,
    ]);
  });
  it('limit BUY 33.333 @ 0.123, tick 0.001 (size truncated to 33.33)', () => {
    expect(
      units(limitOrderAmounts({ side: 'BUY', price: '0.123', size: '33.333', tickSize: '0.001' })),
    ).toEqual([4_099_590n, 33_330_000n]);
  });
  it('market BUY $25 @ 0.55', () => {
    expect(units(marketOrderAmounts({ side: 'BUY', price: '0.55', amount: '25', tickSize: '0.01' }))).toEqual(
      [25_000_000n, 45_454_500n],
    );
  });
  it('market SELL 40 shares @ 0.42', () => {
    expect(
      units(marketOrderAmounts({ side: 'SELL', price: '0.42', amount: '40', tickSize: '0.01' })),
    ).toEqual([40_000_000n, 16_800_000n]);
  });
});
