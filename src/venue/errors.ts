// One error type for every venue, classified by what the caller should do (house rule 6):
//   retryable          transient (5xx on reads, 425 engine restarting, trading paused): back off, retry
//   rate_limited       429: wait retryAfterMs (or back off), retry
//   rejected           the venue refused this order/request; re-sending it fails the same way
//   insufficient_funds balance or allowance too small: tell the user
//   unknown_outcome    the request may or may not have taken effect: look it up before re-sending
//   auth               credentials or account not allowed: stop and alert
//   not_found          the thing asked for does not exist
// Only retry.ts retries; adapters classify and throw.
import type { ExecutionErrorKind } from '../domain/queue-retry.ts';

// The union lives in the domain (the queue's retry rules decide on each kind); the venue uses it.
export type VenueErrorKind = ExecutionErrorKind;

/** Machine-readable detail. Rejections always carry one; other kinds carry one when known. */
export type VenueErrorReason =
  // rejected
  | 'invalid_tick'
  | 'invalid_price'
  | 'invalid_size'
  | 'invalid_amount'
  | 'below_min_size'
  | 'below_min_notional'
  | 'invalid_amount_precision'
  | 'invalid_expiration'
  | 'invalid_post_only_order_type'
  | 'post_only_would_cross'
  | 'crosses_book'
  | 'fok_not_filled'
  | 'fak_not_filled'
  | 'no_match'
  | 'duplicated'
  | 'client_order_id_conflict'
  | 'order_version_mismatch'
  | 'invalid_payload'
  | 'payload_too_large'
  | 'invalid_token_id'
  | 'invalid_side'
  | 'invalid_order_id'
  | 'invalid_asset_type'
  | 'invalid_signature_type'
  | 'too_many_orders'
  | 'closed_only'
  | 'canceled_onchain'
  | 'rounding_issue'
  | 'price_discrepancy'
  | 'market_closed'
  | 'invalid_order'
  | 'invalid_request'
  // retryable
  | 'service_not_ready'
  | 'market_not_ready'
  | 'trading_disabled'
  | 'cancel_only'
  | 'post_only_mode'
  | 'server_error'
  | 'network'
  | 'timeout'
  // unknown_outcome
  | 'delayed'
  | 'could_not_insert'
  | 'execution_error'
  // auth
  | 'invalid_api_key'
  | 'invalid_l1_headers'
  | 'api_key_creation_failed'
  | 'owner_mismatch'
  | 'signer_mismatch'
  | 'maker_not_allowed'
  | 'address_banned'
  // not_found
  | 'no_orderbook'
  | 'market_not_found'
  | 'order_not_found'
  | 'not_found'
  // insufficient_funds / rate_limited
  | 'insufficient_balance_or_allowance'
  | 'too_many_requests';

export interface VenueErrorOptions {
  readonly reason?: VenueErrorReason;
  /** How long the venue asked us to wait (rate_limited, or a retryable with Retry-After). */
  readonly retryAfterMs?: number;
  readonly httpStatus?: number;
  /** The venue's own message, verbatim (for logs; may be shown to the user for rejections). */
  readonly venueMessage?: string;
  readonly cause?: unknown;
}

export class VenueError extends Error {
  override readonly name = 'VenueError';
  readonly kind: VenueErrorKind;
  readonly reason: VenueErrorReason | undefined;
  readonly retryAfterMs: number | undefined;
  readonly httpStatus: number | undefined;
  readonly venueMessage: string | undefined;

  constructor(kind: VenueErrorKind, message: string, options: VenueErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.reason = options.reason;
    this.retryAfterMs = options.retryAfterMs;
    this.httpStatus = options.httpStatus;
    this.venueMessage = options.venueMessage;
  }

  static rejected(reason: VenueErrorReason, message: string, options: VenueErrorOptions = {}): VenueError {
    return new VenueError('rejected', message, { ...options, reason });
  }

