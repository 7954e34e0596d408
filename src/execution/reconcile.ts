// Reconciliation: settles queue rows that ran out of attempts while their order's fate was unknown.
// The executor leaves such a row `failed` in stage `reconciliation` (src/domain/queue-stage.ts; its
// error_message starts `reconcile: …` for people), keeping its persisted order identity and its
// spend reservation, because the order may exist at the venue. One round:
//
//   1. claim the oldest due row (status failed → processing, stage kept, a fresh claim token
//      starting with `reconcile:`, a lease) with FOR UPDATE SKIP LOCKED: two reconcilers never hold
//      one row, and every later write is conditioned on the token, as the executor's are;
//   2. build the venue the executor would (deps.venues.venueFor), teach it the persisted order
//      (prepare) and look it up by its deterministic client order id;
//   3. act on the answer (every settled row's stage becomes `reconciled`):
//        filled            → recordExecution, exactly as an execution (the copy, positions, counters,
//                            decision executed, spend trued up to the real cost);
//        found, no fill    → a killed FOK: row failed, spend released, decision failed
//                            (book_cannot_fill);
//        not at the venue  → it never arrived: the signed order is sent while the price holds, else
//                            the row ends with the reason (price_moved, …), spend released;
//        no answer         → back to `failed` / `reconciliation` with one more attempt counted and a
//                            backoff (reconcile_after); after maxAttempts the row's stage becomes
//                            `operator` (message `needs_operator: …`) and it is left alone (its
//                            reservation kept: the order may still exist).
// A reconciler that dies mid-row leaves the row `processing` under its lease; recoverExpiredLeases
// returns a row in stage `reconciliation` to `failed` (not `pending`), so it is picked up again
// here, never re-sent by a worker.
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { withTransaction } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import { backoffDelayMs } from '../domain/queue-retry.ts';
import { judgeSignedOrder } from '../domain/late-copy.ts';
import { isExpired } from '../domain/queue-retry.ts';
import { reasonOutcome, type CopyOutcomeReason } from '../domain/skip-reasons.ts';
import { publishDecided } from '../events/engine-events.ts';
import type { OrderResult, PlaceOrderRequest, Venue } from '../venue/venue.ts';
import type { ExecutorDeps } from './executor-deps.ts';
import { clientOrderIdFor } from './order-identity.ts';
import { loadExecutionContext } from './execution-context.ts';
import { canPrepare, persistedRequest } from './order-identity.ts';
import type { QueueRow } from './queue-claims.ts';
import { recordExecution } from './record-execution.ts';
import { releaseSpend } from './spend-reservation.ts';
import { NEEDS_OPERATOR_PREFIX, RECONCILE_PREFIX } from './unsettled-rows.ts';

/** Claim tokens of the reconciler start with this (recoverExpiredLeases relies on it). */
export const RECONCILE_TOKEN_PREFIX = 'reconcile:';

export interface ReconcileOptions {
  /** Rows looked at per round, oldest first. Default 20. */
  readonly limit?: number;
  /** Inconclusive lookups before a row is flagged for an operator. Default 10. */
  readonly maxAttempts?: number;
  /**
   * A row is first looked at this long after it was marked (an order sent just before may still be
   * in the venue's hands, where a lookup could miss it). Default 30 s.
   */
  readonly minAgeMs?: number;
  /** How long a reconciler may hold a row before it returns to reconciliation. Default 60 s. */
  readonly leaseMs?: number;
  /** Backoff between lookups of one row: [½, 1] × min(max, base × 2^attempts). Defaults 30 s, 1 h. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Names this reconciler in claim tokens (default host:pid). */
  readonly reconcilerId?: string;
}

export type ReconcileAction =
  | { kind: 'executed'; queueId: string; tradeId: string; venueOrderId: string }
  | { kind: 'not_filled'; queueId: string; detail: string }
  | { kind: 'not_placed'; queueId: string; detail: string }
  | { kind: 'retry_later'; queueId: string; attempts: number; at: Date; error: string }
  | { kind: 'needs_operator'; queueId: string; attempts: number; error: string }
  | { kind: 'lost_claim'; queueId: string };

