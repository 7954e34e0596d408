// API read benchmark (`npm run bench -- api`): the leaderboard, a trader's profile and a user's
// portfolio under a fixed request rate, on a fresh database with 10,000 traders and 1,000 users with
// history, generated in SQL (deterministic: setseed):
//   traders        10,000 active, varied figures (some without a Sharpe ratio), display names
//   leader_fills   30 per trader over the last 30 days (300,000), BUY/SELL on a few tokens each
//   users          1,000, mixed tiers, each with one session
//   follows        5 per user (5,000), follower counts kept consistent
//   copy trades    60 per user (60,000 lots, 40% still open, the rest closed with realized P&L)
//   queue rows     20 per user (20,000) with their copy decisions (executed / failed / skipped)
// The API runs as its own process (this file with POLYCOPY_BENCH_API_SERVER=1: the production
// registerApi over a pg pool, rate limits out of the way) so the load generator (autocannon, in this
// process) does not share its event loop. Each endpoint gets a warm-up, then a fixed-rate run
// (autocannon overallRate over a pool of connections): requests/s achieved, latency p50 / p90 / p99
// / max as autocannon measures it (client side, so it includes loopback and the client's own
// scheduling), errors, timeouts and non-2xx answers. The leaderboard rotates over its six sorts and
// is run three ways: 10 connections (the headline), 50 connections (autocannon paces each
// connection with its own timer, so they fire together: bursts of 50 requests at once), and
// revalidation with If-None-Match (304, counted as non-2xx by autocannon). Profiles rotate over
// random traders; portfolios over 200 users' tokens. A cold (uncached) leaderboard page is also
// timed directly against the database, since the route serves from a 60 s cache.
//
// Rates: --leaderboard-rate (default 1000), --profile-rate (200), --portfolio-rate (500),
// --seconds (15 per endpoint), --connections (default 10 for the leaderboard, 50 for the others).
// The machine is shared with other work: the numbers are what it measured, noise included.
import { freshBenchDatabase } from './fresh-database.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { AccessTokens, deriveAccessTokenKey } from '../src/auth/access-tokens.ts';
import { systemClock } from '../src/auth/clock.ts';
import { createDb, type Db } from '../src/db/client.ts';
import { UserEventHub } from '../src/events/hub.ts';
import { registerApi } from '../src/http/api/register-api.ts';
import { buildHttpApp } from '../src/http/app.ts';
import { createLogger } from '../src/observability/logger.ts';
import { getLeaderboard, LEADERBOARD_SORTS } from '../src/services/leaderboard.ts';
import { MasterKey } from '../src/vault/master-key.ts';

export interface ApiBenchOptions {
  traders?: number;
  users?: number;
  seconds?: number;
  connections?: number;
  leaderboardRate?: number;
  profileRate?: number;
  portfolioRate?: number;
}

export interface EndpointResult {
  endpoint: string;
  connections: number;
  targetRps: number;
  achievedRps: number;
  requests: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface ApiBenchResult {
  scenario: 'api';
  traders: number;
  users: number;
  rows: { leaderFills: number; copyTrades: number; queueRows: number; relationships: number };
  seedSeconds: number;
  secondsPerEndpoint: number;
  endpoints: EndpointResult[];
  coldLeaderboardMs: { p50: number; p99: number; samples: number };
  leaderboardP99UnderTenMsAt1000: boolean;
}

const log = (msg: string) => process.stderr.write(`[api bench] ${msg}\n`);
const round = (x: number) => Math.round(x * 100) / 100;
function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round(
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0,
  );
}

