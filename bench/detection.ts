// Detection benchmark (`npm run bench -- detection`, docs/detection.md): the production detector
// (LeaderFillDetector with RTDS, the chain feed and the Data API poll at its production interval)
// against the simulator running in real time (speed 1: a block every 2 s), on real PostgreSQL in a
// fresh database. A leader places market orders one after another; for each fill, each feed's
// arrival (leader_fill_sightings.seen_at) is measured from the moment the order was sent.
//
// Phases, each with its own orders:
//   all        every feed on: leader order → detected p50 / p99 per feed, share of fills won
//   no-rtds    RTDS silenced (sockets open, nothing sent: silentStreams)
//   no-chain   the chain socket dropped (socketDown; HTTP answers, so a catch-up would work)
//   no-data-api  the Data API answering 503 to every request
// In each cut phase, a fill is a miss when no feed has brought it by `waitMs` after its order
// (the Data API poll interval + 5 s: the slowest remaining feed's worst case).
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { loadConfig } from '../src/config/config.ts';
import { Decimal } from '../src/domain/money.ts';
import { LeaderFillDetector } from '../src/ingest/detector.ts';
import { MarketRulesCache } from '../src/venue/market-cache.ts';
import { createLogger } from '../src/observability/logger.ts';
import { startSimulatorServer, type SimulatorServer } from '../src/simulator/server/index.ts';
import { contractSet } from '../src/venue/polymarket/contracts.ts';
import { EXCHANGE_V3_ADDRESS } from '../src/venue/polymarket/exchange-events.ts';
import { SignatureType } from '../src/venue/polymarket/order-struct.ts';
import { hostsFromSimulatorEndpoints, PolymarketVenue } from '../src/venue/polymarket/polymarket-venue.ts';
import { RtdsActivityStream } from '../src/venue/polymarket/rtds-stream.ts';
import { freshBenchDatabase, type BenchDb } from './fresh-database.ts';

export interface DetectionBenchOptions {
  /** Leader orders per phase (one fill each). */
  fills?: number;
  /** Wall time between two leader orders. */
  spacingMs?: number;
}

const FEEDS = ['rtds', 'chain', 'data_api'] as const;
type Feed = (typeof FEEDS)[number];

const PHASES = [
  { name: 'all', cut: null, faults: {} },
  { name: 'no-rtds', cut: 'rtds', faults: { silentStreams: true } },
  { name: 'no-chain', cut: 'chain', faults: { chain: { socketDown: true } } },
  { name: 'no-data-api', cut: 'data_api', faults: { rate5xx: 1, status5xx: 503, paths: ['/data-api'] } },
] as const;

const log = (msg: string) => process.stderr.write(`[detection bench] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x);

function pct(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
}

interface Sent {
  tx: string;
  sentAt: number;
}

interface FeedFigures {
  /** Fills this feed brought within the phase window, of the phase's fills. */
  seen: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Fills this feed brought first. */
  won: number;
  wonShare: number | null;
}

export interface PhaseResult {
  phase: string;
  cut: Feed | null;
  orders: number;
  /** Fills no feed brought within the window. */
  missed: number;
  /** Leader order → first detection by any feed. */
  firstP50Ms: number | null;
  firstP99Ms: number | null;
  feeds: Record<Feed, FeedFigures>;
}

export interface DetectionBenchResult {
  scenario: 'detection';
  ordersPerPhase: number;
  pollIntervalMs: number;
  windowMs: number;
  phases: PhaseResult[];
}

interface World {
  server: SimulatorServer;
  bench: BenchDb;
  leader: PolymarketVenue;
  leaderAddress: string;
  token: string;
}

async function control(server: SimulatorServer, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} → ${res.status}: ${await res.text()}`);
}

