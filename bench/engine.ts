// Copy engine benchmarks, live mode, against the simulator in this process over loopback, on real
// PostgreSQL (TEST_DATABASE_URL / DATABASE_URL, else the embedded server in .polycopy/bench), in a
// fresh database per run:
//  (a) fanout  — one leader fill → N live followers (each its own wallet, L1-derived API key stored
//      encrypted by the vault, funded through /sim/fund): time until every copy order is
//      acknowledged, orders/s, per-follower detection → post latency, duplicates from the ledger.
//  (b) latency — F leader fills one after another, one follower: detection → post and post → ack.
// The engine is the production code: LeaderFillDetector (RTDS) → recordLeaderFill → NOTIFY →
// CopyWorker → DefaultVenueProvider + createLiveVenueFactory → PolymarketVenue → simulator.
// Timing hooks wrap the venue provider and the venues it builds (nothing in the engine changes):
//   detected   leader_fills.detected_at (the detector has the fill, before the fan-out transaction)
//   fanned     the fan-out transaction committed (detector onRecorded)
//   claimed    trade_queue.started_at (the worker's claim)
//   credential venueFor: vault read + decrypt + audit row + venue build
//   reads      market, book and balance reads on the simulator (pricing, gates)
//   signing    PolymarketVenue.prepare: trading rules read (a fresh venue has none cached) + EIP-712
//   post       order POST until the venue's answer (incl. its trade read for fees) = post → ack
//   recording  ack → outcome (recordExecution transaction)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { systemClock } from '../src/auth/clock.ts';
import { loadConfig } from '../src/config/config.ts';
import { type Db } from '../src/db/client.ts';
import { Decimal } from '../src/domain/money.ts';
import type { ExecutionStage } from '../src/execution/execute-claim.ts';
import { DefaultVenueProvider, type VenueRequest } from '../src/execution/venue-provider.ts';
import { CopyWorker } from '../src/execution/worker.ts';
import { LeaderFillDetector } from '../src/ingest/detector.ts';
import { MarketRulesCache } from '../src/venue/market-cache.ts';
import { createLogger } from '../src/observability/logger.ts';
import { startSimulatorServer } from '../src/simulator/server/index.ts';
import { freshBenchDatabase, type BenchDb } from './fresh-database.ts';
import { TradingRulesCache } from '../src/venue/market-cache.ts';
import { apiKeyHash, apiKeyHint, encryptCredentials } from '../src/vault/credential-crypto.ts';
import { createLiveVenueFactory } from '../src/vault/live-venue-factory.ts';
import { MasterKey } from '../src/vault/master-key.ts';
import { SignatureType } from '../src/venue/polymarket/order-struct.ts';
import {
  hostsFromSimulatorEndpoints,
  PolymarketVenue,
  type PolymarketCredentials,
  type PolymarketHosts,
} from '../src/venue/polymarket/polymarket-venue.ts';
import { RtdsActivityStream } from '../src/venue/polymarket/rtds-stream.ts';
import type { MarketDataSource, PlaceOrderRequest, Venue } from '../src/venue/venue.ts';

export interface EngineBenchOptions {
  followers?: number;
  fills?: number;
  concurrency?: number;
  batchSize?: number;
  /**
   * The simulator verifies the EIP-712 signature of 1 order in N (`--verify-sample`, default 1:
   * every order; docs/simulator.md). The result reports the mode that ran.
   */
  verifySample?: number;
}

const log = (msg: string) => process.stderr.write(`[engine bench] ${msg}\n`);
const now = () => performance.timeOrigin + performance.now();
const round = (x: number) => Math.round(x * 100) / 100;

function pct(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[i]!);
}
const avg = (values: number[]) =>
  values.length === 0 ? 0 : round(values.reduce((a, b) => a + b, 0) / values.length);
const dist = (values: number[]) => ({ p50: pct(values, 50), p99: pct(values, 99), avg: avg(values) });

async function pooled<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

// ------------------------------------------------------------------ database

// ------------------------------------------------------------------ instrumentation

interface RowTiming {
  stages?: Partial<Record<ExecutionStage, number>>;
  credentialMs?: number;
  signingMs?: number;
  postAt?: number;
  ackAt?: number;
  outcomeAt?: number;
  outcome?: string;
}

