import { describe, expect, it } from 'vitest';
import {
  VenueError,
  mapPolymarketHttpError,
  mapPolymarketOrderError,
  mapTransportError,
  parseRetryAfterMs,
  type VenueErrorKind,
  type VenueOperation,
} from '../../../src/venue/errors.ts';

type Case = [status: number, message: string, kind: VenueErrorKind, reason: string, op?: VenueOperation];

// Every exact string in polymarket-api.md §3.6 (with concrete ids/values where the doc has placeholders).
const CASES: Case[] = [
  [401, 'Unauthorized/Invalid api key', 'auth', 'invalid_api_key'],
  [401, 'Invalid L1 Request headers', 'auth', 'invalid_l1_headers'],
  [401, 'Invalid API key', 'auth', 'invalid_api_key'],
  [400, 'Could not create api key', 'auth', 'api_key_creation_failed'],
  [400, 'Could not derive api key!', 'auth', 'api_key_creation_failed'],
  [429, 'Too Many Requests', 'rate_limited', 'too_many_requests'],
  [
    503,
    'Trading is currently disabled. Check polymarket.com for updates',
    'retryable',
    'trading_disabled',
    'place',
  ],
  [
    503,
    'Trading is currently cancel-only. New orders are not accepted, but cancels are allowed.',
    'retryable',
    'cancel_only',
    'place',
  ],
  [
    503,
    'post-only mode: only post-only orders and cancels are allowed',
    'retryable',
    'post_only_mode',
    'place',
  ],
  [400, 'Invalid token id', 'rejected', 'invalid_token_id', 'read'],
  [400, 'Invalid side', 'rejected', 'invalid_side', 'read'],
  [400, 'Invalid payload', 'rejected', 'invalid_payload', 'read'],
  [400, 'Payload exceeds the limit', 'rejected', 'payload_too_large', 'read'],
  [404, 'No orderbook exists for the requested token id', 'not_found', 'no_orderbook', 'read'],
  [404, 'market not found', 'not_found', 'market_not_found', 'read'],
  [400, 'Invalid order payload', 'rejected', 'invalid_payload'],
  [400, 'the order owner has to be the owner of the API KEY', 'auth', 'owner_mismatch'],
  [400, 'the order signer address has to be the address of the API KEY', 'auth', 'signer_mismatch'],
  [400, "'0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266' address banned", 'auth', 'address_banned'],
  [
    400,
    "'0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266' address in closed only mode",
    'rejected',
    'closed_only',
  ],
  [400, 'Too many orders in payload: 16, max allowed: 15', 'rejected', 'too_many_orders'],
  [400, 'invalid post-only order: order crosses book', 'rejected', 'post_only_would_cross'],
  [
    400,
    'order 0xabc123 is invalid. Price (0.555) breaks minimum tick size rule: 0.01',
    'rejected',
    'invalid_tick',
  ],
  [400, 'order 0xabc123 is invalid. Size (1.08) lower than the minimum: 5', 'rejected', 'below_min_size'],
  [400, 'order 0xabc123 is invalid. Duplicated.', 'rejected', 'duplicated'],
  [400, 'order 0xabc123 crosses the book', 'rejected', 'crosses_book'],
  [400, 'not enough balance / allowance', 'insufficient_funds', 'insufficient_balance_or_allowance'],
  [
    400,
    'not enough balance / allowance: the balance is not enough -> balance: 0',
    'insufficient_funds',
    'insufficient_balance_or_allowance',
  ],
  [400, 'invalid expiration', 'rejected', 'invalid_expiration'],
  [400, 'order canceled in the CTF exchange contract', 'rejected', 'canceled_onchain'],
  [400, 'order match delayed due to market conditions', 'unknown_outcome', 'delayed'],
  [
    400,
    "order couldn't be fully filled. FOK orders are fully filled or killed.",
    'rejected',
    'fok_not_filled',
  ],
  [
    400,
    'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.',
    'rejected',
    'fak_not_filled',
  ],
  [400, 'the market is not yet ready to process new orders', 'retryable', 'market_not_ready'],
  [500, 'there are no matching orders', 'rejected', 'no_match'],
  [500, 'FOK orders are filled or killed', 'rejected', 'fok_not_filled'],
  [500, 'the trade contains rounding issues', 'rejected', 'rounding_issue'],
  [
    500,
    "the price of the taker's order has a discrepancy greater than allowed with the worst maker order",
    'rejected',
    'price_discrepancy',
  ],
  [500, 'could not insert order', 'unknown_outcome', 'could_not_insert', 'place'],
  [500, 'could not insert order', 'retryable', 'could_not_insert', 'cancel'],
  [400, 'Invalid orderID', 'rejected', 'invalid_order_id', 'cancel'],
  [400, 'Too many orders in payload, max allowed: 1000', 'rejected', 'too_many_orders', 'cancel'],
  [400, 'Invalid asset type', 'rejected', 'invalid_asset_type', 'read'],
  [400, 'Invalid signature_type', 'rejected', 'invalid_signature_type', 'read'],
  [400, 'order_version_mismatch', 'rejected', 'order_version_mismatch'],
  [400, 'maker address not allowed, please use the deposit wallet flow', 'auth', 'maker_not_allowed'],
  [400, 'invalid price, price must be greater than 0 and less than 1', 'rejected', 'invalid_price'],
  [400, 'invalid amount for a marketable BUY order ($0.86), min size: $1', 'rejected', 'below_min_notional'],
  [400, 'invalid amount for a marketable SELL order ($0.5), min size: $1', 'rejected', 'below_min_notional'],
  [
    400,
    'invalid amounts, the market buy orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals',
    'rejected',
    'invalid_amount_precision',
  ],
  [
    400,
    'invalid amounts, the market sell orders maker amount supports a max accuracy of 2 decimals, taker amount a max of 4 decimals',
    'rejected',
    'invalid_amount_precision',
  ],
];