async function startWorld(): Promise<World> {
  const bench = await freshBenchDatabase({
    prefix: 'polycopy_bench_detect',
    poolMax: 10,
    applicationName: 'polycopy-bench',
  });
  // Real time: blocks are mined every 2 s of wall time, as on Polygon. A small population keeps
  // the simulator's own trading from loading the machine.
  const server = await startSimulatorServer({
    port: 0,
    seed: 19,
    speed: 1,
    simulationConfig: {
      binaryMarkets: 10,
      negRiskEvents: 1,
      outcomesPerEvent: [3, 4],
      marketMakers: 3,
      makersPerMarket: 2,
    },
  });
  const hosts = { ...hostsFromSimulatorEndpoints(server.endpoints), rtds: server.endpoints.ws.rtds };
  const markets = (await (await fetch(`${server.url}/sim/markets?active=true`)).json()) as Array<{
    negRisk: boolean;
    closed: boolean;
    tickSize: string;
    tokens: { tokenId: string }[];
  }>;
  const m = markets.find((x) => !x.negRisk && !x.closed && x.tickSize === '0.01' && x.tokens.length === 2);
  if (!m) throw new Error('no suitable market');
  const signer = privateKeyToAccount(generatePrivateKey());
  const credentials = await PolymarketVenue.createOrDeriveCredentials({
    clobHost: hosts.clob,
    chainId: 137,
    signer,
  });
  const leader = new PolymarketVenue({
    hosts,
    chainId: 137,
    credentials,
    signer,
    signatureType: SignatureType.EOA,
  });
  await control(server, '/sim/fund', { address: signer.address, pusd: '100000' });
  const leaderAddress = signer.address.toLowerCase();
  // One follower, so the leader is watched (and polled) as in production.
  const db = bench.db;
  await db.insertInto('traders').values({ wallet_address: leaderAddress }).execute();
  const user = await db
    .insertInto('users')
    .values({ email: `bench.${randomBytes(3).toString('hex')}@example.com` })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('copy_relationships')
    .values({
      user_id: user.id,
      trader_wallet_address: leaderAddress,
      mode: 'paper',
      proportionality_factor: '0.1',
    })
    .execute();
  return { server, bench, leader, leaderAddress, token: m.tokens[0]!.tokenId };
}

function detector(w: World, pollIntervalMs: number): LeaderFillDetector {
  const c = contractSet({ chainId: 137 });
  const hosts = { ...hostsFromSimulatorEndpoints(w.server.endpoints), rtds: w.server.endpoints.ws.rtds };
  const marketData = PolymarketVenue.marketData({ hosts, chainId: 137 });
  const defaults = loadConfig({ DATABASE_URL: w.bench.url }).engine;
  return new LeaderFillDetector({
    databaseUrl: w.bench.url,
    db: w.bench.db,
    logger: createLogger('silent'),
    openStream: (wallets) => new RtdsActivityStream({ url: hosts.rtds, wallets }),
    dataApi: marketData.data,
    marketRules: new MarketRulesCache(marketData),
    copyTtlMs: defaults.copyTtlMs,
    pollIntervalMs,
    chain: {
      wsUrl: w.server.endpoints.chain.ws,
      httpUrl: w.server.endpoints.chain.http,
      chainId: 137,
      exchanges: [c.exchangeV2, c.negRiskExchangeV2, EXCHANGE_V3_ADDRESS, c.exchangeV1, c.negRiskExchangeV1],
    },
  });
}

/** One leader market buy against a fresh ask: one fill, one transaction. */
async function leaderOrder(w: World, i: number): Promise<Sent> {
  await control(w.server, '/sim/book', {
    tokenId: w.token,
    bids: [{ price: '0.40', size: '1000' }],
    asks: [{ price: '0.50', size: '1000' }],
  });
  const sentAt = Date.now();
  const r = await w.leader.placeOrder({
    clientOrderId: `bench-leader-${i}-${sentAt}`,
    tokenId: w.token,
    side: 'BUY',
    orderType: 'FOK',
    price: new Decimal('0.6'),
    amount: new Decimal('5'),
    signedAtMs: sentAt,
  });
  const tx = r.transactionHashes?.[0];
  if (!tx) throw new Error(`leader order ${i} did not fill: ${r.status}`);
  return { tx: tx.toLowerCase(), sentAt };
}

interface SightingRow {
  transaction_hash: string;
  source: string;
  feed: string;
  seen_at: Date;
}

/** Per feed, order → arrival within the window; first detections; fills won; misses. */
function figures(
  phase: (typeof PHASES)[number],
  sent: Sent[],
  rows: SightingRow[],
  windowMs: number,
): PhaseResult {
  const byTx = new Map(sent.map((s) => [s.tx, s]));
  const lags: Record<Feed, number[]> = { rtds: [], chain: [], data_api: [] };
  const won: Record<Feed, number> = { rtds: 0, chain: 0, data_api: 0 };
  const first = new Map<string, number>();
  const winner = new Map<string, string>();
  for (const r of rows) {
    const s = byTx.get(r.transaction_hash);
    const lag = s ? r.seen_at.getTime() - s.sentAt : Infinity;
    if (!s || lag > windowMs || !(FEEDS as readonly string[]).includes(r.feed)) continue;
    lags[r.feed as Feed].push(lag);
    first.set(r.transaction_hash, Math.min(first.get(r.transaction_hash) ?? Infinity, lag));
    winner.set(r.transaction_hash, r.source);
  }
  for (const source of winner.values()) if (source in won) won[source as Feed] += 1;
  const detected = first.size;
  const feeds = Object.fromEntries(
    FEEDS.map((f) => [
      f,
      {
        seen: lags[f].length,
        p50Ms: pct(lags[f], 50),
        p99Ms: pct(lags[f], 99),
        won: won[f],
        wonShare: detected === 0 ? null : Math.round((won[f] / detected) * 1000) / 1000,
      },
    ]),
  ) as Record<Feed, FeedFigures>;
  return {
    phase: phase.name,
    cut: phase.cut,
    orders: sent.length,
    missed: sent.length - detected,
    firstP50Ms: pct([...first.values()], 50),
    firstP99Ms: pct([...first.values()], 99),
    feeds,
  };
}

