// Record a leader fill and fan it out to every follower, in ONE transaction:
//   leader_fills (unique fill key: a second sighting is a no-op) → trades (is_copy_trade=false)
//   → per relationship of the leader (active or paused): a copy_decisions row, and a trade_queue row
//     for the ones that pass the filters and sizing → NOTIFY the workers (delivered at commit).
// Filters, sizing and skip reasons are the pure domain rules; this file only gathers their inputs
// in one query per fill (not one per follower) and writes their results in bulk.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { withTransaction } from '../db/client.ts';
import { fillKey } from '../domain/fill-key.ts';
import { sizeBuyCopy, sizeSellCopy } from '../domain/copy-sizing.ts';
import { compileMarketFilter } from '../domain/market-filter.ts';
import { Decimal, toWire } from '../domain/money.ts';
import type { MarketRules } from '../domain/order-rules.ts';
import { reasonMessage, type CopyOutcomeReason } from '../domain/skip-reasons.ts';
import { effectiveUserLimits, isSubscriptionTier, queuePriority } from '../domain/tiers.ts';
import { QUEUE_CHANNEL } from '../execution/queue-claims.ts';
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
  return withTransaction(db, async (tx) => {
    const inserted = await tx
      .insertInto('leader_fills')
      .values({
        fill_key: key,
        trader_wallet_address: wallet,
        transaction_hash: fill.txHash.toLowerCase(),
        asset_id: fill.assetId,
        condition_id: fill.conditionId.toLowerCase(),
        side: fill.side,
        price: toWire(fill.price),
        size: toWire(fill.size),
        occurrence: fill.occurrence,
        outcome: fill.outcome,
        outcome_index: fill.outcomeIndex,
        market_slug: fill.marketSlug,
        event_slug: fill.eventSlug,
        market_title: fill.title,
        filled_at: fill.filledAt,
        detected_at: now,
        source: fill.source,
      })
      .onConflict((oc) => oc.column('fill_key').doNothing())
      .returning('fill_key')
      .executeTakeFirst();
    if (!inserted) return { status: 'duplicate', fillKey: key };

    const notional = fill.price.times(fill.size);
    const trade = await tx
      .insertInto('trades')
      .values({
        original_tx_hash: fill.txHash.toLowerCase(),
        trader_wallet_address: wallet,
        is_copy_trade: false,
        market_id: fill.conditionId.toLowerCase(),
        market_name: fill.title?.slice(0, 500) ?? null,
        position: positionLabel(fill.outcomeIndex),
        entry_price: toWire(fill.price),
        quantity: toWire(fill.size),
        entry_value_usd: toWire(notional.toDecimalPlaces(6, Decimal.ROUND_HALF_UP)),
        status: fill.side === 'BUY' ? 'open' : 'closed',
        entry_timestamp: fill.filledAt,
        fill_key: key,
        asset_id: fill.assetId,
        outcome: fill.outcome,
        side: fill.side,
        detected_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('traders')
      .set({ last_trade_at: sql`GREATEST(last_trade_at, ${fill.filledAt}::timestamptz)` })
      .where('wallet_address', '=', wallet)
      .execute();

    // The leader's position in this asset before this fill, from the fills we have recorded. It can
    // understate the truth (fills before tracking began): then the sold fraction caps at 1, i.e. the
    // follower sells everything it holds from this leader in the asset.
    const leaderBefore =
      fill.side === 'SELL'
        ? new Decimal(
            (
              await sql<{ pos: string }>`
              SELECT COALESCE(SUM(CASE WHEN side = 'BUY' THEN size ELSE -size END), 0) AS pos
              FROM leader_fills
              WHERE trader_wallet_address = ${wallet} AND asset_id = ${fill.assetId} AND fill_key <> ${key}
                AND filled_at <= ${fill.filledAt}`.execute(tx)
            ).rows[0]!.pos,
          )
        : new Decimal(0);

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
                            AND q.status IN ('pending', 'processing')), 0) AS exposure
      ) re
      CROSS JOIN LATERAL (
        SELECT COALESCE((SELECT SUM(p.cost_usd) FROM copy_positions p WHERE p.user_id = cr.user_id), 0)
             + COALESCE((SELECT SUM(q.notional_usd) FROM trade_queue q
                          WHERE q.user_id = cr.user_id AND q.side = 'BUY'
                            AND q.status IN ('pending', 'processing')), 0) AS exposure
      ) ue
      CROSS JOIN LATERAL (
        SELECT COALESCE((SELECT p.shares FROM copy_positions p
                          WHERE p.copy_relationship_id = cr.id AND p.asset_id = ${fill.assetId}), 0)
             - COALESCE((SELECT SUM(q.quantity) FROM trade_queue q
                          WHERE q.copy_relationship_id = cr.id AND q.asset_id = ${fill.assetId} AND q.side = 'SELL'
                            AND q.status IN ('pending', 'processing')), 0) AS shares
      ) sh
      WHERE cr.trader_wallet_address = ${wallet} AND cr.status IN ('active', 'paused')
      ORDER BY cr.id`.execute(tx);

    const decisions: Array<{
      relId: string;
      userId: string;
      reason: CopyOutcomeReason | null;
      detail: string | null;
      queueIndex: number | null;
    }> = [];
    const queueRows: Array<Record<string, unknown>> = [];
    const expiresAt = new Date(now.getTime() + opts.copyTtlMs);
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
          queueIndex: null,
        });
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
        queueIndex: queueRows.length,
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
        expires_at: expiresAt,
        source_fill_key: key,
        side: fill.side,
        asset_id: fill.assetId,
        notional_usd: toWire(copyNotional.toDecimalPlaces(6, Decimal.ROUND_UP)),
        mode: r.mode,
        purpose: 'copy',
      });
    }

    const queueIds: string[] = [];
    if (queueRows.length > 0) {
      const ids = await tx
        .insertInto('trade_queue')
        .values(queueRows as never)
        .returning('id')
        .execute();
      queueIds.push(...ids.map((i) => i.id));
    }
    if (decisions.length > 0) {
      await tx
        .insertInto('copy_decisions')
        .values(
          decisions.map((d) => ({
            fill_key: key,
            copy_relationship_id: d.relId,
            user_id: d.userId,
            outcome: d.reason === null ? ('queued' as const) : ('skipped' as const),
            reason: d.reason,
            detail: d.detail,
            queue_id: d.queueIndex === null ? null : queueIds[d.queueIndex]!,
            decided_at: d.reason === null ? null : now,
          })),
        )
        .execute();
    }
    const skipped = decisions.length - queueRows.length;
    await tx
      .updateTable('leader_fills')
      .set({ trade_id: trade.id, followers_queued: queueRows.length, followers_skipped: skipped })
      .where('fill_key', '=', key)
      .execute();
    if (queueRows.length > 0) await sql`SELECT pg_notify(${QUEUE_CHANNEL}, ${key})`.execute(tx);
    return { status: 'recorded', fillKey: key, tradeId: trade.id, queued: queueRows.length, skipped };
  });
}
