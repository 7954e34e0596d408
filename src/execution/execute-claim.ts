// Executes one claimed queue row, exactly once, in stages with one job each:
//   0. context — the relationship, user, key and detection time (one query); the venue for the row;
//   1. lookup — an earlier attempt may already have sent this row's order (its identity — salt from
//      the row id, signed time, limit, size — was persisted before sending): look it up first;
//   2. price  — from the current book (stage-price.ts); a persisted order is re-sent unchanged only
//      while it would still fill (the price rule);
//   3. admit  — gates, spend reservation, identity persisted, one transaction (stage-admit.ts);
//   4. send   — once;
//   5. record — executed (record-execution.ts), or a retry / failure / skip with a reason, each
//      written with its decision in one transaction (settle-claim.ts).
// Retries happen in one layer only: the queue (scheduled_for + retry_count). Nothing here loops.
import { reasonMessage, reasonOutcome, type CopyOutcomeReason } from '../domain/skip-reasons.ts';
import { decideRetry } from '../domain/queue-retry.ts';
import { isVenueError, VenueError } from '../venue/errors.ts';
import type { OrderResult, Venue } from '../venue/venue.ts';
import { LiveCredentialError } from '../vault/live-venue-factory.ts';
import { loadExecutionContext, type ExecutionContext } from './execution-context.ts';
import type { ExecutionOutcome, ExecutionStage, ExecutorDeps } from './executor-deps.ts';
import { canPrepare, clientOrderIdFor, persistedRequest } from './order-identity.ts';
import type { QueueRow } from './queue-claims.ts';
import { recordExecution } from './record-execution.ts';
import { endClaim, scheduleRetry } from './settle-claim.ts';
import { admitRow } from './stage-admit.ts';
import { priceRow } from './stage-price.ts';
import { RECONCILE_PREFIX } from './unsettled-rows.ts';

// The executor's types and the order identity live in their own files (the stages import them
// too); re-exported here, the executor's entry point, for its callers.
export type { ExecutionOutcome, ExecutionStage, ExecutorDeps } from './executor-deps.ts';
export { clientOrderIdFor } from './order-identity.ts';

/** Ends the claim without an order, with the reason's decision (skipped or failed) at once. */
async function skip(
  deps: ExecutorDeps,
  row: QueueRow,
  token: string,
  reason: CopyOutcomeReason,
  detail?: string,
): Promise<ExecutionOutcome> {
  const text = detail ?? reasonMessage(reason);
  const kind = reasonOutcome(reason) === 'failed' ? 'failed' : 'skipped';
  const ended = await endClaim(deps.db, row, token, {
    status: 'cancelled',
    message: `${reason}: ${text}`,
    release: true,
    decision: { outcome: kind, reason, detail: text },
  });
  if (!ended) return { kind: 'lost_claim' };
  return kind === 'failed' ? { kind: 'failed', reason } : { kind: 'skipped', reason };
}

/** Stage 0: the venue for this row, or the reason there is none. */
async function venueForRow(
  deps: ExecutorDeps,
  row: QueueRow,
  token: string,
  ctx: ExecutionContext,
): Promise<Venue | ExecutionOutcome> {
  try {
    return await deps.venues.venueFor({
      userId: row.user_id,
      mode: row.mode,
      apiKeyId: row.api_key_id ?? ctx.apiKeyId,
    });
  } catch (err) {
    // The vault says why a live venue cannot be built (no key, revoked/suspended, expired).
    const reason = err instanceof LiveCredentialError ? err.reason : 'no_credentials';
    const message = err instanceof Error ? err.message : String(err);
    // An earlier attempt persisted this order's identity and may have sent it: skipping now could
    // hide a real fill. Without a usable credential it cannot be looked up either, so it goes to
    // reconciliation (which flags it for an operator if the credential never comes back).
    if (row.signed_at)
      return toReconciliation(
        deps,
        row,
        token,
        `${reason}: ${message}`,
        `the order may have reached the venue, and it cannot be looked up: ${message}`,
      );
    return skip(deps, row, token, reason, message);
  }
}

