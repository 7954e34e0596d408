// The copy engine against the simulator, in-process over loopback, on real PostgreSQL: a simulator
// (frozen clock, started at the wall clock so Data API windows line up), the platform API (users
// sign up, store live credentials through the real verifier, follow in live mode), the live venue
// factory over the vault, and the two engine roles (LeaderFillDetector on RTDS + Data API,
// CopyWorker with DefaultVenueProvider). A leader is a wallet the test controls: it trades on the
// simulator's CLOB against a book the test sets, so every copy's size and price are known.
import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { systemClock } from '../../../src/auth/clock.ts';
import type { Db } from '../../../src/db/client.ts';
import { Decimal } from '../../../src/domain/money.ts';
import type { SubscriptionTier } from '../../../src/domain/tiers.ts';
import type { ExecutionOutcome, ExecutorDeps } from '../../../src/execution/execute-claim.ts';
import type { QueueRow } from '../../../src/execution/queue-claims.ts';
import { DefaultVenueProvider } from '../../../src/execution/venue-provider.ts';
import { CopyWorker, type WorkerOptions } from '../../../src/execution/worker.ts';
import { LeaderFillDetector, type DetectorOptions } from '../../../src/ingest/detector.ts';
import { MarketRulesCache } from '../../../src/venue/market-cache.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { PolymarketCredentialVerifier } from '../../../src/services/polymarket-credential-verifier.ts';
import { startSimulatorServer, type SimulatorServer } from '../../../src/simulator/server/index.ts';
import { createLiveVenueFactory } from '../../../src/vault/live-venue-factory.ts';
import {
  hostsFromSimulatorEndpoints,
  PolymarketVenue,
  type PolymarketCredentials,
  type PolymarketHosts,
} from '../../../src/venue/polymarket/polymarket-venue.ts';
import { RtdsActivityStream } from '../../../src/venue/polymarket/rtds-stream.ts';
import { SignatureType } from '../../../src/venue/polymarket/order-struct.ts';
import { buildApiWithVerifier, signUp, type LiveTestApi } from '../vault/live-harness.ts';

export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export interface SimMarket {
  conditionId: string;
  slug: string;
  negRisk: boolean;
  tickSize: string;
  minOrderSize: string;
  feeRateBps: number;
  closed: boolean;
  tokens: { tokenId: string; outcome: string }[];
}

export interface LedgerEntry {
  orderHash: string;
  accepted: boolean;
  responseDropped: boolean;
  side: string;
  errorMsg: string;
}

export class EngineSim {
  private constructor(
    readonly server: SimulatorServer,
    readonly hosts: PolymarketHosts & { rtds: string },
  ) {}

  static async start(seed: number): Promise<EngineSim> {
    // Frozen clock (speed 0: synthetic traders act only when the test advances time), started at
    // the wall clock: the detector's first Data API window is "the last minute" of wall time.
    const server = await startSimulatorServer({ port: 0, seed, speed: 0, startTime: Date.now() });
    const endpoints = (await (await fetch(`${server.url}/sim/endpoints`)).json()) as Parameters<
      typeof hostsFromSimulatorEndpoints
    >[0] & { ws: { rtds: string } };
    return new EngineSim(server, { ...hostsFromSimulatorEndpoints(endpoints), rtds: endpoints.ws.rtds });
  }

  get url(): string {
    return this.server.url;
  }

  async control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** A binary, non-neg-risk market on a cent tick. */
  async binaryMarket(index = 0): Promise<SimMarket> {
    const markets = await this.control<SimMarket[]>('GET', '/sim/markets?active=true');
    const fit = markets.filter(
      (m) => !m.negRisk && !m.closed && m.tickSize === '0.01' && m.feeRateBps > 0 && m.tokens.length === 2,
    );
    const m = fit[index];
    if (!m) throw new Error('the simulator has no suitable binary market');
    return m;
  }

  async fund(address: string, pusd: string): Promise<void> {
    await this.control('POST', '/sim/fund', { address, pusd });
  }

  /** Replaces the token's book: levels as [price, size]; repeated levels are separate orders. */
  async setBook(tokenId: string, bids: [string, string][], asks: [string, string][]): Promise<void> {
    const level = ([price, size]: [string, string]) => ({ price, size });
    await this.control('POST', '/sim/book', { tokenId, bids: bids.map(level), asks: asks.map(level) });
  }

