// The CLOB REST client (docs/polymarket-api.md §3, §4): public market data, L1 key management and
// L2-authenticated trading/account calls, returning parsed wire values. It knows paths, auth and
// shapes; what an order *means* (quantisation, idempotency, OrderResult) is polymarket-venue.ts.
// Paths are the `/data/...` forms both official clients use (§3.2).
import type { Address } from 'viem';
import type { Decimal } from '../../domain/money.ts';
import { VenueError, isVenueError, type VenueOperation } from '../errors.ts';
import type { RateLimitFamilyId } from '../rate-limits.ts';
import {
  END_CURSOR,
  FIRST_CURSOR,
  apiKeySchema,
  balanceAllowanceSchema,
  bookSchema,
  booksSchema,
  cancelResponseSchema,
  clobMarketInfoSchema,
  clobMarketSchema,
  clobTradeSchema,
  feeRateSchema,
  ignoredSchema,
  lastTradePriceSchema,
  marketByTokenSchema,
  midpointSchema,
  midpointsSchema,
  negRiskSchema,
  openOrderSchema,
  orderResponseSchema,
  pageSchema,
  priceSchema,
  pricesSchema,
  serverTimeSchema,
  spreadSchema,
  spreadsSchema,
  tickSizeSchema,
  type WireBalanceAllowance,
  type WireBook,
  type WireCancelResponse,
  type WireClobMarket,
  type WireClobMarketInfo,
  type WireClobTrade,
  type WireOpenOrder,
  type WireOrderResponse,
} from './clob-wire.ts';
import type { PolymarketHttpClient, QueryValue } from './http-client.ts';
import { buildL1Headers } from './l1-auth.ts';
import { buildL2Headers, type ApiCredentials, type HttpMethod } from './l2-auth.ts';
import type { TypedDataSigner } from './order-struct.ts';
import type { z } from 'zod';

export interface ClobClientOptions {
  readonly http: PolymarketHttpClient;
  readonly chainId: number;
  /** Signs L1 requests; its address is POLY_ADDRESS on L2 requests (the key is bound to it). */
  readonly signer?: TypedDataSigner;
  readonly credentials?: ApiCredentials;
  /** Clock for auth timestamps (ms); inject the server's clock if local time drifts. */
  readonly now?: () => number;
}

export type BalanceAssetType = 'COLLATERAL' | 'CONDITIONAL' | 'CONDITIONAL-V2';

export interface BalanceAllowanceParams {
  readonly assetType: BalanceAssetType;
  readonly tokenId?: string;
  /** The signature type the account trades with (0–3); the server scopes balances by funder. */
  readonly signatureType?: number;
}

export interface OpenOrdersParams {
  readonly id?: string;
  readonly market?: string;
  readonly assetId?: string;
}

export interface TradesParams {
  readonly id?: string;
  readonly makerAddress?: string;
  readonly market?: string;
  readonly assetId?: string;
  /** Unix seconds. */
  readonly before?: number;
  readonly after?: number;
}

/** Stop following cursors after this many pages: a server that never ends must not hang us. */
const MAX_PAGES = 200;

export class ClobClient {
  private readonly http: PolymarketHttpClient;
  private readonly chainId: number;
  private readonly signer: TypedDataSigner | undefined;
  private credentials: ApiCredentials | undefined;
  private readonly now: () => number;

  constructor(options: ClobClientOptions) {
    this.http = options.http;
    this.chainId = options.chainId;
    this.signer = options.signer;
    this.credentials = options.credentials;
    this.now = options.now ?? Date.now;
  }

  /** Installs credentials obtained later (e.g. from createOrDeriveApiKey). */
  setCredentials(credentials: ApiCredentials): void {
    this.credentials = credentials;
  }

  get hasCredentials(): boolean {
    return this.credentials !== undefined;
  }

  // ------------------------------------------------------------ plumbing