/** Generates the whole data set in SQL; returns the row counts. */
export async function seed(db: Db, traders: number, users: number) {
  await sql`SELECT setseed(0.42)`.execute(db);
  await sql`
    INSERT INTO traders (wallet_address, display_name, pnl_7d, pnl_7d_percent, total_pnl, total_pnl_percent,
                         total_volume_usd, total_trades, winning_trades, losing_trades, win_rate,
                         avg_trade_size_usd, sharpe_ratio, max_drawdown, is_verified, is_active,
                         first_trade_at, last_trade_at)
    SELECT '0x' || lpad(to_hex(i), 40, '0'),
           CASE WHEN i % 3 = 0 THEN 'whale ' || i ELSE 'trader_' || i END,
           round((random()::numeric * 20000 - 5000)::numeric, 6), round((random()::numeric * 200 - 50)::numeric, 4),
           round((random()::numeric * 200000 - 50000)::numeric, 6), round((random()::numeric * 400 - 100)::numeric, 4),
           round((random()::numeric * 5000000)::numeric, 6), t, w, t - w, round((w::numeric / t) * 100, 2),
           round((random()::numeric * 2000)::numeric, 6),
           CASE WHEN i % 7 = 0 THEN NULL ELSE round((random()::numeric * 6 - 2)::numeric, 4) END,
           round((random()::numeric * 50)::numeric, 4), i % 50 = 0, true,
           now() - interval '400 days' * random(), now() - interval '2 days' * random()
      FROM (SELECT i, 20 + (random() * 2000)::int AS t FROM generate_series(1, ${traders}) AS i) s,
           LATERAL (SELECT (s.t * (0.3 + random()::numeric * 0.5))::int AS w) ww`.execute(db);
  // 30 fills per trader over 30 days, on 3 tokens each: alternating buys and sells.
  await sql`
    INSERT INTO leader_fills (fill_key, trader_wallet_address, transaction_hash, asset_id, condition_id,
                              side, price, size, occurrence, market_title, market_slug, outcome,
                              filled_at, detected_at, source)
    SELECT md5(t.i || ':' || f), '0x' || lpad(to_hex(t.i), 40, '0'),
           '0x' || md5('tx' || t.i || ':' || f) || md5('tx2' || t.i || ':' || f),
           (1000000 + t.i * 3 + f % 3)::text, '0x' || md5('c' || (t.i * 3 + f % 3)) || md5('d' || (t.i * 3 + f % 3)),
           CASE WHEN f % 2 = 0 THEN 'BUY' ELSE 'SELL' END,
           round((0.05 + random()::numeric * 0.9)::numeric, 4), round((1 + random()::numeric * 500)::numeric, 4), 0,
           'Market ' || (t.i * 3 + f % 3), 'market-' || (t.i * 3 + f % 3), 'Yes',
           now() - interval '30 days' + f * interval '1 day' - interval '1 hour' * random(),
           now() - interval '30 days' + f * interval '1 day', 'test'
      FROM generate_series(1, ${traders}) AS t(i), generate_series(0, 29) AS f`.execute(db);
  await sql`
    INSERT INTO users (email, subscription_tier, balance_usd, last_login_at)
    SELECT 'bench' || i || '@bench.test', (ARRAY['free','basic','pro','premium'])[1 + i % 4],
           round((random()::numeric * 10000)::numeric, 2), now() - interval '1 day' * random()
      FROM generate_series(1, ${users}) AS i`.execute(db);
  await sql`
    INSERT INTO auth_sessions (user_id, expires_at)
    SELECT id, now() + interval '30 days' FROM users`.execute(db);
  // 5 follows per user, spread over the first 2,000 traders (popular ones get more followers).
  await sql`
    INSERT INTO copy_relationships (user_id, trader_wallet_address, status, proportionality_factor,
                                    total_trades_copied, total_invested_usd, total_pnl_usd)
    SELECT u.id, '0x' || lpad(to_hex(1 + ((u.id * 7 + k * 389) % 2000)), 40, '0'),
           CASE WHEN k = 4 THEN 'paused' ELSE 'active' END, 0.05, 12, 500, round((random()::numeric * 200 - 80)::numeric, 6)
      FROM users u, generate_series(0, 4) AS k`.execute(db);
  await sql`
    UPDATE traders t SET follower_count = c.n
      FROM (SELECT trader_wallet_address, count(*) AS n FROM copy_relationships GROUP BY 1) c
     WHERE c.trader_wallet_address = t.wallet_address`.execute(db);
  // 60 copy lots per user over 60 days; 40% open (marked), the rest closed with realized P&L.
  await sql`
    INSERT INTO trades (is_copy_trade, copying_user_id, copy_relationship_id, trader_wallet_address,
                        market_id, asset_id, position, side, entry_price, quantity, entry_value_usd,
                        current_value_usd, unrealized_pnl_usd, exit_price, exit_value_usd,
                        realized_pnl_usd, status, entry_timestamp, exit_timestamp)
    SELECT true, r.user_id, r.id, r.trader_wallet_address, 'market-' || n, 'asset-' || n, 'YES', 'BUY',
           p, q, round(p * q, 6),
           CASE WHEN n % 5 < 2 THEN round(p * q * (0.8 + random()::numeric * 0.4), 6) END,
           CASE WHEN n % 5 < 2 THEN round(p * q * (random()::numeric * 0.4 - 0.2), 6) END,
           CASE WHEN n % 5 >= 2 THEN round(p * (0.7 + random()::numeric * 0.6), 4) END,
           CASE WHEN n % 5 >= 2 THEN round(p * q * (0.7 + random()::numeric * 0.6), 6) END,
           CASE WHEN n % 5 >= 2 THEN round(p * q * (random()::numeric * 0.6 - 0.3), 6) END,
           CASE WHEN n % 5 < 2 THEN 'open' ELSE 'closed' END,
           now() - interval '60 days' * random(),
           CASE WHEN n % 5 >= 2 THEN now() - interval '1 day' * random() END
      FROM (SELECT r.*, row_number() OVER (PARTITION BY r.user_id ORDER BY r.id) AS k FROM copy_relationships r) r,
           generate_series(1, 12) AS n,
           LATERAL (SELECT round((0.1 + random()::numeric * 0.8)::numeric, 4) AS p, round((5 + random()::numeric * 200)::numeric, 6) AS q) pq`.execute(
    db,
  );
  // 20 queue rows per user (4 per follow) with their decisions, on the followed traders' fills.
  await sql`
    WITH picked AS (
      SELECT r.id AS rel, r.user_id, r.trader_wallet_address AS w, f.fill_key, f.asset_id, f.condition_id,
             f.side, f.price, row_number() OVER (PARTITION BY r.id ORDER BY f.filled_at DESC) AS k
        FROM copy_relationships r
        JOIN leader_fills f ON f.trader_wallet_address = r.trader_wallet_address
    ), q AS (
      INSERT INTO trade_queue (user_id, copy_relationship_id, trader_wallet_address, market_id, position,
                               quantity, target_price, status, source_fill_key, side, asset_id, mode,
                               completed_at, error_message)
      SELECT user_id, rel, w, condition_id, 'YES', 10, price,
             (ARRAY['completed','failed','cancelled','completed'])[1 + k % 4], fill_key, side, asset_id, 'paper',
             now(), CASE WHEN k % 4 = 1 THEN 'retries_exhausted' WHEN k % 4 = 2 THEN 'slippage_exceeded' END
        FROM picked WHERE k <= 4
      RETURNING id, user_id, copy_relationship_id, source_fill_key, status
    )
    INSERT INTO copy_decisions (fill_key, copy_relationship_id, user_id, outcome, reason, queue_id, decided_at)
    SELECT source_fill_key, copy_relationship_id, user_id,
           CASE status WHEN 'completed' THEN 'executed' WHEN 'failed' THEN 'failed' ELSE 'skipped' END,
           CASE status WHEN 'failed' THEN 'retries_exhausted' WHEN 'cancelled' THEN 'slippage_exceeded' END,
           id, now()
      FROM q`.execute(db);
  await sql`ANALYZE`.execute(db);
  const { rows } = await sql<{ fills: string; trades: string; queue: string; rels: string }>`
    SELECT (SELECT count(*) FROM leader_fills) AS fills, (SELECT count(*) FROM trades) AS trades,
           (SELECT count(*) FROM trade_queue) AS queue, (SELECT count(*) FROM copy_relationships) AS rels`.execute(
    db,
  );
  const r = rows[0]!;
  return {
    leaderFills: Number(r.fills),
    copyTrades: Number(r.trades),
    queueRows: Number(r.queue),
    relationships: Number(r.rels),
  };
}

