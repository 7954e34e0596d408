// Order preparation is a pure function of the request: the property the live adapter's
// storage-free idempotency rests on. Also the marketable-BUY spend rule and fill reconstruction.
import { describe, expect, it } from 'vitest';
import { privateKeyToAccount } from 'viem/accounts';
import { Decimal, dec } from '../../../../src/domain/money.ts';
import { VenueError } from '../../../../src/venue/errors.ts';
import { clobTradeSchema } from '../../../../src/venue/polymarket/clob-wire.ts';
import { POLYGON_CONTRACTS } from '../../../../src/venue/polymarket/contracts.ts';
import { parsePostOrderBody } from '../../../../src/venue/polymarket/order-body.ts';
import { fillFee, summariseOrderFills } from '../../../../src/venue/polymarket/order-fills.ts';
import {
  marketBuySpend,
  prepareOrder,
  type PrepareInput,
} from '../../../../src/venue/polymarket/order-preparation.ts';
import { deterministicOrderSalt } from '../../../../src/venue/polymarket/order-salt.ts';
import { verifyOrderSignatureV2 } from '../../../../src/venue/polymarket/order-verification.ts';
import { SignatureType } from '../../../../src/venue/polymarket/order-struct.ts';
import type { PlaceOrderRequest } from '../../../../src/venue/venue.ts';

// The public Hardhat/Anvil dev key #0 (polymarket-api.md §4.3), never a real account.
const signer = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';

function input(request: Partial<PlaceOrderRequest>, overrides: Partial<PrepareInput> = {}): PrepareInput {
  return {
    request: {
      clientOrderId: 'queue-row-42',
      tokenId: TOKEN,
      side: 'BUY',
      orderType: 'GTC',
      price: dec('0.55'),
      size: dec('10'),
      signedAtMs: 1_700_000_000_000,
      ...request,
    } as PlaceOrderRequest,
    rules: {
      tokenId: TOKEN,
      conditionId: `0x${'5f'.repeat(32)}`,
      tickSize: dec('0.01'),
      minOrderSize: dec('5'),
      negRisk: false,
      acceptingOrders: true,
    },
    signing: {
      signer,
      signatureType: SignatureType.EOA,
      maker: signer.address,
      contracts: POLYGON_CONTRACTS,
      apiKey: '00000000-0000-4000-8000-000000000000',
    },
    nowMs: 1_700_000_000_000,
    ...overrides,
  };
}

describe('prepareOrder', () => {
  it('is byte-identical for the same request, whatever the clock says', async () => {
    const a = await prepareOrder(input({}));
    const b = await prepareOrder({ ...input({}), nowMs: 1_800_000_000_000 });
    expect(b.body).toBe(a.body);
    expect(b.orderHash).toBe(a.orderHash);
    const body = parsePostOrderBody(JSON.parse(a.body));
    expect(body.ok).toBe(true);
    if (!body.ok || body.version !== 2) return;
    expect(body.order.salt).toBe(deterministicOrderSalt('queue-row-42'));
    expect(body.order.timestamp).toBe(1_700_000_000_000n);
    // §5.3 worked example: limit BUY 10 @ 0.55 → 5.5 pUSD for 10 shares.
    expect([body.order.makerAmount, body.order.takerAmount]).toEqual([5_500_000n, 10_000_000n]);
    expect(body.owner).toBe('00000000-0000-4000-8000-000000000000');
    const check = await verifyOrderSignatureV2(body.order, false, POLYGON_CONTRACTS);
    expect(check).toMatchObject({ ok: true, orderHash: a.orderHash });
  });

  it('a different identity or signing time is a different order', async () => {
    const a = await prepareOrder(input({}));
    const otherId = await prepareOrder(input({ clientOrderId: 'queue-row-43' }));
    const otherTime = await prepareOrder(input({ signedAtMs: 1_700_000_000_001 }));
    expect(new Set([a.orderHash, otherId.orderHash, otherTime.orderHash]).size).toBe(3);
  });

  it('without signedAtMs the signing clock is used', async () => {
    const p = await prepareOrder({ ...input({ signedAtMs: undefined }), nowMs: 1_750_000_000_123 });
    expect(p.signedAtMs).toBe(1_750_000_000_123);
  });

  it('signs for the neg-risk exchange on neg-risk markets', async () => {
    const plain = await prepareOrder(input({}));
    const nr = await prepareOrder({ ...input({}), rules: { ...input({}).rules, negRisk: true } });
    expect(nr.orderHash).not.toBe(plain.orderHash);
    const body = parsePostOrderBody(JSON.parse(nr.body));
    if (!body.ok || body.version !== 2) throw new Error('unparsable');
    expect((await verifyOrderSignatureV2(body.order, true, POLYGON_CONTRACTS)).ok).toBe(true);
    expect((await verifyOrderSignatureV2(body.order, false, POLYGON_CONTRACTS)).ok).toBe(false);
  });

  it('quantises before signing and rejects what the rules forbid, sending nothing', async () => {
    const offTick = await prepareOrder(input({ price: dec('0.5599') }));
    expect(offTick.quantised.price.toFixed()).toBe('0.55');
    const tiny = await prepareOrder(input({ size: dec('1') })).catch((e: unknown) => e);
    expect(tiny).toBeInstanceOf(VenueError);
    expect((tiny as VenueError).reason).toBe('below_min_size');
    const closed = await prepareOrder({
      ...input({}),
      rules: { ...input({}).rules, acceptingOrders: false },
    }).catch((e: unknown) => e);
    expect((closed as VenueError).reason).toBe('market_closed');
  });

  it('GTD carries its expiry and post-only its flag; a marketable SELL sells shares', async () => {
    const gtd = await prepareOrder(input({ orderType: 'GTD', expiresAt: 1_700_000_500, postOnly: true }));
    const body = JSON.parse(gtd.body) as {
      postOnly: boolean;
      orderType: string;
      order: { expiration: string };
    };
    expect([body.postOnly, body.orderType, body.order.expiration]).toEqual([true, 'GTD', '1700000500']);
    const sell = await prepareOrder(
      input({ side: 'SELL', orderType: 'FOK', price: dec('0.42'), size: dec('40') }),
    );
    // §5.3 worked example: market SELL 40 shares @ 0.42 → maker 40, taker 16.8.
    expect([sell.amounts.makerAmount, sell.amounts.takerAmount]).toEqual([40_000_000n, 16_800_000n]);
  });

  it('a marketable BUY by size spends what the book asks for those shares', async () => {
    const book = {
      bids: [],
      asks: [
        { price: dec('0.50'), size: dec('10') },
        { price: dec('0.52'), size: dec('10') },
      ],
    };
    const p = await prepareOrder({ ...input({ orderType: 'FOK', size: dec('15') }), book });
    expect(p.amounts.collateral.toFixed()).toBe('7.6');
    expect(p.amounts.makerAmount).toBe(7_600_000n);
  });
});