export async function executeClaim(deps: ExecutorDeps, claimed: QueueRow): Promise<ExecutionOutcome> {
  const now = deps.now ?? (() => new Date());
  let row = claimed;
  const token = row.celery_task_id;
  if (!token) throw new Error(`queue row ${row.id} is not claimed`);
  const trace = deps.trace ? (stage: ExecutionStage) => deps.trace!(claimed.id, stage) : undefined;

  const ctx = await loadExecutionContext(deps.db, row);
  trace?.('context');
  if (!ctx) return skip(deps, row, token, 'relationship_stopped', 'the relationship no longer exists');
  const assetId = row.asset_id;
  if (!assetId) return skip(deps, row, token, 'invalid_leader_fill', 'queue row has no token id');
  const venue = await venueForRow(deps, row, token, ctx);
  if (!('placeOrder' in venue)) return venue;
  trace?.('venue');
  const clientOrderId = clientOrderIdFor(row.id);

  try {
    // 1. A previous attempt persisted this order's identity and may have sent it.
    if (row.signed_at) {
      // Make the persisted order known to this venue first, or the lookup cannot find an order
      // another attempt sent, and the gates below would judge it as if it had never been placed.
      const persisted = persistedRequest(row, clientOrderId, assetId);
      if (persisted && canPrepare(venue)) await venue.prepare(persisted);
      const found = await venue.lookupOrder({ clientOrderId });
      if (found) return await finish(deps, row, token, ctx, found, now());
    }

    // 2. Price.
    const priced = await priceRow(deps, row, venue);
    trace?.('reads');
    if (!priced.ok) {
      // A signed order the lookup did not find may still be on its way to the venue (an attempt that
      // died mid-send): only reconciliation, after its minimum age, may decide it never arrived.
      if (row.signed_at && (priced.reason === 'price_moved' || priced.reason === 'book_cannot_fill'))
        return toReconciliation(
          deps,
          row,
          token,
          `${priced.reason}: ${priced.detail ?? ''}`,
          priced.detail ?? priced.reason,
        );
      return skip(deps, row, token, priced.reason, priced.detail);
    }

    // 3. Admit.
    const admitted = await admitRow(deps.db, row, token, ctx, priced.order, now());
    if (admitted.ok === 'lost') return { kind: 'lost_claim' };
    if (!admitted.ok) return skip(deps, row, token, admitted.reason, admitted.detail);
    trace?.('admitted');
    row = admitted.row;

    // 4. Send.
    const { limit, size, amount } = priced.order;
    const result = await venue.placeOrder({
      clientOrderId,
      tokenId: assetId,
      side: row.side,
      orderType: 'FOK',
      price: limit,
      signedAtMs: row.signed_at!.getTime(),
      ...(amount !== null ? { amount } : { size: size! }),
    });
    trace?.('answered');
    // 5. Record.
    return await finish(deps, row, token, ctx, result, now());
  } catch (err) {
    return failure(deps, row, token, err, now());
  }
}

async function finish(
  deps: ExecutorDeps,
  row: QueueRow,
  token: string,
  ctx: ExecutionContext,
  result: OrderResult,
  at: Date,
): Promise<ExecutionOutcome> {
  if (result.filledSize.gt(0)) {
    const recorded = await recordExecution(deps.db, {
      row,
      token,
      result,
      executedAt: at,
      detectedAt: ctx.detectedAt,
      apiKeyId: row.api_key_id,
    });
    if (!recorded.recorded) return { kind: 'lost_claim' };
    return { kind: 'executed', tradeId: recorded.tradeId!, order: result };
  }
  // A FOK that did not fill was killed whole: nothing was bought or sold.
  const ended = await endClaim(deps.db, row, token, {
    status: 'failed',
    message: 'book_cannot_fill: order not filled',
    release: true,
    decision: {
      outcome: 'failed',
      reason: 'book_cannot_fill',
      detail: `the venue did not fill the order (${result.status})`,
    },
  });
  return ended ? { kind: 'failed', reason: 'book_cannot_fill' } : { kind: 'lost_claim' };
}