// ------------------------------------------------------------------ the API process

/** Entry of the child process: the production API over the bench database, until killed. */
async function serveForBench(): Promise<void> {
  const url = process.env.POLYCOPY_BENCH_DATABASE_URL!;
  const masterKey = MasterKey.fromBase64(process.env.POLYCOPY_BENCH_MASTER_KEY!);
  const handle = createDb(url, { poolMax: 10, applicationName: 'polycopy-bench-api' });
  const logger = createLogger('warn');
  const app = buildHttpApp({ logger, checks: [] });
  // As an api process of the platform runs it: with its event hub, which keeps the per-user read
  // cache (/portfolio) correct.
  const hub = new UserEventHub({ databaseUrl: url, logger });
  await hub.start();
  await registerApi(
    app,
    {
      db: handle.db,
      clock: systemClock,
      logger,
      accessTokens: new AccessTokens(deriveAccessTokenKey(masterKey.bytes()), 3600, systemClock),
      mailer: { send: async () => undefined },
      masterKey,
      credentialVerifier: { verify: async () => ({ ok: true as const }) },
      settings: {
        publicUrl: 'http://127.0.0.1',
        corsOrigins: [],
        bodyLimitBytes: 65_536,
        // The bench measures serving, not the limiter's refusals.
        rateLimit: { perIp: 10_000_000, perUser: 10_000_000, authPerIp: 10_000_000 },
        refreshTokenTtlDays: 30,
        paperStartingBalanceUsd: '10000',
      },
    },
    { events: { hub } },
  );
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ listening: address })}\n`);
  const stop = () =>
    void app.close().then(() => hub.close().then(() => handle.close().then(() => process.exit(0))));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function startServer(
  dbUrl: string,
  masterKey: MasterKey,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [resolve('bin/run-ts.mjs'), resolve('bench/api.ts')], {
    env: {
      ...process.env,
      POLYCOPY_BENCH_API_SERVER: '1',
      POLYCOPY_BENCH_DATABASE_URL: dbUrl,
      POLYCOPY_BENCH_MASTER_KEY: masterKey.bytes().toString('base64'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`API server did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"listening":"([^"]+)"\}/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    });
    child.on('exit', (code) => rej(new Error(`API server exited (${code}): ${out}`)));
  });
  return { url, child };
}

