// Byte-equality with @polymarket/clob-client-v2@1.1.0: for a table of orders, the POST /order
// body our code produces (amounts, signature, every field, key order) must be the string the
// official client would send. Where the official float arithmetic disagrees with the exact
// decimal rule, the case is named below and the exact value is computed independently.
import fc from 'fast-check';
import { createL1Headers, createL2Headers } from '@polymarket/clob-client-v2';
import type { TickSize as OfficialTickSize } from '@polymarket/clob-client-v2';
import { createWalletClient, http, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { buildL1Headers } from '../../../../src/venue/polymarket/l1-auth.ts';
import { buildL2Headers } from '../../../../src/venue/polymarket/l2-auth.ts';
import { serializePostOrderBodyV2 } from '../../../../src/venue/polymarket/order-body.ts';
import { createLimitOrderV2, createMarketOrderV2 } from '../../../../src/venue/polymarket/order-signing.ts';
import { marketOrderAmounts, type TickSize } from '../../../../src/venue/polymarket/order-amounts.ts';
import { officialPostBody, type OfficialCase } from './official-client-harness.ts';

const eoa = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
// Stand-ins for a proxy / Safe / deposit wallet address (only their bytes matter for signing).
const PROXY = '0x1111111111111111111111111111111111111111';
const SAFE = '0x2222222222222222222222222222222222222222';
const DEPOSIT_WALLET = '0x3333333333333333333333333333333333333333';
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const OWNER = '00000000-1111-2222-3333-444444444444';

function funderFor(signatureType: 0 | 1 | 2 | 3): string | undefined {
  return [undefined, PROXY, SAFE, DEPOSIT_WALLET][signatureType];
}

async function ourPostBody(c: OfficialCase): Promise<string> {
  // The official salt formula with the pinned inputs (exact: random·now is an integer here).
  const salt = BigInt(c.nowMs * c.random);
  const common = {
    signer: c.account,
    signatureType: c.signatureType,
    maker: c.funder as `0x${string}` | undefined,
    tokenId: c.tokenId,
    negRisk: c.negRisk,
    salt,
    timestampMs: BigInt(c.nowMs),
    metadata: c.metadata,
    builder: c.builderCode,
    side: c.side,
    tickSize: c.tickSize as TickSize,
    // Our API takes decimal strings; String(number) is the literal the official caller wrote.
    price: String(c.price),
  };
  const order =
    c.kind === 'limit'
      ? await createLimitOrderV2({
          ...common,
          size: String(c.sizeOrAmount),
          expiration: c.expiration !== undefined ? BigInt(c.expiration) : undefined,
        })
      : await createMarketOrderV2({ ...common, amount: String(c.sizeOrAmount) });
  return serializePostOrderBodyV2(order, { owner: c.owner, orderType: c.orderType, postOnly: c.postOnly });
}

const TICKS: OfficialTickSize[] = ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'];
// Per tick: (price, size/amount) pairs on the tick grid, chosen to exercise rounding: sizes with
// more than 2 decimals (truncated), awkward quotients for market BUYs, extreme prices.
const PAIRS: Record<OfficialTickSize, Array<[number, number]>> = {
  '0.1': [
    [0.5, 10],
    [0.1, 7.777],
    [0.9, 33.33],
  ],
  '0.01': [
    [0.55, 10],
    [0.01, 123.456],
    [0.99, 5.5],
    [0.37, 27.01],
    // more decimals than the tick: limit rounds half-up (0.56), market rounds down (0.55)
    [0.555, 10],
  ],
  '0.005': [
    [0.125, 40],
    [0.995, 12.34],
    [0.335, 3.999],
  ],
  '0.0025': [
    [0.0025, 100],
    [0.4975, 17.3],
    [0.7325, 9.87],
  ],
  '0.001': [
    [0.123, 33.333],
    [0.001, 250],
    [0.999, 6.66],
    [0.077, 13.13],
  ],
  '0.0001': [
    [0.0001, 12],
    [0.5555, 77.77],
    [0.9999, 5],
    [0.0333, 21.5],
  ],
};

function buildTable(): OfficialCase[] {
  const table: OfficialCase[] = [];
  let i = 0;
  for (const tickSize of TICKS) {
    for (const [price, sizeOrAmount] of PAIRS[tickSize]) {
      for (const side of ['BUY', 'SELL'] as const) {
        for (const kind of ['limit', 'market'] as const) {
          // Rotate signature type and neg-risk so every combination appears many times.
          // (i % 4 already encodes side × kind, so rotate on the pair index instead.)
          const pair = Math.floor(i / 4);
          const signatureType = (pair % 4) as 0 | 1 | 2 | 3;
          const negRisk = Math.floor(pair / 4) % 2 === 1;
          const gtd = kind === 'limit' && i % 3 === 0;
          table.push({
            account: eoa,
            signatureType,
            funder: funderFor(signatureType),
            kind,
            side,
            tokenId: TOKEN,
            price,
            sizeOrAmount,
            tickSize,
            negRisk,
            nowMs: 1_760_000_000_000 + 4 * i,
            random: [0.25, 0.5, 0.75][i % 3]!,
            expiration: gtd ? 1_760_000_500 : undefined,
            metadata: i % 5 === 0 ? (`0x${'ab'.repeat(32)}` as Hex) : undefined,
            builderCode: i % 7 === 0 ? (`0x${'cd'.repeat(32)}` as Hex) : undefined,
            owner: OWNER,
            orderType: kind === 'market' ? (i % 2 ? 'FAK' : 'FOK') : gtd ? 'GTD' : 'GTC',
            postOnly: kind === 'limit' && i % 4 === 1,
          });
          i++;
        }
      }
    }
  }
  return table;
}

const TABLE = buildTable();

describe('POST /order body is byte-identical to @polymarket/clob-client-v2', () => {
  it('covers every tick size, side, order kind, signature type and neg-risk flag', () => {
    const combos = new Set(TABLE.map((c) => `${c.signatureType}/${c.negRisk}/${c.kind}/${c.side}`));
    expect(combos.size).toBe(4 * 2 * 2 * 2);
    expect(new Set(TABLE.map((c) => c.tickSize)).size).toBe(6);
  });

  it.each(
    TABLE.map(
      (c) =>
        [
          `${c.kind} ${c.side} ${c.sizeOrAmount}@${c.price} tick ${c.tickSize} sig ${c.signatureType} negRisk ${c.negRisk}`,
          c,
        ] as const,
    ),
  )('%s', async (_name, c) => {
    const official = await officialPostBody(c);
    const ours = await ourPostBody(c);
    expect(ours).toBe(official);
    // Guard against a vacuous pass: the body really carries a signature and the amounts.
    const parsed = JSON.parse(ours) as { order: { signature: string; makerAmount: string } };
    expect(parsed.order.signature.length).toBeGreaterThanOrEqual(132);
    expect(BigInt(parsed.order.makerAmount)).toBeGreaterThan(0n);
  });
});

describe('named divergences: official float rounding vs exact decimal rounding', () => {
  // Market BUY on 4-decimal ticks: takerAmount = spend ÷ price rounded to 6 decimals. When the
  // exact quotient is a whole number of base units, the float division lands a hair below it
  // and the official clamp (ceil at 10 decimals, floor at 6) loses one base unit.
  const cases: Array<{ name: string; amount: string; price: string; tick: OfficialTickSize }> = [
    { name: 'market BUY $5231.23 @ 0.01, tick 0.0001', amount: '5231.23', price: '0.01', tick: '0.0001' },
    { name: 'market BUY $1234.56 @ 0.0025, tick 0.0025', amount: '1234.56', price: '0.0025', tick: '0.0025' },
    { name: 'market BUY $2855.85 @ 0.0004, tick 0.0001', amount: '2855.85', price: '0.0004', tick: '0.0001' },
    { name: 'market BUY $1448.31 @ 0.0008, tick 0.0001', amount: '1448.31', price: '0.0008', tick: '0.0001' },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const base: OfficialCase = {
      account: eoa,
      signatureType: 0,
      kind: 'market',
      side: 'BUY',
      tokenId: TOKEN,
      price: Number(c.price),
      sizeOrAmount: Number(c.amount),
      tickSize: c.tick,
      negRisk: false,
      nowMs: 1_760_000_000_000,
      random: 0.5,
      owner: OWNER,
      orderType: 'FOK',
    };
    const official = JSON.parse(await officialPostBody(base)) as { order: { takerAmount: string } };
    const ours = marketOrderAmounts({ side: 'BUY', amount: c.amount, price: c.price, tickSize: c.tick });
    // Exact shares in base units, computed independently with integers: amount·10^6 / price.
    const [ai, af = ''] = c.amount.split('.');
    const [pi, pf = ''] = c.price.split('.');
    const amountUnits = BigInt(ai! + af.padEnd(6, '0'));
    const priceNum = BigInt(pi! + pf);
    const priceDen = 10n ** BigInt(pf.length);
    expect((amountUnits * priceDen) % priceNum).toBe(0n); // the quotient is exact...
    const exact = (amountUnits * priceDen) / priceNum;
    expect(ours.takerAmount).toBe(exact); // ...we send it...
    expect(BigInt(official.order.takerAmount)).toBe(exact - 1n); // ...the official client is 1 unit short.
  });
});

