// Refreshes trader_copyability: per leader, what copying actually delivered on this platform and
// whether the leader's style can be copied (rules: src/domain/copyability-rules.ts; every formula
// with a worked example: docs/analytics.md "Copyability"). One INSERT ... SELECT over every trader,
// set-based, run by the scheduler.
//
// Figures, all time unless said otherwise:
// - fill rate = executed / (executed + failed at execution) over copy_decisions of the leader's fills.
// - slippage (bps) per executed copy, from the recorded copy and the leader's fill (exact NUMERIC):
//   BUY (copy price − leader price) / leader price × 10 000; SELL (leader − copy) / leader × 10 000,
//   positive = worse for the follower. The copy price is the average fill price of the copy order:
//   the BUY lot's entry_price, or the exit_price of the lot row the SELL closed last. Median =
//   the middle value, or the mean of the two middle values.
// - latency = decision time of an executed copy (= when it filled) − when the leader's fill was
//   detected; p50 and p90 by linear interpolation (percentile_cont), rounded to whole ms.
// - follower P&L vs leader P&L over the same copied positions: every copy lot row (open, or a
//   closed part) is priced twice — as the follower holds it (realized P&L if closed, marked
//   unrealized P&L if open, fees included), and as the leader's own prices would have made the same
//   shares: quantity × (exit reference − the leader's BUY price), where the exit reference is the
//   leader's SELL price when the lot was closed by mirroring that sell, else the lot's own exit price
//   (stop-loss, take-profit, resolution) or, while open, the price its follower P&L is marked at:
//   (entry value + unrealized P&L) / quantity — not current_value_usd, which a partial close leaves
//   stale until the next mark. The difference is what copying cost
//   (slippage both ways and fees). Returns divide by cost at each side's own entry prices.
// - style flags over the leader's recorded fills of the last 90 days: too fast, too small.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import {
  DEFAULT_PROPORTIONALITY,
  FILL_RATE_AGAINST,
  STYLE_WINDOW_DAYS,
  TOO_FAST_MEDIAN_SECONDS,
  TOO_FAST_MIN_ROUND_TRIPS,
  TOO_SMALL_MIN_BUY_FILLS,
  TOO_SMALL_SHARE,
  VENUE_MINIMUM_USD,
} from '../domain/copyability-rules.ts';
import { toWire } from '../domain/money.ts';

export interface CopyabilityOptions {
  readonly db: Db;
  readonly now?: () => Date;
}

/** Rewrites every trader's row; returns how many rows were written. */
export async function refreshCopyability(o: CopyabilityOptions): Promise<number> {
  const now = o.now?.() ?? new Date();
  const styleSince = new Date(now.getTime() - STYLE_WINDOW_DAYS * 86_400_000);
  const r = await sql`
    WITH ${proportionality()}, ${decisionFigures()}, ${copiedPositions()},
         ${leaderStyle(styleSince)}, ${assembled()}
    ${upsert(now)}`.execute(o.db);
  return Number(r.numAffectedRows ?? 0n);
}

/** params: the usual proportionality factor of the platform's follows (the too-small rule's). */
const proportionality = () => sql`
    params AS (
      SELECT COALESCE(
               (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY proportionality_factor)
                  FROM copy_relationships WHERE status IN ('active', 'paused')),
               ${toWire(DEFAULT_PROPORTIONALITY)}::numeric) AS factor
    )`;

/** dec, dec_stats, slip, slip_med: fill rate, latency and median slippage over the decisions. */
function decisionFigures() {
  const against = sql.join(FILL_RATE_AGAINST.map((r) => sql`${r}`));
  return sql`
    dec AS (
      SELECT f.trader_wallet_address AS wallet, d.outcome, d.reason,
             CASE WHEN d.outcome = 'executed' AND t.id IS NOT NULL AND f.price > 0 THEN
               (CASE WHEN f.side = 'BUY' THEN t.entry_price - f.price ELSE f.price - t.exit_price END)
               / f.price * 10000 END AS slip_bps,
             CASE WHEN d.outcome = 'executed' AND d.decided_at IS NOT NULL THEN
               GREATEST(0, extract(epoch FROM d.decided_at - f.detected_at) * 1000) END AS latency_ms
        FROM copy_decisions d
        JOIN leader_fills f ON f.fill_key = d.fill_key
        LEFT JOIN trades t ON d.outcome = 'executed' AND t.id = d.copy_trade_id AND t.is_copy_trade
    ),
    dec_stats AS (
      SELECT wallet,
             count(*) FILTER (WHERE outcome = 'executed') AS executed,
             count(*) FILTER (WHERE outcome IN ('failed', 'skipped') AND reason IN (${against})) AS against,
             count(*) FILTER (WHERE outcome IN ('failed', 'skipped') AND reason NOT IN (${against})) AS not_counted,
             count(*) FILTER (WHERE outcome = 'queued') AS pending,
             count(latency_ms) AS latency_n,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS latency_p50,
             percentile_cont(0.9) WITHIN GROUP (ORDER BY latency_ms) AS latency_p90
        FROM dec GROUP BY wallet
    ),
    slip AS (
      SELECT wallet, slip_bps,
             row_number() OVER (PARTITION BY wallet ORDER BY slip_bps) AS rn,
             count(*) OVER (PARTITION BY wallet) AS n
        FROM dec WHERE slip_bps IS NOT NULL
    ),
    slip_med AS (
      SELECT wallet, max(n) AS n, round(avg(slip_bps), 2) AS median_bps
        FROM slip WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY wallet
    )`;
}

