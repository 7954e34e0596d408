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
import { priceExitOrder } from '../domain/exit-pricing.ts';
import { checkGates } from '../domain/execution-gates.ts';
import { Decimal, toWire } from '../domain/money.ts';
import { decideRetry } from '../domain/queue-retry.ts';
import { publishDecided } from '../events/engine-events.ts';
import { reasonMessage, reasonOutcome, type CopyOutcomeReason } from '../domain/skip-reasons.ts';
import type { Logger } from '../observability/logger.ts';
import { isVenueError, VenueError } from '../venue/errors.ts';
import type { OrderResult, Venue } from '../venue/venue.ts';
import { loadExecutionContext, readUserLoad, type ExecutionContext } from './execution-context.ts';
import { canPrepare, persistedRequest } from './order-identity.ts';
import { cancelClaim, failClaim, type QueueRow } from './queue-claims.ts';
import { recordExecution } from './record-execution.ts';
import { releaseSpend } from './spend-reservation.ts';
import { RECONCILE_PREFIX } from './unsettled-rows.ts';
import type { VenueProvider } from './venue-provider.ts';
import { LiveCredentialError } from '../vault/live-venue-factory.ts';

export interface ExecutorDeps {
  readonly db: Db;
  readonly venues: VenueProvider;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly random?: () => number;
  /**
   * Called as a row passes each stage (benchmarks, diagnostics): context read, venue built, pricing
   * reads done, admitted, answered by the venue.
   */
  readonly trace?: (rowId: string, stage: ExecutionStage) => void;
  /**
   * Live BUYs: 'exchange' (default) leaves the balance to the exchange, which refuses an order it
   * cannot fund (recorded as insufficient_balance); 'read' also reads the balance before each order
   * and refuses it here — one more request per copy from the venue's rate-limited budget
   * (GET /balance-allowance, 200 per 10 s), which then bounds copies per second.
   */
  readonly liveBalanceCheck?: 'exchange' | 'read';
}

export type ExecutionStage = 'context' | 'venue' | 'reads' | 'admitted' | 'answered';

export type ExecutionOutcome =
  | { kind: 'executed'; tradeId: string; order: OrderResult }
  | { kind: 'skipped'; reason: CopyOutcomeReason }
  | { kind: 'failed'; reason: CopyOutcomeReason }
  | { kind: 'retry'; at: Date; errorKind: string }
  | { kind: 'lost_claim' };

class LostClaim extends Error {}

/** The deterministic client order id of a queue row: its identity at the venue. */
export const clientOrderIdFor = (rowId: string) => `polycopy-q${rowId}`;

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

/** The UPDATE reserving `cost` of the key's rolling 24 h spend; it changes no row past the limit. */
const reserveSpendUpdate = (keyId: string, cost: Decimal) => sql`
    UPDATE polymarket_api_keys
       SET daily_spent_usd = (CASE WHEN last_reset_at <= now() - interval '24 hours' THEN 0 ELSE daily_spent_usd END)
                             + ${toWire(cost)}::numeric,
           last_reset_at = CASE WHEN last_reset_at <= now() - interval '24 hours' THEN now() ELSE last_reset_at END
     WHERE id = ${keyId} AND status = 'active'
       AND (CASE WHEN last_reset_at <= now() - interval '24 hours' THEN 0 ELSE daily_spent_usd END)
           + ${toWire(cost)}::numeric <= daily_spend_limit_usd
    RETURNING id`;

