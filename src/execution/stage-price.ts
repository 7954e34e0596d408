// Stage "price": what order a claimed row becomes, from the market and the live book.
//
// - A new copy is priced from the book within its slippage (a slippage-bounded FOK; BUYs as a pUSD
//   amount so every attempt sends the same bytes). Exits sell into the bids that exist now with
//   their own tolerance.
// - A row whose order identity was already persisted (an earlier attempt signed it and the lookup
//   found no order) is re-sent as the very same order — same limit, same quantity, so the same hash,
//   which the venue accepts at most once — but only while it would still fill: the persisted limit
//   is the follower's slippage bound, so that is the price rule (src/domain/late-copy.ts).
// - A late copy (not its first attempt) refused for slippage is reported as `price_moved`.
// The market, the book and (when needed) the balance are read at once; the pricing reads are shared
// with the other copies of the same fill (CachedMarketData).
import { marketBuyAmount, priceCopyOrder } from '../domain/copy-pricing.ts';
import { priceExitOrder } from '../domain/exit-pricing.ts';
import { judgeSignedOrder, refusalForLateCopy } from '../domain/late-copy.ts';
import { Decimal } from '../domain/money.ts';
import type { CopyOutcomeReason } from '../domain/skip-reasons.ts';
import type { Market, OrderBook, Venue } from '../venue/venue.ts';
import type { ExecutorDeps } from './executor-deps.ts';
import type { QueueRow } from './queue-claims.ts';

export interface PricedRow {
  readonly limit: Decimal;
  /** Shares (SELLs, exits) or null for an amount BUY. */
  readonly size: Decimal | null;
  /** pUSD to spend (BUYs) or null. */
  readonly amount: Decimal | null;
  readonly expectedFees: Decimal;
  /** notional + fees for a BUY, 0 for a SELL. */
  readonly cost: Decimal;
  readonly notional: Decimal;
  /** The balance read for the gates (paper BUYs, or live with liveBalanceCheck=read); null if none. */
  readonly balance: Decimal | null;
}

export type PriceResult =
  | { readonly ok: true; readonly order: PricedRow }
  | { readonly ok: false; readonly reason: CopyOutcomeReason; readonly detail?: string };

/** Whether this attempt is not the row's first: an earlier one was retried, lost or interrupted. */
export const isLateAttempt = (row: QueueRow) =>
  row.retry_count > 0 || row.error_message !== null || row.signed_at !== null;

/** The persisted order of a row an earlier attempt admitted, or null for a row never admitted. */
function persistedOrder(row: QueueRow) {
  if (!row.signed_at || !row.limit_price || (row.order_size === null && row.order_amount === null))
    return null;
  return {
    limit: new Decimal(row.limit_price),
    size: row.order_size === null ? null : new Decimal(row.order_size),
    amount: row.order_amount === null ? null : new Decimal(row.order_amount),
  };
}

function priceNew(row: QueueRow, market: Market, book: OrderBook) {
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
  // BUYs are sent as a pUSD amount (FOK at the limit): Polymarket fills marketable BUYs by the
  // collateral they spend, so only an amount-denominated order has the same bytes on every attempt.
  if (priced.ok && row.side === 'BUY') {
    // It spends what the book walk expects the shares to cost (the limit only bounds it), so the
    // follower receives the shares it was sized for (marketBuyAmount, copy-pricing.ts).
    priced = price({ amount: marketBuyAmount(priced.order) });
  }
  return priced;
}

export async function priceRow(deps: ExecutorDeps, row: QueueRow, venue: Venue): Promise<PriceResult> {
  const assetId = row.asset_id!;
  const marketRead = deps.venues.marketData.getMarketByToken(assetId);
  const bookRead = deps.venues.marketData.getOrderBook(assetId);
  // Paper balances are local and checked here; a live balance is enforced by the exchange (see
  // execution-gates.ts), so by default no rate-limited balance read sits on the live copy path.
  const readBalance = row.mode === 'paper' || deps.liveBalanceCheck === 'read';
  const balanceRead = row.side === 'BUY' && readBalance ? venue.getCollateralBalance() : null;
  // A read left unawaited below (a closed market) must not become an unhandled rejection.
  void bookRead.catch(() => undefined);
  void balanceRead?.catch(() => undefined);
  const market = await marketRead;
  if (!market) return { ok: false, reason: 'market_unavailable', detail: `no market for token ${assetId}` };
  if (market.closed || market.resolved || !market.acceptingOrders)
    return { ok: false, reason: 'market_closed' };
  const book = await bookRead;

  let order: { limit: Decimal; size: Decimal | null; amount: Decimal | null; expectedFees: Decimal };
  const persisted = persistedOrder(row);
  if (persisted) {
    const judged = judgeSignedOrder(
      {
        side: row.side,
        limit: persisted.limit,
        quantity: persisted.amount !== null ? { amount: persisted.amount } : { size: persisted.size! },
        fees: market.fees,
      },
      book,
    );
    if (!judged.ok) return { ok: false, reason: judged.reason, detail: judged.detail };
    // The fee expected at admission is not re-estimated: the spend reserved then still covers it.
    order = { ...persisted, expectedFees: new Decimal(0) };
  } else {
    const priced = priceNew(row, market, book);
    if (!priced.ok)
      return {
        ok: false,
        reason: refusalForLateCopy(priced.reason, isLateAttempt(row)),
        detail: priced.detail,
      };
    order = {
      limit: priced.order.limitPrice,
      size: priced.order.size,
      amount: priced.order.amount,
      expectedFees: priced.order.expectedFees,
    };
  }
  const notional = order.amount ?? order.size!.times(order.limit);
  const cost = row.side === 'BUY' ? notional.plus(order.expectedFees) : new Decimal(0);
  const balance = balanceRead ? (await balanceRead).balance : row.side === 'BUY' ? null : new Decimal(0);
  return { ok: true, order: { ...order, notional, cost, balance } };
}