export interface ReconcileReport {
  readonly actions: ReconcileAction[];
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/** Claims the oldest row due for reconciliation, or null when none is. */
async function claimOne(deps: ExecutorDeps, opts: Required<ReconcileOptions>): Promise<QueueRow | null> {
  const { rows } = await sql<QueueRow>`
    WITH picked AS (
      SELECT q.id FROM trade_queue q
       WHERE q.status = 'failed' AND q.stage = 'reconciliation'
         AND (q.reconcile_after IS NULL OR q.reconcile_after <= now())
         AND q.completed_at <= now() - make_interval(secs => ${opts.minAgeMs / 1000})
         -- An exit may not go back in flight beside a newer exit of the same position
         -- (uq_trade_queue_open_exit); it waits until that one is done.
         AND NOT (q.purpose <> 'copy' AND EXISTS (
               SELECT 1 FROM trade_queue o
                WHERE o.copy_relationship_id = q.copy_relationship_id AND o.asset_id = q.asset_id
                  AND o.purpose <> 'copy' AND o.status IN ('pending', 'processing')))
       ORDER BY q.completed_at ASC, q.id ASC
       LIMIT 1
       FOR UPDATE SKIP LOCKED
    )
    UPDATE trade_queue q
       SET status = 'processing',
           celery_task_id = ${`${RECONCILE_TOKEN_PREFIX}${opts.reconcilerId}`} || ':' || q.id || ':' || gen_random_uuid(),
           started_at = now(),
           lease_expires_at = now() + make_interval(secs => ${opts.leaseMs / 1000})
      FROM picked
     WHERE q.id = picked.id
    RETURNING q.*`.execute(deps.db);
  return rows[0] ?? null;
}

/** Ends the row without a fill: failed, spend released, decision failed — one transaction. */
async function settleUnfilled(
  deps: ExecutorDeps,
  row: QueueRow,
  token: string,
  reason: CopyOutcomeReason,
  detail: string,
  outcome: 'failed' | 'skipped' = 'failed',
): Promise<boolean> {
  return withTransaction(deps.db, async (tx) => {
    const done = await tx
      .updateTable('trade_queue')
      .set({
        status: 'failed',
        stage: 'reconciled',
        error_message: `${reason}: ${detail}`,
        completed_at: sql`now()`,
        lease_expires_at: null,
        reconcile_after: null,
      })
      .where('id', '=', row.id)
      .where('celery_task_id', '=', token)
      .where('status', '=', 'processing')
      .executeTakeFirst();
    if (done.numUpdatedRows !== 1n) return false;
    await releaseSpend(tx, row);
    const d = await tx
      .updateTable('copy_decisions')
      .set({ outcome, reason, detail, decided_at: new Date() })
      .where('queue_id', '=', row.id)
      .returning(['user_id', 'copy_relationship_id', 'fill_key'])
      .executeTakeFirst();
    if (d) await publishDecided(tx, d, row.id, outcome, reason, detail); // delivered on commit
    return true;
  });
}

/** No answer this round: count the attempt, back off, or flag the row for an operator. */
async function postpone(
  deps: ExecutorDeps,
  opts: Required<ReconcileOptions>,
  row: QueueRow,
  token: string,
  error: string,
): Promise<ReconcileAction> {
  const attempts = row.reconcile_attempts + 1;
  const clientOrderId = clientOrderIdFor(row.id);
  if (attempts >= opts.maxAttempts) {
    const what =
      `the order ${clientOrderId}` +
      (row.signed_at ? ` (signed ${row.signed_at.toISOString()}, limit ${row.limit_price})` : '');
    const message =
      `${NEEDS_OPERATOR_PREFIX} ${what} may exist at the venue; ${attempts} reconciliation lookups ` +
      `got no answer (last: ${error}). Its spend reservation is kept. Check the account at the venue, ` +
      `then record the fill or fail the row by hand.`;
    const flagged = await withTransaction(deps.db, async (tx) => {
      const r = await tx
        .updateTable('trade_queue')
        .set({
          status: 'failed',
          stage: 'operator',
          error_message: message,
          lease_expires_at: null,
          reconcile_attempts: attempts,
          reconcile_after: null,
        })
        .where('id', '=', row.id)
        .where('celery_task_id', '=', token)
        .where('status', '=', 'processing')
        .executeTakeFirst();
      if (r.numUpdatedRows !== 1n) return false;
      await tx
        .updateTable('copy_decisions')
        .set({ detail: `outcome unknown after ${attempts} reconciliation lookups: flagged for an operator` })
        .where('queue_id', '=', row.id)
        .execute();
      return true;
    });
    if (!flagged) return { kind: 'lost_claim', queueId: row.id };
    deps.logger.error({ queueId: row.id, attempts, error }, 'reconciliation gave up: an operator must look');
    return { kind: 'needs_operator', queueId: row.id, attempts, error };
  }
  const random = deps.random ?? Math.random;
  const delay = backoffDelayMs(row.reconcile_attempts, random, {
    baseMs: opts.retryBaseMs,
    maxMs: opts.retryMaxMs,
  });
  const now = (deps.now ?? (() => new Date()))();
  const at = new Date(now.getTime() + delay);
  const r = await deps.db
    .updateTable('trade_queue')
    .set({
      status: 'failed',
      error_message: `${RECONCILE_PREFIX} unknown outcome; reconciliation lookup ${attempts} of ${opts.maxAttempts} got no answer: ${error}`,
      lease_expires_at: null,
      reconcile_attempts: attempts,
      reconcile_after: at,
    })
    .where('id', '=', row.id)
    .where('celery_task_id', '=', token)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  if (r.numUpdatedRows !== 1n) return { kind: 'lost_claim', queueId: row.id };
  deps.logger.warn({ queueId: row.id, attempts, at, error }, 'reconciliation lookup inconclusive');
  return { kind: 'retry_later', queueId: row.id, attempts, at, error };
}

async function reconcileRow(
  deps: ExecutorDeps,
  opts: Required<ReconcileOptions>,
  row: QueueRow,
): Promise<ReconcileAction> {
  const token = row.celery_task_id!;
  const clientOrderId = clientOrderIdFor(row.id);
  const assetId = row.asset_id;
  const persisted = assetId ? persistedRequest(row, clientOrderId, assetId) : null;
  if (!persisted) {
    // No identity was ever persisted, so no order was ever sent: nothing can exist at the venue.
    const detail = `reconciled: ${clientOrderId} was never sent (no persisted order); nothing was bought or sold`;
    return (await settleUnfilled(deps, row, token, 'retries_exhausted', detail))
      ? { kind: 'not_placed', queueId: row.id, detail }
      : { kind: 'lost_claim', queueId: row.id };
  }

  let found: OrderResult | null;
  let detectedAt: Date | null = null;
  let venue: Venue;
  try {
    const ctx = await loadExecutionContext(deps.db, row);
    detectedAt = ctx?.detectedAt ?? null;
    venue = await deps.venues.venueFor({
      userId: row.user_id,
      mode: row.mode,
      apiKeyId: row.api_key_id ?? ctx?.apiKeyId ?? null,
    });
    if (canPrepare(venue)) await venue.prepare(persisted);
    found = await venue.lookupOrder({ clientOrderId });
  } catch (err) {
    return postpone(deps, opts, row, token, errorText(err));
  }
  try {
    if (!found) return await resendOrSettle(deps, opts, row, token, venue, persisted);
    return await settle(deps, opts, row, token, found, detectedAt);
  } catch (err) {
    // Recording failed (e.g. a SELL with no open lot left to close): count it like a lookup without
    // an answer, so a row that cannot be settled automatically ends with an operator.
    deps.logger.error({ err, queueId: row.id }, 'reconciliation could not settle a row');
    return postpone(deps, opts, row, token, `settling failed: ${errorText(err)}`);
  }
}

async function settle(
  deps: ExecutorDeps,
  opts: Required<ReconcileOptions>,
  row: QueueRow,
  token: string,
  found: OrderResult,
  detectedAt: Date | null,
): Promise<ReconcileAction> {
  const clientOrderId = clientOrderIdFor(row.id);
  if (found.filledSize.gt(0)) {
    const recorded = await recordExecution(deps.db, {
      row,
      token,
      result: found,
      // The copy happened when its order was sent, not when we learned of it.
      executedAt: row.signed_at ?? new Date(),
      detectedAt,
      apiKeyId: row.api_key_id,
    });
    if (!recorded.recorded) return { kind: 'lost_claim', queueId: row.id };
    deps.logger.info(
      { queueId: row.id, venueOrderId: found.venueOrderId, filled: found.filledSize.toFixed() },
      'reconciled: the order had filled; recorded',
    );
    return {
      kind: 'executed',
      queueId: row.id,
      tradeId: recorded.tradeId!,
      venueOrderId: found.venueOrderId,
    };
  }
  if (found.status === 'unmatched' || found.status === 'canceled') {
    // A FOK the venue killed: it exists but bought or sold nothing.
    const detail =
      `reconciled: the venue has ${clientOrderId} as ${found.status} with nothing filled; ` +
      `nothing was bought or sold; spend reservation released`;
    if (!(await settleUnfilled(deps, row, token, 'book_cannot_fill', detail)))
      return { kind: 'lost_claim', queueId: row.id };
    deps.logger.info({ queueId: row.id, status: found.status }, 'reconciled: the order did not fill');
    return { kind: 'not_filled', queueId: row.id, detail };
  }
  // live / delayed / matched with nothing filled yet: the venue has not finished with it.
  return postpone(
    deps,
    opts,
    row,
    token,
    `the venue reports the order as ${found.status} with nothing filled`,
  );
}

/**
 * The venue has no order for this row: it never arrived. The order already signed is sent now —
 * the same order, the same hash, which the venue accepts at most once, so this cannot make a second
 * copy — while the copy is still worth placing: before its maximum age (the backstop), with copying
 * still on for the follow, and while the book would still fill it within its limit (the follower's
 * slippage from the leader's price). Otherwise it ends with the reason, its spend released.
 */
async function resendOrSettle(
  deps: ExecutorDeps,
  opts: Required<ReconcileOptions>,
  row: QueueRow,
  token: string,
  venue: Venue,
  persisted: PlaceOrderRequest,
): Promise<ReconcileAction> {
  const clientOrderId = clientOrderIdFor(row.id);
  const now = (deps.now ?? (() => new Date()))();
  const absent = `the venue has no order ${clientOrderId}; it never arrived`;
  const refuse = async (reason: CopyOutcomeReason, why: string): Promise<ReconcileAction> => {
    const detail =
      `reconciled: ${absent}, and it was not sent again: ${why}; nothing was bought or sold; ` +
      (row.reserved_spend_usd === null
        ? 'no spend was reserved'
        : `spend reservation $${new Decimal(row.reserved_spend_usd).toFixed(2)} released`);
    const outcome = reasonOutcome(reason) === 'failed' ? 'failed' : 'skipped';
    if (!(await settleUnfilled(deps, row, token, reason, detail, outcome)))
      return { kind: 'lost_claim', queueId: row.id };
    deps.logger.info(
      { queueId: row.id, reason },
      'reconciled: the order never reached the venue; not re-sent',
    );
    return { kind: 'not_placed', queueId: row.id, detail };
  };
  if (isExpired(row.expires_at, now)) return refuse('expired', 'the copy is past its maximum age');
  let ctx;
  let judged;
  try {
    ctx = await loadExecutionContext(deps.db, row);
    if (ctx?.killSwitch) return refuse('kill_switch', 'copying is halted by the operator');
    if (row.purpose === 'copy' && ctx && ctx.relationshipStatus !== 'active')
      return refuse(
        ctx.relationshipStatus === 'paused' ? 'relationship_paused' : 'relationship_stopped',
        `the follow is ${ctx.relationshipStatus}`,
      );
    const market = await deps.venues.marketData.getMarketByToken(persisted.tokenId);
    if (!market || market.closed || market.resolved || !market.acceptingOrders)
      return refuse('market_closed', 'the market no longer accepts orders');
    const book = await deps.venues.marketData.getOrderBook(persisted.tokenId);
    judged = judgeSignedOrder(
      {
        side: persisted.side,
        limit: persisted.price,
        quantity: persisted.amount !== undefined ? { amount: persisted.amount } : { size: persisted.size },
        fees: market.fees,
      },
      book,
    );
  } catch (err) {
    return postpone(deps, opts, row, token, errorText(err));
  }
  if (!judged.ok) return refuse(judged.reason, judged.detail);
  let result: OrderResult;
  try {
    result = await venue.placeOrder(persisted);
  } catch (err) {
    // The re-sent order's fate is unknown again: look it up next round.
    return postpone(deps, opts, row, token, `re-sending the signed order: ${errorText(err)}`);
  }
  deps.logger.info(
    { queueId: row.id, status: result.status },
    'reconciled: the signed order never arrived; sent it',
  );
  return settle(deps, opts, row, token, result, ctx?.detectedAt ?? null);
}

/**
 * One reconciliation round: up to `limit` due rows, oldest first, one at a time. Safe to run from
 * any number of processes at once (each row is claimed by one of them).
 */
export async function reconcileUnknownOutcomes(
  deps: ExecutorDeps,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const opts: Required<ReconcileOptions> = {
    limit: options.limit ?? 20,
    maxAttempts: options.maxAttempts ?? 10,
    minAgeMs: options.minAgeMs ?? 30_000,
    leaseMs: options.leaseMs ?? 60_000,
    retryBaseMs: options.retryBaseMs ?? 30_000,
    retryMaxMs: options.retryMaxMs ?? 3_600_000,
    reconcilerId: options.reconcilerId ?? `${hostname()}:${process.pid}`,
  };
  if (!Number.isInteger(opts.maxAttempts) || opts.maxAttempts < 1)
    throw new RangeError(`maxAttempts must be a positive integer, got ${opts.maxAttempts}`);
  const actions: ReconcileAction[] = [];
  for (let i = 0; i < opts.limit; i++) {
    const row = await claimOne(deps, opts);
    if (!row) break;
    actions.push(await reconcileRow(deps, opts, row));
  }
  return { actions };
}

/** Rows awaiting reconciliation and rows flagged for an operator (queue status, metrics). */
export async function reconcileBacklog(
  deps: Pick<ExecutorDeps, 'db'>,
): Promise<{ awaiting: number; needsOperator: number; needsOperatorIds: string[] }> {
  const { rows } = await sql<{ awaiting: string; flagged: string; ids: string[] | null }>`
    SELECT count(*) FILTER (WHERE stage = 'reconciliation') AS awaiting,
           count(*) FILTER (WHERE stage = 'operator') AS flagged,
           (array_agg(id::text ORDER BY id) FILTER (WHERE stage = 'operator'))[1:50] AS ids
      FROM trade_queue
     WHERE status = 'failed' AND stage IN ('reconciliation', 'operator')`.execute(deps.db);
  const r = rows[0]!;
  return { awaiting: Number(r.awaiting), needsOperator: Number(r.flagged), needsOperatorIds: r.ids ?? [] };
}
