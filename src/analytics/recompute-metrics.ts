// Full recompute of every leader metric in `traders` (and the side table trader_metrics) from the
// recorded leader fills (`trades` rows with is_copy_trade = false), the token marks (token_marks),
// the follow relationships and the copy trades, in set-based SQL. The definitions are in
// docs/analytics.md ("Metrics", "Ranks and the minimum sample"); the same definitions as plain
// code are src/domain/analytics/trader-metrics.ts, which the tests hold this SQL to.
//
// Traders are split into `parallelism` shards by id, each computed in its own transaction on its
// own connection, concurrently (the work is CPU-bound; one PostgreSQL backend uses one core). A
// shard's steps — one sort of its fills, then aggregates over ever fewer rows:
//   _f    every fill in (position, time) order with the shares held before and after it, its P&L
//         increment and its closed-position ("episode") number;
//   _pos  the last state of every position still holding shares, with its mark: settled at the
//         payout when its market resolved, else marked at the current price;
//   _ep   closed positions (sold back to dust, or settled by resolution): P&L, cost, open/close;
// then, sorted by (trader, UTC day), the daily P&L, spend and proceeds feed the equity-curve
// windows, and one row per trader (totals, capital base, equity-curve figures, trade statistics)
// and the tokens its traders hold go to the staging tables. One final transaction turns the staged
// rows into every `traders` row's figures and ranks (a trader without fills gets zeros), upserts
// trader_metrics and the open-holder counts of token_marks (the list the next marks refresh
// prices). Nothing in `traders` is written before that transaction, which takes well under a
// second at 10 000 traders, so engine transactions touching a trader row wait at most that long.
import { randomUUID } from 'node:crypto';
import { sql, type QueryResult, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { toWire, type Decimal } from '../domain/money.ts';
import { DEFAULT_MINIMUM_SAMPLE, type MinimumSample } from '../domain/analytics/minimum-sample.ts';
import {
  DEFAULT_DUST_SHARES,
  DEFAULT_RISK_FREE_RATE,
  PERIODS_PER_YEAR,
  PNL_WINDOW_DAYS,
} from '../domain/analytics/trader-metrics.ts';

export interface RecomputeOptions {
  /** The recompute's clock: fills after it are ignored; the 7-day window and "today" end at it. */
  readonly now: Date;
  /** A position holding at most this many shares counts as closed (sales leave rounding dust). */
  readonly dustShares?: Decimal;
  /** Annual risk-free rate as a fraction (0.04 = 4 %) for the Sharpe ratio. Default 0. */
  readonly riskFreeRate?: Decimal;
  readonly minimumSample?: MinimumSample;
  /** Shards computed concurrently, one connection each. Default 1. */
  readonly parallelism?: number;
  /** work_mem of each shard's transaction (its sort and hash aggregates). Default 1GB. */
  readonly workMem?: string;
  /**
   * max_parallel_workers_per_gather in each shard (PostgreSQL's own parallel scan and sort of the
   * fills). Default: the server's setting.
   */
  readonly parallelWorkersPerShard?: number;
  /** Called on a shard's connection (shard −1: the final step) before its first step and after each. */
  readonly onStep?: (shard: number, step: string, tx: Tx) => Promise<void>;
}

export interface RecomputeReport {
  readonly traders: number;
  readonly tradersWithFills: number;
  readonly fills: number;
  readonly openPositions: number;
  readonly closedPositions: number;
  readonly ranked: number;
  /** Milliseconds per step: shard steps summed over shards, then the final steps. */
  readonly stepsMs: Readonly<Record<string, number>>;
}

interface Params {
  readonly now: Date;
  readonly since: Date;
  /** Starts of the 30- and 90-day P&L windows the leaderboard's window filter reads. */
  readonly since30: Date;
  readonly since90: Date;
  readonly dust: RawBuilder<unknown>;
  readonly rf: RawBuilder<unknown>;
  readonly sample: MinimumSample;
  readonly runId: string;
  readonly shards: number;
}

export async function recomputeTraderMetrics(db: Db, opts: RecomputeOptions): Promise<RecomputeReport> {
  const p = paramsOf(opts);
  const stepsMs: Record<string, number> = {};
  const timed: Timed = async (shard, tx, name, q) => {
    const t0 = performance.now();
    const r = await q.execute(tx);
    stepsMs[name] = (stepsMs[name] ?? 0) + Math.round(performance.now() - t0);
    await opts.onStep?.(shard, name, tx);
    return r;
  };

  // Rows a run left behind when its process died between a shard and the final step.
  await sql`DELETE FROM analytics_trader_staging WHERE created_at < now() - interval '1 hour'`.execute(db);
  await sql`DELETE FROM analytics_holder_staging WHERE created_at < now() - interval '1 hour'`.execute(db);
  try {
    const settled = await Promise.allSettled(
      Array.from({ length: p.shards }, (_, shard) =>
        db.transaction().execute((tx) => runShard(tx, p, opts, shard, timed)),
      ),
    );
    // Every shard has finished (none still writing staging rows) before a failure is reported.
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const shardCounts = settled.map((r) => (r as PromiseFulfilledResult<ShardCounts>).value);
    const final = await db.transaction().execute((tx) => runFinalStep(tx, p, opts, timed));
    return {
      ...final,
      openPositions: shardCounts.reduce((a, c) => a + c.open, 0),
      closedPositions: shardCounts.reduce((a, c) => a + c.closed, 0),
      stepsMs,
    };
  } finally {
    await sql`DELETE FROM analytics_trader_staging WHERE run_id = ${p.runId}`.execute(db);
    await sql`DELETE FROM analytics_holder_staging WHERE run_id = ${p.runId}`.execute(db);
  }
}

type Timed = (shard: number, tx: Tx, name: string, q: RawBuilder<unknown>) => Promise<QueryResult<unknown>>;
type ShardCounts = { open: number; closed: number };

function paramsOf(opts: RecomputeOptions): Params {
  const shards = opts.parallelism ?? 1;
  if (!Number.isInteger(shards) || shards < 1 || shards > 64)
    throw new RangeError('parallelism must be 1-64');
  return {
    now: opts.now,
    since: new Date(opts.now.getTime() - PNL_WINDOW_DAYS * 86_400_000),
    since30: new Date(opts.now.getTime() - 30 * 86_400_000),
    since90: new Date(opts.now.getTime() - 90 * 86_400_000),
    dust: sql`${toWire(opts.dustShares ?? DEFAULT_DUST_SHARES)}::numeric`,
    rf: sql`${toWire(opts.riskFreeRate ?? DEFAULT_RISK_FREE_RATE)}::numeric`,
    sample: opts.minimumSample ?? DEFAULT_MINIMUM_SAMPLE,
    runId: randomUUID(),
    shards,
  };
}

/** One shard's transaction: its traders' fills, positions and episodes into the staging tables. */
async function runShard(
  tx: Tx,
  p: Params,
  opts: RecomputeOptions,
  shard: number,
  timed: Timed,
): Promise<ShardCounts> {
  await sql`SELECT set_config('work_mem', ${opts.workMem ?? '1GB'}, true)`.execute(tx);
  // JIT compiling these plans costs more than it saves at every size measured.
  await sql`SET LOCAL jit = off`.execute(tx);
  // Every join here is a large batch: hash joins, never per-row index probes (the planner
  // underestimates the shard filter and would otherwise probe each trader's partitions).
  await sql`SET LOCAL enable_nestloop = off`.execute(tx);
  if (opts.parallelWorkersPerShard !== undefined)
    await sql`SELECT set_config('max_parallel_workers_per_gather', ${String(opts.parallelWorkersPerShard)}, true)`.execute(
      tx,
    );
  await opts.onStep?.(shard, 'start', tx);
  await timed(shard, tx, 'fills', fillsStatement(p, shard));
  await timed(shard, tx, 'positions', positionsStatement(p));
  await timed(shard, tx, 'episodes', episodesStatement(p));
  // Grouping by sorting (not hashing) hands the day rows to the equity-curve windows in the
  // order they need, and costs less than hashing their many NUMERIC sums.
  await sql`SET LOCAL enable_hashagg = off`.execute(tx);
  await timed(shard, tx, 'stage_traders', stageTradersStatement(p));
  await sql`SET LOCAL enable_hashagg = on`.execute(tx);
  await timed(shard, tx, 'stage_holders', stageHoldersStatement(p, shard));
  await timed(shard, tx, 'stage_categories', stageCategoriesStatement(p, shard));
  const { rows } = await sql<{ open: string; closed: string }>`
    SELECT (SELECT count(*) FROM _pos WHERE shares > ${p.dust} AND NOT resolved) AS open,
           (SELECT count(*) FROM _ep) AS closed`.execute(tx);
  return { open: Number(rows[0]!.open), closed: Number(rows[0]!.closed) };
}

/** The final transaction over every shard's staging rows: figures, ranks, traders, token marks. */
async function runFinalStep(tx: Tx, p: Params, opts: RecomputeOptions, timed: Timed) {
  await opts.onStep?.(-1, 'start', tx);
  await timed(-1, tx, 'figures', figuresStatement(p));
  const traders = await timed(-1, tx, 'update_traders', updateTradersStatement(p));
  await timed(-1, tx, 'trader_metrics', traderMetricsStatement(p));
  await timed(-1, tx, 'held_tokens', heldTokensStatement(p));
  await sql`ANALYZE _held`.execute(tx);
  // token_marks' statistics lag behind open_holders (this very statement changes them); a
  // misestimate must not turn "not held any more" into a nested loop over both lists.
  await sql`SET LOCAL enable_nestloop = off`.execute(tx);
  for (const q of tokenMarksStatements(p)) await timed(-1, tx, 'token_marks', q);
  const { rows } = await sql<{ with_fills: string; fills: string | null; ranked: string }>`
    SELECT count(*) FILTER (WHERE fills > 0) AS with_fills, sum(fills) AS fills,
           count(*) FILTER (WHERE ranked) AS ranked
      FROM _fig`.execute(tx);
  return {
    traders: Number(traders.numAffectedRows ?? 0n),
    tradersWithFills: Number(rows[0]!.with_fills),
    fills: Number(rows[0]!.fills ?? 0),
    ranked: Number(rows[0]!.ranked),
  };
}

// The position key: the token, or (rows recorded without one) the market and outcome label.
// COLLATE "C": byte order sorts and compares fastest, and any consistent order will do.
const POSITION_KEY = sql`COALESCE(t.asset_id, t.market_id || ':' || t.position) COLLATE "C"`;

function fillsStatement(p: Params, shard: number): RawBuilder<unknown> {
  // Three window levels over ONE sort. (h, tid, a) is the position — h, a hash of it, makes the
  // sort compare one integer for almost every pair — and (ts, id) the order of its fills.
  //  l1: R = running sum of signed sizes; the previous fill's price; whether this is the last fill;
  //      pos = the id of the position's first fill (a unique integer key for later grouping).
  //  l2: M = min(0, min R over the earlier fills). Shares after the fill S = R − min(M, R), before
  //      it R − Δ − M: this is S_k = max(0, S_{k−1} + Δ_k) without a loop (the reflection
  //      identity). A sale larger than the position sells what is there; the rest was bought
  //      before recording began, has no known cost, and is left out.
  //  l3: the episode number: how many times the position opened (a BUY taking it above dust).
  // A fill belongs to the episode if the position was open before it or it opened it. Its P&L
  // increment revalues the shares held from the previous fill's price to this fill's, less fees.
  // Fixed-width columns first: reading a column after a variable-width one costs more.
  return sql`
    CREATE TEMP TABLE _f ON COMMIT DROP AS
    WITH base AS (
      SELECT hashtextextended(${POSITION_KEY}, tr.id) AS h, tr.id AS tid,
             t.entry_timestamp AS ts, t.id, COALESCE(t.side, 'BUY') = 'BUY' AS buy,
             t.quantity AS q, t.entry_price AS p, t.entry_value_usd AS v,
             t.fees_usd + t.gas_fee_usd AS fee, ${POSITION_KEY} AS a
        FROM trades t
        JOIN traders tr ON tr.wallet_address = t.trader_wallet_address
       WHERE NOT t.is_copy_trade AND t.entry_timestamp <= ${p.now}::timestamptz
         AND tr.id % ${p.shards} = ${shard}
    ), l1 AS (
      SELECT b.*, sum(CASE WHEN buy THEN q ELSE -q END) OVER w AS run,
             lag(p) OVER w AS prev_p, lead(id) OVER w IS NULL AS is_last, first_value(id) OVER w AS pos
        FROM base b
      WINDOW w AS (PARTITION BY h, tid, a ORDER BY ts, id ROWS UNBOUNDED PRECEDING)
    ), l2 AS (
      SELECT l1.*, COALESCE(LEAST(0, min(run) OVER w), 0) AS m
        FROM l1
      WINDOW w AS (PARTITION BY h, tid, a ORDER BY ts, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ), l2b AS (
      SELECT l2.*, run - LEAST(m, run) AS shares,
             run - CASE WHEN buy THEN q ELSE -q END - m AS prev_shares
        FROM l2
    ), l3 AS (
      SELECT l2b.*, sum((buy AND prev_shares <= ${p.dust} AND shares > ${p.dust})::int) OVER w AS episode
        FROM l2b
      WINDOW w AS (PARTITION BY h, tid, a ORDER BY ts, id ROWS UNBOUNDED PRECEDING)
    )
    SELECT tid, pos, ts, (ts AT TIME ZONE 'UTC')::date AS d,
           CASE WHEN prev_shares > ${p.dust} OR (buy AND shares > ${p.dust}) THEN episode END AS episode,
           buy, is_last, prev_shares > ${p.dust} AND shares <= ${p.dust} AS closes,
           p, v, fee, shares, CASE WHEN buy THEN 0 ELSE prev_shares - shares END AS sold,
           COALESCE(prev_shares * (p - prev_p), 0) - fee AS inc,
           CASE WHEN is_last THEN a END AS a
      FROM l3`;
}

function positionsStatement(p: Params): RawBuilder<unknown> {
  // Still holding shares after the last fill: settled at the payout if the market resolved (at the
  // later of the resolution and the last fill), else marked at the current price (now). Without a
  // mark it stays at its last fill price (no increment).
  // A resolution after the clock has not happened yet (as a fill after it has not).
  return sql`
    CREATE TEMP TABLE _pos ON COMMIT DROP AS
    SELECT f.tid, f.pos, f.episode, f.a, f.shares, r.resolved,
           CASE WHEN r.resolved THEN GREATEST(m.resolved_at, f.ts) ELSE ${p.now}::timestamptz END AS event_ts,
           CASE WHEN r.resolved THEN f.shares * (m.payout - f.p)
                WHEN m.price IS NOT NULL THEN f.shares * (m.price - f.p)
                ELSE 0 END AS inc,
           CASE WHEN r.resolved THEN f.shares * m.payout ELSE 0 END AS payout
      FROM _f f
      LEFT JOIN token_marks m ON m.asset_id = f.a
      CROSS JOIN LATERAL (SELECT COALESCE(m.resolved AND m.resolved_at <= ${p.now}::timestamptz, false) AS resolved) r
     WHERE f.is_last AND f.shares > 0`;
}

function episodesStatement(p: Params): RawBuilder<unknown> {
  // Closed by a fill (shares back to dust), or open at the last fill and settled by resolution:
  // then closed when settled, with the settlement in its P&L.
  return sql`
    CREATE TEMP TABLE _ep ON COMMIT DROP AS
    SELECT e.tid, e.opened_at, COALESCE(e.closed_at, s.event_ts) AS closed_at, e.cost,
           round(e.pnl + COALESCE(s.inc, 0), 6) AS pnl
      FROM (SELECT tid, pos, episode, min(ts) AS opened_at, max(ts) FILTER (WHERE closes) AS closed_at,
                   COALESCE(sum(v) FILTER (WHERE buy), 0) AS cost, sum(inc) AS pnl, bool_or(closes) AS closed
              FROM _f WHERE episode IS NOT NULL
             GROUP BY tid, pos, episode) e
      LEFT JOIN _pos s ON NOT e.closed AND s.resolved AND s.shares > ${p.dust}
                      AND s.pos = e.pos AND s.episode = e.episode
     WHERE e.closed OR s.pos IS NOT NULL`;
}

function stageTradersStatement(p: Params): RawBuilder<unknown> {
  // Per trader and UTC day (fills, plus settlement and mark events): P&L, spend (buy cost and every
  // fee), proceeds (matched sales and settlement payouts), volume, fills. Then per trader:
  // capital base K = max over days of (net cash out through the day + that day's proceeds) — the
  // most cash the trader ever had out, each day's spend counted before its proceeds. Equity
  // E_d = K + cumulative P&L; drawdown_d = (peak − E_d) / peak with peak = max(K, E so far).
  // Daily returns r_d = P&L_d / K over EVERY calendar day from the first fill's day to today:
  // N days, days without P&L are zero returns, so only days with P&L need rows here:
  //   variance of daily P&L = (N·Σx² − (Σx)²) / (N(N−1))  (exact: nothing rounded before the /)
  //   Sharpe = (Σx/N − K·rf/365) / sd × √365;  volatility = sd / K × √365 × 100.
  const today = sql`(${p.now}::timestamptz AT TIME ZONE 'UTC')::date`;
  const periods = sql.raw(String(PERIODS_PER_YEAR));
  const since = sql`${p.since}::timestamptz`;
  const since30 = sql`${p.since30}::timestamptz`;
  const since90 = sql`${p.since90}::timestamptz`;
  return sql`
    INSERT INTO analytics_trader_staging (run_id, trader_id, volume, fills, first_ts, last_ts, active_days,
      equity_days, pnl, pnl7, pnl30, pnl90, capital_base, max_drawdown, sharpe, volatility, open_positions,
      closed, wins, losses, avg_cost, avg_hours)
    WITH day AS (
      SELECT tid, d, sum(pnl) AS pnl, sum(spend) AS spend, sum(proceeds) AS proceeds, count(ts) AS n,
             sum(vol) AS vol, min(ts) AS first_ts, max(ts) AS last_ts, sum(pnl7) AS pnl7,
             sum(pnl30) AS pnl30, sum(pnl90) AS pnl90
        FROM (SELECT tid, d, inc AS pnl, CASE WHEN buy THEN v + fee ELSE fee END AS spend, sold * p AS proceeds,
                     v AS vol, ts, CASE WHEN ts > ${since} THEN inc END AS pnl7,
                     CASE WHEN ts > ${since30} THEN inc END AS pnl30, CASE WHEN ts > ${since90} THEN inc END AS pnl90
                FROM _f
              UNION ALL
              SELECT tid, (event_ts AT TIME ZONE 'UTC')::date, inc, 0, payout, 0, NULL,
                     CASE WHEN event_ts > ${since} THEN inc END, CASE WHEN event_ts > ${since30} THEN inc END,
                     CASE WHEN event_ts > ${since90} THEN inc END
                FROM _pos) u
       GROUP BY tid, d
    ), curve AS (
      SELECT day.*, sum(spend - proceeds) OVER o + proceeds AS k_candidate, sum(pnl) OVER o AS cum
        FROM day
      WINDOW o AS (PARTITION BY tid ORDER BY d ROWS UNBOUNDED PRECEDING)
    ), peaks AS (
      SELECT curve.*, GREATEST(0, max(cum) OVER o) AS gain_peak,
             GREATEST(0, max(k_candidate) OVER (PARTITION BY tid)) AS k
        FROM curve
      WINDOW o AS (PARTITION BY tid ORDER BY d ROWS UNBOUNDED PRECEDING)
    ), tr AS (
      SELECT tid, max(k) AS k,
             max(CASE WHEN k + gain_peak > 0 THEN (gain_peak - cum) / (k + gain_peak) END) AS drawdown,
             sum(pnl) AS total, sum(pnl * pnl) AS sumsq, count(*) FILTER (WHERE n > 0) AS active_days,
             GREATEST(max(d), ${today}) - min(d) + 1 AS days, sum(vol) AS volume, sum(n) AS fills,
             min(first_ts) AS first_ts, max(last_ts) AS last_ts, COALESCE(sum(pnl7), 0) AS pnl7,
             COALESCE(sum(pnl30), 0) AS pnl30, COALESCE(sum(pnl90), 0) AS pnl90
        FROM peaks GROUP BY tid
    ), vr AS (
      SELECT tr.*, CASE WHEN days >= 2
                        THEN GREATEST(0, days * sumsq - total * total) / (days * (days - 1)) END AS variance
        FROM tr
    ), ev AS (
      SELECT tid, count(*) FILTER (WHERE shares > ${p.dust} AND NOT resolved) AS open_positions
        FROM _pos GROUP BY tid
    ), ep AS (
      SELECT tid, count(*) AS closed, count(*) FILTER (WHERE pnl > 0) AS wins,
             count(*) FILTER (WHERE pnl < 0) AS losses, sum(cost) AS cost,
             sum(extract(epoch FROM closed_at - opened_at)) AS held_seconds
        FROM _ep GROUP BY tid
    )
    SELECT ${p.runId}::uuid, v.tid, v.volume, v.fills, v.first_ts, v.last_ts, v.active_days, v.days,
           v.total, v.pnl7, v.pnl30, v.pnl90, v.k,
           CASE WHEN v.k > 0 THEN v.drawdown * 100 END,
           CASE WHEN v.k > 0 AND v.variance > 0
                THEN (v.total / v.days - v.k * ${p.rf} / ${periods}) / sqrt(v.variance) * sqrt(${periods}::numeric) END,
           CASE WHEN v.k > 0 AND v.variance IS NOT NULL
                THEN sqrt(v.variance) / v.k * sqrt(${periods}::numeric) * 100 END,
           COALESCE(ev.open_positions, 0), COALESCE(ep.closed, 0), COALESCE(ep.wins, 0), COALESCE(ep.losses, 0),
           ep.cost / ep.closed, ep.held_seconds / ep.closed / 3600
      FROM vr v LEFT JOIN ev USING (tid) LEFT JOIN ep USING (tid)
     WHERE v.fills > 0`;
}

function stageHoldersStatement(p: Params, shard: number): RawBuilder<unknown> {
  // Tokens this shard's traders hold more than dust of, unresolved: what the marks refresh prices.
  // Keys without a token id (market:outcome) are not venue tokens and are left out.
  return sql`
    INSERT INTO analytics_holder_staging (run_id, shard, asset_id, holders)
    SELECT ${p.runId}::uuid, ${shard}::int, a, count(*) FROM _pos
     WHERE shares > ${p.dust} AND NOT resolved AND a NOT LIKE '%:%'
     GROUP BY a`;
}

// The market categories (market_categories, from the venue's tags) holding at least a fifth of each
// of this shard's traders' recorded volume, in catalogue-independent alphabetical order. A trader
// whose markets are not categorised yet has none, and is left out by a category filter until they are.
export const CATEGORY_MIN_VOLUME_SHARE = '0.2';

function stageCategoriesStatement(p: Params, shard: number): RawBuilder<unknown> {
  return sql`
    UPDATE analytics_trader_staging s SET categories = c.categories
      FROM (SELECT tid, array_agg(category ORDER BY category)::varchar(20)[] AS categories
              FROM (SELECT tr.id AS tid, mc.category, sum(t.entry_value_usd) AS volume
                      FROM trades t
                      JOIN traders tr ON tr.wallet_address = t.trader_wallet_address
                      JOIN (SELECT condition_id, unnest(categories) AS category FROM market_categories) mc
                        ON mc.condition_id = t.market_id
                     WHERE NOT t.is_copy_trade AND t.entry_timestamp <= ${p.now}::timestamptz
                       AND tr.id % ${p.shards} = ${shard}
                     GROUP BY tr.id, mc.category) v
              JOIN analytics_trader_staging x ON x.run_id = ${p.runId}::uuid AND x.trader_id = v.tid
             WHERE x.volume > 0 AND v.volume >= x.volume * ${CATEGORY_MIN_VOLUME_SHARE}::numeric
             GROUP BY tid) c
     WHERE s.run_id = ${p.runId}::uuid AND s.trader_id = c.tid`;
}

// Column ranges of `traders`: a value beyond numeric(10,4), (12,2), (10,2) is clamped rather than
// failing the whole recompute with an overflow. (NULL stays NULL: GREATEST/LEAST skip NULLs.)
const bound = (e: RawBuilder<unknown>, max: string, scale: number) =>
  sql`CASE WHEN ${e} IS NOT NULL
           THEN LEAST(${sql.raw(max)}::numeric, GREATEST(-${sql.raw(max)}::numeric, round(${e}, ${sql.raw(String(scale))}))) END`;
const P10_4 = '999999.9999';

function figuresStatement(p: Params): RawBuilder<unknown> {
  // Every trader's figures as they will be stored (rounded, clamped), whether it meets the minimum
  // sample, and its ranks: 1..n over the active traders meeting the sample, by the stored value,
  // largest first, ties by wallet address ascending (byte order); NULL for everyone else.
  const s = p.sample;
  const rank = (col: string) =>
    sql`CASE WHEN ranked THEN row_number() OVER (PARTITION BY ranked ORDER BY ${sql.ref(col)} DESC, w COLLATE "C") END`;
  return sql`
    CREATE TEMP TABLE _fig ON COMMIT DROP AS
    SELECT f.*, ${rank('pnl_7d')} AS rank_7d, ${rank('total_pnl')} AS rank_all_time,
           ${rank('total_volume_usd')} AS rank_volume
      FROM (
        SELECT t.wallet_address AS w,
               COALESCE(round(x.pnl7, 6), 0) AS pnl_7d,
               COALESCE(CASE WHEN x.capital_base > 0 THEN ${bound(sql`x.pnl7 / x.capital_base * 100`, P10_4, 4)} END, 0) AS pnl_7d_percent,
               COALESCE(round(x.pnl30, 6), 0) AS pnl_30d,
               COALESCE(CASE WHEN x.capital_base > 0 THEN ${bound(sql`x.pnl30 / x.capital_base * 100`, P10_4, 4)} END, 0) AS pnl_30d_percent,
               COALESCE(round(x.pnl90, 6), 0) AS pnl_90d,
               COALESCE(CASE WHEN x.capital_base > 0 THEN ${bound(sql`x.pnl90 / x.capital_base * 100`, P10_4, 4)} END, 0) AS pnl_90d_percent,
               COALESCE(x.categories, '{}') AS categories,
               COALESCE(round(x.pnl, 6), 0) AS total_pnl,
               COALESCE(CASE WHEN x.capital_base > 0 THEN ${bound(sql`x.pnl / x.capital_base * 100`, P10_4, 4)} END, 0) AS total_pnl_percent,
               COALESCE(x.volume, 0) AS total_volume_usd,
               COALESCE(x.closed, 0)::int AS total_trades,
               COALESCE(x.wins, 0)::int AS winning_trades,
               COALESCE(x.losses, 0)::int AS losing_trades,
               COALESCE(CASE WHEN x.closed > 0 THEN round(x.wins * 100.0 / x.closed, 2) END, 0) AS win_rate,
               COALESCE(${bound(sql`x.avg_cost`, '9999999999.99', 2)}, 0) AS avg_trade_size_usd,
               COALESCE(${bound(sql`x.avg_hours`, '99999999.99', 2)}, 0) AS avg_holding_time_hours,
               ${bound(sql`x.sharpe`, P10_4, 4)} AS sharpe_ratio,
               ${bound(sql`x.max_drawdown`, P10_4, 4)} AS max_drawdown,
               ${bound(sql`x.volatility`, P10_4, 4)} AS volatility,
               x.first_ts AS first_trade_at, x.last_ts AS last_trade_at,
               COALESCE(round(x.capital_base, 6), 0) AS capital_base,
               COALESCE(x.active_days, 0)::int AS active_days, COALESCE(x.equity_days, 0)::int AS equity_days,
               COALESCE(x.open_positions, 0)::int AS open_positions,
               COALESCE(x.closed - x.wins - x.losses, 0)::int AS breakeven, COALESCE(x.fills, 0)::int AS fills,
               COALESCE(x.closed, 0) >= ${s.closedPositions}
                 AND COALESCE(x.active_days, 0) >= ${s.activeDays} AS meets_sample,
               t.is_active AND COALESCE(x.closed, 0) >= ${s.closedPositions}
                 AND COALESCE(x.active_days, 0) >= ${s.activeDays} AS ranked
          FROM traders t
          LEFT JOIN analytics_trader_staging x ON x.run_id = ${p.runId}::uuid AND x.trader_id = t.id
      ) f`;
}

function updateTradersStatement(p: Params): RawBuilder<unknown> {
  // follower_count (active + paused relationships) and total_copied_volume_usd (entry value of the
  // leader's copy trades) are recounted here, so any drift of counters kept elsewhere is corrected.
  // last_trade_at: ingest keeps it current between recomputes; a fill recorded after this
  // recompute's clock keeps its (later) time.
  return sql`
    UPDATE traders t
       SET pnl_7d = m.pnl_7d, pnl_7d_percent = m.pnl_7d_percent, total_pnl = m.total_pnl,
           total_pnl_percent = m.total_pnl_percent, total_volume_usd = m.total_volume_usd,
           total_trades = m.total_trades, winning_trades = m.winning_trades, losing_trades = m.losing_trades,
           win_rate = m.win_rate, avg_trade_size_usd = m.avg_trade_size_usd,
           avg_holding_time_hours = m.avg_holding_time_hours, sharpe_ratio = m.sharpe_ratio,
           max_drawdown = m.max_drawdown, volatility = m.volatility,
           rank_7d = m.rank_7d, rank_all_time = m.rank_all_time, rank_volume = m.rank_volume,
           follower_count = COALESCE(f.n, 0), total_copied_volume_usd = COALESCE(cv.volume, 0),
           first_trade_at = m.first_trade_at,
           last_trade_at = GREATEST(m.last_trade_at,
                                    CASE WHEN t.last_trade_at > ${p.now}::timestamptz THEN t.last_trade_at END),
           last_updated_at = ${p.now}::timestamptz
      FROM _fig m
      LEFT JOIN (SELECT trader_wallet_address AS w, count(*) AS n FROM copy_relationships
                  WHERE status IN ('active', 'paused') GROUP BY 1) f ON f.w = m.w
      LEFT JOIN (SELECT trader_wallet_address AS w, sum(entry_value_usd) AS volume FROM trades
                  WHERE is_copy_trade GROUP BY 1) cv ON cv.w = m.w
     WHERE t.wallet_address = m.w`;
}

function traderMetricsStatement(p: Params): RawBuilder<unknown> {
  return sql`
    INSERT INTO trader_metrics (wallet_address, capital_base_usd, active_days, equity_days, open_positions,
                                breakeven_trades, fills, meets_sample, ranked, computed_at, pnl_30d,
                                pnl_30d_percent, pnl_90d, pnl_90d_percent, categories)
    SELECT w, capital_base, active_days, equity_days, open_positions, breakeven, fills, meets_sample, ranked,
           ${p.now}::timestamptz, pnl_30d, pnl_30d_percent, pnl_90d, pnl_90d_percent, categories
      FROM _fig
    ON CONFLICT (wallet_address) DO UPDATE
       SET capital_base_usd = EXCLUDED.capital_base_usd, active_days = EXCLUDED.active_days,
           equity_days = EXCLUDED.equity_days, open_positions = EXCLUDED.open_positions,
           breakeven_trades = EXCLUDED.breakeven_trades, fills = EXCLUDED.fills,
           meets_sample = EXCLUDED.meets_sample, ranked = EXCLUDED.ranked, computed_at = EXCLUDED.computed_at,
           pnl_30d = EXCLUDED.pnl_30d, pnl_30d_percent = EXCLUDED.pnl_30d_percent, pnl_90d = EXCLUDED.pnl_90d,
           pnl_90d_percent = EXCLUDED.pnl_90d_percent, categories = EXCLUDED.categories`;
}

function heldTokensStatement(p: Params): RawBuilder<unknown> {
  return sql`
    CREATE TEMP TABLE _held ON COMMIT DROP AS
    SELECT asset_id, sum(holders)::int AS n FROM analytics_holder_staging
     WHERE run_id = ${p.runId}::uuid GROUP BY asset_id`;
}

function tokenMarksStatements(p: Params): RawBuilder<unknown>[] {
  // The held tokens, with how many traders hold each; every other token: 0 (nothing to price).
  return [
    sql`
      INSERT INTO token_marks AS m (asset_id, open_holders, updated_at)
      SELECT asset_id, n, ${p.now}::timestamptz FROM _held
      ON CONFLICT (asset_id) DO UPDATE SET open_holders = EXCLUDED.open_holders, updated_at = EXCLUDED.updated_at
       WHERE m.open_holders IS DISTINCT FROM EXCLUDED.open_holders`,
    sql`
      UPDATE token_marks m SET open_holders = 0, updated_at = ${p.now}::timestamptz
       WHERE m.open_holders > 0 AND NOT EXISTS (SELECT 1 FROM _held h WHERE h.asset_id = m.asset_id)`,
  ];
}
