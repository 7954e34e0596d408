// Leader metrics recompute benchmark: `npm run bench -- analytics [--traders 10000] [--fills 5000000]
// [--parallelism 2] [--work-mem 1GB]`. In a fresh database (TEST_DATABASE_URL / DATABASE_URL, else the
// embedded server in .polycopy/bench) it generates, in SQL:
//   - `traders` traders, the busiest far busier than the rest (position owner = ⌊T·u²⌋);
//   - `fills` leader fills in `trades` as positions of 2–8 fills (buys, then sells), three in four
//     sold back to zero, one in four half held; 100 000 tokens at full size, prices drifting up for
//     one trader in ten ("informed") and at random for the rest; 180 days of history;
//   - a mark for every token (a third of them resolved), 2 000 users following five traders each,
//     and one copy trade per 50 fills;
// then runs the full recompute (src/analytics/recompute-metrics.ts) once and reports its wall time,
// the PostgreSQL backends' CPU time and peak memory (read from /proc when the server is local), the
// node process's peak RSS, and the temp-file bytes PostgreSQL wrote (pg_stat_database).
import { freshBenchDatabase } from './fresh-database.ts';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { recomputeTraderMetrics } from '../src/analytics/recompute-metrics.ts';
import { type Db } from '../src/db/client.ts';

export interface AnalyticsBenchOptions {
  traders?: number;
  fills?: number;
  parallelism?: number;
  workMem?: string;
}

export interface AnalyticsBenchResult {
  scenario: 'analytics';
  traders: number;
  fills: number;
  parallelism: number;
  work_mem: string;
  generate_seconds: number;
  seconds: number;
  steps_ms: Record<string, number>;
  /** CPU seconds of the PostgreSQL backends that ran the recompute (null when not local). */
  pg_cpu_seconds: number | null;
  /** Largest peak RSS of those backends, MB (includes shared buffers they touched). */
  pg_backend_peak_rss_mb: number | null;
  node_peak_rss_mb: number;
  pg_temp_bytes: number;
  open_positions: number;
  closed_positions: number;
  ranked: number;
}

const log = (msg: string) => process.stderr.write(`[analytics bench] ${msg}\n`);
const round = (x: number, dp = 2) => Math.round(x * 10 ** dp) / 10 ** dp;

// Secondary trades indexes are dropped for the bulk load and rebuilt after it (faster than
// maintaining them row by row); the recompute then runs on the usual schema.
const TRADES_INDEXES = [
  'CREATE INDEX idx_trades_trader_wallet ON trades (trader_wallet_address, entry_timestamp DESC)',
  'CREATE INDEX idx_trades_market ON trades (market_id)',
  'CREATE INDEX idx_trades_status ON trades (status)',
  'CREATE INDEX idx_trades_entry_timestamp ON trades (entry_timestamp DESC)',
];