  static insufficientFunds(message: string, options: VenueErrorOptions = {}): VenueError {
    return new VenueError('insufficient_funds', message, {
      reason: 'insufficient_balance_or_allowance',
      ...options,
    });
  }

  static notFound(reason: VenueErrorReason, message: string, options: VenueErrorOptions = {}): VenueError {
    return new VenueError('not_found', message, { ...options, reason });
  }
}

export function isVenueError(error: unknown): error is VenueError {
  return error instanceof VenueError;
}

/** Whether a blind re-send is safe and useful. unknown_outcome is deliberately not: look up first. */
export function isRetryableKind(kind: VenueErrorKind): boolean {
  return kind === 'retryable' || kind === 'rate_limited';
}

// ---------------------------------------------------------------- Polymarket mapping

/**
 * What the failed request was. A 5xx or a dropped response on a read or a cancel is safe to repeat;
 * on an order placement the order may exist, so it becomes unknown_outcome.
 */
export type VenueOperation = 'read' | 'place' | 'cancel';

interface Rule {
  readonly match: RegExp;
  readonly kind: VenueErrorKind;
  readonly reason: VenueErrorReason;
  /** Overrides `kind` for placements (ambiguous server failures). */
  readonly placeKind?: VenueErrorKind;
}

// Exact strings from §3.6 / §3.5, anchored so a different message never borrows a classification.
// Order matters only where patterns could overlap; the specific ones come first.
const ID = String.raw`\S+`;
const RULES: readonly Rule[] = [
  // 401 / auth
  { match: /^Unauthorized\/Invalid api key$/i, kind: 'auth', reason: 'invalid_api_key' },
  { match: /^Invalid API key$/i, kind: 'auth', reason: 'invalid_api_key' },
  { match: /^Invalid L1 Request headers$/, kind: 'auth', reason: 'invalid_l1_headers' },
  { match: /^Could not create api key$/, kind: 'auth', reason: 'api_key_creation_failed' },
  { match: /^Could not derive api key!$/, kind: 'auth', reason: 'api_key_creation_failed' },
  { match: /^the order owner has to be the owner of the API KEY$/, kind: 'auth', reason: 'owner_mismatch' },
  {
    match: /^the order signer address has to be the address of the API KEY$/,
    kind: 'auth',
    reason: 'signer_mismatch',
  },
  {
    match: /^maker address not allowed, please use the deposit wallet flow$/,
    kind: 'auth',
    reason: 'maker_not_allowed',
  },
  { match: /^'0x[0-9a-fA-F]+' address banned$/, kind: 'auth', reason: 'address_banned' },
  // 429
  { match: /^Too Many Requests$/i, kind: 'rate_limited', reason: 'too_many_requests' },
  // 503: trading paused venue-wide; nothing was accepted, so retry later
  {
    match: /^Trading is currently disabled\. Check polymarket\.com for updates$/,
    kind: 'retryable',
    reason: 'trading_disabled',
  },
  {
    match: /^Trading is currently cancel-only\. New orders are not accepted, but cancels are allowed\.$/,
    kind: 'retryable',
    reason: 'cancel_only',
  },
  {
    match: /^post-only mode: only post-only orders and cancels are allowed$/,
    kind: 'retryable',
    reason: 'post_only_mode',
  },
  // 400 GET book/price/...
  { match: /^Invalid token id$/i, kind: 'rejected', reason: 'invalid_token_id' },
  { match: /^Invalid side$/, kind: 'rejected', reason: 'invalid_side' },
  { match: /^Invalid payload$/, kind: 'rejected', reason: 'invalid_payload' },
  { match: /^Payload exceeds the limit$/, kind: 'rejected', reason: 'payload_too_large' },
  // 404
  {
    match: /^No orderbook exists for the requested token id$/,
    kind: 'not_found',
    reason: 'no_orderbook',
  },
  { match: /^market not found$/, kind: 'not_found', reason: 'market_not_found' },
  // 400 POST order
  { match: /^Invalid order payload$/, kind: 'rejected', reason: 'invalid_payload' },
  { match: /^'0x[0-9a-fA-F]+' address in closed only mode$/, kind: 'rejected', reason: 'closed_only' },
  {
    match: /^Too many orders in payload: \d+, max allowed: \d+$/,
    kind: 'rejected',
    reason: 'too_many_orders',
  },
  // 400 processing
  {
    match: /^invalid post-only order: order crosses book$/,
    kind: 'rejected',
    reason: 'post_only_would_cross',
  },
  {
    match: new RegExp(String.raw`^order ${ID} is invalid\. Price \(.+\) breaks minimum tick size rule: .+$`),
    kind: 'rejected',
    reason: 'invalid_tick',
  },
  {
    match: new RegExp(String.raw`^order ${ID} is invalid\. Size \(.+\) lower than the minimum: .+$`),
    kind: 'rejected',
    reason: 'below_min_size',
  },
  {
    match: new RegExp(String.raw`^order ${ID} is invalid\. Duplicated\.$`),
    kind: 'rejected',
    reason: 'duplicated',
  },
  { match: new RegExp(String.raw`^order ${ID} crosses the book$`), kind: 'rejected', reason: 'crosses_book' },
  // "not enough balance / allowance", with or without the suffixes third parties report
  {
    match: /^not enough balance \/ allowance/,
    kind: 'insufficient_funds',
    reason: 'insufficient_balance_or_allowance',
  },
  { match: /^invalid expiration$/, kind: 'rejected', reason: 'invalid_expiration' },
  {
    match: /^order canceled in the CTF exchange contract$/,
    kind: 'rejected',
    reason: 'canceled_onchain',
  },
  // Accepted but held by the matching delay: it exists, so look it up rather than re-send.
  {
    match: /^order match delayed due to market conditions$/,
    kind: 'unknown_outcome',
    reason: 'delayed',
  },
  {
    match: /^order couldn't be fully filled\. FOK orders are fully filled or killed\.$/,
    kind: 'rejected',
    reason: 'fok_not_filled',
  },
  {
    match:
      /^no orders found to match with FAK order\. FAK orders are partially filled or killed if no match is found\.$/,
    kind: 'rejected',
    reason: 'fak_not_filled',
  },
  {
    match: /^the market is not yet ready to process new orders$/,
    kind: 'retryable',
    reason: 'market_not_ready',
  },
  // 500 processing
  { match: /^there are no matching orders$/, kind: 'rejected', reason: 'no_match' },
  { match: /^FOK orders are filled or killed$/, kind: 'rejected', reason: 'fok_not_filled' },
  { match: /^the trade contains rounding issues$/, kind: 'rejected', reason: 'rounding_issue' },
  {
    match:
      /^the price of the taker's order has a discrepancy greater than allowed with the worst maker order$/,
    kind: 'rejected',
    reason: 'price_discrepancy',
  },
  // The engine may have matched before the insert failed.
  {
    match: /^could not insert order$/,
    kind: 'retryable',
    reason: 'could_not_insert',
    placeKind: 'unknown_outcome',
  },
  // 400 cancel
  { match: /^Invalid orderID$/, kind: 'rejected', reason: 'invalid_order_id' },
  { match: /^Too many orders in payload, max allowed: \d+$/, kind: 'rejected', reason: 'too_many_orders' },
  // 400 balance
  { match: /^Invalid asset type$/, kind: 'rejected', reason: 'invalid_asset_type' },
  { match: /^Invalid signature_type$/, kind: 'rejected', reason: 'invalid_signature_type' },
  // V2 era (third-party observed)
  { match: /^order_version_mismatch$/, kind: 'rejected', reason: 'order_version_mismatch' },
  {
    match: /^invalid price, price must be greater than 0 and less than 1$/,
    kind: 'rejected',
    reason: 'invalid_price',
  },
  {
    match: /^invalid amount for a marketable (?:BUY|SELL) order \(\$?[\d.]+\), min size: \$?[\d.]+$/,
    kind: 'rejected',
    reason: 'below_min_notional',
  },
  {
    match:
      /^invalid amounts, the market (?:buy|sell) orders maker amount supports a max accuracy of \d+ decimals?, taker amount a max of \d+ decimals?$/,
    kind: 'rejected',
    reason: 'invalid_amount_precision',
  },
  // `errorMsg` code names (§3.5), which arrive inside HTTP 200 batch responses.
  { match: /^INVALID_ORDER_MIN_TICK_SIZE$/, kind: 'rejected', reason: 'invalid_tick' },
  { match: /^INVALID_ORDER_MIN_SIZE$/, kind: 'rejected', reason: 'below_min_size' },
  { match: /^INVALID_ORDER_DUPLICATED$/, kind: 'rejected', reason: 'duplicated' },
  {
    match: /^INVALID_ORDER_NOT_ENOUGH_BALANCE$/,
    kind: 'insufficient_funds',
    reason: 'insufficient_balance_or_allowance',
  },
  { match: /^INVALID_ORDER_EXPIRATION$/, kind: 'rejected', reason: 'invalid_expiration' },
  { match: /^INVALID_ORDER_ERROR$/, kind: 'rejected', reason: 'invalid_order' },
  { match: /^INVALID_POST_ONLY_ORDER_TYPE$/, kind: 'rejected', reason: 'invalid_post_only_order_type' },
  { match: /^INVALID_POST_ONLY_ORDER$/, kind: 'rejected', reason: 'post_only_would_cross' },
  { match: /^EXECUTION_ERROR$/, kind: 'retryable', reason: 'execution_error', placeKind: 'unknown_outcome' },
  { match: /^ORDER_DELAYED$/, kind: 'unknown_outcome', reason: 'delayed' },
  { match: /^DELAYING_ORDER_ERROR$/, kind: 'unknown_outcome', reason: 'delayed' },
  { match: /^FOK_ORDER_NOT_FILLED_ERROR$/, kind: 'rejected', reason: 'fok_not_filled' },
  { match: /^MARKET_NOT_READY$/, kind: 'retryable', reason: 'market_not_ready' },
];

