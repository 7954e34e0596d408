// A PlaceOrderRequest → the exact signed body the venue will receive, and its order hash, computed
// before anything is sent. This is what makes placement idempotent without storage: the salt comes
// from the clientOrderId and the signed timestamp from the request's signedAtMs, amounts from the
// quantised price and size, and EIP-712 ECDSA signatures are deterministic (RFC 6979) — so the same
// request always produces the same bytes and the same order id, and a re-send of an order that
// already landed is a duplicate the exchange refuses rather than a second order.
//
// One case needs the live book: a FOK/FAK BUY given in *shares*. Polymarket matches marketable BUYs
// by the pUSD they spend (§3.3), so "15 shares" must become "the pUSD 15 shares cost now"; that
// amount depends on the book at signing time, so such an order is only reproducible within the
// process that signed it (the venue caches prepared orders). Callers that need identity across
// restarts send marketable BUYs with `amount` (the copy engine's slippage guard already walks the
// book to price the order, so it has the amount).
import type { Address, Hex } from 'viem';
import { walkBook } from '../../domain/book-walk.ts';
import { Decimal } from '../../domain/money.ts';
import type { BookSides } from '../../domain/order-book.ts';
import { quantiseOrder, type QuantisedOrder } from '../../domain/order-rules.ts';
import { VenueError } from '../errors.ts';
import type { OrderType, PlaceOrderRequest } from '../venue.ts';
import type { ContractSet } from './contracts.ts';
import { limitOrderAmounts, marketOrderAmounts, parseTickSize, type OrderAmounts } from './order-amounts.ts';
import { serializePostOrderBodyV2 } from './order-body.ts';
import { deterministicOrderSalt } from './order-salt.ts';
import { buildOrderV2, hashOrderV2, signOrderV2 } from './order-signing.ts';
import type { SignatureType, TypedDataSigner } from './order-struct.ts';

export interface TokenTradingRules {
  readonly tokenId: string;
  readonly conditionId: string;
  readonly tickSize: Decimal;
  readonly minOrderSize: Decimal;
  readonly negRisk: boolean;
  readonly acceptingOrders: boolean;
}

export interface SigningContext {
  readonly signer: TypedDataSigner;
  readonly signatureType: SignatureType;
  /** The funder (proxy / Safe / deposit wallet); the signer's own address for EOA orders. */
  readonly maker: Address;
  readonly contracts: ContractSet;
  /** The API key the order is posted under (the body's `owner`). */
  readonly apiKey: string;
}

export interface PreparedOrder {
  readonly clientOrderId: string;
  /** The request's economic content; a different one under the same clientOrderId is a conflict. */
  readonly fingerprint: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: 'BUY' | 'SELL';
  readonly orderType: OrderType;
  readonly quantised: QuantisedOrder;
  /** The signed amounts as decimals (shares and pUSD). */
  readonly amounts: OrderAmounts;
  /** EIP-712 order hash = Polymarket's order id. */
  readonly orderHash: Hex;
  /** The exact JSON body (the L2 HMAC covers these bytes). */
  readonly body: string;
  readonly signedAtMs: number;
  readonly negRisk: boolean;
}

/** The economic content of a request, for the clientOrderId conflict check. */
export function requestFingerprint(r: PlaceOrderRequest): string {
  return JSON.stringify([
    r.tokenId,
    r.side,
    r.orderType,
    r.price.toFixed(),
    r.size?.toFixed() ?? null,
    r.amount?.toFixed() ?? null,
    r.expiresAt ?? null,
    r.postOnly ?? false,
  ]);
}

/** Whether preparing this request needs the live book (see the file comment). */
export function needsBook(r: PlaceOrderRequest): boolean {
  return r.side === 'BUY' && (r.orderType === 'FOK' || r.orderType === 'FAK') && r.size !== undefined;
}

/**
 * The pUSD a marketable BUY of `size` shares spends: the book's cost for the size within the limit,
 * cut to cents (marketable BUY amounts carry 2 decimals, §3.3; cutting never overspends, so a FOK
 * that the book can fill is never killed by rounding). When the book cannot fill the size within
 * the limit, the most the order may spend (size × limit) — the venue then kills a FOK or fills a FAK
 * in part, against the book as it is when the order arrives.
 */
