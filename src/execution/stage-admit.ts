// Stage "admit": the gates, the API key's spend reservation and the order's identity, in ONE
// transaction serialised per user by a lock on the user's row (see execution-context.ts). The
// identity (signed_at, limit, quantity) is persisted before the order leaves the process, so any
// later attempt — this worker's retry after an error, another worker after the lease, reconciliation
// — looks the order up before sending anything. This commit is synchronous (it also makes every
// earlier asynchronous commit durable: see withAsyncCommitTransaction).
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { withTransaction } from '../db/client.ts';
import { checkGates } from '../domain/execution-gates.ts';
import { Decimal, toWire } from '../domain/money.ts';
import type { CopyOutcomeReason } from '../domain/skip-reasons.ts';
import { readUserLoad, type ExecutionContext } from './execution-context.ts';
import type { QueueRow } from './queue-claims.ts';
import type { PricedRow } from './stage-price.ts';

export type AdmitResult =
  | { readonly ok: true; readonly row: QueueRow }
  | { readonly ok: false; readonly reason: CopyOutcomeReason; readonly detail?: string }
  /** This claim no longer holds the row; nothing was written. */
  | { readonly ok: 'lost' };

class LostClaim extends Error {}

/** The UPDATE reserving `cost` of the key's rolling 24 h spend; it changes no row past the limit. */
export const reserveSpendUpdate = (keyId: string, cost: Decimal) => sql`
    UPDATE polymarket_api_keys
       SET daily_spent_usd = (CASE WHEN last_reset_at <= now() - interval '24 hours' THEN 0 ELSE daily_spent_usd END)
                             + ${toWire(cost)}::numeric,
           last_reset_at = CASE WHEN last_reset_at <= now() - interval '24 hours' THEN now() ELSE last_reset_at END
     WHERE id = ${keyId} AND status = 'active'
       AND (CASE WHEN last_reset_at <= now() - interval '24 hours' THEN 0 ELSE daily_spent_usd END)
           + ${toWire(cost)}::numeric <= daily_spend_limit_usd
    RETURNING id`;

async function reserveSpend(db: Db | Tx, keyId: string, cost: Decimal): Promise<boolean> {
  const { rows } = await reserveSpendUpdate(keyId, cost).execute(db);
  return rows.length === 1;
}

/** Reserves the spend and persists the identity in one statement (the identity only if reserved). */
async function persistIdentity(
  tx: Tx,
  row: QueueRow,
  token: string,
  order: PricedRow,
  apiKeyId: string | null,
  reserve: Decimal | null,
  at: Date,
): Promise<AdmitResult> {
  const reserving = reserve !== null && apiKeyId !== null;
  const { rows: done } = await sql<{ reserved: number } & Partial<QueueRow>>`
    WITH r AS (${reserving ? reserveSpendUpdate(apiKeyId, reserve) : sql`SELECT NULL::bigint AS id WHERE false`}),
    p AS (
      UPDATE trade_queue
         SET signed_at = ${at}, limit_price = ${toWire(order.limit)}::numeric,
             order_size = ${order.size === null ? null : toWire(order.size)}::numeric,
             order_amount = ${order.amount === null ? null : toWire(order.amount)}::numeric,
             reserved_spend_usd = ${reserve ? toWire(reserve) : null}::numeric,
             api_key_id = ${apiKeyId}
       WHERE id = ${row.id} AND celery_task_id = ${token} AND status = 'processing'
         AND (${!reserving} OR EXISTS (SELECT 1 FROM r))
      RETURNING *
    )
    SELECT (SELECT count(*) FROM r)::int AS reserved, p.* FROM (SELECT 1) AS one LEFT JOIN p ON true`.execute(
    tx,
  );
  const result = done[0]!;
  if (reserving && result.reserved === 0) return { ok: false, reason: 'daily_spend_limit_reached' };
  // Not ours any more (the reservation, if any, rolls back with the transaction).
  if (result.id === null || result.id === undefined) throw new LostClaim();
  const { reserved: _reserved, ...persisted } = result;
  return { ok: true, row: persisted as QueueRow };
}

export async function admitRow(
  db: Db,
  row: QueueRow,
  token: string,
  ctx: ExecutionContext,
  order: PricedRow,
  now: Date,
): Promise<AdmitResult> {
  const apiKeyId = row.mode === 'live' ? ctx.apiKeyId : null;
  const reserve = row.side === 'BUY' && apiKeyId ? order.cost.toDecimalPlaces(2, Decimal.ROUND_UP) : null;
  return withTransaction(db, async (tx): Promise<AdmitResult> => {
    await sql`SELECT 1 FROM users WHERE id = ${row.user_id} FOR UPDATE`.execute(tx);
    const load = await readUserLoad(tx, row);
    const gate = checkGates(
      {
        mode: row.mode,
        killSwitch: ctx.killSwitch,
        side: row.side,
        purpose: row.purpose === 'copy' ? 'copy' : 'risk_exit',
        user: { ...ctx.user, exposureUsd: load.userExposureUsd, availableBalanceUsd: order.balance },
        relationship: {
          status: ctx.relationshipStatus,
          maxTotalExposureUsd: ctx.relationshipMaxExposureUsd,
          exposureUsd: load.relationshipExposureUsd,
        },
        tradesInWindow: load.tradesInWindow,
        apiKey: ctx.apiKey,
        order: { notionalUsd: order.notional, costUsd: order.cost },
      },
      now,
    );
    if (!gate.ok) return { ok: false, reason: gate.reason, ...(gate.detail ? { detail: gate.detail } : {}) };
    if (row.signed_at) {
      // Re-sending the persisted order: its identity stands; reserve only if nothing is reserved.
      if (reserve && apiKeyId && !row.reserved_spend_usd && !(await reserveSpend(tx, apiKeyId, reserve)))
        return { ok: false, reason: 'daily_spend_limit_reached' };
      return { ok: true, row };
    }
    return persistIdentity(tx, row, token, order, apiKeyId, reserve, now);
  }).catch((err: unknown) => {
    if (err instanceof LostClaim) return { ok: 'lost' as const };
    throw err;
  });
}
