// Lateness is a price rule, not a clock. A copy whose turn comes late — retried after an error,
// taken over from a dead worker, re-sent after reconciliation proved its order never arrived — is
// still worth placing while the book is within the follower's slippage of the leader's price, and
// is skipped as `price_moved` when it is not. A long wall-clock maximum age (COPY_TTL_MS, minutes)
// stays only as a backstop.
//
// Two questions, both pure:
//   - refusalForLateCopy: the pricing of a late copy refused it for slippage → the reason users see
//     is price_moved (the market moved away while the copy waited), not slippage_exceeded (the
//     leader's own trade was too big for the follower's tolerance when it happened);
//   - judgeSignedOrder: an order whose identity was already persisted (limit and quantity fixed) is
//     about to be re-sent as the very same order: would it still fill on this book? The persisted
//     limit IS the follower's slippage bound, so "fills at the limit" is the price rule.
//
// Worked example: leader bought at 0.50, slippage 2% → limit 0.51. The copy's first worker died
// after signing. 4 s later the asks are 0.50 × 1000: re-sent, fills at 0.50. Had the asks moved to
// 0.53, the re-send would be killed whole: the copy is skipped as price_moved instead, its spend
// reservation released, and the user reads why.
import type { FeeSchedule } from './book-walk.ts';
import { walkBook } from './book-walk.ts';
import type { Decimal } from './money.ts';
import type { BookSides, Side } from './order-book.ts';
import { contraLevels } from './order-book.ts';

export type LateRefusal = 'price_moved' | 'book_cannot_fill';

/** A pricing refusal, as a late copy reports it. */
export function refusalForLateCopy<R extends string>(reason: R, late: boolean): R | 'price_moved' {
  return late && reason === 'slippage_exceeded' ? 'price_moved' : reason;
}

export interface SignedOrder {
  readonly side: Side;
  readonly limit: Decimal;
  readonly quantity: { readonly size: Decimal } | { readonly amount: Decimal };
  readonly fees?: FeeSchedule;
}

export type SignedOrderJudgement =
  { readonly ok: true } | { readonly ok: false; readonly reason: LateRefusal; readonly detail: string };

/**
 * Whether the signed order would fill in full on `book` (FOK at its own limit). When it would not:
 * price_moved if the book holds enough at some price (only beyond the limit), book_cannot_fill if
 * it does not hold enough at any price.
 */
export function judgeSignedOrder(order: SignedOrder, book: BookSides): SignedOrderJudgement {
  const walk = walkBook({
    side: order.side,
    book,
    limitPrice: order.limit,
    quantity: order.quantity,
    orderType: 'FOK',
    ...(order.fees ? { fee: order.fees } : {}),
  });
  if (walk.outcome === 'filled') return { ok: true };
  const levels = contraLevels(book, order.side);
  const best = levels[0]?.price;
  const what =
    'size' in order.quantity
      ? `${order.quantity.size.toFixed()} shares`
      : `$${order.quantity.amount.toFixed()}`;
  if (best === undefined)
    return {
      ok: false,
      reason: 'book_cannot_fill',
      detail: `the ${order.side === 'BUY' ? 'ask' : 'bid'} side is empty`,
    };
  const anyPrice = walkBook({
    side: order.side,
    book,
    // The worst level on the side: the walk may take every level.
    limitPrice: levels.at(-1)!.price,
    quantity: order.quantity,
    orderType: 'FOK',
  });
  if (!anyPrice.fullyFillable)
    return { ok: false, reason: 'book_cannot_fill', detail: `the book holds less than ${what}` };
  return {
    ok: false,
    reason: 'price_moved',
    detail:
      `the book moved beyond your slippage from the leader's price while the copy waited: ` +
      `${what} cannot fill within the limit ${order.limit.toFixed()} (best ${best.toFixed()})`,
  };
}
