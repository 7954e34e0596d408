// Writes an executed copy, atomically with the end of the claim:
//   queue row completed (only while this worker still holds the claim — otherwise nothing is written
//   and the new holder records it after looking the order up) → the copy in `trades` → the decision
//   → relationship, user and API-key counters → spend reservation trued up to the real cost.
// A BUY opens a lot. A SELL closes the relationship's open lots in this token oldest first; a lot
// sold in part is split: the sold part becomes a closed row with its realized P&L (the seed's
// formula: exit value − entry value − fees − gas), the rest stays open with its cost reduced pro rata.
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import type { TradesTable } from '../db/schema.ts';
import { withAsyncCommitTransaction } from '../db/client.ts';
import { Decimal, toWire } from '../domain/money.ts';
import { closePosition } from '../domain/pnl.ts';
import { publishExecuted } from '../events/engine-events.ts';
import type { OrderResult } from '../venue/venue.ts';
import type { QueueRow } from './queue-claims.ts';
import { endedStage } from './unsettled-rows.ts';

export interface ExecutedCopy {
  readonly row: QueueRow;
  readonly token: string;
  readonly result: OrderResult;
  readonly executedAt: Date;
  /** Leader fill detection time, for execution_time_ms (detection → fill). */
  readonly detectedAt: Date | null;
  readonly apiKeyId: string | null;
}

const usd = (d: Decimal) => toWire(d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP));

export async function recordExecution(
  db: Db,
  e: ExecutedCopy,
): Promise<{ recorded: boolean; tradeId: string | null }> {
  // The commit does not wait for the disk (withAsyncCommitTransaction): if a database crash loses
  // it, the row is back to `processing` with its persisted order identity, its lease runs out, and
  // the next attempt looks the order up first and records it then — the order is never re-sent.
  return withAsyncCommitTransaction(db, async (tx) => {
    if (!(await completeClaim(tx, e))) return { recorded: false, tradeId: null };
    const r = e.result;
    const avg = r.averagePrice ?? r.price;
    const executionMs = e.detectedAt ? Math.max(0, e.executedAt.getTime() - e.detectedAt.getTime()) : null;
    const common = copyColumns(e, avg, executionMs);
    const { tradeId, realized } =
      e.row.side === 'BUY' ? await recordBuy(tx, e, avg, common) : await recordSell(tx, e, avg, common);
    await tx
      .updateTable('copy_decisions')
      .set({
        outcome: 'executed',
        reason: null,
        detail: null,
        copy_trade_id: tradeId,
        decided_at: e.executedAt,
      })
      .where('queue_id', '=', e.row.id)
      .execute();
    await addToRelationship(tx, e, realized);
    await addToUser(tx, e);
    if (e.apiKeyId) await trueUpSpend(tx, e, e.apiKeyId);
    await publishExecuted(tx, e.row, {
      tradeId,
      venueOrderId: r.venueOrderId,
      price: avg,
      filledSize: r.filledSize,
      notional: r.notional,
      fees: r.fees,
      realized,
      executionMs,
      executedAt: e.executedAt,
    }); // delivered on commit
    return { recorded: true, tradeId };
  });
}

/** The queue row completed, only while this worker still holds the claim; false when it does not. */
async function completeClaim(tx: Tx, e: ExecutedCopy): Promise<boolean> {
  const claimed = await tx
    .updateTable('trade_queue')
    .set({
      status: 'completed',
      stage: endedStage,
      completed_at: sql`now()`,
      venue_order_id: e.result.venueOrderId,
      lease_expires_at: null,
      error_message: null,
    })
    .where('id', '=', e.row.id)
    .where('celery_task_id', '=', e.token)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return claimed.numUpdatedRows === 1n;
}

type CopyColumns = ReturnType<typeof copyColumns>;

/** The columns every `trades` row of this copy shares (the BUY's lot, a SELL's closed lots). */
function copyColumns(e: ExecutedCopy, avg: Decimal, executionMs: number | null) {
  const target = e.row.target_price === null ? null : new Decimal(e.row.target_price);
  // Slippage vs the leader's price, positive when worse for the follower.
  const slippagePct =
    target && target.gt(0)
      ? (e.row.side === 'BUY' ? avg.minus(target) : target.minus(avg))
          .div(target)
          .times(100)
          .toDecimalPlaces(2)
      : null;
  return {
    is_copy_trade: true,
    copying_user_id: e.row.user_id,
    copy_relationship_id: e.row.copy_relationship_id,
    trader_wallet_address: e.row.trader_wallet_address,
    original_tx_hash: e.row.original_tx_hash,
    market_id: e.row.market_id,
    position: e.row.position,
    source_fill_key: e.row.source_fill_key,
    asset_id: e.row.asset_id,
    queue_id: e.row.id,
    slippage_percent:
      slippagePct === null ? null : toWire(Decimal.max(-999.99, Decimal.min(999.99, slippagePct))),
    execution_time_ms: executionMs,
  };
}