/** lots, pos: every copy lot priced as the follower holds it and at the leader's own prices. */
const copiedPositions = () => sql`
    lots AS (
      SELECT t.trader_wallet_address AS wallet, t.copy_relationship_id AS rel, t.asset_id, t.quantity,
             t.entry_value_usd AS follower_cost,
             CASE WHEN t.status = 'closed' THEN COALESCE(t.realized_pnl_usd, 0)
                  ELSE COALESCE(t.unrealized_pnl_usd, 0) END AS follower_pnl,
             t.quantity * bf.price AS leader_cost,
             t.quantity * (CASE WHEN t.status = 'closed' THEN COALESCE(ms.price, t.exit_price)
                                ELSE (t.entry_value_usd + COALESCE(t.unrealized_pnl_usd, 0)) / NULLIF(t.quantity, 0) END
                           - bf.price) AS leader_pnl
        FROM trades t
        -- The lot's BUY: the row itself, or for the closed part of a split lot the original row
        -- (same relationship, token, entry time and price: record-execution.ts copies them over).
        JOIN LATERAL (
          SELECT o.source_fill_key FROM trades o
           WHERE o.is_copy_trade AND o.copy_tx_hash IS NOT NULL AND o.side = 'BUY'
             AND o.copy_relationship_id = t.copy_relationship_id AND o.asset_id = t.asset_id
             AND o.entry_timestamp = t.entry_timestamp AND o.entry_price = t.entry_price
           ORDER BY o.id LIMIT 1) o ON true
        JOIN leader_fills bf ON bf.fill_key = o.source_fill_key
        -- The mirrored SELL that closed it, when one did: an executed SELL decision of the same
        -- relationship and token decided at the lot's exit time (both are the execution time).
        LEFT JOIN LATERAL (
          SELECT sf.price FROM copy_decisions sd JOIN leader_fills sf ON sf.fill_key = sd.fill_key
           WHERE t.status = 'closed' AND sd.copy_relationship_id = t.copy_relationship_id
             AND sd.outcome = 'executed' AND sd.decided_at = t.exit_timestamp
             AND sf.side = 'SELL' AND sf.asset_id = t.asset_id
           ORDER BY sd.id LIMIT 1) ms ON true
       WHERE t.is_copy_trade AND t.status IN ('open', 'closed') AND t.copy_relationship_id IS NOT NULL
    ),
    pos AS (
      SELECT wallet, count(DISTINCT (rel, asset_id)) AS positions,
             sum(follower_cost) AS follower_cost, sum(follower_pnl) AS follower_pnl,
             sum(leader_cost) AS leader_cost, sum(leader_pnl) AS leader_pnl
        FROM lots GROUP BY wallet
    )`;

/** fills, style: the leader's round trips and small buys over the style window. */
const leaderStyle = (since: Date) => sql`
    fills AS (
      SELECT trader_wallet_address AS wallet, side, price, size, filled_at,
             max(filled_at) FILTER (WHERE side = 'BUY') OVER (
               PARTITION BY trader_wallet_address, asset_id ORDER BY filled_at, fill_key
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_buy_at
        FROM leader_fills WHERE filled_at >= ${since}::timestamptz
    ),
    style AS (
      SELECT wallet,
             count(*) FILTER (WHERE side = 'SELL' AND last_buy_at IS NOT NULL) AS round_trips,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN side = 'SELL'
               THEN extract(epoch FROM filled_at - last_buy_at) END) AS median_rt,
             count(*) FILTER (WHERE side = 'BUY') AS buy_fills,
             count(*) FILTER (WHERE side = 'BUY' AND price * size * (SELECT factor FROM params)
                                < ${toWire(VENUE_MINIMUM_USD)}::numeric) AS below_min
        FROM fills GROUP BY wallet
    )`;