describe('official-client amounts agree with ours everywhere else (property)', () => {
  it('random limit and market orders on every tick: equal, or a named-kind divergence where ours is exact', async () => {
    const arbCase = fc
      .record({
        tick: fc.constantFrom(...TICKS),
        ticks: fc.integer({ min: 1, max: 9999 }),
        cents: fc.integer({ min: 1, max: 2_000_000 }),
        side: fc.constantFrom('BUY' as const, 'SELL' as const),
        kind: fc.constantFrom('limit' as const, 'market' as const),
      })
      .map((r) => {
        const tickUnits = Math.round(Number(r.tick) * 10_000); // 0.0025 → 25 (integer tick in 1e-4)
        const maxTicks = Math.floor(10_000 / tickUnits) - 1;
        const priceUnits = (1 + ((r.ticks - 1) % maxTicks)) * tickUnits;
        return { ...r, price: (priceUnits / 10_000).toString(), amount: (r.cents / 100).toString() };
      });
    await fc.assert(
      fc.asyncProperty(arbCase, async (r) => {
        const c: OfficialCase = {
          account: eoa,
          signatureType: 0,
          kind: r.kind,
          side: r.side,
          tokenId: TOKEN,
          price: Number(r.price),
          sizeOrAmount: Number(r.amount),
          tickSize: r.tick,
          negRisk: false,
          nowMs: 1_760_000_000_000,
          random: 0.5,
          owner: OWNER,
          orderType: r.kind === 'market' ? 'FOK' : 'GTC',
        };
        const official = await officialPostBody(c);
        const ours = await ourPostBody(c);
        if (ours === official) return;
        // Only the market-BUY float case above is allowed to differ, and only by one unit in
        // our favour of exactness.
        expect(r.kind).toBe('market');
        expect(r.side).toBe('BUY');
        const o = JSON.parse(official) as { order: { takerAmount: string } };
        const u = JSON.parse(ours) as { order: { takerAmount: string } };
        expect(BigInt(u.order.takerAmount) - BigInt(o.order.takerAmount)).toBe(1n);
      }),
      { numRuns: 300, seed: 20260428 },
    );
  });
});

