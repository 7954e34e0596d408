// Closing sells the platform queues on its own: stop-loss / take-profit (risk-exits.ts), closes on
// request (emergency stop, a relationship stopped with stop_positions = 'close'). Each is a
// trade_queue row the ordinary executor handles — a SELL whose purpose is not 'copy' is a risk exit:
// priority 1 and exempt from the relationship-status gate (src/domain/execution-gates.ts) — plus a
// position_events row saying why. The partial unique index uq_trade_queue_open_exit allows one exit
// pending or in flight per (relationship, token); a second one is silently not queued.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import type { CopyMode, Position, PositionEventKind } from '../db/schema.ts';
import { DEFAULT_EXIT_SLIPPAGE_PERCENT } from '../domain/exit-pricing.ts';
import { isDust } from '../domain/dust.ts';
import { Decimal, toWire } from '../domain/money.ts';
import { RISK_EXIT_PRIORITY } from '../domain/tiers.ts';
import { QUEUE_CHANNEL } from '../execution/queue-claims.ts';
import { outcomeUnknown } from '../execution/unsettled-rows.ts';

export type ExitPurpose = 'stop_loss' | 'take_profit' | 'close';

/** How long an exit may wait in the queue; an expired one is re-queued by the next pass. */
export const EXIT_TTL_MS = 5 * 60_000;

export interface ExitRequest {
  readonly userId: string;
  readonly relationshipId: string;
  readonly traderWallet: string;
  readonly marketId: string;
  readonly position: Position;
  readonly assetId: string;
  /** Every share the relationship holds in the token. */
  readonly shares: Decimal;
  /**
   * The price the sell is limited against (× (1 − maxSlippagePercent)): the best bid when the
   * caller read the book (src/domain/exit-pricing.ts), else the latest mark.
   */
  readonly targetPrice: Decimal;
  /** The exit's own tolerance (EXIT_SLIPPAGE_PERCENT), not the relationship's copy slippage. */
  readonly maxSlippagePercent: string;
  readonly mode: CopyMode;
  readonly purpose: ExitPurpose;
  readonly detail: string;
}

export interface QueuedExit {
  readonly queueId: string;
  readonly relationshipId: string;
  readonly assetId: string;
  readonly purpose: ExitPurpose;
}

/** The open copy lots of a user (or of everyone), summed per (relationship, token). */
export interface OpenPositionRow {
  rel_id: string;
  user_id: string;
  trader_wallet_address: string;
  mode: CopyMode;
  status: 'active' | 'paused' | 'stopped';
  max_slippage_percent: string;
  stop_loss_percent: string | null;
  take_profit_percent: string | null;
  asset_id: string;
  market_id: string;
  position: Position;
  shares: string;
  entry_value_usd: string;
  current_value_usd: string;
  /** Latest marked price: current value / shares (6 dp), or the entry price when never marked. */
  mark_price: string;
}

export interface OpenPositionFilter {
  readonly userId?: string;
  /** Only relationships with a stop-loss or take-profit set. */
  readonly withRiskLimits?: boolean;
  /** Only relationships stopped with stop_positions = 'close'. */
  readonly stoppedToClose?: boolean;
  /** Leave out positions that already have an exit pending or in flight. */
  readonly withoutOpenExit?: boolean;
}

export async function openPositions(db: Db | Tx, f: OpenPositionFilter = {}): Promise<OpenPositionRow[]> {
  const where = [sql`t.is_copy_trade AND t.status = 'open' AND t.asset_id IS NOT NULL`];
  if (f.userId !== undefined) where.push(sql`cr.user_id = ${f.userId}`);
  if (f.withRiskLimits)
    where.push(sql`cr.status <> 'stopped' AND (cr.stop_loss_percent > 0 OR cr.take_profit_percent > 0)`);
  if (f.stoppedToClose) where.push(sql`cr.status = 'stopped' AND cr.stop_positions = 'close'`);
  // An exit whose outcome is unknown (awaiting reconciliation, or an operator) may have sold the
  // shares: queueing another could sell them twice, so it counts as open until it is settled.
  if (f.withoutOpenExit)
    where.push(sql`NOT EXISTS (
      SELECT 1 FROM trade_queue q
       WHERE q.copy_relationship_id = cr.id AND q.asset_id = t.asset_id
         AND q.purpose <> 'copy'
         AND (q.status IN ('pending', 'processing')
              OR ${outcomeUnknown('q')}))`);
  const { rows } = await sql<OpenPositionRow>`
    SELECT cr.id AS rel_id, cr.user_id, cr.trader_wallet_address, cr.mode, cr.status,
           cr.max_slippage_percent, cr.stop_loss_percent, cr.take_profit_percent,
           t.asset_id, min(t.market_id) AS market_id, min(t.position) AS position,
           sum(t.quantity) AS shares, sum(t.entry_value_usd) AS entry_value_usd,
           sum(COALESCE(t.current_value_usd, t.entry_value_usd)) AS current_value_usd,
           CASE WHEN bool_and(t.current_value_usd IS NOT NULL) AND sum(t.quantity) > 0
                THEN round(sum(t.current_value_usd) / sum(t.quantity), 6)
                ELSE round(sum(t.entry_value_usd) / NULLIF(sum(t.quantity), 0), 6) END AS mark_price
      FROM copy_relationships cr
      JOIN trades t ON t.copy_relationship_id = cr.id
     WHERE ${sql.join(where, sql` AND `)}
     GROUP BY cr.id, t.asset_id
     ORDER BY cr.id, t.asset_id`.execute(db);
  // Dust (fewer than one share, src/domain/dust.ts) is not a position any order can close: an exit
  // queued for it would be refused at every pass.
  return rows.filter((r) => new Decimal(r.shares).gt(0) && !isDust(new Decimal(r.shares)));
}