class Timings {
  readonly rows = new Map<string, RowTiming>();
  readonly reads = { n: 0, ms: 0 };
  private waiters: Array<() => void> = [];

  row(clientOrderId: string): RowTiming {
    let t = this.rows.get(clientOrderId);
    if (!t) {
      t = {};
      this.rows.set(clientOrderId, t);
    }
    return t;
  }

  acked(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  nextAck(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
}

const READS = ['getMarketByToken', 'getOrderBook', 'getCollateralBalance'] as const;

/** Times the listed read methods of a venue (in place). */
function timeReads<T extends object>(target: T, timings: Timings): T {
  for (const m of READS) {
    const fn = (target as Record<string, unknown>)[m];
    if (typeof fn !== 'function') continue;
    (target as Record<string, unknown>)[m] = async (...args: unknown[]) => {
      const t0 = now();
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      } finally {
        timings.reads.n += 1;
        timings.reads.ms += now() - t0;
      }
    };
  }
  return target;
}

class TimedProvider extends DefaultVenueProvider {
  constructor(
    db: Db,
    marketData: MarketDataSource,
    live: (userId: string, keyId: string) => Promise<Venue>,
    private readonly timings: Timings,
  ) {
    // The production defaults of WORKER_MARKET_CACHE_MS / WORKER_BOOK_CACHE_MS.
    super(db, marketData, {
      paperStartingBalance: new Decimal(1000),
      live,
      pricingCache: { marketTtlMs: 5_000, bookTtlMs: 250 },
    });
  }