// ------------------------------------------------------------------ load

type Req = { method: 'GET'; path: string; headers?: Record<string, string> };

async function load(
  url: string,
  endpoint: string,
  next: () => Req,
  opts: { rate: number; seconds: number; connections: number },
): Promise<EndpointResult> {
  const run = (seconds: number) =>
    new Promise<autocannon.Result>((res, rej) => {
      const instance = autocannon(
        {
          url,
          connections: opts.connections,
          duration: seconds,
          overallRate: opts.rate,
          timeout: 10,
          requests: [
            {
              setupRequest: (req: autocannon.Request) => {
                const r = next();
                return { ...req, method: r.method, path: r.path, headers: { ...req.headers, ...r.headers } };
              },
            },
          ],
        },
        (err, result) => (err ? rej(err as Error) : res(result)),
      );
      void instance;
    });
  await run(3); // warm-up: connections, caches, JIT, the pool
  const r = await run(opts.seconds);
  return {
    endpoint,
    connections: opts.connections,
    targetRps: opts.rate,
    achievedRps: round(r.requests.average),
    requests: r.requests.total,
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: round(r.latency.mean),
    },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
}

export async function benchApi(opts: ApiBenchOptions = {}): Promise<ApiBenchResult> {
  const traders = opts.traders ?? 10_000;
  const users = opts.users ?? 1_000;
  const seconds = opts.seconds ?? 15;
  // Unset: 10 connections for the leaderboard, 50 for the database-bound reads.
  const connections = opts.connections;
  const database = await freshBenchDatabase({
    prefix: 'polycopy_bench_api',
    poolMax: 4,
    applicationName: 'polycopy-bench-seed',
    partitionsAhead: 2,
  });
  let server: { url: string; child: ChildProcess } | undefined;
  try {
    log(`seeding ${traders} traders and ${users} users…`);
    const t0 = performance.now();
    const rows = await seed(database.db, traders, users);
    const seedSeconds = round((performance.now() - t0) / 1000);
    log(`seeded in ${seedSeconds} s: ${JSON.stringify(rows)}`);

    // Cold leaderboard pages (what a cache miss costs), straight from the service.
    const cold: number[] = [];
    for (let i = 0; i < 5; i++)
      for (const sort of LEADERBOARD_SORTS) {
        const s = performance.now();
        await getLeaderboard({ db: database.db }, { sort, limit: 25 });
        cold.push(performance.now() - s);
      }

    const masterKey = MasterKey.generate();
    const tokens = new AccessTokens(deriveAccessTokenKey(masterKey.bytes()), 3600, systemClock);
    const sessions = await database.db
      .selectFrom('auth_sessions')
      .select(['id', 'user_id'])
      .orderBy('user_id')
      .limit(200)
      .execute();
    const bearer = await Promise.all(
      sessions.map(
        async (s) => `Bearer ${(await tokens.sign({ userId: s.user_id, sessionId: s.id })).token}`,
      ),
    );
    server = await startServer(database.url, masterKey);
    log(`API at ${server.url}`);

    let i = 0;
    const wallet = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
    const endpoints: EndpointResult[] = [];
    const run = async (endpoint: string, next: () => Req, rate: number, conns: number): Promise<void> => {
      endpoints.push(await load(server!.url, endpoint, next, { rate, seconds, connections: conns }));
      log(JSON.stringify(endpoints.at(-1)));
    };
    const leaderboardPaths = LEADERBOARD_SORTS.map((s) => `/api/v1/leaderboard?sort=${s}&limit=25`);
    const leaderboard = () => ({
      method: 'GET' as const,
      path: leaderboardPaths[i++ % leaderboardPaths.length]!,
    });
    const lbRate = opts.leaderboardRate ?? 1000;
    // The headline: 1,000 requests/s over 10 keep-alive connections. autocannon paces each
    // connection with its own timer, so all connections fire together: with 50 connections the
    // server receives bursts of 50 at once and the tail measures the burst, which is reported too.
    await run('GET /api/v1/leaderboard', leaderboard, lbRate, connections ?? 10);
    await run('GET /api/v1/leaderboard (bursts of 50)', leaderboard, lbRate, 50);
    // Clients that revalidate with the ETag they hold get 304 with no body.
    const etags = await Promise.all(
      leaderboardPaths.map(async (p) => (await fetch(`${server!.url}${p}`)).headers.get('etag')!),
    );
    await run(
      'GET /api/v1/leaderboard (If-None-Match → 304)',
      () => {
        const k = i++ % leaderboardPaths.length;
        return { method: 'GET', path: leaderboardPaths[k]!, headers: { 'if-none-match': etags[k]! } };
      },
      lbRate,
      connections ?? 10,
    );
    await run(
      'GET /api/v1/traders/{wallet}',
      () => ({
        method: 'GET',
        path: `/api/v1/traders/${wallet(1 + Math.floor(Math.random() * traders))}?limit=10`,
      }),
      opts.profileRate ?? 200,
      connections ?? 50,
    );
    await run(
      'GET /api/v1/portfolio',
      () => ({
        method: 'GET',
        path: '/api/v1/portfolio',
        headers: { authorization: bearer[i++ % bearer.length]! },
      }),
      opts.portfolioRate ?? 500,
      connections ?? 50,
    );

    const lb = endpoints[0]!;
    return {
      scenario: 'api',
      traders,
      users,
      rows,
      seedSeconds,
      secondsPerEndpoint: seconds,
      endpoints,
      coldLeaderboardMs: { p50: pct(cold, 50), p99: pct(cold, 99), samples: cold.length },
      leaderboardP99UnderTenMsAt1000:
        lb.targetRps >= 1000 && lb.achievedRps >= 0.98 * 1000 && lb.latencyMs.p99 < 10 && lb.errors === 0,
    };
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await Promise.race([once(server.child, 'exit'), new Promise((r) => setTimeout(r, 5000))]);
    }
    await database.close();
  }
}

