// The simulator's sampled signature verification (issue 14, item 10): by default every order's
// EIP-712 signature is verified; with `verifySample: N` one order in N, chosen by its hash, and a
// bad signature that is sampled in is still rejected. Everything else is checked on every order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorServer } from '../../../src/simulator/server/index.ts';
import { SignatureSampler } from '../../../src/simulator/server/signature-sampling.ts';
import type { SignedOrderV2 } from '../../../src/venue/polymarket/order-struct.ts';
import {
  createKey,
  fund,
  json,
  limitOrder,
  newAccount,
  pickMarket,
  postOrder,
  setBook,
  startSmall,
  type Trader,
} from './harness.ts';

interface Verification {
  verifySample: number;
  mode: string;
  verified: number;
  skipped: number;
}

async function world(verifySample?: number) {
  const s = await startSmall(verifySample === undefined ? {} : { verifySample });
  const m = await pickMarket(s, '0.01', false);
  const token = m.tokens[0]!.tokenId;
  await setBook(s, token, [['0.20', '100']], [['0.60', '100']]);
  const alice = await createKey(s, newAccount());
  await fund(s, alice.account.address, '1000');
  return { s, token, alice };
}

/** A resting BUY whose signature is another order's: it recovers to a stranger, never to alice. */
async function badlySigned(t: Trader, token: string): Promise<SignedOrderV2> {
  const spec = { tokenId: token, tickSize: '0.01' as const, negRisk: false, side: 'BUY' as const };
  const order = await limitOrder(t, { ...spec, price: '0.30', size: '10' });
  const other = await limitOrder(t, { ...spec, price: '0.31', size: '10' });
  return { ...order, signature: other.signature };
}

const verification = async (s: SimulatorServer) =>
  (await json<Verification>(`${s.url}/sim/verification`)).body;

describe('SignatureSampler', () => {
  it('verifies every order by default, and refuses a sample rate that is not a positive integer', () => {
    const every = new SignatureSampler();
    for (let i = 0; i < 50; i++) expect(every.sampledIn(`0x${i.toString(16).padStart(64, '0')}`)).toBe(true);
    expect(every.stats()).toEqual({ verifySample: 1, mode: 'every order', verified: 50, skipped: 0 });
    expect(() => new SignatureSampler(0)).toThrow(RangeError);
    expect(() => new SignatureSampler(2.5)).toThrow(RangeError);
  });

  it('1 in N by the hash: the same hash always gets the same answer; `always` is always verified', () => {
    const one = new SignatureSampler(20);
    const hashes = Array.from(
      { length: 2000 },
      (_, i) => `0x${(i * 7919).toString(16).padStart(64, '0')}` as const,
    );
    const first = hashes.map((h) => one.sampledIn(h));
    expect(hashes.map((h) => one.sampledIn(h))).toEqual(first);
    const n = first.filter(Boolean).length;
    expect(n).toBe(100); // multiples of 20 among 0..1999 (× 7919, coprime to 20)
    expect(one.sampledIn(hashes[1]!, true)).toBe(true);
    expect(one.stats().mode).toBe('1 in 20');
  });
});

describe('the simulator, by default: every signature verified', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(async () => w.s.close());

  it('rejects every badly signed order and reports the mode', async () => {
    for (let i = 0; i < 12; i++) {
      const r = await postOrder(w.s, w.alice, await badlySigned(w.alice, w.token));
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'invalid signature' });
    }
    expect(await verification(w.s)).toEqual({
      verifySample: 1,
      mode: 'every order',
      verified: 12,
      skipped: 0,
    });
  });
});

describe('the simulator with verifySample 4', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world(4);
  });
  afterAll(async () => w.s.close());

  it('a bad signature sampled in is rejected, sampled out it passes; the counts say which', async () => {
    let rejected = 0;
    let accepted = 0;
    for (let i = 0; i < 40; i++) {
      const order = await badlySigned(w.alice, w.token);
      const hash = w.s.ctx.hasher.hash(order, false);
      const sampledIn = Number.parseInt(hash.slice(-12), 16) % 4 === 0;
      const r = await postOrder(w.s, w.alice, order);
      if (sampledIn) {
        expect(r.body).toEqual({ error: 'invalid signature' });
        rejected += 1;
        // Posted again, the same order is verified again and refused again.
        expect((await postOrder(w.s, w.alice, order)).body).toEqual({ error: 'invalid signature' });
      } else {
        expect(r.body.success).toBe(true);
        expect(r.body.orderID).toBe(hash);
        accepted += 1;
      }
    }
    expect(rejected).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(rejected);
    expect(await verification(w.s)).toEqual({
      verifySample: 4,
      mode: '1 in 4',
      verified: rejected * 2,
      skipped: accepted,
    });
  });

  it('the checks that are not the signature still run on every order', async () => {
    const stranger = await createKey(w.s, newAccount());
    for (let i = 0; i < 8; i++) {
      // Alice's order posted with the stranger's key: the signer is not the key's address.
      const r = await postOrder(w.s, stranger, await badlySigned(w.alice, w.token), 'GTC', {
        owner: stranger.creds.key,
      });
      expect(r.body.error).toBe('the order signer address has to be the address of the API KEY');
    }
  });
});
