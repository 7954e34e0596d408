// Live credentials end to end, on real PostgreSQL and the simulator in-process over loopback:
// a wallet derives API credentials with L1; the real verifier accepts them and rejects wrong ones
// (and reports an unreachable or failing venue as unavailable, not as a rejection); the API stores
// them through that verifier; the live venue factory decrypts them only through useCredential and
// builds a venue that reads the simulator's balance and places one FOK order; unusable keys
// (revoked, expired, foreign, without a signing key) are refused without being decrypted.
import { createServer } from 'node:net';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/auth/clock.ts';
import { dec } from '../../../src/domain/money.ts';
import { AppError } from '../../../src/services/app-error.ts';
import type { CredentialsToVerify } from '../../../src/services/credential-verifier.ts';
import { PolymarketCredentialVerifier } from '../../../src/services/polymarket-credential-verifier.ts';
import { createLiveVenueFactory, LiveCredentialError } from '../../../src/vault/live-venue-factory.ts';
import {
  PolymarketVenue,
  type PolymarketCredentials,
} from '../../../src/venue/polymarket/polymarket-venue.ts';
import type { LiveVenueFactory } from '../../../src/execution/venue-provider.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { SimHarness, type SimMarketSummary } from '../../unit/venue/live/sim-harness.ts';
import { buildApiWithVerifier, signUp, type LiveTestApi } from './live-harness.ts';

interface Wallet {
  privateKey: `0x${string}`;
  signer: PrivateKeyAccount;
  creds: PolymarketCredentials;
}

let sim: SimHarness;
let market: SimMarketSummary;
let tokenId: string;
let verifier: PolymarketCredentialVerifier;
/** Every request the verifier sent, by path. */
const verifierRequests: string[] = [];

async function newWallet(): Promise<Wallet> {
  const privateKey = generatePrivateKey();
  const signer = privateKeyToAccount(privateKey);
  const creds = await PolymarketVenue.createOrDeriveCredentials({
    clobHost: sim.hosts.clob,
    chainId: 137,
    signer,
  });
  return { privateKey, signer, creds };
}

function toVerify(w: Wallet, overrides: Partial<CredentialsToVerify> = {}): CredentialsToVerify {
  return {
    apiKey: w.creds.apiKey,
    apiSecret: w.creds.secret,
    apiPassphrase: w.creds.passphrase,
    privateKey: w.privateKey,
    signatureType: 0,
    funderAddress: null,
    ...overrides,
  };
}

function secretsOf(w: Wallet): string[] {
  return [w.creds.secret, w.creds.passphrase, w.privateKey, w.privateKey.slice(2)];
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  sim = await SimHarness.start({ seed: 23 });
  market = await sim.binaryMarket();
  tokenId = market.tokens[0]!.tokenId;
  verifier = new PolymarketCredentialVerifier({
    hosts: sim.hosts,
    chainId: 137,
    fetch: (input, init) => {
      verifierRequests.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return fetch(input, init);
    },
  });
});

afterEach(async () => {
  await sim.faults({ reset: true });
});

afterAll(async () => {
  await sim?.close();
});

