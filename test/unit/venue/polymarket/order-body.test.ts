import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import {
  detectOrderVersion,
  parsePostOrderBody,
  postOrderBodyV2,
  serializePostOrderBodyV2,
} from '../../../../src/venue/polymarket/order-body.ts';
import { createMarketOrderV2 } from '../../../../src/venue/polymarket/order-signing.ts';
import {
  deterministicOrderSalt,
  randomOrderSalt,
  saltToJsonNumber,
  MAX_ORDER_SALT,
} from '../../../../src/venue/polymarket/order-salt.ts';

const alice = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';

const signed = () =>
  createMarketOrderV2({
    signer: alice,
    tokenId: TOKEN,
    side: 'BUY',
    amount: '25',
    price: '0.55',
    tickSize: '0.01',
    negRisk: false,
    salt: 1517120244237n,
    timestampMs: 1_760_000_000_000n,
  });

describe('POST /order body', () => {
  it('has the §3.4 shape: key order, salt as number, amounts/timestamp/expiration as strings', async () => {
    const text = serializePostOrderBodyV2(await signed(), { owner: 'api-key-uuid', orderType: 'FOK' });
    const body = JSON.parse(text);
    expect(Object.keys(body)).toEqual(['deferExec', 'postOnly', 'order', 'owner', 'orderType']);
    expect(Object.keys(body.order)).toEqual([
      'salt',
      'maker',
      'signer',
      'tokenId',
      'makerAmount',
      'takerAmount',
      'side',
      'signatureType',
      'timestamp',
      'expiration',
      'metadata',
      'builder',
      'signature',
    ]);
    expect(body.order.salt).toBe(1517120244237);
    expect(body.order).toMatchObject({
      maker: alice.address,
      signer: alice.address,
      tokenId: TOKEN,
      makerAmount: '25000000',
      takerAmount: '45454500',
      side: 'BUY',
      signatureType: 0,
      timestamp: '1760000000000',
      expiration: '0',
      metadata: `0x${'00'.repeat(32)}`,
      builder: `0x${'00'.repeat(32)}`,
    });
    expect(body).toMatchObject({
      deferExec: false,
      postOnly: false,
      owner: 'api-key-uuid',
      orderType: 'FOK',
    });
  });

  it('refuses postOnly with FOK/FAK, like the official client', async () => {
    const o = await signed();
    expect(() => postOrderBodyV2(o, { owner: 'k', orderType: 'FAK', postOnly: true })).toThrow(/postOnly/);
    expect(postOrderBodyV2(o, { owner: 'k', orderType: 'GTC', postOnly: true }).postOnly).toBe(true);
  });

  it('round-trips through the parser to the same order', async () => {
    const o = await signed();
    const parsed = parsePostOrderBody(
      JSON.parse(serializePostOrderBodyV2(o, { owner: 'k', orderType: 'FOK' })),
    );
    expect(parsed).toEqual({
      ok: true,
      version: 2,
      order: o,
      owner: 'k',
      orderType: 'FOK',
      postOnly: false,
      deferExec: false,
    });
  });

  it('reports invalid payloads with the production message and the offending fields', async () => {
    const body = JSON.parse(serializePostOrderBodyV2(await signed(), { owner: 'k', orderType: 'GTC' }));
    const badAmount = parsePostOrderBody({ ...body, order: { ...body.order, makerAmount: 25 } });
    expect(badAmount).toMatchObject({ ok: false, error: 'Invalid order payload' });
    expect(!badAmount.ok && badAmount.issues.join()).toMatch(/order\.makerAmount/);
    expect(parsePostOrderBody({ ...body, order: { ...body.order, salt: 1.5 } }).ok).toBe(false);
    expect(parsePostOrderBody({ ...body, order: { ...body.order, salt: 2 ** 60 } }).ok).toBe(false);
    expect(parsePostOrderBody({ ...body, order: { ...body.order, signatureType: 4 } }).ok).toBe(false);
    expect(parsePostOrderBody({ ...body, orderType: 'IOC' }).ok).toBe(false);
    expect(parsePostOrderBody({ ...body, order: { salt: 1 } }).ok).toBe(false);
    expect(parsePostOrderBody([body]).ok).toBe(false);
  });

  it('detects the order version from its fields', () => {
    expect(detectOrderVersion({ timestamp: '1', metadata: '0x' })).toBe(2);
    expect(detectOrderVersion({ nonce: '0', feeRateBps: '0', taker: '0x' })).toBe(1);
    expect(detectOrderVersion({ salt: 1 })).toBeUndefined();
    expect(detectOrderVersion('x')).toBeUndefined();
  });
});

describe('order salts', () => {
  it('random salts come from the injected source and stay exact JSON numbers', () => {
    expect(randomOrderSalt(() => 123)).toBe(123n);
    expect(randomOrderSalt(() => 2 ** 41 + 5)).toBe(5n);
    expect(() => randomOrderSalt(() => 0.5)).toThrow(RangeError);
    expect(saltToJsonNumber(MAX_ORDER_SALT - 1n)).toBe(2 ** 41 - 1);
    expect(() => saltToJsonNumber(2n ** 53n)).toThrow(RangeError);
    const fresh = randomOrderSalt();
    expect(fresh >= 0n && fresh < MAX_ORDER_SALT).toBe(true);
  });

  it('deterministic salts depend only on the seed', () => {
    expect(deterministicOrderSalt('queue-row-1')).toBe(deterministicOrderSalt('queue-row-1'));
    expect(deterministicOrderSalt('queue-row-1')).not.toBe(deterministicOrderSalt('queue-row-2'));
    expect(deterministicOrderSalt('queue-row-1') < MAX_ORDER_SALT).toBe(true);
  });
});