  async faults(patch: Record<string, unknown>): Promise<void> {
    await this.control('POST', '/sim/faults', patch);
  }

  async ledger(apiKey: string): Promise<LedgerEntry[]> {
    return this.control('GET', `/sim/ledger?apiKey=${encodeURIComponent(apiKey)}`);
  }

  /** Order hashes the exchange accepted for the key: an order placed twice would appear twice. */
  async acceptedOrders(apiKey: string): Promise<string[]> {
    return (await this.ledger(apiKey)).filter((e) => e.accepted).map((e) => e.orderHash);
  }

  /** Moves simulated time up to the wall clock (fills then carry current timestamps). */
  async syncClock(): Promise<void> {
    const { now } = await this.control<{ now: number }>('GET', '/sim/clock');
    const behind = Date.now() - now;
    if (behind > 0) await this.control('POST', '/sim/advance', { ms: behind });
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

export interface Trader {
  privateKey: `0x${string}`;
  signer: PrivateKeyAccount;
  address: string;
  creds: PolymarketCredentials;
  venue: PolymarketVenue;
}

export async function newTrader(sim: EngineSim): Promise<Trader> {
  const privateKey = generatePrivateKey();
  const signer = privateKeyToAccount(privateKey);
  const creds = await PolymarketVenue.createOrDeriveCredentials({
    clobHost: sim.hosts.clob,
    chainId: 137,
    signer,
  });
  const venue = new PolymarketVenue({
    hosts: sim.hosts,
    chainId: 137,
    credentials: creds,
    signer,
    signatureType: SignatureType.EOA,
  });
  return { privateKey, signer, address: signer.address.toLowerCase(), creds, venue };
}

let orderSeq = 0;

/** The leader takes liquidity: a FOK BUY spending `amount` pUSD, limited at `limit`. */
export async function leaderBuy(
  leader: Pick<Trader, 'venue'>,
  tokenId: string,
  amount: string,
  limit: string,
) {
  const r = await leader.venue.placeOrder({
    clientOrderId: `leader-${++orderSeq}-${Date.now()}`,
    tokenId,
    side: 'BUY',
    orderType: 'FOK',
    price: new Decimal(limit),
    amount: new Decimal(amount),
    signedAtMs: Date.now(),
  });
  if (!r.filledSize.gt(0)) throw new Error(`leader BUY did not fill: ${r.status}`);
  return r;
}

export async function leaderSell(
  leader: Pick<Trader, 'venue'>,
  tokenId: string,
  size: string,
  limit: string,
) {
  const r = await leader.venue.placeOrder({
    clientOrderId: `leader-${++orderSeq}-${Date.now()}`,
    tokenId,
    side: 'SELL',
    orderType: 'FOK',
    price: new Decimal(limit),
    size: new Decimal(size),
    signedAtMs: Date.now(),
  });
  if (!r.filledSize.gt(0)) throw new Error(`leader SELL did not fill: ${r.status}`);
  return r;
}

export interface Follower {
  userId: string;
  auth: Record<string, string>;
  keyId: string;
  relId: string;
  trader: Trader;
}

export interface EngineWorld {
  sim: EngineSim;
  db: Db;
  dbUrl: string;
  api: LiveTestApi;
  provider: DefaultVenueProvider;
  marketData: PolymarketVenue;
}

export async function buildWorld(sim: EngineSim, db: Db, dbUrl: string): Promise<EngineWorld> {
  const verifier = new PolymarketCredentialVerifier({ hosts: sim.hosts, chainId: 137 });
  const api = await buildApiWithVerifier(db, verifier);
  const marketData = PolymarketVenue.marketData({ hosts: sim.hosts, chainId: 137 });
  const live = createLiveVenueFactory({
    db,
    masterKey: api.masterKey,
    clock: systemClock,
    hosts: sim.hosts,
    chainId: 137,
  });
  const provider = new DefaultVenueProvider(db, marketData, {
    paperStartingBalance: new Decimal(1000),
    live,
  });
  return { sim, db, dbUrl, api, provider, marketData };
}

/**
 * A user who signs up, derives API credentials for a fresh wallet with L1, stores them through the
 * API (verified against the simulator), is funded with `pusd`, and follows `leader` in live mode.
 */
export async function newLiveFollower(
  world: EngineWorld,
  leader: string,
  opts: { pusd: string; settings?: Record<string, unknown>; tier?: SubscriptionTier },
): Promise<Follower> {
  const { api, sim } = world;
  const u = await signUp(api);
  const trader = await newTrader(sim);
  const stored = await api.app.inject({
    method: 'POST',
    url: '/api/v1/credentials',
    headers: u.auth,
    payload: {
      apiKey: trader.creds.apiKey,
      apiSecret: trader.creds.secret,
      apiPassphrase: trader.creds.passphrase,
      privateKey: trader.privateKey,
      signatureType: 0,
    },
  });
  if (stored.statusCode !== 201) throw new Error(`storing credentials: ${stored.statusCode} ${stored.body}`);
  await sim.fund(trader.signer.address, opts.pusd);
  if (opts.tier) {
    await world.db
      .updateTable('users')
      .set({ subscription_tier: opts.tier, max_daily_trades: 1000 })
      .where('id', '=', u.userId)
      .execute();
  }
  const follow = await api.app.inject({
    method: 'POST',
    url: '/api/v1/follows',
    headers: u.auth,
    payload: { traderWallet: leader, mode: 'live', ...opts.settings },
  });
  if (follow.statusCode !== 201) throw new Error(`following: ${follow.statusCode} ${follow.body}`);
  return {
    userId: u.userId,
    auth: u.auth,
    keyId: (stored.json() as { id: string }).id,
    relId: (follow.json() as { id: string }).id,
    trader,
  };
}

/** The follower also follows `leader` (live); returns the relationship id. */
export async function follow(
  world: EngineWorld,
  follower: Follower,
  leader: string,
  settings: Record<string, unknown> = {},
): Promise<string> {
  const res = await world.api.app.inject({
    method: 'POST',
    url: '/api/v1/follows',
    headers: follower.auth,
    payload: { traderWallet: leader, mode: 'live', ...settings },
  });
  if (res.statusCode !== 201) throw new Error(`following: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

export function detectorFor(world: EngineWorld, over: Partial<DetectorOptions> = {}): LeaderFillDetector {
  return new LeaderFillDetector({
    databaseUrl: world.dbUrl,
    db: world.db,
    logger,
    openStream: (wallets) => new RtdsActivityStream({ url: world.sim.hosts.rtds, wallets }),
    dataApi: world.marketData.data,
    marketRules: new MarketRulesCache(world.marketData),
    copyTtlMs: 120_000,
    // Tests poll explicitly (pollAll) when they need the backfill.
    pollIntervalMs: 3_600_000,
    standbyRetryMs: 200,
    ...over,
  });
}

export function workerFor(
  world: EngineWorld,
  over: Partial<WorkerOptions> = {},
  outcomes?: Array<{ row: QueueRow; outcome: ExecutionOutcome }>,
  deps: Pick<ExecutorDeps, 'liveBalanceCheck'> = {},
): CopyWorker {
  return new CopyWorker(
    { db: world.db, venues: world.provider, logger, ...deps },
    {
      databaseUrl: world.dbUrl,
      pollMs: 100,
      ...over,
      ...(outcomes ? { onOutcome: (row, outcome) => void outcomes.push({ row, outcome }) } : {}),
    },
  );
}

/** Polls `check` until it holds; on timeout throws with the queue's state for diagnosis. */
export async function waitFor(
  db: Db,
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const states = await sql<{ status: string; n: string; e: string | null }>`
    SELECT status, count(*) AS n, max(error_message) AS e FROM trade_queue GROUP BY status`.execute(db);
  throw new Error(`timed out waiting for ${what}; queue: ${JSON.stringify(states.rows)}`);
}

export async function unfinishedRows(db: Db): Promise<number> {
  const r = await sql<{ n: string }>`
    SELECT count(*) AS n FROM trade_queue WHERE status IN ('pending', 'processing')`.execute(db);
  return Number(r.rows[0]!.n);
}

export async function queueRowsOf(db: Db, userId: string) {
  return db.selectFrom('trade_queue').selectAll().where('user_id', '=', userId).orderBy('id').execute();
}

export async function copiesOf(db: Db, userId: string) {
  return db
    .selectFrom('trades')
    .selectAll()
    .where('copying_user_id', '=', userId)
    .where('is_copy_trade', '=', true)
    .orderBy('id')
    .execute();
}