  private get<T>(
    path: string,
    schema: z.ZodType<T>,
    family: RateLimitFamilyId,
    query?: Record<string, QueryValue>,
  ): Promise<T> {
    return this.http.request({ method: 'GET', path, query, schema, family, operation: 'read' });
  }

  private post<T>(path: string, body: unknown, schema: z.ZodType<T>, family: RateLimitFamilyId): Promise<T> {
    return this.http.request({
      method: 'POST',
      path,
      body: JSON.stringify(body),
      schema,
      family,
      operation: 'read',
    });
  }

  private authed<T>(args: {
    method: HttpMethod & ('GET' | 'POST' | 'DELETE');
    path: string;
    body?: string;
    query?: Record<string, QueryValue>;
    schema: z.ZodType<T>;
    family: RateLimitFamilyId;
    operation: VenueOperation;
    timeoutMs?: number;
  }): Promise<T> {
    const { signer, credentials } = this;
    if (!signer || !credentials) {
      return Promise.reject(
        new VenueError('auth', 'this CLOB client has no API credentials', { reason: 'invalid_api_key' }),
      );
    }
    // Signed over the path without its query string and the exact body bytes (§4.2).
    const headers = buildL2Headers({
      address: signer.address,
      credentials,
      method: args.method,
      requestPath: args.path,
      body: args.body,
      now: this.now,
    });
    return this.http.request({ ...args, headers });
  }

