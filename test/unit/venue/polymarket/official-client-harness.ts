// Drives @polymarket/clob-client-v2's exported OrderBuilder with a pinned clock and RNG, so its
// otherwise random salt and Date.now() timestamp are known and its output can be compared with
// ours byte for byte. Its salt is `Math.round(Math.random() * Date.now())`; choosing
// random ∈ {0.25, 0.5, 0.75} and a clock divisible by 4 makes that product an exact integer.
import { OrderBuilder, OrderType, Side, isV2Order, orderToJsonV2 } from '@polymarket/clob-client-v2';
import type { SignatureTypeV2, TickSize as OfficialTickSize } from '@polymarket/clob-client-v2';
import { vi } from 'vitest';
import { createWalletClient, http, type Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';

export interface OfficialCase {
  account: PrivateKeyAccount;
  signatureType: 0 | 1 | 2 | 3;
  funder?: string;
  kind: 'limit' | 'market';
  side: 'BUY' | 'SELL';
  tokenId: string;
  /** a JS number, as the official API takes it */
  price: number;
  /** limit: shares; market: pUSD (BUY) or shares (SELL) */
  sizeOrAmount: number;
  tickSize: OfficialTickSize;
  negRisk: boolean;
  nowMs: number;
  random: number;
  expiration?: number;
  metadata?: Hex;
  builderCode?: Hex;
  owner: string;
  orderType: 'GTC' | 'GTD' | 'FOK' | 'FAK';
  postOnly?: boolean;
}

export async function officialPostBody(c: OfficialCase): Promise<string> {
  // A wallet client with a local account signs locally; the transport is never used.
  const wallet = createWalletClient({ account: c.account, transport: http('http://127.0.0.1:9') });
  const builder = new OrderBuilder(wallet, 137, c.signatureType as SignatureTypeV2, c.funder);
  const nowSpy = vi.spyOn(Date, 'now').mockReturnValue(c.nowMs);
  const randomSpy = vi.spyOn(Math, 'random').mockReturnValue(c.random);
  try {
    const side = c.side === 'BUY' ? Side.BUY : Side.SELL;
    const signed =
      c.kind === 'limit'
        ? await builder.buildOrder(
            {
              tokenID: c.tokenId,
              price: c.price,
              size: c.sizeOrAmount,
              side,
              ...(c.expiration !== undefined ? { expiration: c.expiration } : {}),
              ...(c.metadata ? { metadata: c.metadata } : {}),
              ...(c.builderCode ? { builderCode: c.builderCode } : {}),
            },
            { tickSize: c.tickSize, negRisk: c.negRisk },
            2,
          )
        : await builder.buildMarketOrder(
            {
              tokenID: c.tokenId,
              price: c.price,
              amount: c.sizeOrAmount,
              side,
              ...(c.metadata ? { metadata: c.metadata } : {}),
              ...(c.builderCode ? { builderCode: c.builderCode } : {}),
            },
            { tickSize: c.tickSize, negRisk: c.negRisk },
            2,
          );
    if (!isV2Order(signed)) throw new Error('expected a V2 order from the official builder');
    const orderType = OrderType[c.orderType];
    return JSON.stringify(orderToJsonV2(signed, c.owner, orderType, c.postOnly ?? false, false));
  } finally {
    nowSpy.mockRestore();
    randomSpy.mockRestore();
  }
}