export async function generateAnalyticsData(db: Db, traders: number, fills: number): Promise<void> {
  const tokens = Math.max(100, Math.round(fills / 50));
  const users = Math.max(10, Math.round(traders / 5));
  await sql`SET jit = off`.execute(db);
  await sql`SELECT polycopy_ensure_trades_partitions(2, 28)`.execute(db);
  await sql
    .raw(
      `DROP INDEX idx_trades_trader_wallet, idx_trades_market, idx_trades_status, idx_trades_entry_timestamp`,
    )
    .execute(db);
  // Wallets and token ids as the venue spells them (random hex, 77-digit decimals), made once.
  await sql`
    CREATE UNLOGGED TABLE bench_wallets AS
    SELECT i, '0x' || substr(md5(i::text), 1, 32) || substr(md5(i::text || 'w'), 1, 8) AS wallet
      FROM generate_series(0, ${traders - 1}::int) i`.execute(db);
  await sql`
    CREATE UNLOGGED TABLE bench_tokens AS
    SELECT tok, '1' || substr(translate(md5(tok::text) || md5(tok::text || 't') || md5(tok::text || 'u'),
                                        'abcdef', '123456'), 1, 76) AS asset,
           '0x' || md5((tok / 2)::text) || md5((tok / 2)::text || 'c') AS market
      FROM generate_series(0, ${tokens - 1}::int) tok`.execute(db);
  await sql`CREATE UNIQUE INDEX ON bench_wallets (i)`.execute(db);
  await sql`CREATE UNIQUE INDEX ON bench_tokens (tok)`.execute(db);
  await sql`ANALYZE bench_wallets`.execute(db);
  await sql`ANALYZE bench_tokens`.execute(db);
  await sql`INSERT INTO traders (wallet_address) SELECT wallet FROM bench_wallets ORDER BY i`.execute(db);

  // Fill n (0-based) belongs to position j and is its i-th fill: positions come in cycles of seven
  // with 2, 3, ..., 8 fills (35 fills per cycle). The first half (rounded up) are buys of b shares;
  // the sells split the bought total (or half of it) exactly, rounded to 6 dp by differences.
  await sql`
    INSERT INTO trades (trader_wallet_address, is_copy_trade, market_id, position, entry_price, quantity,
                        entry_value_usd, status, entry_timestamp, asset_id, side)
    SELECT bw.wallet, false, bt.market, 'YES', f.p, f.q, round(f.p * f.q, 6),
           CASE WHEN f.buy THEN 'open' ELSE 'closed' END,
           now() - make_interval(secs => f.age_s - f.i * f.gap_s), bt.asset, CASE WHEN f.buy THEN 'BUY' ELSE 'SELL' END
      FROM (
        SELECT j, i, tok, tr, buy, gap_s,
               span_s + 3600 + (j * 2654435761) % (180 * 86400 - span_s - 3600) AS age_s,
               CASE WHEN buy THEN b::numeric
                    ELSE round(total * (i - nb + 1) / ns, 6) - round(total * (i - nb) / ns, 6) END AS q,
               LEAST(0.99, GREATEST(0.01, round(base + i * drift, 2))) AS p
          FROM (
            SELECT j, i, nb, L - nb AS ns, i < nb AS buy, 5 + j % 200 AS b,
                   (5 + j % 200) * nb * CASE WHEN j % 4 = 0 THEN 0.5 ELSE 1 END AS total,
                   (j * 2246822519 + 3266489917) % ${tokens}::bigint AS tok, tr,
                   (1 + j % 47) * 3600 AS gap_s, (L - 1) * (1 + j % 47) * 3600 AS span_s,
                   0.05 + ((j * 7) % 90) / 100.0 AS base,
                   CASE WHEN tr % 10 = 0 THEN 0.01 + (j % 3) / 100.0 ELSE ((j * 31) % 7 - 3) / 100.0 END AS drift
              FROM (
                SELECT n, c * 7 + k AS j, n - c * 35 - s AS i, L, (L + 1) / 2 AS nb,
                       floor(${traders}::int * power(((c * 7 + k) * 40503 % 1000003) / 1000003.0, 2))::int AS tr
                  FROM (SELECT n, n / 35 AS c, n % 35 AS r FROM generate_series(0::bigint, ${fills - 1}::bigint) n) x
                 CROSS JOIN LATERAL (
                   SELECT k, s, L FROM (VALUES (0,0,2),(1,2,3),(2,5,4),(3,9,5),(4,14,6),(5,20,7),(6,27,8)) v (k, s, L)
                    WHERE x.r >= v.s AND x.r < v.s + v.L) y
              ) z
          ) w
      ) f
      JOIN bench_wallets bw ON bw.i = f.tr
      JOIN bench_tokens bt ON bt.tok = f.tok`.execute(db);

  // Marks: every token priced, a third resolved (yes/no alternating) some days ago.
  await sql`
    INSERT INTO token_marks (asset_id, condition_id, price, priced_at, resolved, payout, resolved_at)
    SELECT asset, market, CASE WHEN tok % 3 = 0 THEN NULL ELSE 0.05 + (tok % 91) / 100.0 END, now(),
           tok % 3 = 0, CASE WHEN tok % 3 = 0 THEN (tok % 2)::numeric END,
           CASE WHEN tok % 3 = 0 THEN now() - make_interval(days => (tok % 60)::int) END
      FROM bench_tokens`.execute(db);

  // Followers and copy trades.
  await sql`
    INSERT INTO users (email) SELECT 'bench' || u || '@example.com' FROM generate_series(1, ${users}::int) u`.execute(
    db,
  );
  await sql`
    INSERT INTO copy_relationships (user_id, trader_wallet_address, status)
    SELECT DISTINCT ON (u.id, bw.wallet) u.id, bw.wallet,
           CASE k % 10 WHEN 0 THEN 'paused' WHEN 1 THEN 'stopped' ELSE 'active' END
      FROM users u CROSS JOIN generate_series(0, 4) k
      JOIN bench_wallets bw ON bw.i = floor(${traders}::int * power(((u.id * 5 + k) * 40503 % 1000003) / 1000003.0, 2))::int`.execute(
    db,
  );
  await sql`
    INSERT INTO trades (trader_wallet_address, copying_user_id, copy_relationship_id, is_copy_trade, market_id,
                        position, entry_price, quantity, entry_value_usd, status, entry_timestamp, side)
    SELECT r.trader_wallet_address, r.user_id, r.id, true, '0x' || md5(n::text) || md5(n::text || 'm'), 'YES',
           0.5, 10 + n % 40, (10 + n % 40) * 0.5, 'open', now() - make_interval(secs => (n * 7919) % (170 * 86400)), 'BUY'
      FROM generate_series(0, ${Math.max(1, Math.round(fills / 50)) - 1}::int) n
      JOIN (SELECT id, user_id, trader_wallet_address, row_number() OVER (ORDER BY id) - 1 AS k,
                   count(*) OVER () AS total FROM copy_relationships) r ON r.k = n % r.total`.execute(db);
  for (const ddl of TRADES_INDEXES) await sql.raw(ddl).execute(db);
  await sql`DROP TABLE bench_wallets, bench_tokens`.execute(db);
  await sql`VACUUM ANALYZE`.execute(db);
}