describe('marketBuySpend', () => {
  const asks = (levels: [string, string][]) => ({
    bids: [],
    asks: levels.map(([price, size]) => ({ price: dec(price), size: dec(size) })),
  });

  it('cuts the exact cost to cents, never over', () => {
    expect(marketBuySpend(dec('3'), dec('0.52'), asks([['0.515', '3']])).toFixed()).toBe('1.54');
  });

  it('offers the most the order may spend when the book cannot fill it within the limit', () => {
    expect(
      marketBuySpend(
        dec('10'),
        dec('0.55'),
        asks([
          ['0.50', '6'],
          ['0.60', '100'],
        ]),
      ).toFixed(),
    ).toBe('5.5');
  });
});

describe('fills from CLOB trades', () => {
  const trade = (t: Record<string, unknown>) => clobTradeSchema.parse(t);

  it('prices complementary makers at 1 − p and floors each fill fee to base units', () => {
    const summary = summariseOrderFills(
      '0xTAKER',
      [
        trade({
          id: 't1',
          taker_order_id: '0xtaker',
          asset_id: 'YES',
          side: 'BUY',
          size: '15',
          price: '0.506667',
          fee_rate_bps: '200',
          transaction_hash: '0xtx',
          maker_orders: [
            { order_id: 'm1', matched_amount: '10', price: '0.5', asset_id: 'NO', fee_rate_bps: '200' },
            { order_id: 'm2', matched_amount: '5', price: '0.48', asset_id: 'NO', fee_rate_bps: '200' },
          ],
        }),
      ],
      { exponent: 1, takerOnly: true },
    );
    expect(summary.filledSize.toFixed()).toBe('15');
    expect(summary.notional.toFixed()).toBe('7.6');
    // 10 × 0.02 × 0.25 = 0.05; 5 × 0.02 × 0.52 × 0.48 = 0.02496.
    expect(summary.fees.toFixed()).toBe('0.07496');
    expect(summary.transactionHashes).toEqual(['0xtx']);
    // 3.33 × 0.02 × 0.41 × 0.59 = 0.01611054: floored (the exchange's integer maths), not rounded up.
    expect(fillFee(dec('3.33'), dec('0.41'), new Decimal(200), 1).toFixed()).toBe('0.01611');
  });

  it('a maker pays no fee and trades at its own price', () => {
    const summary = summariseOrderFills(
      'm1',
      [
        trade({
          id: 't1',
          taker_order_id: '0xother',
          asset_id: 'YES',
          side: 'SELL',
          size: '4',
          price: '0.4',
          fee_rate_bps: '200',
          maker_orders: [{ order_id: 'M1', matched_amount: '4', price: '0.4', asset_id: 'YES' }],
        }),
      ],
      { exponent: 1, takerOnly: true },
    );
    expect([summary.filledSize.toFixed(), summary.notional.toFixed(), summary.fees.toFixed()]).toEqual([
      '4',
      '1.6',
      '0',
    ]);
  });
});