export function marketBuySpend(size: Decimal, limit: Decimal, book: BookSides): Decimal {
  const walk = walkBook({ side: 'BUY', book, limitPrice: limit, quantity: { size }, orderType: 'FOK' });
  const spend = walk.fullyFillable ? walk.notional : size.times(limit);
  return spend.toDecimalPlaces(2, Decimal.ROUND_DOWN);
}

export interface PrepareInput {
  readonly request: PlaceOrderRequest;
  readonly rules: TokenTradingRules;
  readonly signing: SigningContext;
  /** Clock for the GTD expiry check and the default signed timestamp. */
  readonly nowMs: number;
  /** Required when needsBook(request). */
  readonly book?: BookSides;
}

function orderAmounts(
  q: QuantisedOrder,
  rules: TokenTradingRules,
  book: BookSides | undefined,
): OrderAmounts {
  const tickSize = parseTickSize(rules.tickSize.toFixed());
  if (tickSize === undefined) {
    throw VenueError.rejected('invalid_tick', `unsupported tick size ${rules.tickSize.toFixed()}`);
  }
  const marketable = q.orderType === 'FOK' || q.orderType === 'FAK';
  if (!marketable) {
    return limitOrderAmounts({ side: q.side, price: q.price, size: q.size as Decimal, tickSize });
  }
  if (q.side === 'SELL') {
    return marketOrderAmounts({ side: 'SELL', amount: q.size as Decimal, price: q.price, tickSize });
  }
  let amount = q.amount;
  if (amount === null) {
    if (!book) throw new Error('a marketable BUY by size needs the book');
    amount = marketBuySpend(q.size as Decimal, q.price, book);
  }
  if (!amount.gt(0)) {
    throw VenueError.rejected(
      'below_min_notional',
      'invalid amount for a marketable BUY order ($0), min size: $1',
    );
  }
  return marketOrderAmounts({ side: 'BUY', amount, price: q.price, tickSize });
}

/** Quantises, computes amounts, builds, signs and serialises an order. Rejections throw VenueError. */
export async function prepareOrder(input: PrepareInput): Promise<PreparedOrder> {
  const { request: r, rules, signing } = input;
  if (!rules.acceptingOrders) {
    throw VenueError.rejected('market_closed', 'the market is not accepting orders');
  }
  const quantised = quantiseOrder(
    {
      side: r.side,
      orderType: r.orderType,
      price: r.price,
      size: r.size,
      amount: r.amount,
      expiresAt: r.expiresAt,
      postOnly: r.postOnly,
    },
    { tickSize: rules.tickSize, minOrderSize: rules.minOrderSize },
    input.nowMs,
    r.clientOrderId,
  );
  if (!quantised.ok) throw VenueError.rejected(quantised.reason, quantised.message);
  const q = quantised.order;
  const amounts = orderAmounts(q, rules, input.book);
  const signedAtMs = r.signedAtMs ?? input.nowMs;
  if (!Number.isSafeInteger(signedAtMs) || signedAtMs <= 0) {
    throw VenueError.rejected('invalid_request', `signedAtMs must be a positive integer, got ${signedAtMs}`);
  }
  const order = buildOrderV2({
    signer: signing.signer,
    signatureType: signing.signatureType,
    maker: signing.maker,
    tokenId: r.tokenId,
    negRisk: rules.negRisk,
    contracts: signing.contracts,
    salt: deterministicOrderSalt(r.clientOrderId),
    timestampMs: BigInt(signedAtMs),
    expiration: q.expiresAt === null ? 0n : BigInt(q.expiresAt),
    side: q.side,
    makerAmount: amounts.makerAmount,
    takerAmount: amounts.takerAmount,
  });
  const signed = await signOrderV2(order, signing.signer, rules.negRisk, signing.contracts);
  return {
    clientOrderId: r.clientOrderId,
    fingerprint: requestFingerprint(r),
    tokenId: r.tokenId,
    conditionId: rules.conditionId,
    side: q.side,
    orderType: q.orderType,
    quantised: q,
    amounts,
    orderHash: hashOrderV2(order, rules.negRisk, signing.contracts),
    body: serializePostOrderBodyV2(signed, {
      owner: signing.apiKey,
      orderType: q.orderType,
      postOnly: q.postOnly,
    }),
    signedAtMs,
    negRisk: rules.negRisk,
  };
}
