// A tick size that changed under us (ticks change live near 0 and 1, §3.3): the refused order does
// not exist, so the adapter forgets it and its cached tick, and the next attempt is re-quantised on
// the fresh tick. Served by a scripted fetch: the simulator's ticks do not change on demand.
import { describe, expect, it } from 'vitest';
import { privateKeyToAccount } from 'viem/accounts';
import { dec } from '../../../../src/domain/money.ts';
import { VenueError } from '../../../../src/venue/errors.ts';
import { PolymarketVenue } from '../../../../src/venue/polymarket/polymarket-venue.ts';
import { SignatureType } from '../../../../src/venue/polymarket/order-struct.ts';

const CID = `0x${'5f'.repeat(32)}`;
const TOKEN = '1001';
const signer = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');

describe('stale tick size', () => {
  it('re-quantises on the fresh tick after an invalid_tick rejection', async () => {
    let tick = '0.1';
    const posted: { price: string; makerAmount: string; takerAmount: string }[] = [];
    const fake: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      const json = (status: number, body: unknown) =>
        new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (url.pathname === `/markets-by-token/${TOKEN}`) return json(200, { condition_id: CID });
      if (url.pathname === `/clob-markets/${CID}`) {
        return json(200, {
          c: CID,
          t: [
            { t: TOKEN, o: 'Yes' },
            { t: '1002', o: 'No' },
          ],
          mts: Number(tick),
          mos: 5,
          ao: true,
        });
      }
      if (url.pathname === `/markets/${CID}`) return json(404, { error: 'market not found' });
      if (url.pathname === '/order' && init?.method === 'POST') {
        const body = JSON.parse(String(init.body)) as { order: { makerAmount: string; takerAmount: string } };
        const price = (Number(body.order.makerAmount) / Number(body.order.takerAmount)).toString();
        posted.push({ price, ...body.order });
        if (posted.length === 1) {
          tick = '0.01';
          return json(400, {
            error: `order 0x1 is invalid. Price (${price}) breaks minimum tick size rule: 0.01`,
          });
        }
        return json(200, {
          success: true,
          errorMsg: '',
          orderID: '0xabc',
          status: 'live',
          makingAmount: '',
          takingAmount: '',
        });
      }
      return json(404, { error: 'not found' });
    };
    const venue = new PolymarketVenue({
      hosts: {
        clob: 'http://clob.test',
        gamma: 'http://gamma.test',
        data: 'http://data.test',
        wsMarket: 'ws://x',
      },
      chainId: 137,
      credentials: { apiKey: '00000000-0000-4000-8000-000000000000', secret: 'c2VjcmV0', passphrase: 'p' },
      signer,
      signatureType: SignatureType.EOA,
      fetch: fake,
    });
    const request = {
      clientOrderId: 'tick-1',
      tokenId: TOKEN,
      side: 'BUY' as const,
      orderType: 'GTC' as const,
      price: dec('0.47'),
      size: dec('10'),
      signedAtMs: 1_700_000_000_000,
    };
    const first = await venue.placeOrder(request).then(
      () => null,
      (e: unknown) => e,
    );
    expect(first).toBeInstanceOf(VenueError);
    expect((first as VenueError).reason).toBe('invalid_tick');
    const second = await venue.placeOrder(request);
    expect(second.price.toFixed()).toBe('0.47');
    // First signed on the stale 0.1 grid (0.47 → 0.4), then on the fresh 0.01 grid.
    expect(posted.map((p) => p.makerAmount)).toEqual(['4000000', '4700000']);
  });
});