describe('mapPolymarketHttpError: every documented message', () => {
  it.each(CASES)('%i %s → %s/%s', (status, message, kind, reason, op = 'place') => {
    const error = mapPolymarketHttpError({ status, body: { error: message }, operation: op });
    expect(error).toBeInstanceOf(VenueError);
    expect(error.kind).toBe(kind);
    expect(error.reason).toBe(reason);
    expect(error.venueMessage).toBe(message);
    expect(error.httpStatus).toBe(status);
  });

  it('reads raw-text and JSON-string bodies too', () => {
    expect(
      mapPolymarketHttpError({ status: 400, body: 'invalid expiration', operation: 'place' }).reason,
    ).toBe('invalid_expiration');
    expect(
      mapPolymarketHttpError({ status: 400, body: '{"error":"Invalid orderID"}', operation: 'cancel' })
        .reason,
    ).toBe('invalid_order_id');
  });

  it('carries Retry-After from the header or retry_after_seconds', () => {
    const postOnly = mapPolymarketHttpError({
      status: 503,
      body: {
        error: 'post-only mode: only post-only orders and cancels are allowed',
        code: 'post_only_mode',
        retry_after_seconds: 79,
      },
      operation: 'place',
    });
    expect(postOnly.retryAfterMs).toBe(79_000);
    const limited = mapPolymarketHttpError({
      status: 429,
      body: 'Too Many Requests',
      retryAfterHeader: '3',
      operation: 'read',
    });
    expect(limited.kind).toBe('rate_limited');
    expect(limited.retryAfterMs).toBe(3_000);
    expect(
      parseRetryAfterMs('Wed, 21 Oct 2026 07:28:05 GMT', undefined, Date.parse('2026-10-21T07:28:00Z')),
    ).toBe(5_000);
    expect(parseRetryAfterMs(null, {})).toBeUndefined();
  });

  it('classifies by status when the message is unknown, ambiguous for placements only', () => {
    const kind = (status: number, operation: VenueOperation, error = 'something odd') =>
      mapPolymarketHttpError({ status, body: { error }, operation }).kind;
    expect(kind(500, 'read')).toBe('retryable');
    expect(kind(502, 'cancel')).toBe('retryable');
    expect(kind(500, 'place')).toBe('unknown_outcome');
    expect(kind(504, 'place')).toBe('unknown_outcome');
    expect(kind(503, 'place')).toBe('unknown_outcome');
    expect(kind(503, 'read')).toBe('retryable');
    expect(kind(425, 'place', '')).toBe('retryable');
    expect(mapPolymarketHttpError({ status: 425, operation: 'place' }).reason).toBe('service_not_ready');
    expect(kind(429, 'place', 'slow down')).toBe('rate_limited');
    expect(kind(401, 'read')).toBe('auth');
    expect(kind(404, 'read')).toBe('not_found');
    expect(kind(400, 'place')).toBe('rejected');
    expect(kind(400, 'read', 'order 0x1 not found')).toBe('not_found');
    expect(kind(400, 'read', 'Unauthorized')).toBe('auth');
    expect(kind(400, 'place', 'context canceled')).toBe('unknown_outcome');
    expect(kind(400, 'read', 'context canceled')).toBe('retryable');
  });
});