export interface PolymarketErrorInput {
  readonly status: number;
  /** Parsed JSON body, raw text, or undefined when there was none. */
  readonly body?: unknown;
  /** The Retry-After header, when present. */
  readonly retryAfterHeader?: string | null;
  readonly operation: VenueOperation;
  /** For HTTP-date Retry-After values; defaults to Date.now(). */
  readonly nowMs?: number;
}

/** The venue's message out of `{"error": ...}`, `{"errorMsg": ...}` or a plain-text body. */
export function extractPolymarketMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (trimmed.startsWith('{')) {
      try {
        return extractPolymarketMessage(JSON.parse(trimmed) as unknown);
      } catch {
        return trimmed;
      }
    }
    return trimmed === '' ? undefined : trimmed;
  }
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['error', 'errorMsg', 'message']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
    }
  }
  return undefined;
}

function bodyField(body: unknown, key: string): unknown {
  if (typeof body === 'string') {
    try {
      return bodyField(JSON.parse(body) as unknown, key);
    } catch {
      return undefined;
    }
  }
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
}

/** Retry-After (delta seconds or HTTP date) or a body `retry_after_seconds`, in ms. */
export function parseRetryAfterMs(
  header: string | null | undefined,
  body: unknown,
  nowMs: number = Date.now(),
): number | undefined {
  if (header !== null && header !== undefined && header.trim() !== '') {
    const value = header.trim();
    if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const seconds = bodyField(body, 'retry_after_seconds');
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0)
    return Math.round(seconds * 1000);
  if (typeof seconds === 'string' && /^\d+(\.\d+)?$/.test(seconds)) return Math.round(Number(seconds) * 1000);
  return undefined;
}

