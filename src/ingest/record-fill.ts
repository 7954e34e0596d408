// Record a leader fill and fan it out to every follower, in ONE transaction:
//   leader_fills (unique fill key: a second sighting is a no-op) → trades (is_copy_trade=false)
//   → per relationship of the leader (active or paused): a copy_decisions row, and a trade_queue row
//     for the ones that pass the filters and sizing → NOTIFY the workers (delivered at commit).
// Filters, sizing and skip reasons are the pure domain rules; this file only gathers their inputs
// in one query per fill (not one per follower) and writes their results in bulk.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { withAsyncCommitTransaction } from '../db/client.ts';
import { fillKey } from '../domain/fill-key.ts';
import { sizeBuyCopy, sizeSellCopy } from '../domain/copy-sizing.ts';
import { compileMarketFilter } from '../domain/market-filter.ts';
import { sharesAfter } from '../domain/analytics/position-replay.ts';
import { Decimal, toWire, ZERO } from '../domain/money.ts';
import type { MarketRules } from '../domain/order-rules.ts';
import { reasonMessage, type CopyOutcomeReason } from '../domain/skip-reasons.ts';
import { effectiveUserLimits, isSubscriptionTier, queuePriority } from '../domain/tiers.ts';
import { QUEUE_CHANNEL } from '../execution/queue-claims.ts';
import { outcomeUnknown } from '../execution/unsettled-rows.ts';
import type { LeaderFill } from './leader-fill.ts';

export interface FanOutOptions {
  /** How long a queued copy stays executable; a copy later than this is worse than none. */
  copyTtlMs: number;
  /** Clock for detected_at (injectable for tests). */
  now?: () => Date;
}

export type RecordResult =
  | { status: 'duplicate'; fillKey: string }
  | { status: 'recorded'; fillKey: string; tradeId: string; queued: number; skipped: number };

interface RelationshipRow {
  id: string;
  user_id: string;
  status: 'active' | 'paused' | 'stopped';
  mode: 'live' | 'paper';
  proportionality_factor: string;
  max_investment_per_trade_usd: string;
  max_total_exposure_usd: string;
  min_trade_size_usd: string | null;
  max_slippage_percent: string;
  allowed_markets: string[] | null;
  excluded_markets: string[] | null;
  user_active: boolean;
  subscription_tier: string;
  max_followed_traders: number;
  max_daily_trades: number;
  max_trade_size_usd: string;
  user_max_total_exposure_usd: string;
  rel_exposure: string;
  user_exposure: string;
  attributed_shares: string;
}

interface Decision {
  relId: string;
  userId: string;
  reason: CopyOutcomeReason | null;
  detail: string | null;
}

/** A trade_queue row as sent to PostgreSQL (jsonb_to_recordset): decimals as strings. */
interface QueueInsert {
  user_id: string;
  copy_relationship_id: string;
  trader_wallet_address: string;
  original_tx_hash: string;
  market_id: string;
  position: string;
  quantity: string;
  target_price: string;
  max_slippage_percent: string;
  priority: number;
  expires_at: string;
  source_fill_key: string;
  side: string;
  asset_id: string;
  notional_usd: string;
  mode: string;
  purpose: string;
}

/**
 * Queue rows that are, or may become, an order at the venue: waiting, running, or out of attempts
 * with the outcome unknown. Sizing counts them, so a copy whose outcome is unknown is neither bought
 * around nor sold twice.
 */
const UNSETTLED_Q = sql`(q.status IN ('pending', 'processing') OR ${outcomeUnknown('q')})`;

const positionLabel = (outcomeIndex: number | null): 'YES' | 'NO' => (outcomeIndex === 1 ? 'NO' : 'YES');