describe('PolymarketCredentialVerifier against the simulator', () => {
  it('accepts credentials derived with L1, with the private key or with only the wallet address', async () => {
    const w = await newWallet();
    const before = verifierRequests.length;
    await expect(verifier.verify(toVerify(w))).resolves.toEqual({ ok: true });
    // The call it makes is the authenticated balance read.
    expect(verifierRequests.slice(before)).toEqual(['/balance-allowance']);
    await expect(
      verifier.verify(toVerify(w, { privateKey: null, funderAddress: w.signer.address })),
    ).resolves.toEqual({ ok: true });
    // Type 0 with the funder stated as the key's own address (any letter case).
    await expect(
      verifier.verify(toVerify(w, { funderAddress: w.signer.address.toLowerCase() })),
    ).resolves.toEqual({ ok: true });
  });

  it('rejects a wrong secret, a wrong passphrase, an unknown key and another wallet’s private key', async () => {
    const w = await newWallet();
    const other = await newWallet();
    const cases: CredentialsToVerify[] = [
      toVerify(w, { apiSecret: other.creds.secret }),
      toVerify(w, { apiPassphrase: other.creds.passphrase }),
      toVerify(w, { apiKey: '00000000-0000-4000-8000-000000000000' }),
      // The key is bound to w's address: signing for it with other's key is refused.
      toVerify(w, { privateKey: other.privateKey }),
    ];
    for (const c of cases) {
      const before = verifierRequests.length;
      const verdict = await verifier.verify(c);
      expect(verdict.ok).toBe(false);
      expect(verifierRequests.length).toBe(before + 1); // judged by the venue, not locally
      const reason = (verdict as { reason: string }).reason;
      expect(reason).toMatch(/not valid for 0x[0-9a-fA-F]{40} \(HTTP 401/);
      for (const s of [...secretsOf(w), ...secretsOf(other)]) expect(reason).not.toContain(s);
    }
  });

  it('rejects locally, without a request, what cannot be right', async () => {
    const w = await newWallet();
    const cases: [Partial<CredentialsToVerify>, RegExp][] = [
      [{ apiSecret: 'not base64!' }, /not base64/],
      [{ apiSecret: 'a' }, /^the API secret is too short/],
      [{ apiSecret: '' }, /^the API secret is empty/],
      [{ apiPassphrase: 'pass phrase' }, /passphrase contains/],
      [{ privateKey: `0x${'00'.repeat(32)}` }, /not a valid secp256k1 private key/],
      [{ funderAddress: `0x${'12'.repeat(20)}` }, /funder must be the private key's own address/],
      [{ privateKey: null }, /give the private key/],
      [{ signatureType: 2 }, /need the funder address/],
    ];
    const before = verifierRequests.length;
    for (const [overrides, reason] of cases) {
      const verdict = await verifier.verify(toVerify(w, overrides));
      expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    }
    expect(verifierRequests.length).toBe(before);
  });

  it('reports an unreachable venue, a 5xx, a 429 and a timeout as unavailable, not as a rejection', async () => {
    const w = await newWallet();
    const expectUnavailable = async (v: PolymarketCredentialVerifier, detail: RegExp) => {
      const error = await caught(v.verify(toVerify(w)));
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: 'verification_unavailable',
        message: expect.stringMatching(detail),
      });
      for (const s of secretsOf(w)) expect((error as Error).message).not.toContain(s);
      return error as AppError;
    };

    const port = await closedPort();
    await expectUnavailable(
      new PolymarketCredentialVerifier({ hosts: { clob: `http://127.0.0.1:${port}` }, chainId: 137 }),
      /network/,
    );

    await sim.faults({ rate5xx: 1, status5xx: 500, paths: ['/balance-allowance'] });
    await expectUnavailable(verifier, /HTTP 500/);
    await sim.faults({ reset: true, rate5xx: 1, status5xx: 503, paths: ['/balance-allowance'] });
    await expectUnavailable(verifier, /HTTP 503/);

    await sim.faults({ reset: true, rate429: 1, paths: ['/balance-allowance'] });
    const limited = await expectUnavailable(verifier, /rate limited/);
    expect(limited.retryAfterSeconds).toBe(1);

    await sim.faults({ reset: true, latencyMs: 2_000, paths: ['/balance-allowance'] });
    await expectUnavailable(
      new PolymarketCredentialVerifier({ hosts: sim.hosts, chainId: 137, timeoutMs: 200 }),
      /timeout/,
    );

    // The same credentials pass once the venue answers again.
    await sim.faults({ reset: true });
    await expect(verifier.verify(toVerify(w))).resolves.toEqual({ ok: true });
  });
});

