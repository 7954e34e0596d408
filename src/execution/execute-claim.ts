// Executes one claimed queue row, exactly once:
//   1. an earlier attempt may already have sent this row's order (its identity — salt from the row
//      id, signed time, limit, size — was persisted before sending): look it up first;
//   2. price it from the current book (slippage-bounded FOK) unless the identical order is being
//      re-sent; re-check every gate (kill switch, user, relationship, daily trades, API key, daily
//      spend, exposure caps, balance);
//   3. reserve the API key's daily spend with one atomic UPDATE (live BUYs);
//   4. persist the order identity, then send it once;
//   5. record the outcome: executed (record-execution.ts), or a retry / failure / skip with a reason.
// Retries happen in one layer only: the queue (scheduled_for + retry_count). Nothing here loops.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { withTransaction } from '../db/client.ts';
import { priceCopyOrder } from '../domain/copy-pricing.ts';
import { checkGates } from '../domain/execution-gates.ts';
import { Decimal, toWire } from '../domain/money.ts';
import { decideRetry } from '../domain/queue-retry.ts';
import { publishDecided } from '../events/engine-events.ts';
import { reasonMessage, reasonOutcome, type CopyOutcomeReason } from '../domain/skip-reasons.ts';
import type { Logger } from '../observability/logger.ts';
import { isVenueError, VenueError } from '../venue/errors.ts';
import type { OrderResult, PlaceOrderRequest, Venue } from '../venue/venue.ts';
import { loadExecutionContext, readUserLoad, type ExecutionContext } from './execution-context.ts';
import { cancelClaim, failClaim, type QueueRow } from './queue-claims.ts';
import { recordExecution } from './record-execution.ts';
import type { VenueProvider } from './venue-provider.ts';
import { LiveCredentialError } from '../vault/live-venue-factory.ts';

export interface ExecutorDeps {
  readonly db: Db;
  readonly venues: VenueProvider;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly random?: () => number;
}

export type ExecutionOutcome =
  | { kind: 'executed'; tradeId: string; order: OrderResult }
  | { kind: 'skipped'; reason: CopyOutcomeReason }
  | { kind: 'failed'; reason: CopyOutcomeReason }
  | { kind: 'retry'; at: Date; errorKind: string }
  | { kind: 'lost_claim' };

class LostClaim extends Error {}

/** The deterministic client order id of a queue row: its identity at the venue. */
export const clientOrderIdFor = (rowId: string) => `polycopy-q${rowId}`;

/**
 * A venue that can recompute an order's identity from its request without sending it
 * (PolymarketVenue.prepare). A venue built for this attempt has never seen the order an earlier
 * attempt (another process, or an earlier venue object) sent, so it must learn the order's id before
 * `lookupOrder({clientOrderId})` can find it.
 */
interface PreparingVenue {
  prepare(request: PlaceOrderRequest): Promise<unknown>;
}
const canPrepare = (venue: Venue): venue is Venue & PreparingVenue =>
  typeof (venue as Partial<PreparingVenue>).prepare === 'function';

/** The exact request an earlier attempt persisted (identity fixed before sending), or null. */
function persistedRequest(row: QueueRow, clientOrderId: string, tokenId: string): PlaceOrderRequest | null {
  if (!row.signed_at || !row.limit_price || (row.order_size === null && row.order_amount === null))
    return null;
  const base = {
    clientOrderId,
    tokenId,
    side: row.side,
    orderType: 'FOK' as const,
    price: new Decimal(row.limit_price),
    signedAtMs: row.signed_at.getTime(),
  };
  return row.order_amount !== null
    ? { ...base, amount: new Decimal(row.order_amount) }
    : { ...base, size: new Decimal(row.order_size!) };
}