  override async venueFor(request: VenueRequest): Promise<Venue> {
    const t0 = now();
    const venue = (await super.venueFor(request)) as PolymarketVenue;
    const credentialMs = now() - t0;
    timeReads(venue, this.timings);
    const place = venue.placeOrder.bind(venue);
    const prepare = venue.prepare.bind(venue);
    venue.placeOrder = async (order: PlaceOrderRequest) => {
      const t = this.timings.row(order.clientOrderId);
      t.credentialMs = credentialMs;
      const s0 = now();
      await prepare(order);
      t.signingMs = now() - s0;
      t.postAt = now();
      try {
        return await place(order);
      } finally {
        t.ackAt = now();
        this.timings.acked();
      }
    };
    return venue;
  }
}

// ------------------------------------------------------------------ world

interface World {
  sim: SimHandle;
  rulesCache: TradingRulesCache;
  hosts: PolymarketHosts & { rtds: string };
  bench: BenchDb;
  masterKey: MasterKey;
  marketData: PolymarketVenue;
  timings: Timings;
  token: string;
  feeRateBps: number;
}

interface SimHandle {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The simulator in its own process (`polycopy simulator`), as in a real deployment the venue is not
 * in the engine's process: its signature checks (~3 ms of CPU per order) would otherwise stall the
 * engine's event loop and be counted as engine latency. `BENCH_SIMULATOR=in-process` keeps it here.
 */
async function startSimulator(inProcess: boolean, verifySample: number): Promise<SimHandle> {
  const options = { port: 0, seed: 11, speed: 0, startTime: Date.now(), verifySample };
  if (inProcess) return startSimulatorServer(options);
  const child = spawn(
    process.execPath,
    [
      'bin/polycopy.mjs',
      'simulator',
      '--port',
      '0',
      '--seed',
      String(options.seed),
      '--speed',
      '0',
      '--start',
      String(options.startTime),
      '--verify-sample',
      String(verifySample),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    lines.on('line', (line) => {
      try {
        const o = JSON.parse(line) as { simulator?: string };
        if (o.simulator) resolve(o.simulator);
      } catch {
        // not the start-up line
      }
    });
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function control<T>(sim: SimHandle, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function startWorld(poolMax: number, verifySample = 1): Promise<World> {
  const bench = await freshBenchDatabase({
    prefix: 'polycopy_bench',
    poolMax,
    applicationName: 'polycopy-bench',
    partitionsAhead: 2,
  });
  const sim = await startSimulator(process.env.BENCH_SIMULATOR === 'in-process', verifySample);
  const endpoints = await control<
    Parameters<typeof hostsFromSimulatorEndpoints>[0] & { ws: { rtds: string } }
  >(sim, 'GET', '/sim/endpoints');
  const hosts = { ...hostsFromSimulatorEndpoints(endpoints), rtds: endpoints.ws.rtds };
  const markets = await control<
    Array<{
      negRisk: boolean;
      closed: boolean;
      tickSize: string;
      feeRateBps: number;
      tokens: { tokenId: string }[];
    }>
  >(sim, 'GET', '/sim/markets?active=true');
  const m = markets.find((x) => !x.negRisk && !x.closed && x.tickSize === '0.01' && x.tokens.length === 2);
  if (!m) throw new Error('no suitable market');
  const timings = new Timings();
  // As in production (src/app/start-venue.ts): one rules cache for the process.
  const rulesCache = new TradingRulesCache();
  const marketData = timeReads(PolymarketVenue.marketData({ hosts, chainId: 137, rulesCache }), timings);
  return {
    sim,
    rulesCache,
    hosts,
    bench,
    masterKey: MasterKey.generate(),
    marketData,
    timings,
    token: m.tokens[0]!.tokenId,
    feeRateBps: m.feeRateBps,
  };
}

interface Wallet {
  privateKey: `0x${string}`;
  address: string;
  creds: PolymarketCredentials;
}

async function newWallets(w: World, n: number): Promise<Wallet[]> {
  const out: Wallet[] = new Array(n);
  await pooled(
    Array.from({ length: n }, (_, i) => i),
    16,
    async (i) => {
      const privateKey = generatePrivateKey();
      const signer = privateKeyToAccount(privateKey);
      const creds = await PolymarketVenue.createOrDeriveCredentials({
        clobHost: w.hosts.clob,
        chainId: 137,
        signer,
      });
      out[i] = { privateKey, address: signer.address, creds };
    },
  );
  return out;
}

/** N premium users, each with a stored (encrypted) live key and a live relationship to the leader. */
async function createFollowers(
  w: World,
  leader: string,
  wallets: Wallet[],
  settings: { factor: string; fundUsd: string },
): Promise<void> {
  const db = w.bench.db;
  await db
    .insertInto('traders')
    .values({ wallet_address: leader })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const CHUNK = 500;
  for (let start = 0; start < wallets.length; start += CHUNK) {
    const chunk = wallets.slice(start, start + CHUNK);
    const users = await db
      .insertInto('users')
      .values(
        chunk.map((_, i) => ({
          email: `bench${start + i}.${randomBytes(3).toString('hex')}@example.com`,
          subscription_tier: 'premium',
          max_daily_trades: 1000,
          max_trade_size_usd: '10000',
          max_total_exposure_usd: '50000',
          max_followed_traders: 100,
        })),
      )
      .returning('id')
      .execute();
    const { rows: ids } = await sql<{ id: string }>`
      SELECT nextval('polymarket_api_keys_id_seq')::text AS id FROM generate_series(1, ${chunk.length})`.execute(
      db,
    );
    const at = new Date();
    await db
      .insertInto('polymarket_api_keys')
      .values(
        chunk.map((wallet, i) => {
          const userId = users[i]!.id;
          const id = ids[i]!.id;
          return {
            id,
            user_id: userId,
            ...encryptCredentials(
              w.masterKey,
              { userId, recordId: id },
              {
                apiKey: wallet.creds.apiKey,
                apiSecret: wallet.creds.secret,
                apiPassphrase: wallet.creds.passphrase,
                privateKey: wallet.privateKey,
              },
            ),
            key_hash: apiKeyHash(wallet.creds.apiKey),
            key_hint: apiKeyHint(wallet.creds.apiKey),
            signature_type: SignatureType.EOA,
            is_primary: true,
            daily_spend_limit_usd: '100000',
            last_reset_at: at,
          };
        }),
      )
      .execute();
    await db
      .insertInto('copy_relationships')
      .values(
        chunk.map((_, i) => ({
          user_id: users[i]!.id,
          trader_wallet_address: leader,
          mode: 'live' as const,
          proportionality_factor: settings.factor,
          max_total_exposure_usd: '100000',
          max_investment_per_trade_usd: '1000',
        })),
      )
      .execute();
  }
  await pooled(wallets, 32, async (wallet) => {
    await control(w.sim, 'POST', '/sim/fund', { address: wallet.address, pusd: settings.fundUsd });
  });
}

function engine(w: World, opts: { concurrency: number; batchSize: number }) {
  const { db, url } = w.bench;
  // The copy's maximum age and the claim lease are production's defaults: a bench that gave copies
  // more time than production does would measure a platform that does not exist.
  const defaults = loadConfig({ DATABASE_URL: url }).engine;
  const logger = createLogger('silent');
  const fanned = new Map<string, number>();
  const detector = new LeaderFillDetector({
    databaseUrl: url,
    db,
    logger,
    openStream: (wallets) => new RtdsActivityStream({ url: w.hosts.rtds, wallets }),
    dataApi: w.marketData.data,
    marketRules: new MarketRulesCache(w.marketData),
    copyTtlMs: defaults.copyTtlMs,
    // Production's leg window: its wait is inside detection → post (detected_at is the first leg's arrival).
    legWindowMs: defaults.ingestLegWindowMs,
    pollIntervalMs: 3_600_000,
    onRecorded: (_fill, result) => void fanned.set(result.fillKey, now()),
  });
  const live = createLiveVenueFactory({
    db,
    masterKey: w.masterKey,
    clock: systemClock,
    hosts: w.hosts,
    chainId: 137,
    rulesCache: w.rulesCache,
    feesAtAck: defaults.workerFeesAtAck,
  });
  const worker = new CopyWorker(
    {
      db,
      venues: new TimedProvider(db, w.marketData, live, w.timings),
      logger,
      trace: (rowId, stage) => {
        const t = w.timings.row(`polycopy-q${rowId}`);
        (t.stages ??= {})[stage] = now();
      },
    },
    {
      databaseUrl: url,
      concurrency: opts.concurrency,
      batchSize: opts.batchSize,
      pollMs: 1_000,
      leaseMs: defaults.workerLeaseMs,
      onOutcome: (row, outcome) => {
        const t = w.timings.row(`polycopy-q${row.id}`);
        t.outcomeAt = now();
        t.outcome = outcome.kind;
      },
    },
  );
  return { detector, worker, fanned };
}

async function leaderOf(w: World): Promise<{ address: string; venue: PolymarketVenue }> {
  const privateKey = generatePrivateKey();
  const signer = privateKeyToAccount(privateKey);
  const creds = await PolymarketVenue.createOrDeriveCredentials({
    clobHost: w.hosts.clob,
    chainId: 137,
    signer,
  });
  await control(w.sim, 'POST', '/sim/fund', { address: signer.address, pusd: '1000000' });
  const venue = new PolymarketVenue({
    hosts: w.hosts,
    chainId: 137,
    credentials: creds,
    signer,
    signatureType: SignatureType.EOA,
  });
  return { address: signer.address.toLowerCase(), venue };
}

let leaderSeq = 0;
/** The leader's FOK BUY; returns when it was posted (the fill exists from then on). */
async function leaderBuy(leader: { venue: PolymarketVenue }, token: string, amount: string) {
  const postedAt = now();
  const r = await leader.venue.placeOrder({
    clientOrderId: `bench-leader-${++leaderSeq}`,
    tokenId: token,
    side: 'BUY',
    orderType: 'FOK',
    price: new Decimal('0.50'),
    amount: new Decimal(amount),
    signedAtMs: Date.now(),
  });
  if (!r.filledSize.gt(0)) throw new Error(`leader order did not fill (${r.status})`);
  return postedAt;
}

interface RowFacts {
  id: string;
  status: string;
  error_message: string | null;
  detected_at: Date;
  started_at: Date | null;
  source_fill_key: string;
  copy_relationship_id: string;
}

async function rowFacts(db: Db): Promise<RowFacts[]> {
  const { rows } = await sql<RowFacts>`
    SELECT q.id, q.status, q.error_message, lf.detected_at, q.started_at, q.source_fill_key,
           q.copy_relationship_id
    FROM trade_queue q JOIN leader_fills lf ON lf.fill_key = q.source_fill_key`.execute(db);
  return rows;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function unfinished(db: Db): Promise<number> {
  const r = await sql<{ n: string }>`
    SELECT count(*) AS n FROM trade_queue WHERE status IN ('pending', 'processing')`.execute(db);
  return Number(r.rows[0]!.n);
}

/** Accepted orders per API key in the simulator's ledger; an order placed twice counts twice. */
async function ledgerCounts(w: World): Promise<{ accepted: number; duplicates: number; received: number }> {
  const entries = await control<Array<{ apiKey: string; orderHash: string; accepted: boolean }>>(
    w.sim,
    'GET',
    '/sim/ledger',
  );
  const byKey = new Map<string, Set<string>>();
  let accepted = 0;
  let duplicates = 0;
  for (const e of entries) {
    if (!e.accepted) continue;
    accepted += 1;
    let s = byKey.get(e.apiKey);
    if (!s) byKey.set(e.apiKey, (s = new Set()));
    if (s.has(e.orderHash)) duplicates += 1;
    s.add(e.orderHash);
  }
  return { accepted, duplicates, received: entries.length };
}

/** The simulator's signature verification mode in this run, and how many it checked / skipped. */
function verificationOf(w: World) {
  return control<{ verifySample: number; mode: string; verified: number; skipped: number }>(
    w.sim,
    'GET',
    '/sim/verification',
  );
}

function breakdown(w: World, rows: RowFacts[], fanned: Map<string, number>) {
  const t = rows.map((r) => ({ r, t: w.timings.rows.get(`polycopy-q${r.id}`) ?? {} }));
  const detected = (r: RowFacts) => r.detected_at.getTime();
  const acked = t.filter((x) => x.t.ackAt !== undefined && x.t.postAt !== undefined);
  return {
    detect_to_post: acked.map((x) => x.t.postAt! - detected(x.r)),
    post_to_ack: acked.map((x) => x.t.ackAt! - x.t.postAt!),
    detect_to_ack: acked.map((x) => x.t.ackAt! - detected(x.r)),
    fanout_db: [...new Set(rows.map((r) => r.source_fill_key))].flatMap((k) => {
      const r = rows.find((x) => x.source_fill_key === k)!;
      const f = fanned.get(k);
      return f === undefined ? [] : [f - detected(r)];
    }),
    detect_to_claim: rows.flatMap((r) => (r.started_at ? [r.started_at.getTime() - detected(r)] : [])),
    credential: acked.map((x) => x.t.credentialMs ?? 0),
    // claim → context read → venue built → pricing reads → admitted (gates, reservation, identity)
    stage: (from: ExecutionStage | 'claimed', to: ExecutionStage) =>
      acked.flatMap((x) => {
        const st = x.t.stages ?? {};
        const a = from === 'claimed' ? x.r.started_at?.getTime() : st[from];
        const b = st[to];
        return a !== undefined && b !== undefined ? [b - a] : [];
      }),
    signing: acked.map((x) => x.t.signingMs ?? 0),
    recording: t.flatMap((x) => (x.t.outcomeAt && x.t.ackAt ? [x.t.outcomeAt - x.t.ackAt] : [])),
    // Fairness: detection → post by follower decile, followers in the order they were created
    // (relationship id: the order claims used to follow, so the same followers were always last).
    byDecile: () => {
      const ordered = [...acked].sort(
        (a, b) => Number(a.r.copy_relationship_id) - Number(b.r.copy_relationship_id),
      );
      const size = Math.ceil(ordered.length / 10);
      const p50s = Array.from({ length: 10 }, (_, i) =>
        pct(
          ordered.slice(i * size, (i + 1) * size).map((x) => x.t.postAt! - detected(x.r)),
          50,
        ),
      );
      return { p50_ms: p50s.map(round), spread_last_minus_first_ms: round(p50s[9]! - p50s[0]!) };
    },
    lastAck: Math.max(...acked.map((x) => x.t.ackAt!)),
    firstDetected: Math.min(...rows.map(detected)),
  };
}

const machineCpus = async () => (await import('node:os')).cpus().length;

// ------------------------------------------------------------------ (a) fan-out

export async function benchFanout(opts: EngineBenchOptions = {}) {
  const n = opts.followers ?? 1000;
  const concurrency = opts.concurrency ?? 32;
  const batchSize = opts.batchSize ?? 200;
  const setupStart = now();
  const w = await startWorld(concurrency + 8, opts.verifySample);
  try {
    log(`fanout: deriving ${n} API keys (L1) and storing them encrypted`);
    const leader = await leaderOf(w);
    const wallets = await newWallets(w, n);
    await createFollowers(w, leader.address, wallets, { factor: '0.1', fundUsd: '20' });
    // The leader buys 100 shares at 0.50; each follower copies 10 ($5). Depth for everyone at 0.50.
    await control(w.sim, 'POST', '/sim/book', {
      tokenId: w.token,
      bids: [{ price: '0.40', size: '1000' }],
      asks: [{ price: '0.50', size: String(n * 10 + 1000) }],
    });
    const { detector, worker, fanned } = engine(w, { concurrency, batchSize });
    await detector.start();
    await worker.start();
    await waitUntil('the detector to lead', async () => detector.isLeader, 30_000);
    await new Promise((r) => setTimeout(r, 500)); // the stream subscribed
    const setupSeconds = (now() - setupStart) / 1000;
    log(`fanout: setup ${setupSeconds.toFixed(1)} s; the leader buys`);

    const cpuBefore = process.cpuUsage();
    const filledAt = await leaderBuy(leader, w.token, '50');
    await waitUntil('the fill to fan out', async () => fanned.size === 1, 60_000);
    await waitUntil(
      'every copy to finish',
      async () => (await unfinished(w.bench.db)) === 0,
      Math.max(240_000, n * 100),
      200,
    );
    const cpu = process.cpuUsage(cpuBefore);
    await worker.stop();
    await detector.stop();

    const rows = await rowFacts(w.bench.db);
    const b = breakdown(w, rows, fanned);
    const ledger = await ledgerCounts(w);
    const verification = await verificationOf(w);
    const completed = rows.filter((r) => r.status === 'completed').length;
    const failures = rows.filter((r) => r.status !== 'completed');
    const seconds = (b.lastAck - b.firstDetected) / 1000;
    return {
      scenario: 'fanout',
      followers: n,
      queued: rows.length,
      orders_acked: b.detect_to_ack.length,
      copies_executed: completed,
      not_executed: failures.length,
      not_executed_reasons: [...new Set(failures.map((f) => f.error_message))].slice(0, 5),
      orders_accepted_by_venue: ledger.accepted,
      duplicates: ledger.duplicates,
      simulator_verification: verification,
      seconds: round(seconds),
      orders_per_s: round(b.detect_to_ack.length / seconds),
      // Engine CPU (this process: detector, fan-out, worker, and the simulator only when in-process)
      // divided by the copies executed.
      cpu_ms_per_copy: round((cpu.user + cpu.system) / 1000 / Math.max(1, completed)),
      latency_ms: { p50: pct(b.detect_to_post, 50), p99: pct(b.detect_to_post, 99) },
      latency_by_follower_decile: b.byDecile(),
      first_post_ms: round(Math.min(...b.detect_to_post)),
      post_to_ack_ms: dist(b.post_to_ack),
      leader_post_to_detection_ms: round(b.firstDetected - filledAt),
      where_time_goes_ms: {
        fanout_db_transaction: round(b.fanout_db[0] ?? 0),
        detect_to_claim: dist(b.detect_to_claim),
        claim_to_context_read: dist(b.stage('claimed', 'context')),
        credential_decrypt_and_venue_build: dist(b.credential),
        pricing_reads_wall: dist(b.stage('venue', 'reads')),
        admission_transaction: dist(b.stage('reads', 'admitted')),
        market_reads_avg: round(w.timings.reads.ms / Math.max(1, w.timings.reads.n)),
        market_reads_per_copy: round(w.timings.reads.n / Math.max(1, rows.length)),
        signing_incl_rules_read: dist(b.signing),
        venue_post_to_ack: dist(b.post_to_ack),
        recording: dist(b.recording),
      },
      config: {
        concurrency,
        batch_size: batchSize,
        in_process_simulator: process.env.BENCH_SIMULATOR === 'in-process',
        cpus: await machineCpus(),
      },
      setup_seconds: round(setupSeconds),
    };
  } finally {
    await w.sim.close();
    await w.bench.close();
  }
}

// ------------------------------------------------------------------ (b) latency

export async function benchLatency(opts: EngineBenchOptions = {}) {
  const fills = opts.fills ?? 1000;
  const w = await startWorld(24, opts.verifySample);
  try {
    const leader = await leaderOf(w);
    const [wallet] = await newWallets(w, 1);
    await createFollowers(w, leader.address, [wallet!], { factor: '0.5', fundUsd: String(fills * 6 + 100) });
    await control(w.sim, 'POST', '/sim/book', {
      tokenId: w.token,
      bids: [{ price: '0.40', size: '1000' }],
      asks: [{ price: '0.50', size: String(fills * 40 + 1000) }],
    });
    const { detector, worker, fanned } = engine(w, { concurrency: 16, batchSize: 50 });
    await detector.start();
    await worker.start();
    await waitUntil('the detector to lead', async () => detector.isLeader, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    log(`latency: ${fills} leader fills, one after another`);

    const filledAt: number[] = [];
    const t0 = now();
    for (let i = 0; i < fills; i++) {
      // The leader buys 20 shares ($10); the follower copies 10 ($5). Next fill once the copy is acked.
      const acked = w.timings.nextAck();
      filledAt.push(await leaderBuy(leader, w.token, '10'));
      await Promise.race([
        acked,
        new Promise((_, fail) => setTimeout(() => fail(new Error(`copy ${i} not acked in 30 s`)), 30_000)),
      ]);
    }
    await waitUntil('every copy to finish', async () => (await unfinished(w.bench.db)) === 0, 60_000);
    const seconds = (now() - t0) / 1000;
    await worker.stop();
    await detector.stop();

    const rows = await rowFacts(w.bench.db);
    const b = breakdown(w, rows, fanned);
    const ledger = await ledgerCounts(w);
    const verification = await verificationOf(w);
    // Fills are sequential: the i-th queue row is the i-th leader fill's copy.
    const ordered = [...rows].sort((a, b) => Number(a.id) - Number(b.id));
    const fillToDetection = ordered.map((r, i) => r.detected_at.getTime() - (filledAt[i] ?? NaN));
    return {
      scenario: 'latency',
      followers: 1,
      fills,
      orders_acked: b.detect_to_ack.length,
      copies_executed: rows.filter((r) => r.status === 'completed').length,
      duplicates: ledger.duplicates,
      simulator_verification: verification,
      seconds: round(seconds),
      orders_per_s: round(b.detect_to_ack.length / seconds),
      latency_ms: { p50: pct(b.detect_to_post, 50), p99: pct(b.detect_to_post, 99) },
      post_to_ack_ms: dist(b.post_to_ack),
      detect_to_ack_ms: dist(b.detect_to_ack),
      leader_post_to_detection_ms: dist(fillToDetection.filter((x) => Number.isFinite(x))),
      where_time_goes_ms: {
        fanout_db_transaction: dist(b.fanout_db),
        detect_to_claim: dist(b.detect_to_claim),
        claim_to_context_read: dist(b.stage('claimed', 'context')),
        credential_decrypt_and_venue_build: dist(b.credential),
        pricing_reads_wall: dist(b.stage('venue', 'reads')),
        admission_transaction: dist(b.stage('reads', 'admitted')),
        market_reads_avg: round(w.timings.reads.ms / Math.max(1, w.timings.reads.n)),
        market_reads_per_copy: round(w.timings.reads.n / Math.max(1, rows.length)),
        signing_incl_rules_read: dist(b.signing),
        venue_post_to_ack: dist(b.post_to_ack),
        recording: dist(b.recording),
      },
      config: {
        concurrency: 16,
        batch_size: 50,
        in_process_simulator: process.env.BENCH_SIMULATOR === 'in-process',
        cpus: await machineCpus(),
      },
    };
  } finally {
    await w.sim.close();
    await w.bench.close();
  }
}