/** A BUY opens a lot in `trades` and adds to the relationship's position in the token. */
async function recordBuy(tx: Tx, e: ExecutedCopy, avg: Decimal, common: CopyColumns) {
  const r = e.result;
  const t = await tx
    .insertInto('trades')
    .values({
      ...common,
      // The venue order id (Polymarket: the order hash) identifies this copy uniquely; one
      // settlement transaction can carry several orders' fills.
      copy_tx_hash: r.venueOrderId,
      side: 'BUY',
      trade_type: 'market',
      entry_price: toWire(avg),
      quantity: toWire(r.filledSize),
      entry_value_usd: usd(r.notional),
      fees_usd: usd(r.fees),
      current_value_usd: usd(r.notional),
      unrealized_pnl_usd: '0',
      status: 'open',
      entry_timestamp: e.executedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`
    INSERT INTO copy_positions (copy_relationship_id, asset_id, user_id, condition_id, shares, cost_usd)
    VALUES (${e.row.copy_relationship_id}, ${e.row.asset_id}, ${e.row.user_id}, ${e.row.market_id},
            ${toWire(r.filledSize)}::numeric, ${usd(r.notional)}::numeric)
    ON CONFLICT (copy_relationship_id, asset_id) DO UPDATE
       SET shares = copy_positions.shares + EXCLUDED.shares,
           cost_usd = copy_positions.cost_usd + EXCLUDED.cost_usd,
           opened_at = CASE WHEN copy_positions.shares = 0 THEN now() ELSE copy_positions.opened_at END,
           updated_at = now()`.execute(tx);
  return { tradeId: t.id, realized: new Decimal(0) };
}

/** A SELL closes the relationship's open lots (closeLots) and takes them off its position. */
async function recordSell(tx: Tx, e: ExecutedCopy, avg: Decimal, common: CopyColumns) {
  const closed = await closeLots(tx, e, avg, common);
  await sql`
    UPDATE copy_positions
       SET shares = GREATEST(0, shares - ${toWire(closed.shares)}::numeric),
           cost_usd = GREATEST(0, cost_usd - ${usd(closed.entryValue)}::numeric),
           realized_pnl_usd = realized_pnl_usd + ${usd(closed.realized)}::numeric,
           updated_at = now()
     WHERE copy_relationship_id = ${e.row.copy_relationship_id} AND asset_id = ${e.row.asset_id}`.execute(tx);
  return { tradeId: closed.lastId, realized: closed.realized };
}

async function addToRelationship(tx: Tx, e: ExecutedCopy, realized: Decimal): Promise<void> {
  const notional = usd(e.result.notional);
  await tx
    .updateTable('copy_relationships')
    .set((eb) => ({
      // Copies of the leader's trades (buys and mirrored sells); the platform's own exits
      // (stop-loss, take-profit, close, resolution) are not copies and are not counted.
      total_trades_copied:
        e.row.purpose === 'copy' ? eb('total_trades_copied', '+', 1) : eb.ref('total_trades_copied'),
      total_invested_usd:
        e.row.side === 'BUY' ? eb('total_invested_usd', '+', notional) : eb.ref('total_invested_usd'),
      // Realized P&L of the lots a SELL closed (mirrored sells and exits).
      total_pnl_usd: eb('total_pnl_usd', '+', usd(realized)),
      last_trade_copied_at: e.executedAt,
      // An executed copy ends a run of failed ones (the circuit breaker, src/domain/circuit-breaker.ts);
      // exits are not copies and leave the count alone.
      consecutive_failures: e.row.purpose === 'copy' ? 0 : eb.ref('consecutive_failures'),
    }))
    .where('id', '=', e.row.copy_relationship_id)
    .execute();
  // Not here: traders.total_copied_volume_usd. Every follower of a leader would update that one
  // row, so a fan-out's recordings would queue on its lock; the analytics job computes it from
  // these copy rows instead (src/analytics/).
}

async function addToUser(tx: Tx, e: ExecutedCopy): Promise<void> {
  const r = e.result;
  if (e.row.side === 'BUY') {
    await tx
      .updateTable('users')
      .set((eb) => ({ total_spent_usd: eb('total_spent_usd', '+', usd(r.notional.plus(r.fees))) }))
      .where('id', '=', e.row.user_id)
      .execute();
  } else {
    await tx
      .updateTable('users')
      .set((eb) => ({
        total_earned_usd: eb('total_earned_usd', '+', usd(Decimal.max(0, r.notional.minus(r.fees)))),
      }))
      .where('id', '=', e.row.user_id)
      .execute();
  }
}

/** The API key's reservation trued up to what the order really cost (never below zero). */
async function trueUpSpend(tx: Tx, e: ExecutedCopy, apiKeyId: string): Promise<void> {
  const r = e.result;
  const reserved = new Decimal(e.row.reserved_spend_usd ?? 0);
  const actual =
    e.row.side === 'BUY' ? r.notional.plus(r.fees).toDecimalPlaces(2, Decimal.ROUND_UP) : new Decimal(0);
  await sql`
    UPDATE polymarket_api_keys
       SET daily_spent_usd = LEAST(daily_spend_limit_usd, GREATEST(0, daily_spent_usd - ${toWire(reserved)}::numeric + ${toWire(actual)}::numeric)),
           total_trades_executed = total_trades_executed + 1,
           total_volume_usd = total_volume_usd + ${usd(r.notional)}::numeric,
           last_used_at = now()
     WHERE id = ${apiKeyId}`.execute(tx);
}

type Lot = Selectable<TradesTable>;

/** Closes the relationship's open lots in the token oldest first, until the SELL's shares are used. */
async function closeLots(
  tx: Tx,
  e: ExecutedCopy,
  avg: Decimal,
  common: CopyColumns,
): Promise<{ lastId: string; shares: Decimal; entryValue: Decimal; realized: Decimal }> {
  const lots = await tx
    .selectFrom('trades')
    .selectAll()
    .where('copy_relationship_id', '=', e.row.copy_relationship_id)
    .where('asset_id', '=', e.row.asset_id)
    .where('is_copy_trade', '=', true)
    .where('status', '=', 'open')
    .orderBy('entry_timestamp')
    .orderBy('id')
    .forUpdate()
    .execute();
  let remaining = e.result.filledSize;
  let lastId: string | null = null;
  let shares = new Decimal(0);
  let entryValue = new Decimal(0);
  let realized = new Decimal(0);
  for (const lot of lots) {
    if (!remaining.gt(0)) break;
    const take = Decimal.min(new Decimal(lot.quantity), remaining);
    const feeShare = e.result.fees.times(take).div(e.result.filledSize);
    const { id, closed } = await closeLot(tx, lot, { take, avg, feeShare, at: e.executedAt }, common);
    lastId = id;
    remaining = remaining.minus(take);
    shares = shares.plus(closed.quantity);
    entryValue = entryValue.plus(closed.entryValueUsd);
    realized = realized.plus(closed.realizedPnlUsd);
  }
  if (lastId === null) throw new Error(`SELL copy ${e.row.id} found no open lot to close`);
  return { lastId, shares, entryValue, realized };
}

/**
 * Closes `take` shares of one lot: the whole lot becomes closed, or it is split — the sold part a
 * new closed row with its realized P&L, the rest stays open with its cost reduced pro rata.
 * Answers the closed row's id.
 */
async function closeLot(
  tx: Tx,
  lot: Lot,
  x: { take: Decimal; avg: Decimal; feeShare: Decimal; at: Date },
  common: CopyColumns,
) {
  const qty = new Decimal(lot.quantity);
  const { closed, remaining: rest } = closePosition(
    {
      quantity: qty,
      entryValueUsd: new Decimal(lot.entry_value_usd),
      feesUsd: new Decimal(lot.fees_usd),
      gasFeeUsd: new Decimal(lot.gas_fee_usd),
    },
    { quantity: x.take, price: x.avg, feesUsd: x.feeShare, gasFeeUsd: new Decimal(0) },
  );
  const closedValues = {
    exit_price: toWire(x.avg),
    exit_value_usd: usd(closed.exitValueUsd),
    realized_pnl_usd: usd(closed.realizedPnlUsd),
    realized_pnl_percent: closed.realizedPnlPercent === null ? null : toWire(closed.realizedPnlPercent),
    exit_timestamp: x.at,
    current_value_usd: null,
    unrealized_pnl_usd: null,
    status: 'closed' as const,
  };
  if (rest === null) {
    await tx
      .updateTable('trades')
      .set({ ...closedValues, fees_usd: usd(closed.feesUsd) })
      .where('id', '=', lot.id)
      .where('entry_timestamp', '=', lot.entry_timestamp)
      .execute();
    return { id: lot.id, closed };
  }
  // The remainder keeps its share of the lot's last mark (the whole lot's value would overstate
  // the portfolio until the next mark-to-market pass).
  const restValue =
    lot.current_value_usd === null
      ? null
      : new Decimal(lot.current_value_usd)
          .times(rest.quantity)
          .div(qty)
          .toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
  await tx
    .updateTable('trades')
    .set({
      quantity: toWire(rest.quantity),
      entry_value_usd: usd(rest.entryValueUsd),
      fees_usd: usd(rest.feesUsd),
      gas_fee_usd: toWire(rest.gasFeeUsd),
      current_value_usd: restValue === null ? null : toWire(restValue),
      unrealized_pnl_usd: restValue === null ? null : usd(restValue.minus(usd(rest.entryValueUsd))),
    })
    .where('id', '=', lot.id)
    .where('entry_timestamp', '=', lot.entry_timestamp)
    .execute();
  const row = await tx
    .insertInto('trades')
    .values({
      ...common,
      copy_tx_hash: null,
      side: 'BUY',
      trade_type: lot.trade_type,
      entry_price: lot.entry_price,
      quantity: toWire(closed.quantity),
      entry_value_usd: usd(closed.entryValueUsd),
      fees_usd: usd(closed.feesUsd),
      gas_fee_usd: toWire(closed.gasFeeUsd),
      entry_timestamp: lot.entry_timestamp,
      ...closedValues,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, closed };
}
