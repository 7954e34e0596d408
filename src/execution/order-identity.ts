// A queue row's order identity at the venue, as persisted before the order was first sent (limit,
// size or amount, signed_at; the client order id derives from the row id). Whoever looks an order up
// after an ambiguous failure — the executor's lookup-first, the reconciler — rebuilds exactly the
// request that was sent from these columns.
import { Decimal } from '../domain/money.ts';
import type { PlaceOrderRequest, Venue } from '../venue/venue.ts';
import type { QueueRow } from './queue-claims.ts';

/** The deterministic client order id of a queue row: its identity at the venue. */
export const clientOrderIdFor = (rowId: string) => `polycopy-q${rowId}`;

/**
 * A venue that can recompute an order's identity from its request without sending it
 * (PolymarketVenue.prepare). A venue built for this attempt has never seen the order an earlier
 * attempt (another process, or an earlier venue object) sent, so it must learn the order's id before
 * `lookupOrder({clientOrderId})` can find it.
 */
export interface PreparingVenue {
  prepare(request: PlaceOrderRequest): Promise<unknown>;
}

export const canPrepare = (venue: Venue): venue is Venue & PreparingVenue =>
  typeof (venue as Partial<PreparingVenue>).prepare === 'function';

/** The exact request an earlier attempt persisted (identity fixed before sending), or null. */
export function persistedRequest(
  row: QueueRow,
  clientOrderId: string,
  tokenId: string,
): PlaceOrderRequest | null {
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