function classifyByStatus(status: number, operation: VenueOperation): [VenueErrorKind, VenueErrorReason] {
  if (status === 401 || status === 403) return ['auth', 'invalid_api_key'];
  if (status === 404) return ['not_found', 'not_found'];
  if (status === 429) return ['rate_limited', 'too_many_requests'];
  if (status === 425) return ['retryable', 'service_not_ready'];
  if (status === 408) return [operation === 'place' ? 'unknown_outcome' : 'retryable', 'timeout'];
  if (status >= 500) return [operation === 'place' ? 'unknown_outcome' : 'retryable', 'server_error'];
  return ['rejected', 'invalid_request'];
}

/** Maps a failed Polymarket HTTP response (any of CLOB / Data / Gamma) to a VenueError. */
export function mapPolymarketHttpError(input: PolymarketErrorInput): VenueError {
  const { status, body, operation } = input;
  const message = extractPolymarketMessage(body);
  const code = bodyField(body, 'code');
  const retryAfterMs = parseRetryAfterMs(input.retryAfterHeader, body, input.nowMs);
  const base = { httpStatus: status, venueMessage: message, retryAfterMs };

  const rule =
    (message !== undefined ? RULES.find((r) => r.match.test(message)) : undefined) ??
    (typeof code === 'string' ? RULES.find((r) => r.match.test(code)) : undefined) ??
    (code === 'post_only_mode' ? RULES.find((r) => r.reason === 'post_only_mode') : undefined);

  let kind: VenueErrorKind;
  let reason: VenueErrorReason;
  if (rule) {
    kind = operation === 'place' && rule.placeKind ? rule.placeKind : rule.kind;
    reason = rule.reason;
  } else if (status === 425 || status === 429 || (status >= 500 && status !== 503)) {
    [kind, reason] = classifyByStatus(status, operation);
  } else if (message !== undefined && /not found/i.test(message)) {
    // The server turns any "not found" message into a 404 (§3); honour the text on any status.
    [kind, reason] = ['not_found', 'not_found'];
  } else if (message !== undefined && /unauthorized/i.test(message)) {
    [kind, reason] = ['auth', 'invalid_api_key'];
  } else if (message !== undefined && /context canceled/i.test(message)) {
    // The server gave up on our request mid-flight; a placement may have gone through.
    [kind, reason] = [operation === 'place' ? 'unknown_outcome' : 'retryable', 'timeout'];
  } else {
    [kind, reason] = classifyByStatus(status, operation);
  }
  // A 429 is a rate limit whatever its text says.
  if (status === 429) kind = 'rate_limited';

  const text = `polymarket ${operation} failed (HTTP ${status}): ${message ?? 'no message'}`;
  return new VenueError(kind, text, { ...base, reason });
}