/** The README table rows (bench/run.ts renders them). */
export function apiRows(r: ApiBenchResult): Array<{ metric: string; value: string }> {
  const rows = [
    {
      metric: 'data',
      value: `${r.traders} traders, ${r.users} users, ${r.rows.leaderFills} leader fills, ${r.rows.copyTrades} copy lots, ${r.rows.queueRows} queue rows (seeded in ${r.seedSeconds} s)`,
    },
  ];
  for (const e of r.endpoints)
    rows.push({
      metric: `${e.endpoint} @ ${e.targetRps}/s, ${e.connections} connections: achieved/s · p50 / p90 / p99 / max ms · errors · non-2xx`,
      value: `${e.achievedRps} · ${e.latencyMs.p50} / ${e.latencyMs.p90} / ${e.latencyMs.p99} / ${e.latencyMs.max} · ${e.errors + e.timeouts} · ${e.non2xx}`,
    });
  rows.push(
    {
      metric: 'cold leaderboard page (cache miss, service → PostgreSQL) p50 / p99 ms',
      value: `${r.coldLeaderboardMs.p50} / ${r.coldLeaderboardMs.p99}`,
    },
    {
      metric: 'leaderboard p99 < 10 ms at 1,000 requests/s',
      value: r.leaderboardP99UnderTenMsAt1000 ? 'yes' : 'no',
    },
  );
  return rows;
}

if (process.env.POLYCOPY_BENCH_API_SERVER === '1') await serveForBench();