describe('mapPolymarketOrderError (errorMsg in a 200 response)', () => {
  it.each([
    ['INVALID_ORDER_MIN_TICK_SIZE', 'rejected', 'invalid_tick'],
    ['INVALID_ORDER_MIN_SIZE', 'rejected', 'below_min_size'],
    ['INVALID_ORDER_DUPLICATED', 'rejected', 'duplicated'],
    ['INVALID_ORDER_NOT_ENOUGH_BALANCE', 'insufficient_funds', 'insufficient_balance_or_allowance'],
    ['INVALID_ORDER_EXPIRATION', 'rejected', 'invalid_expiration'],
    ['INVALID_ORDER_ERROR', 'rejected', 'invalid_order'],
    ['INVALID_POST_ONLY_ORDER_TYPE', 'rejected', 'invalid_post_only_order_type'],
    ['INVALID_POST_ONLY_ORDER', 'rejected', 'post_only_would_cross'],
    ['EXECUTION_ERROR', 'unknown_outcome', 'execution_error'],
    ['ORDER_DELAYED', 'unknown_outcome', 'delayed'],
    ['DELAYING_ORDER_ERROR', 'unknown_outcome', 'delayed'],
    ['FOK_ORDER_NOT_FILLED_ERROR', 'rejected', 'fok_not_filled'],
    ['MARKET_NOT_READY', 'retryable', 'market_not_ready'],
    ['order 0x1 is invalid. Duplicated.', 'rejected', 'duplicated'],
    ['some brand new message', 'rejected', 'invalid_order'],
  ])('%s → %s/%s', (message, kind, reason) => {
    const error = mapPolymarketOrderError(message);
    expect([error.kind, error.reason]).toEqual([kind, reason]);
  });
});

describe('mapTransportError', () => {
  const withCode = (code: string) => Object.assign(new Error(`fetch failed: ${code}`), { code });
  it('makes a placement ambiguous unless the request provably never left', () => {
    expect(mapTransportError(withCode('ECONNRESET'), 'place').kind).toBe('unknown_outcome');
    expect(mapTransportError(withCode('ECONNREFUSED'), 'place').kind).toBe('retryable');
    const wrapped = new TypeError('fetch failed', { cause: withCode('ENOTFOUND') });
    expect(mapTransportError(wrapped, 'place').kind).toBe('retryable');
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    expect([mapTransportError(timeout, 'place').kind, mapTransportError(timeout, 'place').reason]).toEqual([
      'unknown_outcome',
      'timeout',
    ]);
    expect(mapTransportError(withCode('ECONNRESET'), 'read').kind).toBe('retryable');
    const existing = VenueError.rejected('duplicated', 'x');
    expect(mapTransportError(existing, 'place')).toBe(existing);
  });
});