/**
 * Queues the exits in one statement and records an event for each one queued. Exits that collide
 * with one already pending or in flight are left out of the result (and get no event).
 */
export async function queueExits(tx: Tx, exits: readonly ExitRequest[], now: Date): Promise<QueuedExit[]> {
  if (exits.length === 0) return [];
  const expiresAt = new Date(now.getTime() + EXIT_TTL_MS);
  const values = exits.map(
    (e) => sql`(${e.userId}::bigint, ${e.relationshipId}::bigint, ${e.traderWallet}, ${e.marketId},
      ${e.position}, ${toWire(e.shares)}::numeric, ${toWire(e.targetPrice)}::numeric,
      ${e.maxSlippagePercent}::numeric, ${RISK_EXIT_PRIORITY}::int, ${expiresAt}::timestamptz, 'SELL',
      ${e.assetId}, ${toWire(e.shares.times(e.targetPrice).toDecimalPlaces(6, Decimal.ROUND_UP))}::numeric,
      ${e.mode}, ${e.purpose})`,
  );
  const { rows } = await sql<{ id: string; copy_relationship_id: string; asset_id: string }>`
    INSERT INTO trade_queue (user_id, copy_relationship_id, trader_wallet_address, market_id, position,
                             quantity, target_price, max_slippage_percent, priority, expires_at, side,
                             asset_id, notional_usd, mode, purpose)
    VALUES ${sql.join(values)}
    ON CONFLICT (copy_relationship_id, asset_id) WHERE purpose <> 'copy' AND status IN ('pending', 'processing')
    DO NOTHING
    RETURNING id, copy_relationship_id, asset_id`.execute(tx);
  if (rows.length === 0) return [];
  const byKey = new Map(exits.map((e) => [`${e.relationshipId}:${e.assetId}`, e]));
  const queued = rows.map((r) => {
    const e = byKey.get(`${r.copy_relationship_id}:${r.asset_id}`)!;
    return { queueId: r.id, relationshipId: e.relationshipId, assetId: e.assetId, purpose: e.purpose, e };
  });
  await tx
    .insertInto('position_events')
    .values(
      queued.map((q) => ({
        user_id: q.e.userId,
        copy_relationship_id: q.relationshipId,
        asset_id: q.assetId,
        kind: q.purpose satisfies PositionEventKind,
        detail: q.e.detail,
        queue_id: q.queueId,
      })),
    )
    .execute();
  await sql`SELECT pg_notify(${QUEUE_CHANNEL}, 'exit')`.execute(tx);
  return queued.map(({ e: _e, ...q }) => q);
}

/**
 * An exit for every share of an open position, limited at `targetPrice` × (1 − the exit tolerance,
 * `exitSlippagePercent`, default 5 %).
 */
export function exitFor(
  p: OpenPositionRow,
  purpose: ExitPurpose,
  targetPrice: Decimal,
  detail: string,
  exitSlippagePercent: Decimal = DEFAULT_EXIT_SLIPPAGE_PERCENT,
): ExitRequest {
  return {
    userId: p.user_id,
    relationshipId: p.rel_id,
    traderWallet: p.trader_wallet_address,
    marketId: p.market_id,
    position: p.position,
    assetId: p.asset_id,
    shares: new Decimal(p.shares),
    targetPrice,
    maxSlippagePercent: toWire(exitSlippagePercent),
    mode: p.mode,
    purpose,
    detail,
  };
}
