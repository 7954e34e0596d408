// Exit pricing: how a closing SELL the platform queues on its own (stop-loss, take-profit, close)
// is limited. A copy is limited against the leader's price (copy-pricing.ts); an exit has no leader
// price. Limiting it at midpoint × (1 − the copy's max slippage, 1% by default) refuses it whenever
// the best bid sits more than ~1% under the midpoint — any spread wider than ~2% — so a stop-loss
// could be re-queued and refused at every mark while the position kept falling. An exit instead:
//
//   - takes the best bid, the price a sell can actually get now, as its reference;
//   - walks the bids down to reference × (1 − exit tolerance): its own tolerance,
//     EXIT_SLIPPAGE_PERCENT (default 5 %), not the copy's;
//   - still refuses absurd prices: no bids (book_cannot_fill); a best bid more than 50 % under the
//     midpoint, i.e. a stub bid in a market with no real buyers (slippage_exceeded); and, as a copy
//     does, a bid side that cannot take every share within the tolerance (slippage_exceeded when
//     the shares fit only further down, book_cannot_fill when they do not fit at all).
//
//   Worked example: book 0.30 / 0.40 (mid 0.35), 50 shares to sell.
//     old: 0.35 × 0.99 = 0.3465 → 0.35 on a 0.01 tick (a SELL limit rounds up); the best bid 0.30 is
//          below it → refused, and again at every mark.
//     new: 0.30 × 0.95 = 0.285 → 0.29 on tick; the 0.30 bid takes all 50 → sold at 0.30.
import { priceCopyOrder, type CopyPricingResult } from './copy-pricing.ts';
import type { FeeSchedule } from './book-walk.ts';
import { Decimal, ONE, ZERO } from './money.ts';
import { bestBid, midpoint, type BookSides } from './order-book.ts';

/** How far below the best bid an exit may sell, by default (EXIT_SLIPPAGE_PERCENT). */
export const DEFAULT_EXIT_SLIPPAGE_PERCENT = new Decimal(5);

/**
 * A best bid further than this under the midpoint is not a market to sell into. The exit tolerance
 * is capped well below it (config: at most 25 %), so an exit queued against the midpoint after this
 * refusal is refused again by the executor rather than sold into the stub.
 */
export const MAX_EXIT_BID_DISCOUNT_PERCENT = new Decimal(50);

export type ExitReference =
  | {
      readonly ok: true;
      /** The best bid: what the exit is limited against. */
      readonly price: Decimal;
      readonly midpoint: Decimal | null;
    }
  | {
      readonly ok: false;
      readonly reason: 'book_cannot_fill' | 'slippage_exceeded';
      readonly detail: string;
    };

/** The price an exit is limited against — the best bid — or why the book has no sane one. */
export function exitReference(book: BookSides): ExitReference {
  const bid = bestBid(book);
  if (bid === null)
    return { ok: false, reason: 'book_cannot_fill', detail: 'the book has no bids to sell into' };
  const mid = midpoint(book);
  if (mid !== null) {
    const floor = mid.times(ONE.minus(MAX_EXIT_BID_DISCOUNT_PERCENT.div(100)));
    if (bid.lt(floor))
      return {
        ok: false,
        reason: 'slippage_exceeded',
        detail:
          `the best bid ${bid.toFixed()} is more than ${MAX_EXIT_BID_DISCOUNT_PERCENT.toFixed()}% under ` +
          `the midpoint ${mid.toFixed()}: no real buyers to sell into`,
      };
  }
  return { ok: true, price: bid, midpoint: mid };
}

export interface ExitPricingInput {
  readonly book: BookSides;
  /** Shares to sell: every share the position holds. */
  readonly size: Decimal;
  /** How far below the best bid the sell may go, in percent (5 means 5 %). */
  readonly exitSlippagePercent: Decimal;
  readonly tickSize: Decimal;
  readonly fees?: FeeSchedule;
}

/** The FOK SELL an exit sends: from the best bid, within its own tolerance, or a refusal. */
export function priceExitOrder(input: ExitPricingInput): CopyPricingResult {
  // 0 sells at the best bid only; at or past the stub-bid threshold the two guards would overlap.
  if (input.exitSlippagePercent.lt(ZERO) || input.exitSlippagePercent.gte(MAX_EXIT_BID_DISCOUNT_PERCENT))
    throw new RangeError(
      `exit slippage must be in [0, ${MAX_EXIT_BID_DISCOUNT_PERCENT.toFixed()}), got ${input.exitSlippagePercent.toFixed()}`,
    );
  const ref = exitReference(input.book);
  if (!ref.ok) return ref;
  return priceCopyOrder({
    side: 'SELL',
    targetPrice: ref.price,
    maxSlippagePercent: input.exitSlippagePercent,
    book: input.book,
    quantity: { size: input.size },
    tickSize: input.tickSize,
    ...(input.fees ? { fees: input.fees } : {}),
  });
}