/** Reserves `cost` of the key's rolling 24 h spend, or returns false when it would pass the limit. */
async function reserveSpend(db: Db | Tx, keyId: string, cost: Decimal): Promise<boolean> {
  const { rows } = await reserveSpendUpdate(keyId, cost).execute(db);
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

  const trace = deps.trace ? (stage: ExecutionStage) => deps.trace!(claimed.id, stage) : undefined;
  const ctx = await loadExecutionContext(db, row);
  trace?.('context');
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
    return skip(reason, message);
  }
  trace?.('venue');
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

    // 2. Price and gates. The market, the book and (for BUYs) the balance are read at once; the
    //    pricing reads are shared with the other copies of the same fill (CachedMarketData).
    const resend = Boolean(row.signed_at && row.limit_price && (row.order_size || row.order_amount));
    const marketRead = deps.venues.marketData.getMarketByToken(assetId);
    const bookRead = resend ? null : deps.venues.marketData.getOrderBook(assetId);
    // Paper balances are local and checked here; a live balance is enforced by the exchange (see
    // execution-gates.ts), so by default no rate-limited balance read sits on the live copy path.
    const readBalance = row.mode === 'paper' || deps.liveBalanceCheck === 'read';
    const balanceRead = row.side === 'BUY' && readBalance ? venue.getCollateralBalance() : null;
    // A read left unawaited below (a closed market) must not become an unhandled rejection.
    void bookRead?.catch(() => undefined);
    void balanceRead?.catch(() => undefined);
    const market = await marketRead;
    if (!market) return skip('market_unavailable', `no market for token ${assetId}`);
    if (market.closed || market.resolved || !market.acceptingOrders) return skip('market_closed');

    // BUYs are sent as a pUSD amount (FOK at the limit): Polymarket fills marketable BUYs by the
    // collateral they spend, so only an amount-denominated order has the same bytes on every attempt
    // (a share-denominated one is converted from the book at signing time). SELLs are sent in shares.
    let limit: Decimal;
    let size: Decimal | null = null;
    let amount: Decimal | null = null;
    let expectedFees = new Decimal(0);
    if (resend) {
      // Re-sending the identical order (it provably never arrived): same limit, same quantity.
      limit = new Decimal(row.limit_price!);
      size = row.order_size === null ? null : new Decimal(row.order_size);
      amount = row.order_amount === null ? null : new Decimal(row.order_amount);
    } else {
      const book = await bookRead!;
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
      // Exits (stop-loss, take-profit, closes) sell into the bids that exist now, with their own
      // tolerance (src/domain/exit-pricing.ts); copies follow the leader's price.
      let priced =
        row.purpose === 'copy'
          ? price({ size: new Decimal(row.quantity) })
          : priceExitOrder({
              book,
              size: new Decimal(row.quantity),
              // Rows queued before exits had their own tolerance carry a copy's; 25 % is the most an
              // exit may give up.
              exitSlippagePercent: Decimal.min(new Decimal(row.max_slippage_percent), 25),
              fees: market.fees,
              tickSize: market.tickSize,
            });
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
    const balance = balanceRead ? (await balanceRead).balance : row.side === 'BUY' ? null : new Decimal(0);
    trace?.('reads');
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
      if (row.signed_at) {
        if (reserve && apiKeyId && !row.reserved_spend_usd && !(await reserveSpend(tx, apiKeyId, reserve)))
          return { ok: false as const, reason: 'daily_spend_limit_reached' as const, detail: undefined };
        return { ok: true as const, row };
      }
      // 4. Reserve the spend and persist the order's identity before it leaves the process, in one
      //    statement: the identity is written only if the reservation (when one is needed) was.
      const reserving = reserve !== null && apiKeyId !== null;
      const { rows: done } = await sql<{ reserved: number } & Partial<QueueRow>>`
        WITH r AS (${reserving ? reserveSpendUpdate(apiKeyId!, reserve!) : sql`SELECT NULL::bigint AS id WHERE false`}),
        p AS (
          UPDATE trade_queue
             SET signed_at = ${now()}, limit_price = ${toWire(limit)}::numeric,
                 order_size = ${size === null ? null : toWire(size)}::numeric,
                 order_amount = ${amount === null ? null : toWire(amount)}::numeric,
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
      if (reserving && result.reserved === 0)
        return { ok: false as const, reason: 'daily_spend_limit_reached' as const, detail: undefined };
      // Not ours any more (the reservation, if any, rolls back with the transaction).
      if (result.id === null || result.id === undefined) throw new LostClaim();
      const { reserved: _reserved, ...persisted } = result;
      return { ok: true as const, row: persisted as QueueRow };
    }).catch((err: unknown) => {
      if (err instanceof LostClaim) return null;
      throw err;
    });
    if (admitted === null) return { kind: 'lost_claim' };
    if (!admitted.ok) return skip(admitted.reason, admitted.detail);
    trace?.('admitted');
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
    trace?.('answered');
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
      const outcome = await failClaim(deps.db, row.id, token, {
        message,
        retryable: true,
        retryAt: decision.at,
      });
      if (outcome === 'lost_claim') return { kind: 'lost_claim' };
      // An ambiguous failure may have placed the order: keep its spend reserved until the lookup.
      if (errorKind !== 'unknown_outcome' && !row.signed_at) await releaseSpend(deps.db, row);
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
      // The venue's refusal may be a reason users know as a skip (insufficient_balance: the exchange
      // is the authority on live balances); the decision reads the same as when a gate caught it.
      const kind = reasonOutcome(decision.reason) === 'skipped' ? 'skipped' : 'failed';
      await decide(deps.db, row.id, kind, decision.reason, `${decision.detail}: ${venueError.message}`);
      return kind === 'skipped'
        ? { kind: 'skipped', reason: decision.reason }
        : { kind: 'failed', reason: decision.reason };
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
  if (
    (await failClaim(deps.db, row.id, token, {
      message: `${RECONCILE_PREFIX} ${message}`,
      retryable: false,
      retryAt: null,
    })) === 'lost_claim'
  )
    return { kind: 'lost_claim' };
  await decide(deps.db, row.id, 'failed', 'retries_exhausted', detail);
  return { kind: 'failed', reason: 'retries_exhausted' };
}