describe('auth headers are identical to the official client', () => {
  const wallet = createWalletClient({ account: eoa, transport: http('http://127.0.0.1:9') });

  it('L1 headers for several timestamps and nonces', async () => {
    for (const [ts, nonce] of [
      [1_700_000_000, 0],
      [1_760_123_456, 7],
      [1_800_000_001, 123456],
    ] as const) {
      const official = await createL1Headers(wallet, 137, nonce, ts);
      const ours = await buildL1Headers({ signer: eoa, timestampSec: ts, nonce: BigInt(nonce) });
      expect(ours).toEqual(official);
    }
  });

  it('L2 headers for a POST /order body, a GET and a DELETE', async () => {
    const creds = {
      key: OWNER,
      secret: 'c2VjcmV0LWtleS1mb3ItdGVzdGluZy0xMjM0NTY3OA==',
      passphrase: 'pass-phrase',
    };
    const body = await ourPostBody(TABLE[5]!);
    for (const [method, requestPath, b] of [
      ['POST', '/order', body],
      ['GET', '/data/orders', undefined],
      ['DELETE', '/order', '{"orderID":"0xabc"}'],
    ] as const) {
      const official = await createL2Headers(wallet, creds, { method, requestPath, body: b }, 1_760_000_000);
      const ours = buildL2Headers({
        address: eoa.address,
        credentials: creds,
        method,
        requestPath,
        body: b,
        timestampSec: 1_760_000_000,
      });
      expect(ours).toEqual(official);
    }
  });
});