/** Maps an `errorMsg` from a `success: false` order response (HTTP 200, e.g. in a batch). */
export function mapPolymarketOrderError(errorMsg: string): VenueError {
  const message = errorMsg.trim();
  const rule = RULES.find((r) => r.match.test(message));
  const kind = rule ? (rule.placeKind ?? rule.kind) : 'rejected';
  return new VenueError(kind, `polymarket rejected the order: ${message}`, {
    reason: rule?.reason ?? 'invalid_order',
    venueMessage: message,
  });
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

/**
 * Maps a failure with no HTTP response (connection refused, reset, timeout, abort). If the request
 * provably never left (refused, DNS failure), even a placement is safely retryable; otherwise a
 * placement's outcome is unknown.
 */
export function mapTransportError(error: unknown, operation: VenueOperation): VenueError {
  if (isVenueError(error)) return error;
  const code = transportCode(error);
  const timedOut =
    code === 'ETIMEDOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
  const reason: VenueErrorReason = timedOut ? 'timeout' : 'network';
  const neverSent = code !== undefined && NOT_SENT_CODES.has(code);
  const kind: VenueErrorKind = operation === 'place' && !neverSent ? 'unknown_outcome' : 'retryable';
  const detail = error instanceof Error ? error.message : String(error);
  return new VenueError(kind, `polymarket ${operation} transport failure: ${code ?? detail}`, {
    reason,
    cause: error,
  });
}

function transportCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