/** assembled: one row per trader with every figure and style flag. */
const assembled = () => sql`
    assembled AS (
      SELECT t.wallet_address,
             COALESCE(ds.executed, 0)::int AS executed,
             COALESCE(ds.against, 0)::int AS failed_execution,
             COALESCE(ds.not_counted, 0)::int AS not_counted,
             COALESCE(ds.pending, 0)::int AS pending,
             CASE WHEN COALESCE(ds.executed, 0) + COALESCE(ds.against, 0) > 0
                  THEN round(ds.executed::numeric / (ds.executed + ds.against), 6) END AS fill_rate,
             COALESCE(sm.n, 0)::int AS slippage_samples,
             sm.median_bps AS median_slippage_bps,
             COALESCE(ds.latency_n, 0)::int AS latency_samples,
             round(ds.latency_p50)::int AS latency_p50_ms,
             round(ds.latency_p90)::int AS latency_p90_ms,
             COALESCE(p.positions, 0)::int AS copied_positions,
             round(COALESCE(p.follower_cost, 0), 6) AS follower_cost_usd,
             round(COALESCE(p.follower_pnl, 0), 6) AS follower_pnl_usd,
             round(COALESCE(p.leader_cost, 0), 6) AS leader_cost_usd,
             round(COALESCE(p.leader_pnl, 0), 6) AS leader_pnl_usd,
             round(p.follower_pnl / NULLIF(p.follower_cost, 0), 6) AS follower_return,
             round(p.leader_pnl / NULLIF(p.leader_cost, 0), 6) AS leader_return,
             COALESCE(s.round_trips, 0)::int AS round_trips,
             round(s.median_rt::numeric, 1) AS median_round_trip_seconds,
             COALESCE(s.buy_fills, 0)::int AS buy_fills,
             (SELECT factor FROM params) AS usual_proportionality,
             CASE WHEN COALESCE(s.buy_fills, 0) > 0 THEN round(s.below_min::numeric / s.buy_fills, 6) END
               AS below_minimum_share,
             (COALESCE(s.round_trips, 0) >= ${TOO_FAST_MIN_ROUND_TRIPS}
               AND s.median_rt < ${TOO_FAST_MEDIAN_SECONDS}) AS too_fast,
             (COALESCE(s.buy_fills, 0) >= ${TOO_SMALL_MIN_BUY_FILLS}
               AND s.below_min::numeric / s.buy_fills >= ${toWire(TOO_SMALL_SHARE)}::numeric) AS too_small
        FROM traders t
        LEFT JOIN dec_stats ds ON ds.wallet = t.wallet_address
        LEFT JOIN slip_med sm ON sm.wallet = t.wallet_address
        LEFT JOIN pos p ON p.wallet = t.wallet_address
        LEFT JOIN style s ON s.wallet = t.wallet_address
    )`;

const upsert = (now: Date) => sql`
    INSERT INTO trader_copyability (
      wallet_address, executed, failed_execution, not_counted, pending, fill_rate, slippage_samples,
      median_slippage_bps, latency_samples, latency_p50_ms, latency_p90_ms, copied_positions,
      follower_cost_usd, follower_pnl_usd, leader_cost_usd, leader_pnl_usd, follower_return, leader_return,
      round_trips, median_round_trip_seconds, buy_fills, usual_proportionality, below_minimum_share,
      too_fast, too_small, copyable, computed_at)
    SELECT wallet_address, executed, failed_execution, not_counted, pending, fill_rate, slippage_samples,
           median_slippage_bps, latency_samples, latency_p50_ms, latency_p90_ms, copied_positions,
           follower_cost_usd, follower_pnl_usd, leader_cost_usd, leader_pnl_usd, follower_return, leader_return,
           round_trips, median_round_trip_seconds, buy_fills, usual_proportionality, below_minimum_share,
           too_fast, too_small, NOT (too_fast OR too_small), ${now}::timestamptz
      FROM assembled
    ON CONFLICT (wallet_address) DO UPDATE SET
      executed = EXCLUDED.executed, failed_execution = EXCLUDED.failed_execution,
      not_counted = EXCLUDED.not_counted, pending = EXCLUDED.pending, fill_rate = EXCLUDED.fill_rate,
      slippage_samples = EXCLUDED.slippage_samples, median_slippage_bps = EXCLUDED.median_slippage_bps,
      latency_samples = EXCLUDED.latency_samples, latency_p50_ms = EXCLUDED.latency_p50_ms,
      latency_p90_ms = EXCLUDED.latency_p90_ms, copied_positions = EXCLUDED.copied_positions,
      follower_cost_usd = EXCLUDED.follower_cost_usd, follower_pnl_usd = EXCLUDED.follower_pnl_usd,
      leader_cost_usd = EXCLUDED.leader_cost_usd, leader_pnl_usd = EXCLUDED.leader_pnl_usd,
      follower_return = EXCLUDED.follower_return, leader_return = EXCLUDED.leader_return,
      round_trips = EXCLUDED.round_trips, median_round_trip_seconds = EXCLUDED.median_round_trip_seconds,
      buy_fills = EXCLUDED.buy_fills, usual_proportionality = EXCLUDED.usual_proportionality,
      below_minimum_share = EXCLUDED.below_minimum_share, too_fast = EXCLUDED.too_fast,
      too_small = EXCLUDED.too_small, copyable = EXCLUDED.copyable, computed_at = EXCLUDED.computed_at`;
