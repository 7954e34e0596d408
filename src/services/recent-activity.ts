// The caller's recent activity as the live stream would have told it: the dashboard's feed shows it
// on load, then appends what `GET /events` brings (the stream has no replay). Each item has the
// stream's shape ({type, at, data}) and the data fields the stream's event of that type carries, so
// one renderer serves both and a copy that is in both is recognised by its `queueId` (or, for a
// fan-out skip, which has no queue row, by relationship and fill).
//
// Built from what is recorded, not from a log of events (none is kept):
//  - copy.executed: finished queue rows (copies and exits). A buy's figures are its lot's (with the
//    parts later sells split off it, which keep the lot's entry time); a sell's are the lots it
//    closed (closed between its signing and its completion), its price their average exit price.
//  - copy.skipped / copy.failed: the copy decisions with that outcome.
// position.closed, pnl.updated and follow.paused are not rebuilt: the positions table and the
// following list show their result.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';

export type ActivityType = 'copy.executed' | 'copy.skipped' | 'copy.failed';

export interface ActivityItem {
  type: ActivityType;
  at: string;
  data: Record<string, string | null>;
}

interface ExecutedRow {
  id: string;
  copy_relationship_id: string;
  trader_wallet_address: string;
  market_id: string;
  asset_id: string | null;
  side: 'BUY' | 'SELL';
  mode: string;
  purpose: string;
  venue_order_id: string | null;
  completed_at: Date;
  trade_id: string | null;
  price: string | null;
  size: string | null;
  notional: string | null;
  fees: string | null;
  execution_ms: number | null;
}

async function executed(db: Db, userId: string, limit: number): Promise<ActivityItem[]> {
  const { rows } = await sql<ExecutedRow>`
    SELECT q.id, q.copy_relationship_id, q.trader_wallet_address, q.market_id, q.asset_id, q.side,
           q.mode, q.purpose, q.venue_order_id, q.completed_at,
           coalesce(b.trade_id, s.trade_id) AS trade_id,
           coalesce(b.price, s.price) AS price, coalesce(b.size, s.size) AS size,
           coalesce(b.notional, s.notional) AS notional, b.fees,
           coalesce(b.execution_ms, s.execution_ms) AS execution_ms
      FROM (SELECT * FROM trade_queue
             WHERE user_id = ${userId} AND status = 'completed' AND completed_at IS NOT NULL
             ORDER BY completed_at DESC, id DESC LIMIT ${limit}) q
      LEFT JOIN LATERAL (
        SELECT lot.id::text AS trade_id, lot.entry_price::text AS price,
               sum(t.quantity)::text AS size, sum(t.entry_value_usd)::text AS notional,
               sum(t.fees_usd)::text AS fees, lot.execution_time_ms AS execution_ms
          FROM trades lot
          JOIN trades t ON t.copying_user_id = lot.copying_user_id
                       AND t.copy_relationship_id = lot.copy_relationship_id
                       AND t.asset_id = lot.asset_id AND t.entry_timestamp = lot.entry_timestamp
                       AND t.is_copy_trade
         WHERE q.side = 'BUY' AND lot.copying_user_id = q.user_id AND lot.is_copy_trade
           AND lot.copy_relationship_id = q.copy_relationship_id AND lot.queue_id = q.id
         GROUP BY lot.id, lot.entry_price, lot.execution_time_ms
         LIMIT 1) b ON true
      LEFT JOIN LATERAL (
        SELECT max(t.id)::text AS trade_id, max(t.exit_price)::text AS price,
               sum(t.quantity)::text AS size, sum(t.exit_value_usd)::text AS notional,
               max(t.execution_time_ms) AS execution_ms
          FROM trades t
         WHERE q.side = 'SELL' AND t.copying_user_id = q.user_id AND t.is_copy_trade
           AND t.copy_relationship_id = q.copy_relationship_id AND t.asset_id = q.asset_id
           AND t.status = 'closed'
           AND t.exit_timestamp BETWEEN coalesce(q.signed_at, q.started_at, q.created_at) AND q.completed_at
        HAVING count(*) > 0) s ON true`.execute(db);
  return rows.map((r) => ({
    type: 'copy.executed',
    at: r.completed_at.toISOString(),
    data: {
      queueId: r.id,
      tradeId: r.trade_id,
      relationshipId: r.copy_relationship_id,
      traderWallet: r.trader_wallet_address,
      marketId: r.market_id,
      assetId: r.asset_id,
      side: r.side,
      mode: r.mode,
      purpose: r.purpose,
      price: r.price,
      size: r.size,
      notionalUsd: r.notional,
      // A sell's lots carry their buys' fees, not the sell's own: left out rather than misstated.
      feesUsd: r.side === 'BUY' ? r.fees : null,
      venueOrderId: r.venue_order_id,
      executionTimeMs: r.execution_ms === null ? null : String(r.execution_ms),
      executedAt: r.completed_at.toISOString(),
    },
  }));
}

async function decided(db: Db, userId: string, limit: number): Promise<ActivityItem[]> {
  const rows = await db
    .selectFrom('copy_decisions as d')
    .innerJoin('copy_relationships as r', 'r.id', 'd.copy_relationship_id')
    .select(['d.queue_id', 'd.copy_relationship_id', 'd.fill_key', 'd.outcome', 'd.reason', 'd.detail'])
    .select(['r.trader_wallet_address', sql<Date>`coalesce(d.decided_at, d.created_at)`.as('at')])
    .where('d.user_id', '=', userId)
    .where('d.outcome', 'in', ['skipped', 'failed'])
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    type: r.outcome === 'failed' ? 'copy.failed' : 'copy.skipped',
    at: r.at.toISOString(),
    data: {
      queueId: r.queue_id,
      relationshipId: String(r.copy_relationship_id),
      fillKey: r.fill_key,
      // Not in the live event; here so the feed can say whose trade it was.
      traderWallet: r.trader_wallet_address,
      reason: r.reason,
      detail: r.detail,
    },
  }));
}

/** The `limit` most recent items, newest first. */
export async function recentActivity(
  deps: { db: Db },
  userId: string,
  limit: number,
): Promise<{ items: ActivityItem[] }> {
  const [a, b] = await Promise.all([executed(deps.db, userId, limit), decided(deps.db, userId, limit)]);
  const items = [...a, ...b].sort((x, y) => (x.at < y.at ? 1 : x.at > y.at ? -1 : 0)).slice(0, limit);
  return { items };
}