describe('storing live credentials through the API and trading with them', () => {
  const t = useTestDatabase();
  let api: LiveTestApi;
  let factory: LiveVenueFactory;
  let seq = 0;

  beforeAll(async () => {
    api = await buildApiWithVerifier(t.current.db, verifier);
    factory = createLiveVenueFactory({
      db: t.current.db,
      masterKey: api.masterKey,
      clock: systemClock,
      hosts: sim.hosts,
      chainId: 137,
    });
  });
  afterAll(async () => api?.app.close());

  const add = (auth: Record<string, string>, body: Record<string, unknown>) =>
    api.app.inject({ method: 'POST', url: '/api/v1/credentials', headers: auth, payload: body });

  const bodyFor = (w: Wallet, extra: Record<string, unknown> = {}) => ({
    apiKey: w.creds.apiKey,
    apiSecret: w.creds.secret,
    apiPassphrase: w.creds.passphrase,
    privateKey: w.privateKey,
    signatureType: 0,
    ...extra,
  });

  const audit = (apiKeyId: string, action: string) =>
    t.current.db
      .selectFrom('credential_audit_log')
      .selectAll()
      .where('api_key_id', '=', apiKeyId)
      .where('action', '=', action as 'use')
      .orderBy('id')
      .execute();

  const failure = async (promise: Promise<unknown>): Promise<LiveCredentialError> => {
    const error = await caught(promise);
    expect(error).toBeInstanceOf(LiveCredentialError);
    return error as LiveCredentialError;
  };

  it('stores verified credentials (201), refuses rejected ones (422) and an unreachable venue (503)', async () => {
    const u = await signUp(api);
    const w = await newWallet();
    const other = await newWallet();

    const wrong = await add(u.auth, bodyFor(w, { apiSecret: other.creds.secret }));
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ error: { code: 'credential_rejected' } });
    const failed = await t.current.db
      .selectFrom('credential_audit_log')
      .selectAll()
      .where('user_id', '=', u.userId)
      .where('action', '=', 'verify_failed')
      .execute();
    expect(failed).toHaveLength(1);

    await sim.faults({ rate5xx: 1, status5xx: 502, paths: ['/balance-allowance'] });
    const down = await add(u.auth, bodyFor(w));
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ error: { code: 'verification_unavailable' } });
    await sim.faults({ reset: true });

    const stored = await t.current.db
      .selectFrom('polymarket_api_keys')
      .select('id')
      .where('user_id', '=', u.userId)
      .execute();
    expect(stored).toHaveLength(0);

    const ok = await add(u.auth, bodyFor(w, { keyName: 'sim' }));
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      keyName: 'sim',
      maskedApiKey: `••••••••${w.creds.apiKey.slice(-4)}`,
      signatureType: 0,
      hasPrivateKey: true,
      status: 'active',
      isPrimary: true,
    });

    // No secret in any response or log line of the flow.
    const everything = [wrong.body, down.body, ok.body, ...api.logLines].join('\n');
    for (const s of [...secretsOf(w), other.creds.secret]) expect(everything).not.toContain(s);
  });

  it('builds a venue from the stored key: reads the funded balance and places one FOK order', async () => {
    const u = await signUp(api);
    const w = await newWallet();
    const res = await add(u.auth, bodyFor(w));
    expect(res.statusCode).toBe(201);
    const keyId = (res.json() as { id: string }).id;

    const venue = await factory(u.userId, keyId);
    expect(venue).toBeInstanceOf(PolymarketVenue);
    expect((venue as PolymarketVenue).funderAddress).toBe(w.signer.address);
    expect((await venue.getCollateralBalance()).balance.toFixed()).toBe('0');
    await sim.fund(w.signer.address, dec('100'));
    const funded = await venue.getCollateralBalance();
    expect(funded.balance.toFixed()).toBe('100');
    expect(funded.allowance?.gt(0)).toBe(true);

    // Every build decrypts through useCredential: one 'use' audit row and last_used_at each time.
    const uses = await audit(keyId, 'use');
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({ user_id: u.userId, actor: 'system', detail: { purpose: 'live_order' } });
    const row = await t.current.db
      .selectFrom('polymarket_api_keys')
      .select('last_used_at')
      .where('id', '=', keyId)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).not.toBeNull();

    // A fresh venue per call, each audited.
    const again = await factory(u.userId, keyId);
    expect(again).not.toBe(venue);
    expect(await audit(keyId, 'use')).toHaveLength(2);

    await sim.setBook(tokenId, { bids: [['0.40', '100']], asks: [['0.50', '100']] });
    seq += 1;
    const result = await again.placeOrder({
      clientOrderId: `vault-live-${seq}`,
      tokenId,
      side: 'BUY',
      orderType: 'FOK',
      price: dec('0.55'),
      amount: dec('5'),
      signedAtMs: Date.now(),
    });
    expect(result.status).toBe('matched');
    expect(result.filledSize.toFixed()).toBe('10');
    const ledger = await sim.ledger(w.creds.apiKey);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ orderHash: result.venueOrderId, accepted: true });
    expect((await venue.getTokenBalance(tokenId)).balance.toFixed()).toBe('10');
    expect((await venue.getCollateralBalance()).balance.lt(dec('100'))).toBe(true);
  });

  it('a proxy/Safe account (signature type 2) trades from its funder wallet', async () => {
    const u = await signUp(api);
    const w = await newWallet();
    const safe = privateKeyToAccount(generatePrivateKey()).address; // any address not otherwise used
    // The simulator binds the funder to its signer, as Polymarket derives it.
    await sim.control('POST', '/sim/fund', { address: safe, pusd: '40', signer: w.signer.address });
    const res = await add(u.auth, bodyFor(w, { signatureType: 2, funderAddress: safe }));
    expect(res.statusCode).toBe(201);
    const keyId = (res.json() as { id: string }).id;

    const venue = (await factory(u.userId, keyId)) as PolymarketVenue;
    expect(venue.funderAddress).toBe(safe);
    expect((await venue.getCollateralBalance()).balance.toFixed()).toBe('40');
  });

  it('refuses revoked, expired, foreign, unknown and signing-key-less keys without decrypting them', async () => {
    const u = await signUp(api);
    const stranger = await signUp(api);
    const w = await newWallet();
    const res = await add(u.auth, bodyFor(w));
    const keyId = (res.json() as { id: string }).id;
    await factory(u.userId, keyId);
    expect(await audit(keyId, 'use')).toHaveLength(1);

    // Another user's id, an unknown id, a malformed id.
    expect((await failure(factory(stranger.userId, keyId))).reason).toBe('no_credentials');
    expect((await failure(factory(u.userId, '999999999'))).reason).toBe('no_credentials');
    expect((await failure(factory(u.userId, 'not-an-id'))).reason).toBe('no_credentials');

    // Expired by date while still 'active'.
    await t.current.db
      .updateTable('polymarket_api_keys')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('id', '=', keyId)
      .execute();
    const expired = await failure(factory(u.userId, keyId));
    expect(expired.reason).toBe('api_key_expired');
    await t.current.db
      .updateTable('polymarket_api_keys')
      .set({ expires_at: new Date(Date.now() + 3_600_000) })
      .where('id', '=', keyId)
      .execute();
    await factory(u.userId, keyId); // a future expiry is fine
    expect(await audit(keyId, 'use')).toHaveLength(2);

    // Revoked through the API.
    const revoke = await api.app.inject({
      method: 'POST',
      url: `/api/v1/credentials/${keyId}/revoke`,
      headers: u.auth,
      payload: { reason: 'test' },
    });
    expect(revoke.statusCode).toBe(200);
    const revoked = await failure(factory(u.userId, keyId));
    expect(revoked.reason).toBe('api_key_inactive');
    expect(revoked.message).toMatch(/is revoked/);

    // Stored without a private key (verified by its address): the platform cannot sign for it.
    const w2 = await newWallet();
    const noKey = await add(u.auth, bodyFor(w2, { privateKey: null, funderAddress: w2.signer.address }));
    expect(noKey.statusCode).toBe(201);
    const noKeyId = (noKey.json() as { id: string }).id;
    const unsigned = await failure(factory(u.userId, noKeyId));
    expect(unsigned.reason).toBe('no_credentials');
    expect(unsigned.message).toMatch(/no signing key/);

    // None of the refusals decrypted anything.
    expect(await audit(keyId, 'use')).toHaveLength(2);
    expect(await audit(noKeyId, 'use')).toHaveLength(0);
    for (const s of [...secretsOf(w), ...secretsOf(w2)]) {
      expect([expired, revoked, unsigned].map((e) => e.message).join('\n')).not.toContain(s);
    }
  });
});