/** CPU ticks (1/100 s) and peak RSS (kB) of a local process, or null when /proc cannot tell. */
function procStats(pid: number): { cpuMs: number; hwmKb: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return { cpuMs: (Number(stat[11]) + Number(stat[12])) * 10, hwmKb: hwm ? Number(hwm[1]) : 0 };
  } catch {
    return null;
  }
}

export async function benchAnalytics(opts: AnalyticsBenchOptions = {}): Promise<AnalyticsBenchResult> {
  const traders = opts.traders ?? 10_000;
  const fills = opts.fills ?? 5_000_000;
  const parallelism = opts.parallelism ?? 2;
  const workMem = opts.workMem ?? '1GB';
  const bench = await freshBenchDatabase({
    prefix: 'polycopy_bench',
    poolMax: 8,
    applicationName: 'polycopy-bench',
  });
  try {
    log(`generating ${traders} traders and ${fills} fills`);
    const g0 = performance.now();
    await generateAnalyticsData(bench.db, traders, fills);
    const generateSeconds = round((performance.now() - g0) / 1000, 1);
    log(`generated in ${generateSeconds} s; recomputing (parallelism ${parallelism}, work_mem ${workMem})`);

    const tempBytes = async () =>
      Number(
        (
          await sql<{
            b: string;
          }>`SELECT temp_bytes AS b FROM pg_stat_database WHERE datname = current_database()`.execute(
            bench.db,
          )
        ).rows[0]!.b,
      );
    const temp0 = await tempBytes();
    // One segment per transaction (a shard, the final step): its backend's CPU at the start and at
    // the latest step, and the backend's peak RSS.
    const segments: Array<{ pid: number; start: number; last: number; hwmKb: number }> = [];
    const open = new Map<number, (typeof segments)[number]>();
    let local = bench.local;
    const t0 = performance.now();
    const report = await recomputeTraderMetrics(bench.db, {
      now: new Date(),
      parallelism,
      workMem,
      onStep: async (shard, step, tx) => {
        if (!local) return;
        const pid = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx)).rows[0]!.pid;
        const s = procStats(pid);
        if (!s) {
          local = false;
          return;
        }
        if (step === 'start') {
          const seg = { pid, start: s.cpuMs, last: s.cpuMs, hwmKb: s.hwmKb };
          segments.push(seg);
          open.set(shard, seg);
        } else {
          const seg = open.get(shard)!;
          seg.last = s.cpuMs;
          seg.hwmKb = Math.max(seg.hwmKb, s.hwmKb);
        }
      },
    });
    const seconds = round((performance.now() - t0) / 1000);
    await new Promise((r) => setTimeout(r, 1000)); // backends report their stats when idle
    const tempWritten = (await tempBytes()) - temp0;
    const cpu = local ? segments.reduce((a, b) => a + (b.last - b.start), 0) / 1000 : null;
    const hwm = local ? Math.max(...segments.map((b) => b.hwmKb)) / 1024 : null;
    log(`recomputed in ${seconds} s: ${JSON.stringify(report)}`);
    return {
      scenario: 'analytics',
      traders,
      fills: report.fills,
      parallelism,
      work_mem: workMem,
      generate_seconds: generateSeconds,
      seconds,
      steps_ms: report.stepsMs,
      pg_cpu_seconds: cpu === null ? null : round(cpu, 1),
      pg_backend_peak_rss_mb: hwm === null ? null : Math.round(hwm),
      node_peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      pg_temp_bytes: tempWritten,
      open_positions: report.openPositions,
      closed_positions: report.closedPositions,
      ranked: report.ranked,
    };
  } finally {
    await bench.close();
  }
}

/** The rows of bench/results/README.md for this scenario. */
export function analyticsRows(r: AnalyticsBenchResult): Array<{ metric: string; value: string }> {
  const steps = Object.entries(r.steps_ms)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
    .join(' · ');
  return [
    { metric: 'traders / leader fills', value: `${r.traders} / ${r.fills}` },
    { metric: 'full recompute, seconds (wall)', value: String(r.seconds) },
    { metric: 'shards (connections) / work_mem', value: `${r.parallelism} / ${r.work_mem}` },
    {
      metric: 'PostgreSQL CPU seconds (recompute backends)',
      value: r.pg_cpu_seconds === null ? 'n/a (server not local)' : String(r.pg_cpu_seconds),
    },
    {
      metric: 'peak RSS MB: PostgreSQL backend / node',
      value: `${r.pg_backend_peak_rss_mb ?? 'n/a'} / ${r.node_peak_rss_mb}`,
    },
    { metric: 'PostgreSQL temp-file bytes', value: String(r.pg_temp_bytes) },
    { metric: 'step seconds (summed over shards)', value: steps },
    {
      metric: 'positions: closed / open; traders ranked',
      value: `${r.closed_positions} / ${r.open_positions}; ${r.ranked}`,
    },
    { metric: 'data generation seconds (not part of the recompute)', value: String(r.generate_seconds) },
  ];
}
