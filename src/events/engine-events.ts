// The events the copy engine publishes where it records an outcome, each inside the transaction that
// records it (see publish.ts). Kept here so the engine's own files only gain one call each.
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import type { TradeQueueTable } from '../db/schema.ts';
import { Decimal, toWire } from '../domain/money.ts';
import type { Resolution } from '../domain/pnl.ts';
import { canReceive } from './notification-outbox.ts';
import { publishUserEvent, USER_EVENTS_CHANNEL } from './publish.ts';

const usd = (d: Decimal) => toWire(d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP));

async function relationshipPnl(tx: Tx, relationshipId: string, assetId: string | null) {
  const { rows } = await sql<{ total_pnl_usd: string; shares: string | null }>`
    SELECT cr.total_pnl_usd, cp.shares
      FROM copy_relationships cr
      LEFT JOIN copy_positions cp ON cp.copy_relationship_id = cr.id AND cp.asset_id = ${assetId}
     WHERE cr.id = ${relationshipId}`.execute(tx);
  return rows[0] ?? null;
}

/** What an executed copy's events say beyond its queue row (the copy engine's record of it). */
export interface ExecutedFigures {
  readonly tradeId: string;
  readonly venueOrderId: string;
  /** Average fill price. */
  readonly price: Decimal;
  readonly filledSize: Decimal;
  readonly notional: Decimal;
  readonly fees: Decimal;
  /** Realized P&L of the lots a SELL closed (zero for a BUY). */
  readonly realized: Decimal;
  readonly executionMs: number | null;
  readonly executedAt: Date;
}

/** A copy position settled at market resolution (src/positions/resolution.ts), as its events say. */
export interface SettledPosition {
  readonly relationshipId: string;
  readonly userId: string;
  readonly assetId: string;
  readonly resolution: Resolution;
  readonly lots: number;
  readonly shares: string;
  readonly payoutUsd: string;
  readonly realizedPnlUsd: string;
}

/**
 * copy.executed for every recorded copy; for a SELL (mirrored sell or exit) also pnl.updated, and
 * position.closed when it left no shares of the token in the relationship.
 */
export async function publishExecuted(
  tx: Tx,
  r: Selectable<TradeQueueTable>,
  x: ExecutedFigures,
): Promise<void> {
  await publishUserEvent(tx, r.user_id, 'copy.executed', {
    queueId: r.id,
    tradeId: x.tradeId,
    relationshipId: r.copy_relationship_id,
    traderWallet: r.trader_wallet_address,
    marketId: r.market_id,
    assetId: r.asset_id,
    side: r.side,
    mode: r.mode,
    purpose: r.purpose,
    price: toWire(x.price),
    size: toWire(x.filledSize),
    notionalUsd: usd(x.notional),
    feesUsd: usd(x.fees),
    venueOrderId: x.venueOrderId,
    executionTimeMs: x.executionMs === null ? null : String(x.executionMs),
    executedAt: x.executedAt.toISOString(),
  });
  if (r.side !== 'SELL') return;
  const after = await relationshipPnl(tx, r.copy_relationship_id, r.asset_id);
  await publishUserEvent(tx, r.user_id, 'pnl.updated', {
    relationshipId: r.copy_relationship_id,
    assetId: r.asset_id,
    cause: r.purpose === 'copy' ? 'sell' : r.purpose,
    realizedPnlUsd: usd(x.realized),
    relationshipTotalPnlUsd: after?.total_pnl_usd ?? null,
  });
  if (after?.shares !== null && after?.shares !== undefined && new Decimal(after.shares).isZero())
    await publishUserEvent(tx, r.user_id, 'position.closed', {
      relationshipId: r.copy_relationship_id,
      assetId: r.asset_id,
      marketId: r.market_id,
      cause: r.purpose === 'copy' ? 'sell' : r.purpose,
      realizedPnlUsd: usd(x.realized),
    });
}

/** copy.failed / copy.skipped when a decision is set, with its reason code (fillKey null: an open position copied at follow time). */
export async function publishDecided(
  tx: Tx,
  d: { user_id: string; copy_relationship_id: string; fill_key: string | null },
  queueId: string,
  outcome: 'skipped' | 'failed',
  reason: string,
  detail: string,
): Promise<void> {
  await publishUserEvent(tx, d.user_id, outcome === 'failed' ? 'copy.failed' : 'copy.skipped', {
    queueId,
    relationshipId: d.copy_relationship_id,
    fillKey: d.fill_key,
    reason,
    detail,
  });
}

/** position.closed and pnl.updated for a position settled at market resolution. */
export async function publishSettled(tx: Tx | Db, s: SettledPosition): Promise<void> {
  await publishUserEvent(tx, s.userId, 'position.closed', {
    relationshipId: s.relationshipId,
    assetId: s.assetId,
    cause: 'resolution',
    resolution: s.resolution,
    lots: s.lots,
    shares: s.shares,
    payoutUsd: s.payoutUsd,
    realizedPnlUsd: s.realizedPnlUsd,
  });
  const { rows } = await sql<{ total_pnl_usd: string }>`
    SELECT total_pnl_usd FROM copy_relationships WHERE id = ${s.relationshipId}`.execute(tx);
  await publishUserEvent(tx, s.userId, 'pnl.updated', {
    relationshipId: s.relationshipId,
    assetId: s.assetId,
    cause: 'resolution',
    realizedPnlUsd: s.realizedPnlUsd,
    relationshipTotalPnlUsd: rows[0]?.total_pnl_usd ?? null,
  });
}

/**
 * copy.skipped for every follower the fan-out of `fillKey` decided not to copy (filters, sizing,
 * caps), in the fan-out's transaction: one set-based statement over the fill's skipped decisions
 * (no queue row exists, so `queueId` is null), and the notification of each to the outbox.
 */
export async function publishFanOutSkips(tx: Tx, fillKey: string): Promise<void> {
  await sql`
    WITH ev AS (
      SELECT d.user_id,
             json_build_object(
               'userId', d.user_id::text, 'type', 'copy.skipped',
               'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'data', json_build_object(
                 'queueId', NULL, 'relationshipId', d.copy_relationship_id::text, 'fillKey', d.fill_key,
                 'reason', d.reason, 'detail', left(coalesce(d.detail, ''), 500)))::text AS message
        FROM copy_decisions d
       WHERE d.fill_key = ${fillKey} AND d.outcome = 'skipped'
    ), outbox AS (
      INSERT INTO notification_outbox (user_id, kind, payload)
      SELECT ev.user_id, 'copy_skipped', ev.message::jsonb - 'userId'
        FROM ev
       WHERE ${canReceive(sql`ev.user_id`, 'copy_skipped')}
    )
    SELECT count(pg_notify(${USER_EVENTS_CHANNEL}, ev.message)) FROM ev`.execute(tx);
}

/** follow.paused: the circuit breaker paused a follow after consecutive failed copies. */
export async function publishFollowPaused(
  tx: Tx,
  p: {
    userId: string;
    relationshipId: string;
    traderWallet: string;
    consecutiveFailures: number;
    maxConsecutiveFailures: number;
    lastReason: string;
    detail: string;
  },
): Promise<void> {
  await publishUserEvent(tx, p.userId, 'follow.paused', {
    relationshipId: p.relationshipId,
    traderWallet: p.traderWallet,
    reason: 'circuit_breaker',
    consecutiveFailures: String(p.consecutiveFailures),
    maxConsecutiveFailures: String(p.maxConsecutiveFailures),
    lastReason: p.lastReason,
    detail: p.detail,
  });
}
