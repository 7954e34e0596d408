// A paper order's identity (its id from the client order id, the fingerprint that tells a retry from
// a different order under the same id) and its fills as the ledger stores them.
import { createHash } from 'node:crypto';
import type { WalkFill } from '../../domain/book-walk.ts';
import { dec } from '../../domain/money.ts';
import type { PlaceOrderRequest } from '../venue.ts';
import type { PaperFill, PaperOrderRecord } from './ledger-store.ts';

/** Deterministic, hash-shaped id: the same clientOrderId always names the same paper order. */
export function paperOrderId(clientOrderId: string): string {
  return `0x${createHash('sha256').update(`polycopy-paper:${clientOrderId}`).digest('hex')}`;
}

export function requestFingerprint(r: PlaceOrderRequest): string {
  return JSON.stringify([
    r.tokenId,
    r.side,
    r.orderType,
    dec(r.price).toFixed(),
    r.size?.toFixed() ?? null,
    r.amount?.toFixed() ?? null,
    r.expiresAt ?? null,
    r.postOnly ?? false,
  ]);
}

export function toPaperFill(
  order: PaperOrderRecord,
  fill: WalkFill,
  sequence: number,
  liquidity: 'taker' | 'maker',
  atMs: number,
): PaperFill {
  return {
    fillId: `${order.venueOrderId}:${sequence}`,
    venueOrderId: order.venueOrderId,
    clientOrderId: order.clientOrderId,
    tokenId: order.tokenId,
    side: order.side,
    price: fill.price,
    size: fill.size,
    notional: fill.notional,
    fee: fill.fee,
    liquidity,
    atMs,
  };
}