async function runPhase(
  w: World,
  phase: (typeof PHASES)[number],
  opts: { fills: number; spacingMs: number; windowMs: number; offset: number },
): Promise<PhaseResult> {
  await control(w.server, '/sim/faults', { reset: true });
  if (Object.keys(phase.faults).length > 0) await control(w.server, '/sim/faults', phase.faults);
  // Let the detector notice the cut (a socket closed, a stream gone quiet) before the orders.
  await sleep(3_000);
  const sent: Sent[] = [];
  for (let i = 0; i < opts.fills; i++) {
    sent.push(await leaderOrder(w, opts.offset + i));
    await sleep(opts.spacingMs);
  }
  await sleep(Math.max(0, sent.at(-1)!.sentAt + opts.windowMs - Date.now()));
  const { rows } = await sql<SightingRow>`
    SELECT f.transaction_hash, f.source, s.feed, s.seen_at
      FROM leader_fills f JOIN leader_fill_sightings s ON s.fill_key = f.fill_key
     WHERE f.transaction_hash IN (${sql.join(sent.map((s) => s.tx))})`.execute(w.bench.db);
  const r = figures(phase, sent, rows, opts.windowMs);
  log(`${phase.name}: ${r.orders} orders, ${r.missed} missed, first p50 ${r.firstP50Ms} ms`);
  return r;
}

export async function benchDetection(opts: DetectionBenchOptions = {}): Promise<DetectionBenchResult> {
  const fills = opts.fills ?? 10;
  const spacingMs = opts.spacingMs ?? 1_000;
  const w = await startWorld();
  const pollIntervalMs = loadConfig({ DATABASE_URL: w.bench.url }).engine.ingestPollIntervalMs;
  const windowMs = pollIntervalMs + 5_000;
  const d = detector(w, pollIntervalMs);
  try {
    await d.start();
    const deadline = Date.now() + 20_000;
    while (!d.feeds().every((f) => f.connected) && Date.now() < deadline) await sleep(100);
    const phases: PhaseResult[] = [];
    for (const [i, phase] of PHASES.entries())
      phases.push(await runPhase(w, phase, { fills, spacingMs, windowMs, offset: i * fills }));
    return { scenario: 'detection', ordersPerPhase: fills, pollIntervalMs, windowMs, phases };
  } finally {
    await d.stop();
    await w.server.close();
    await w.bench.close();
  }
}

export function detectionRows(r: DetectionBenchResult): { metric: string; value: string }[] {
  const ms = (a: number | null, b: number | null) => `${a ?? '–'} / ${b ?? '–'}`;
  const all = r.phases.find((p) => p.phase === 'all')!;
  const rows = [
    {
      metric: 'leader orders per phase · Data API poll · window',
      value: `${r.ordersPerPhase} · ${r.pollIntervalMs / 1000} s · ${r.windowMs / 1000} s`,
    },
    ...FEEDS.map((f) => ({
      metric: `all feeds: ${f} order → detected p50 / p99 ms (fills seen)`,
      value: `${ms(all.feeds[f].p50Ms, all.feeds[f].p99Ms)} (${all.feeds[f].seen}/${all.orders})`,
    })),
    {
      metric: 'all feeds: share of fills seen first (rtds / chain / data_api)',
      value: FEEDS.map((f) => all.feeds[f].wonShare ?? '–').join(' / '),
    },
  ];
  for (const p of r.phases.filter((x) => x.cut !== null))
    rows.push({
      metric: `${p.cut} cut: fills never detected · order → first detection p50 / p99 ms · won by (rtds / chain / data_api)`,
      value: `${p.missed}/${p.orders} · ${ms(p.firstP50Ms, p.firstP99Ms)} · ${FEEDS.map((f) => p.feeds[f].won).join(' / ')}`,
    });
  return rows;
}