  private async paged<T>(
    path: string,
    item: z.ZodType<T>,
    family: RateLimitFamilyId,
    query: Record<string, QueryValue>,
  ): Promise<T[]> {
    const schema = pageSchema(item);
    const out: T[] = [];
    let cursor = FIRST_CURSOR;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.authed({
        method: 'GET',
        path,
        query: { ...query, next_cursor: cursor },
        schema,
        family,
        operation: 'read',
      });
      out.push(...(res.data as T[]));
      const next = res.next_cursor ?? END_CURSOR;
      if (next === END_CURSOR || next === '' || next === cursor || res.data.length === 0) return out;
      cursor = next;
    }
    return out;
  }

  // ------------------------------------------------------------ public

  getServerTime(): Promise<number> {
    return this.get('/time', serverTimeSchema, 'clob.general');
  }

  getOrderBook(tokenId: string): Promise<WireBook> {
    return this.get('/book', bookSchema, 'clob.book', { token_id: tokenId });
  }

  getOrderBooks(tokenIds: readonly string[]): Promise<WireBook[]> {
    return this.post(
      '/books',
      tokenIds.map((token_id) => ({ token_id })),
      booksSchema,
      'clob.books',
    );
  }

  getMidpoint(tokenId: string): Promise<Decimal | null> {
    return this.get('/midpoint', midpointSchema, 'clob.midpoint', { token_id: tokenId });
  }

  getMidpoints(tokenIds: readonly string[]): Promise<Record<string, Decimal | null>> {
    return this.post(
      '/midpoints',
      tokenIds.map((token_id) => ({ token_id })),
      midpointsSchema,
      'clob.midpoints',
    );
  }

  /** BUY → best bid, SELL → best ask (§3.1). */
  getPrice(tokenId: string, side: 'BUY' | 'SELL'): Promise<Decimal | null> {
    return this.get('/price', priceSchema, 'clob.price', { token_id: tokenId, side });
  }

  getPrices(
    params: readonly { tokenId: string; side: 'BUY' | 'SELL' }[],
  ): Promise<Record<string, { BUY: Decimal | null; SELL: Decimal | null }>> {
    return this.post(
      '/prices',
      params.map((p) => ({ token_id: p.tokenId, side: p.side })),
      pricesSchema,
      'clob.prices',
    );
  }

  getSpread(tokenId: string): Promise<Decimal | null> {
    return this.get('/spread', spreadSchema, 'clob.general', { token_id: tokenId });
  }

  getSpreads(tokenIds: readonly string[]): Promise<Record<string, Decimal | null>> {
    return this.post(
      '/spreads',
      tokenIds.map((token_id) => ({ token_id })),
      spreadsSchema,
      'clob.general',
    );
  }

  getTickSize(tokenId: string): Promise<Decimal> {
    return this.get('/tick-size', tickSizeSchema, 'clob.tick_size', { token_id: tokenId });
  }

  getNegRisk(tokenId: string): Promise<boolean> {
    return this.get('/neg-risk', negRiskSchema, 'clob.general', { token_id: tokenId });
  }

  /** The V1 fee source (`base_fee`, bps); V2 fees come from getClobMarketInfo's `fd`. */
  getFeeRate(tokenId: string): Promise<Decimal> {
    return this.get('/fee-rate', feeRateSchema, 'clob.general', { token_id: tokenId });
  }

  getLastTradePrice(tokenId: string): Promise<z.infer<typeof lastTradePriceSchema>> {
    return this.get('/last-trade-price', lastTradePriceSchema, 'clob.general', { token_id: tokenId });
  }

  /** The condition id a token belongs to. Unknown token → VenueError not_found. */
  getMarketIdByToken(tokenId: string): Promise<string> {
    return this.get(`/markets-by-token/${encodeURIComponent(tokenId)}`, marketByTokenSchema, 'clob.general');
  }

  getClobMarketInfo(conditionId: string): Promise<WireClobMarketInfo> {
    return this.get(`/clob-markets/${encodeURIComponent(conditionId)}`, clobMarketInfoSchema, 'clob.general');
  }

  getMarket(conditionId: string): Promise<WireClobMarket> {
    return this.get(`/markets/${encodeURIComponent(conditionId)}`, clobMarketSchema, 'clob.general');
  }

  getMarkets(cursor: string = FIRST_CURSOR) {
    return this.get('/markets', pageSchema(clobMarketSchema), 'clob.general', { next_cursor: cursor });
  }

  // ------------------------------------------------------------ L1: API keys

  private async l1(method: 'GET' | 'POST', path: string, nonce: bigint): Promise<ApiCredentials> {
    if (!this.signer)
      throw new VenueError('auth', 'L1 auth needs a signer', { reason: 'invalid_l1_headers' });
    const headers = await buildL1Headers({
      signer: this.signer,
      chainId: this.chainId,
      nonce,
      now: this.now,
    });
    const res = await this.http.request({
      method,
      path,
      headers,
      schema: apiKeySchema,
      family: 'clob.api_keys',
      operation: 'read',
    });
    return { key: res.apiKey, secret: res.secret, passphrase: res.passphrase };
  }

  createApiKey(nonce = 0n): Promise<ApiCredentials> {
    return this.l1('POST', '/auth/api-key', nonce);
  }

  deriveApiKey(nonce = 0n): Promise<ApiCredentials> {
    return this.l1('GET', '/auth/derive-api-key', nonce);
  }

  /**
   * Creates the key for `nonce`, or derives it when it already exists (the official client's
   * createOrDeriveApiKey, §4.1). Transient failures are not papered over: they propagate so the
   * retry layer decides.
   */
  async createOrDeriveApiKey(nonce = 0n): Promise<ApiCredentials> {
    try {
      return await this.createApiKey(nonce);
    } catch (error) {
      if (!isVenueError(error) || error.kind === 'retryable' || error.kind === 'rate_limited') throw error;
      return this.deriveApiKey(nonce);
    }
  }

  // ------------------------------------------------------------ L2: orders

  /** Posts one order; `body` is the exact serialised body (serializePostOrderBodyV2). */
  postOrder(body: string, timeoutMs?: number): Promise<WireOrderResponse> {
    return this.authed({
      method: 'POST',
      path: '/order',
      body,
      schema: orderResponseSchema,
      family: 'clob.post_order',
      operation: 'place',
      timeoutMs,
    });
  }

  /** Up to 15 orders; per-order failures come back inside the 200 response (§3.2). */
  postOrders(bodies: readonly string[]): Promise<WireOrderResponse[]> {
    if (bodies.length === 0) return Promise.resolve([]);
    if (bodies.length > 15) {
      return Promise.reject(
        VenueError.rejected(
          'too_many_orders',
          `Too many orders in payload: ${bodies.length}, max allowed: 15`,
        ),
      );
    }
    return this.authed({
      method: 'POST',
      path: '/orders',
      // The same bytes JSON.stringify of the array would give, from bodies already serialised.
      body: `[${bodies.join(',')}]`,
      schema: orderResponseSchema.array(),
      family: 'clob.post_orders',
      operation: 'place',
    });
  }

  /** An order by its hash. Unknown → VenueError not_found. */
  getOrder(orderId: string): Promise<WireOpenOrder> {
    return this.authed({
      method: 'GET',
      path: `/data/order/${encodeURIComponent(orderId)}`,
      schema: openOrderSchema,
      family: 'clob.data_orders',
      operation: 'read',
    });
  }

  getOpenOrders(params: OpenOrdersParams = {}): Promise<WireOpenOrder[]> {
    return this.paged('/data/orders', openOrderSchema, 'clob.data_orders', {
      id: params.id,
      market: params.market,
      asset_id: params.assetId,
    });
  }

  getTrades(params: TradesParams = {}): Promise<WireClobTrade[]> {
    return this.paged('/data/trades', clobTradeSchema, 'clob.data_trades', {
      id: params.id,
      maker_address: params.makerAddress,
      market: params.market,
      asset_id: params.assetId,
      before: params.before,
      after: params.after,
    });
  }

  cancelOrder(orderId: string): Promise<WireCancelResponse> {
    return this.authed({
      method: 'DELETE',
      path: '/order',
      body: JSON.stringify({ orderID: orderId }),
      schema: cancelResponseSchema,
      family: 'clob.cancel_order',
      operation: 'cancel',
    });
  }

  cancelOrders(orderIds: readonly string[]): Promise<WireCancelResponse> {
    return this.authed({
      method: 'DELETE',
      path: '/orders',
      body: JSON.stringify(orderIds),
      schema: cancelResponseSchema,
      family: 'clob.cancel_orders',
      operation: 'cancel',
    });
  }

  cancelAll(): Promise<WireCancelResponse> {
    return this.authed({
      method: 'DELETE',
      path: '/cancel-all',
      schema: cancelResponseSchema,
      family: 'clob.cancel_all',
      operation: 'cancel',
    });
  }

  // ------------------------------------------------------------ L2: account

  private balanceQuery(params: BalanceAllowanceParams): Record<string, QueryValue> {
    return {
      asset_type: params.assetType,
      token_id: params.tokenId,
      signature_type: params.signatureType,
    };
  }

  /** Balance and allowances in 6-decimal base units, as the server sends them. */
  getBalanceAllowance(params: BalanceAllowanceParams): Promise<WireBalanceAllowance> {
    return this.authed({
      method: 'GET',
      path: '/balance-allowance',
      query: this.balanceQuery(params),
      schema: balanceAllowanceSchema,
      family: 'clob.balance_allowance',
      operation: 'read',
    });
  }

  /** Asks the server to refresh its cached balance/allowance (after approvals or deposits). */
  async updateBalanceAllowance(params: BalanceAllowanceParams): Promise<void> {
    await this.authed({
      method: 'GET',
      path: '/balance-allowance/update',
      query: this.balanceQuery(params),
      schema: ignoredSchema,
      family: 'clob.balance_allowance_update',
      operation: 'read',
    });
  }

  /** The signer address L2 requests claim (for callers building order bodies). */
  get signerAddress(): Address | undefined {
    return this.signer?.address;
  }
}