export async function recordLeaderFill(
  db: Db,
  fill: LeaderFill,
  market: MarketRules,
  opts: FanOutOptions,
): Promise<RecordResult> {
  const key = fillKey(fill);
  const wallet = fill.wallet.toLowerCase();
  const now = opts.now?.() ?? new Date();
  // The commit does not wait for the disk (withAsyncCommitTransaction): a copy cannot start before
  // this commit, so its flush is on every copy's critical path. Losing it in a database crash is
  // harmless: the fill key, the queue rows and any ingest checkpoint written after it go together
  // (WAL is ordered), so the detector sees the fill again from its checkpoint; and no copy of it
  // can have been sent, because a copy's admission commits synchronously before sending, which
  // flushes this commit first.
  return withAsyncCommitTransaction(db, async (tx) => {
    // One statement: the fill's key (a second sighting inserts nothing and stops here), the leader
    // fill in trades, and the trader's last trade time. Round trips are most of this transaction's
    // time, and a copy cannot start before it commits.
    const notional = fill.price.times(fill.size);
    const { rows: recorded } = await sql<{ id: string }>`
      WITH lf AS (
        INSERT INTO leader_fills (fill_key, trader_wallet_address, transaction_hash, asset_id, condition_id,
                                  side, price, size, occurrence, outcome, outcome_index, market_slug,
                                  event_slug, market_title, filled_at, detected_at, source)
        VALUES (${key}, ${wallet}, ${fill.txHash.toLowerCase()}, ${fill.assetId}, ${fill.conditionId.toLowerCase()},
                ${fill.side}, ${toWire(fill.price)}::numeric, ${toWire(fill.size)}::numeric, ${fill.occurrence},
                ${fill.outcome}, ${fill.outcomeIndex}, ${fill.marketSlug}, ${fill.eventSlug}, ${fill.title},
                ${fill.filledAt}, ${now}, ${fill.source})
        ON CONFLICT (fill_key) DO NOTHING
        RETURNING fill_key
      ), t AS (
        INSERT INTO trades (original_tx_hash, trader_wallet_address, is_copy_trade, market_id, market_name,
                            position, entry_price, quantity, entry_value_usd, status, entry_timestamp,
                            fill_key, asset_id, outcome, side, detected_at)
        SELECT ${fill.txHash.toLowerCase()}, ${wallet}, false, ${fill.conditionId.toLowerCase()},
               ${fill.title?.slice(0, 500) ?? null}, ${positionLabel(fill.outcomeIndex)},
               ${toWire(fill.price)}::numeric, ${toWire(fill.size)}::numeric,
               ${toWire(notional.toDecimalPlaces(6, Decimal.ROUND_HALF_UP))}::numeric,
               ${fill.side === 'BUY' ? 'open' : 'closed'}, ${fill.filledAt}, lf.fill_key, ${fill.assetId},
               ${fill.outcome}, ${fill.side}, ${now}
          FROM lf
        RETURNING id
      ), tr AS (
        UPDATE traders SET last_trade_at = GREATEST(last_trade_at, ${fill.filledAt}::timestamptz)
         WHERE wallet_address = ${wallet} AND EXISTS (SELECT 1 FROM lf)
      )
      SELECT id FROM t`.execute(tx);
    const trade = recorded[0];
    if (!trade) return { status: 'duplicate', fillKey: key };

    // The leader's position in this asset before this fill, replayed from the fills we recorded the
    // way analytics replays it (a sale never takes the position below zero: a leader may sell shares
    // bought before tracking began). It can still understate the truth; then the sold fraction caps
    // at 1, i.e. the follower sells everything it holds from this leader in the asset.
    const leaderBefore = fill.side === 'SELL' ? await leaderPositionBefore(tx, wallet, fill, key) : ZERO;

    // Everything sizing needs, for every follower, in one query. Exposure is at cost: open copy
    // positions plus BUY copies still in the queue (so two quick fills cannot both use the same room).
    const { rows: rels } = await sql<RelationshipRow>`
      SELECT cr.id, cr.user_id, cr.status, cr.mode, cr.proportionality_factor, cr.max_investment_per_trade_usd,
             cr.max_total_exposure_usd, cr.min_trade_size_usd, cr.max_slippage_percent,
             cr.allowed_markets, cr.excluded_markets,
             u.is_active AS user_active, u.subscription_tier, u.max_followed_traders, u.max_daily_trades,
             u.max_trade_size_usd, u.max_total_exposure_usd AS user_max_total_exposure_usd,
             re.exposure AS rel_exposure, ue.exposure AS user_exposure, sh.shares AS attributed_shares
      FROM copy_relationships cr
      JOIN users u ON u.id = cr.user_id
      CROSS JOIN LATERAL (
        SELECT COALESCE((SELECT SUM(p.cost_usd) FROM copy_positions p WHERE p.copy_relationship_id = cr.id), 0)
             + COALESCE((SELECT SUM(q.notional_usd) FROM trade_queue q
                          WHERE q.copy_relationship_id = cr.id AND q.side = 'BUY'
                            AND ${UNSETTLED_Q}), 0) AS exposure
      ) re
      CROSS JOIN LATERAL (
        SELECT COALESCE((SELECT SUM(p.cost_usd) FROM copy_positions p WHERE p.user_id = cr.user_id), 0)
             + COALESCE((SELECT SUM(q.notional_usd) FROM trade_queue q
                          WHERE q.user_id = cr.user_id AND q.side = 'BUY'
                            AND ${UNSETTLED_Q}), 0) AS exposure
      ) ue
      CROSS JOIN LATERAL (
        SELECT COALESCE((SELECT p.shares FROM copy_positions p
                          WHERE p.copy_relationship_id = cr.id AND p.asset_id = ${fill.assetId}), 0)
             - COALESCE((SELECT SUM(q.quantity) FROM trade_queue q
                          WHERE q.copy_relationship_id = cr.id AND q.asset_id = ${fill.assetId} AND q.side = 'SELL'
                            AND ${UNSETTLED_Q}), 0) AS shares
      ) sh
      WHERE cr.trader_wallet_address = ${wallet} AND cr.status IN ('active', 'paused')
      ORDER BY cr.id`.execute(tx);

    const decisions: Decision[] = [];
    const decisionRow = (d: Decision) => ({
      rel: d.relId,
      user_id: d.userId,
      outcome: d.reason === null ? 'queued' : 'skipped',
      reason: d.reason,
      detail: d.detail,
      decided_at: d.reason === null ? null : now.toISOString(),
    });
    const queueRows: QueueInsert[] = [];
    const expiresAt = new Date(now.getTime() + opts.copyTtlMs);
    // A fill first seen after the copy TTL (a Data API poll resuming from its checkpoint after a
    // restart or an outage, a stream backlog) is history: it is recorded — the leader's position and
    // the analytics need it — but copying it now, at today's prices, is worse than not copying.
    const ageMs = now.getTime() - fill.filledAt.getTime();
    const stale =
      ageMs > opts.copyTtlMs
        ? `the fill is ${Math.round(ageMs / 1000)} s old, past the copy TTL of ${Math.round(opts.copyTtlMs / 1000)} s: recorded, not copied`
        : null;
    const marketRef = {
      conditionId: fill.conditionId,
      marketSlug: fill.marketSlug,
      eventSlug: fill.eventSlug,
    };

    for (const r of rels) {
      const skipWith = (reason: CopyOutcomeReason, detail?: string) =>
        decisions.push({
          relId: r.id,
          userId: r.user_id,
          reason,
          detail: detail ?? reasonMessage(reason),
        });
      if (stale) {
        skipWith('expired', stale);
        continue;
      }
      if (!r.user_active) {
        skipWith('user_inactive');
        continue;
      }
      if (r.status === 'paused') {
        skipWith('relationship_paused');
        continue;
      }
      const filter = compileMarketFilter(r.allowed_markets, r.excluded_markets).check(marketRef);
      if (!filter.ok) {
        skipWith(filter.reason, filter.detail);
        continue;
      }
      const tier = isSubscriptionTier(r.subscription_tier) ? r.subscription_tier : 'free';
      let shares: Decimal;
      let copyNotional: Decimal;
      if (fill.side === 'BUY') {
        const limits = effectiveUserLimits({
          subscriptionTier: tier,
          maxFollowedTraders: r.max_followed_traders,
          maxDailyTrades: r.max_daily_trades,
          maxTradeSizeUsd: new Decimal(r.max_trade_size_usd),
          maxTotalExposureUsd: new Decimal(r.user_max_total_exposure_usd),
        });
        const capPrice = Decimal.min(
          fill.price.times(new Decimal(1).plus(new Decimal(r.max_slippage_percent).div(100))),
          new Decimal(1).minus(market.tickSize),
        );
        const sized = sizeBuyCopy({
          leaderPrice: fill.price,
          leaderSize: fill.size,
          proportionalityFactor: new Decimal(r.proportionality_factor),
          relationship: {
            maxInvestmentPerTradeUsd: new Decimal(r.max_investment_per_trade_usd),
            maxTotalExposureUsd: new Decimal(r.max_total_exposure_usd),
            minTradeSizeUsd: r.min_trade_size_usd === null ? null : new Decimal(r.min_trade_size_usd),
            exposureUsd: new Decimal(r.rel_exposure),
          },
          user: {
            maxTradeSizeUsd: limits.maxTradeSizeUsd,
            maxTotalExposureUsd: limits.maxTotalExposureUsd,
            exposureUsd: new Decimal(r.user_exposure),
          },
          market,
          capPrice: capPrice.gt(fill.price) ? capPrice : fill.price,
        });
        if (sized.kind === 'skip') {
          skipWith(sized.reason, sized.detail);
          continue;
        }
        shares = sized.shares;
        copyNotional = sized.maxNotional;
      } else {
        const sized = sizeSellCopy({
          leaderPositionBefore: leaderBefore,
          leaderSoldSize: fill.size,
          followerShares: Decimal.max(new Decimal(r.attributed_shares), 0),
          price: fill.price,
          market,
        });
        if (sized.kind === 'skip') {
          skipWith(sized.reason, sized.detail);
          continue;
        }
        shares = sized.shares;
        copyNotional = sized.notional;
      }
      decisions.push({
        relId: r.id,
        userId: r.user_id,
        reason: null,
        detail: null,
      });
      queueRows.push({
        user_id: r.user_id,
        copy_relationship_id: r.id,
        trader_wallet_address: wallet,
        original_tx_hash: fill.txHash.toLowerCase(),
        market_id: fill.conditionId.toLowerCase(),
        position: positionLabel(fill.outcomeIndex),
        quantity: toWire(shares),
        target_price: toWire(fill.price),
        max_slippage_percent: r.max_slippage_percent,
        priority: queuePriority(tier),
        expires_at: expiresAt.toISOString(),
        source_fill_key: key,
        side: fill.side,
        asset_id: fill.assetId,
        notional_usd: toWire(copyNotional.toDecimalPlaces(6, Decimal.ROUND_UP)),
        mode: r.mode,
        purpose: 'copy',
      });
    }

    // One statement writes the queue rows, every decision (a queued one points at its row: at most
    // one row per relationship and fill), the fill's counts, and wakes the workers at commit.
    const skipped = decisions.length - queueRows.length;
    await sql`
      WITH q AS (
        INSERT INTO trade_queue (user_id, copy_relationship_id, trader_wallet_address, original_tx_hash,
                                 market_id, position, quantity, target_price, max_slippage_percent, priority,
                                 expires_at, source_fill_key, side, asset_id, notional_usd, mode, purpose)
        SELECT user_id, copy_relationship_id, trader_wallet_address, original_tx_hash, market_id, position,
               quantity, target_price, max_slippage_percent, priority, expires_at, source_fill_key, side,
               asset_id, notional_usd, mode, purpose
          FROM jsonb_to_recordset(${JSON.stringify(queueRows)}::jsonb) AS x(
               user_id bigint, copy_relationship_id bigint, trader_wallet_address text, original_tx_hash text,
               market_id text, position text, quantity numeric, target_price numeric,
               max_slippage_percent numeric, priority int, expires_at timestamptz, source_fill_key text,
               side text, asset_id text, notional_usd numeric, mode text, purpose text)
        RETURNING id, copy_relationship_id
      ), d AS (
        INSERT INTO copy_decisions (fill_key, copy_relationship_id, user_id, outcome, reason, detail, queue_id,
                                    decided_at)
        SELECT ${key}, x.rel, x.user_id, x.outcome, x.reason, x.detail, q.id, x.decided_at
          FROM jsonb_to_recordset(${JSON.stringify(decisions.map(decisionRow))}::jsonb) AS x(
               rel bigint, user_id bigint, outcome text, reason text, detail text, decided_at timestamptz)
          LEFT JOIN q ON q.copy_relationship_id = x.rel AND x.outcome = 'queued'
      ), u AS (
        UPDATE leader_fills SET trade_id = ${trade.id}, followers_queued = ${queueRows.length},
                                followers_skipped = ${skipped}
         WHERE fill_key = ${key}
      )
      SELECT pg_notify(${QUEUE_CHANNEL}, ${key}) WHERE ${queueRows.length > 0}`.execute(tx);
    return { status: 'recorded', fillKey: key, tradeId: trade.id, queued: queueRows.length, skipped };
  });
}

async function leaderPositionBefore(tx: Tx, wallet: string, fill: LeaderFill, key: string): Promise<Decimal> {
  const { rows } = await sql<{ side: 'BUY' | 'SELL'; size: string; price: string; filled_at: Date }>`
    SELECT side, size, price, filled_at FROM leader_fills
     WHERE trader_wallet_address = ${wallet} AND asset_id = ${fill.assetId} AND fill_key <> ${key}
       AND filled_at <= ${fill.filledAt}
     ORDER BY filled_at, fill_key`.execute(tx);
  return sharesAfter(
    rows.map((r) => ({
      at: r.filled_at,
      side: r.side,
      size: new Decimal(r.size),
      price: new Decimal(r.price),
    })),
  );
}