async function failure(
  deps: ExecutorDeps,
  row: QueueRow,
  token: string,
  err: unknown,
  now: Date,
): Promise<ExecutionOutcome> {
  const venueError: VenueError = isVenueError(err)
    ? err
    : new VenueError('retryable', err instanceof Error ? err.message : String(err), { cause: err });
  if (!isVenueError(err)) deps.logger.error({ err, queueId: row.id }, 'unexpected error executing a copy');
  // A row whose identity was persisted may have reached the venue in an earlier attempt; a
  // transient error now (from the lookup or the re-send) does not say it did not. Such a row is
  // treated as of unknown outcome: it keeps its reservation, retries with lookup first, and when out
  // of retries or time goes to reconciliation instead of failing (which could hide a real position).
  const errorKind =
    row.signed_at && (venueError.kind === 'retryable' || venueError.kind === 'rate_limited')
      ? 'unknown_outcome'
      : venueError.kind;
  const decision = decideRetry({
    errorKind,
    retryCount: row.retry_count,
    maxRetries: row.max_retries,
    expiresAt: row.expires_at,
    ...(venueError.retryAfterMs !== undefined ? { retryAfterMs: venueError.retryAfterMs } : {}),
    now,
    random: deps.random ?? Math.random,
  });
  const message = `${venueError.kind}: ${venueError.message}`;
  switch (decision.action) {
    case 'retry': {
      // An ambiguous failure may have placed the order: keep its spend reserved until the lookup.
      const release = errorKind !== 'unknown_outcome' && !row.signed_at;
      if (!(await scheduleRetry(deps.db, row, token, { message, at: decision.at, release })))
        return { kind: 'lost_claim' };
      return { kind: 'retry', at: decision.at, errorKind: venueError.kind };
    }
    case 'cancel': {
      const ended = await endClaim(deps.db, row, token, {
        status: 'cancelled',
        message: `expired: ${message}`,
        release: true,
        decision: { outcome: 'skipped', reason: 'expired', detail: decision.detail },
      });
      return ended ? { kind: 'skipped', reason: 'expired' } : { kind: 'lost_claim' };
    }
    case 'fail': {
      // The venue's refusal may be a reason users know as a skip (insufficient_balance: the exchange
      // is the authority on live balances); the decision reads the same as when a gate caught it.
      const kind = reasonOutcome(decision.reason) === 'skipped' ? 'skipped' : 'failed';
      const ended = await endClaim(deps.db, row, token, {
        status: 'failed',
        message,
        release: true,
        decision: {
          outcome: kind,
          reason: decision.reason,
          detail: `${decision.detail}: ${venueError.message}`,
        },
      });
      if (!ended) return { kind: 'lost_claim' };
      return { kind, reason: decision.reason };
    }
    case 'reconcile':
      return toReconciliation(deps, row, token, message, decision.detail);
  }
}

/**
 * The order's fate is unknown and this attempt cannot settle it: the row keeps its identity and its
 * spend reservation, and is marked for reconciliation (a lookup by its deterministic id).
 */
async function toReconciliation(
  deps: ExecutorDeps,
  row: QueueRow,
  token: string,
  message: string,
  detail: string,
): Promise<ExecutionOutcome> {
  const ended = await endClaim(deps.db, row, token, {
    status: 'failed',
    message: `${RECONCILE_PREFIX} ${message}`,
    stage: 'reconciliation',
    release: false,
    decision: { outcome: 'failed', reason: 'retries_exhausted', detail },
  });
  return ended ? { kind: 'failed', reason: 'retries_exhausted' } : { kind: 'lost_claim' };
}