async function decide(
  db: Db,
  rowId: string,
  outcome: 'skipped' | 'failed',
  reason: CopyOutcomeReason,
  detail: string,
): Promise<void> {
  await withTransaction(db, async (tx) => {
    const d = await tx
      .updateTable('copy_decisions')
      .set({ outcome, reason, detail, decided_at: new Date() })
      .where('queue_id', '=', rowId)
      .returning(['user_id', 'copy_relationship_id', 'fill_key'])
      .executeTakeFirst();
    if (d) await publishDecided(tx, d, rowId, outcome, reason, detail); // delivered on commit
  });
}

async function releaseSpend(db: Db, row: QueueRow): Promise<void> {
  if (!row.api_key_id || row.reserved_spend_usd === null) return;
  await sql`
    WITH r AS (
      UPDATE trade_queue SET reserved_spend_usd = NULL WHERE id = ${row.id} AND reserved_spend_usd IS NOT NULL
      RETURNING reserved_spend_usd
    )
    UPDATE polymarket_api_keys k SET daily_spent_usd = GREATEST(0, k.daily_spent_usd - ${row.reserved_spend_usd}::numeric)
    FROM r WHERE k.id = ${row.api_key_id}`.execute(db);
}

/** Reserves `cost` of the key's rolling 24 h spend, or returns false when it would pass the limit. */
async function reserveSpend(db: Db | Tx, keyId: string, cost: Decimal): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    UPDATE polymarket_api_keys
       SET daily_spent_usd = (CASE WHEN last_reset_at <= now() - interval '24 hours' THEN 0 ELSE daily_spent_usd END)
                             + ${toWire(cost)}::numeric,
           last_reset_at = CASE WHEN last_reset_at <= now() - interval '24 hours' THEN now() ELSE last_reset_at END
     WHERE id = ${keyId} AND status = 'active'
       AND (CASE WHEN last_reset_at <= now() - interval '24 hours' THEN 0 ELSE daily_spent_usd END)
           + ${toWire(cost)}::numeric <= daily_spend_limit_usd
    RETURNING id`.execute(db);
  return rows.length === 1;
}

export async function executeClaim(deps: ExecutorDeps, claimed: QueueRow): Promise<ExecutionOutcome> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  let row = claimed;
  const token = row.celery_task_id;
  if (!token) throw new Error(`queue row ${row.id} is not claimed`);

  const skip = async (reason: CopyOutcomeReason, detail?: string): Promise<ExecutionOutcome> => {
    const text = detail ?? reasonMessage(reason);
    if (!(await cancelClaim(db, row.id, token, `${reason}: ${text}`))) return { kind: 'lost_claim' };
    await releaseSpend(db, row);
    const kind = reasonOutcome(reason) === 'failed' ? 'failed' : 'skipped';
    await decide(db, row.id, kind, reason, text);
    return kind === 'failed' ? { kind: 'failed', reason } : { kind: 'skipped', reason };
  };

  const ctx = await loadExecutionContext(db, row);
  if (!ctx) return skip('relationship_stopped', 'the relationship no longer exists');
  const assetId = row.asset_id;
  if (!assetId) return skip('invalid_leader_fill', 'queue row has no token id');

  let venue: Venue;
  try {
    venue = await deps.venues.venueFor({
      userId: row.user_id,
      mode: row.mode,
      apiKeyId: row.api_key_id ?? ctx.apiKeyId,
    });
  } catch (err) {
    // The vault says why a live venue cannot be built (no key, revoked/suspended, expired).
    const reason = err instanceof LiveCredentialError ? err.reason : 'no_credentials';
    return skip(reason, err instanceof Error ? err.message : String(err));
  }
  const clientOrderId = clientOrderIdFor(row.id);

  try {
    // 1. A previous attempt persisted this order's identity and may have sent it.
    if (row.signed_at) {
      // Make the persisted order known to this venue first, or the lookup cannot find an order
      // another attempt sent, and the gates below would judge it as if it had never been placed
      // (e.g. refuse it for the balance it already spent).
      const persisted = persistedRequest(row, clientOrderId, assetId);
      if (persisted && canPrepare(venue)) await venue.prepare(persisted);
      const found = await venue.lookupOrder({ clientOrderId });
      if (found) return await finish(deps, row, token, ctx, found, now());
    }

    // 2. Price and gates.
    const market = await deps.venues.marketData.getMarketByToken(assetId);
    if (!market) return skip('market_unavailable', `no market for token ${assetId}`);
    if (market.closed || market.resolved || !market.acceptingOrders) return skip('market_closed');

    // BUYs are sent as a pUSD amount (FOK at the limit): Polymarket fills marketable BUYs by the
    // collateral they spend, so only an amount-denominated order has the same bytes on every attempt
    // (a share-denominated one is converted from the book at signing time). SELLs are sent in shares.
    let limit: Decimal;
    let size: Decimal | null = null;
    let amount: Decimal | null = null;
    let expectedFees = new Decimal(0);
    if (row.signed_at && row.limit_price && (row.order_size || row.order_amount)) {
      // Re-sending the identical order (it provably never arrived): same limit, same quantity.
      limit = new Decimal(row.limit_price);
      size = row.order_size === null ? null : new Decimal(row.order_size);
      amount = row.order_amount === null ? null : new Decimal(row.order_amount);
    } else {
      const book = await deps.venues.marketData.getOrderBook(assetId);
      const price = (quantity: { size: Decimal } | { amount: Decimal }) =>
        priceCopyOrder({
          side: row.side,
          targetPrice: new Decimal(row.target_price ?? '0'),
          maxSlippagePercent: new Decimal(row.max_slippage_percent),
          book,
          quantity,
          fees: market.fees,
          tickSize: market.tickSize,
        });
      let priced = price({ size: new Decimal(row.quantity) });
      if (priced.ok && row.side === 'BUY') {
        const spend = priced.order.limitPrice.times(row.quantity).toDecimalPlaces(2, Decimal.ROUND_DOWN);
        priced = price({ amount: spend });
      }
      if (!priced.ok) return skip(priced.reason, priced.detail);
      limit = priced.order.limitPrice;
      size = priced.order.size;
      amount = priced.order.amount;
      expectedFees = priced.order.expectedFees;
    }
    const notional = amount ?? size!.times(limit);
    const cost = row.side === 'BUY' ? notional.plus(expectedFees) : new Decimal(0);
    const balance = row.side === 'BUY' ? (await venue.getCollateralBalance()).balance : new Decimal(0);
    const apiKeyId = row.mode === 'live' ? ctx.apiKeyId : null;
    const reserve = row.side === 'BUY' && apiKeyId ? cost.toDecimalPlaces(2, Decimal.ROUND_UP) : null;

    // 3. Admit the order: gates, spend reservation and the order's identity in one transaction,
    //    serialised per user by a lock on the user's row (see execution-context.ts).
    const admitted = await withTransaction(db, async (tx) => {
      await sql`SELECT 1 FROM users WHERE id = ${row.user_id} FOR UPDATE`.execute(tx);
      const load = await readUserLoad(tx, row);
      const gate = checkGates(
        {
          mode: row.mode,
          killSwitch: ctx.killSwitch,
          side: row.side,
          purpose: row.purpose === 'copy' ? 'copy' : 'risk_exit',
          user: { ...ctx.user, exposureUsd: load.userExposureUsd, availableBalanceUsd: balance },
          relationship: {
            status: ctx.relationshipStatus,
            maxTotalExposureUsd: ctx.relationshipMaxExposureUsd,
            exposureUsd: load.relationshipExposureUsd,
          },
          tradesInWindow: load.tradesInWindow,
          apiKey: ctx.apiKey,
          order: { notionalUsd: notional, costUsd: cost },
        },
        now(),
      );
      if (!gate.ok) return { ok: false as const, reason: gate.reason, detail: gate.detail };
      if (reserve && apiKeyId && !row.reserved_spend_usd && !(await reserveSpend(tx, apiKeyId, reserve)))
        return { ok: false as const, reason: 'daily_spend_limit_reached' as const, detail: undefined };
      if (row.signed_at) return { ok: true as const, row };
      // 4. Persist the order's identity before it leaves the process.
      const persisted = await tx
        .updateTable('trade_queue')
        .set({
          signed_at: now(),
          limit_price: toWire(limit),
          order_size: size === null ? null : toWire(size),
          order_amount: amount === null ? null : toWire(amount),
          reserved_spend_usd: reserve ? toWire(reserve) : null,
          api_key_id: apiKeyId,
        })
        .where('id', '=', row.id)
        .where('celery_task_id', '=', token)
        .where('status', '=', 'processing')
        .returningAll()
        .executeTakeFirst();
      if (!persisted) throw new LostClaim();
      return { ok: true as const, row: persisted };
    }).catch((err: unknown) => {
      if (err instanceof LostClaim) return null;
      throw err;
    });
    if (admitted === null) return { kind: 'lost_claim' };
    if (!admitted.ok) return skip(admitted.reason, admitted.detail);
    row = admitted.row;

    const result = await venue.placeOrder({
      clientOrderId,
      tokenId: assetId,
      side: row.side,
      orderType: 'FOK',
      price: limit,
      signedAtMs: row.signed_at!.getTime(),
      ...(amount !== null ? { amount } : { size: size! }),
    });
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
  if (
    !(await failClaim(deps.db, row.id, token, {
      message: 'book_cannot_fill: order not filled',
      retryable: false,
      retryAt: null,
    }))
  )
    return { kind: 'lost_claim' };
  await releaseSpend(deps.db, row);
  await decide(
    deps.db,
    row.id,
    'failed',
    'book_cannot_fill',
    `the venue did not fill the order (${result.status})`,
  );
  return { kind: 'failed', reason: 'book_cannot_fill' };
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
  const decision = decideRetry({
    errorKind: venueError.kind,
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
      const outcome = await failClaim(deps.db, row.id, token, {
        message,
        retryable: true,
        retryAt: decision.at,
      });
      if (outcome === 'lost_claim') return { kind: 'lost_claim' };
      // An ambiguous failure may have placed the order: keep its spend reserved until the lookup.
      if (venueError.kind !== 'unknown_outcome' && !row.signed_at) await releaseSpend(deps.db, row);
      return { kind: 'retry', at: decision.at, errorKind: venueError.kind };
    }
    case 'cancel': {
      if (!(await cancelClaim(deps.db, row.id, token, `expired: ${message}`))) return { kind: 'lost_claim' };
      await releaseSpend(deps.db, row);
      await decide(deps.db, row.id, 'skipped', 'expired', decision.detail);
      return { kind: 'skipped', reason: 'expired' };
    }
    case 'fail': {
      if (
        (await failClaim(deps.db, row.id, token, { message, retryable: false, retryAt: null })) ===
        'lost_claim'
      )
        return { kind: 'lost_claim' };
      await releaseSpend(deps.db, row);
      await decide(deps.db, row.id, 'failed', decision.reason, `${decision.detail}: ${venueError.message}`);
      return { kind: 'failed', reason: decision.reason };
    }
    case 'reconcile': {
      // Out of attempts while the order's fate is unknown: the row keeps its identity and its spend
      // reservation, and is marked for reconciliation (a lookup by its deterministic id).
      if (
        (await failClaim(deps.db, row.id, token, {
          message: `reconcile: ${message}`,
          retryable: false,
          retryAt: null,
        })) === 'lost_claim'
      )
        return { kind: 'lost_claim' };
      await decide(deps.db, row.id, 'failed', 'retries_exhausted', decision.detail);
      return { kind: 'failed', reason: 'retries_exhausted' };
    }
  }
}
