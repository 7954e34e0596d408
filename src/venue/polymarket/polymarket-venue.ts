// The live Venue: Polymarket CLOB V2 (and anything that speaks its wire, such as our simulator).
// Market data from the CLOB (rules, books, midpoints) and Gamma (listings); orders signed with
// EIP-712 V2 and posted with L2 auth; balances from /balance-allowance. Every host is a parameter.
//
// Idempotency without storage (see order-preparation.ts): a request's signed body and order hash
// are a function of the request (salt from clientOrderId, timestamp from signedAtMs), so
// - re-sending after an ambiguous failure sends the same order, which the exchange de-duplicates;
//   a "Duplicated" rejection is turned into the existing order's result;
// - `lookupOrder({clientOrderId})` maps the id to its order hash through the prepared orders this
//   process has seen; an id it has never seen is reported absent (null). That is safe for
//   retry.ts's placeOrderSafely, whose lookups follow its own sends in the same process; a restarted
//   process first calls `prepare(request)` (same request, same signedAtMs) to make the id known.
// The adapter never retries (retry.ts does) and never logs (requests carry credentials).
import { getAddress, type Address } from 'viem';
import { Decimal, ZERO } from '../../domain/money.ts';
import { VenueError, isVenueError, mapPolymarketOrderError } from '../errors.ts';
import { RateLimiter } from '../rate-limits.ts';
import type {
  AssetBalance,
  CancelResult,
  Market,
  MarketListQuery,
  MarketPage,
  MarketStream,
  OrderBook,
  OrderRef,
  OrderResult,
  OrderStatus,
  PlaceOrderRequest,
  Venue,
} from '../venue.ts';
import { ClobClient, type BalanceAssetType } from './clob-client.ts';
import type { WireBalanceAllowance, WireOpenOrder, WireOrderResponse } from './clob-wire.ts';
import { contractSet, type ContractSet } from './contracts.ts';
import { DataApiClient } from './data-api-client.ts';
import { GammaClient } from './gamma-client.ts';
import { PolymarketHttpClient } from './http-client.ts';
import type { ApiCredentials } from './l2-auth.ts';
import { bookFromWire, marketFromClob, marketFromGamma } from './market-mapping.ts';
import { PolymarketMarketStream, type TokenRules } from './market-stream.ts';
import { fillFee, summariseOrderFills, type FillSummary } from './order-fills.ts';
import { needsBook, prepareOrder, requestFingerprint, type PreparedOrder } from './order-preparation.ts';
import { SignatureType, type TypedDataSigner } from './order-struct.ts';
import { TradingRulesCache, type CachedRules } from '../market-cache.ts';

export interface PolymarketHosts {
  /** CLOB REST root. */
  readonly clob: string;
  /** Gamma REST root. */
  readonly gamma: string;
  /** Data API REST root. */
  readonly data: string;
  /** CLOB market channel websocket. */
  readonly wsMarket: string;
  /** RTDS websocket (used by ingest, not by the Venue itself). */
  readonly rtds?: string;
  /** CLOB user channel websocket (not used by the Venue yet). */
  readonly wsUser?: string;
}

export const POLYMARKET_HOSTS: PolymarketHosts = Object.freeze({
  clob: 'https://clob.polymarket.com',
  gamma: 'https://gamma-api.polymarket.com',
  data: 'https://data-api.polymarket.com',
  wsMarket: 'wss://ws-subscriptions-clob.polymarket.com/ws/market',
  wsUser: 'wss://ws-subscriptions-clob.polymarket.com/ws/user',
  rtds: 'wss://ws-live-data.polymarket.com',
});

/** The simulator's `/sim/endpoints` answer → hosts. */
export function hostsFromSimulatorEndpoints(e: {
  clob: string;
  gamma: string;
  data: string;
  ws: { market: string; user?: string; rtds?: string };
}): PolymarketHosts {
  return {
    clob: e.clob,
    gamma: e.gamma,
    data: e.data,
    wsMarket: e.ws.market,
    wsUser: e.ws.user,
    rtds: e.ws.rtds,
  };
}

export interface PolymarketCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string;
}

export interface PolymarketVenueOptions {
  readonly hosts: PolymarketHosts;
  /** 137 (Polygon) or 80002 (Amoy); the simulator uses what it was started with (137 by default). */
  readonly chainId: number;
  /** Exchange/collateral addresses; Polygon's by default. */
  readonly contracts?: Partial<ContractSet>;
  /**
   * Credentials, signer and signature type are needed to trade and to read balances. Without them
   * the venue serves public market data only (the paper venue's source); trading calls then fail
   * with an `auth` VenueError. See PolymarketVenue.marketData.
   */
  readonly credentials?: PolymarketCredentials;
  /** The key that signs orders and L1/L2 requests (viem `privateKeyToAccount(...)` or a remote signer). */
  readonly signer?: TypedDataSigner;
  /** 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271 (deposit wallet). */
  readonly signatureType?: SignatureType;
  /** The wallet holding the funds (proxy / Safe / deposit wallet). Required for types 1–3. */
  readonly funderAddress?: Address;
  /** Shared pacing across every client of the process; one is created when omitted. */
  readonly limiter?: RateLimiter;
  /** Per-request timeouts. A timed-out placement is unknown_outcome (it may have landed). */
  readonly timeouts?: { readonly readMs?: number; readonly placeMs?: number };
  /**
   * How many prepared orders (clientOrderId → order hash) are remembered; the oldest are forgotten
   * first. Default 100 000: far more than any retry window, bounded so a long-running worker does
   * not grow without limit. A forgotten id behaves like one never seen (see lookupOrder).
   */
  readonly maxRememberedOrders?: number;
  /** How long trading rules (tick, minimum size, neg-risk, fees) are cached per token. */
  readonly rulesTtlMs?: number;
  /**
   * A process-wide rules cache shared with other venues (rules are public); rulesTtlMs is then
   * the cache's own. One is created per venue when omitted.
   */
  readonly rulesCache?: TradingRulesCache;
  /**
   * Where the fees of a filled placement come from. 'trades' (default): one `GET /data/trades` per
   * trade of the order, exact per fill. 'schedule': the market's fee curve at the fill's average
   * price, from the rules already cached to sign the order — no request at the ack (the copy engine:
   * that read, paced at 900 per 10 s, bounded a process to ~90 copies/s). Exact when the order filled
   * at one price level; for a sweep of several levels it differs by the curve's curvature (a few
   * pUSD base units); lookupOrder still reports the exact figure from the trades.
   */
  readonly feesAtAck?: 'trades' | 'schedule';
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

const MICRO = new Decimal(1_000_000);
const DEFAULT_RULES_TTL_MS = 60_000;

function isNotFound(error: unknown): boolean {
  return isVenueError(error) && error.kind === 'not_found';
}

function wireStatus(status: string): string {
  return status.toUpperCase().replace(/^ORDER_STATUS_/, '');
}

export class PolymarketVenue implements Venue {
  readonly name = 'polymarket';
  readonly clob: ClobClient;
  readonly gamma: GammaClient;
  readonly data: DataApiClient;
  private readonly hosts: PolymarketHosts;
  private readonly contracts: ContractSet;
  private readonly account:
    { signer: TypedDataSigner; signatureType: SignatureType; maker: Address; apiKey: string } | undefined;
  private readonly placeTimeoutMs: number | undefined;
  private readonly maxRemembered: number;
  private readonly now: () => number;
  private readonly rulesCache: TradingRulesCache;
  private readonly feesAtAck: 'trades' | 'schedule';
  /** Prepared orders by clientOrderId, and clientOrderId by order hash, for the process lifetime. */
  private readonly prepared = new Map<string, PreparedOrder>();
  private readonly byHash = new Map<string, string>();

  constructor(options: PolymarketVenueOptions) {
    this.hosts = options.hosts;
    this.contracts = contractSet({ ...options.contracts, chainId: options.chainId });
    if (options.signer && options.credentials) {
      const signatureType = options.signatureType ?? SignatureType.EOA;
      if (signatureType !== SignatureType.EOA && options.funderAddress === undefined) {
        throw new RangeError('signature types 1–3 trade from a funder wallet: funderAddress is required');
      }
      this.account = {
        signer: options.signer,
        signatureType,
        maker: getAddress(options.funderAddress ?? options.signer.address),
        apiKey: options.credentials.apiKey,
      };
    } else if (options.signer || options.credentials) {
      throw new RangeError('trading needs both a signer and API credentials');
    }
    this.now = options.now ?? Date.now;
    this.placeTimeoutMs = options.timeouts?.placeMs;
    this.rulesCache = options.rulesCache ?? new TradingRulesCache(options.rulesTtlMs ?? DEFAULT_RULES_TTL_MS);
    this.maxRemembered = Math.max(1, options.maxRememberedOrders ?? 100_000);
    this.feesAtAck = options.feesAtAck ?? 'trades';
    const limiter = options.limiter ?? new RateLimiter();
    const http = (baseUrl: string, service: string) =>
      new PolymarketHttpClient({
        baseUrl,
        service,
        limiter,
        timeoutMs: options.timeouts?.readMs,
        fetch: options.fetch,
      });
    const credentials: ApiCredentials | undefined = options.credentials && {
      key: options.credentials.apiKey,
      secret: options.credentials.secret,
      passphrase: options.credentials.passphrase,
    };
    this.clob = new ClobClient({
      http: http(options.hosts.clob, 'clob'),
      chainId: options.chainId,
      ...(options.signer ? { signer: options.signer } : {}),
      ...(credentials ? { credentials } : {}),
      now: this.now,
    });
    this.gamma = new GammaClient(http(options.hosts.gamma, 'gamma'));
    this.data = new DataApiClient(http(options.hosts.data, 'data-api'));
  }

  /** A venue for public market data only (books, markets, midpoints, streams): no keys at all. */
  static marketData(
    options: Omit<PolymarketVenueOptions, 'credentials' | 'signer' | 'signatureType' | 'funderAddress'>,
  ) {
    return new PolymarketVenue(options);
  }

  private trading() {
    if (!this.account) {
      throw new VenueError(
        'auth',
        'this Polymarket venue serves market data only: it has no trading credentials',
        {
          reason: 'invalid_api_key',
        },
      );
    }
    return this.account;
  }

  /**
   * Creates (or derives, when it exists) the API key of `signer` for `nonce` with L1 auth. The same
   * (signer, nonce) always gives the same credentials, so they need not be stored to be recovered.
   */
  static async createOrDeriveCredentials(args: {
    clobHost: string;
    chainId: number;
    signer: TypedDataSigner;
    nonce?: bigint;
    fetch?: typeof fetch;
  }): Promise<PolymarketCredentials> {
    const client = new ClobClient({
      http: new PolymarketHttpClient({ baseUrl: args.clobHost, service: 'clob', fetch: args.fetch }),
      chainId: args.chainId,
      signer: args.signer,
    });
    const c = await client.createOrDeriveApiKey(args.nonce ?? 0n);
    return { apiKey: c.key, secret: c.secret, passphrase: c.passphrase };
  }

  // ------------------------------------------------------------ market data

  /**
   * Trading rules of a token, cached for rulesTtlMs. Ticks change live near 0/1 (§3.3); an order
   * rejected for its tick drops the entry so the next attempt refetches.
   */
  private async tokenRules(tokenId: string): Promise<CachedRules | null> {
    const hit = this.rulesCache.fresh(tokenId, this.now());
    if (hit) return hit;
    let conditionId: string;
    try {
      conditionId = await this.clob.getMarketIdByToken(tokenId);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    const market = await this.getMarket(conditionId);
    if (!market) return null;
    return this.rulesCache.get(tokenId) ?? null;
  }

  private remember(market: Market): void {
    const at = this.now();
    for (const t of market.tokens) {
      this.rulesCache.set(t.tokenId, {
        rules: {
          tokenId: t.tokenId,
          conditionId: market.conditionId,
          tickSize: market.tickSize,
          minOrderSize: market.minOrderSize,
          negRisk: market.negRisk,
          acceptingOrders: market.acceptingOrders && !market.closed,
        },
        fees: { rate: market.fees.rate, exponent: market.fees.exponent, takerOnly: market.fees.takerOnly },
        at,
      });
    }
  }

  async listMarkets(query: MarketListQuery = {}): Promise<MarketPage> {
    // Gamma is the listing API with every field a Market needs in one row (the CLOB listing lacks
    // the V2 fee curve). The cursor is "<phase>:<offset>": open markets first, then (includeClosed)
    // closed ones, since Gamma's `closed` filter selects one or the other.
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
    const [phase, offsetText] = (query.cursor ?? 'open:0').split(':');
    const offset = Number(offsetText);
    if ((phase !== 'open' && phase !== 'closed') || !Number.isSafeInteger(offset) || offset < 0) {
      throw VenueError.rejected('invalid_request', `invalid market cursor ${query.cursor}`);
    }
    const rows = await this.gamma.getMarkets({ limit, offset, closed: phase === 'closed' });
    const markets = rows.flatMap((row) => {
      const m = marketFromGamma(row);
      return m ? [m] : [];
    });
    for (const m of markets) this.remember(m);
    let nextCursor: string | null = null;
    if (rows.length >= limit) nextCursor = `${phase}:${offset + rows.length}`;
    else if (phase === 'open' && query.includeClosed) nextCursor = 'closed:0';
    return { markets, nextCursor };
  }

  async getMarket(conditionId: string): Promise<Market | null> {
    let info;
    try {
      info = await this.clob.getClobMarketInfo(conditionId);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    // The full object adds question, dates and resolution; the rules above are enough to trade.
    const full = await this.clob.getMarket(conditionId).catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
    const market = marketFromClob(info, full);
    this.remember(market);
    return market;
  }

  async getMarketByToken(tokenId: string): Promise<Market | null> {
    let conditionId: string;
    try {
      conditionId = await this.clob.getMarketIdByToken(tokenId);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    return this.getMarket(conditionId);
  }

  private bookDefaults(tokenId: string) {
    return this.rulesCache.get(tokenId)?.rules;
  }

  async getOrderBook(tokenId: string): Promise<OrderBook> {
    const wire = await this.clob.getOrderBook(tokenId);
    return bookFromWire(wire, this.bookDefaults(tokenId), this.now());
  }

  async getOrderBooks(tokenIds: readonly string[]): Promise<ReadonlyMap<string, OrderBook>> {
    const out = new Map<string, OrderBook>();
    if (tokenIds.length === 0) return out;
    for (const wire of await this.clob.getOrderBooks(tokenIds)) {
      out.set(wire.asset_id, bookFromWire(wire, this.bookDefaults(wire.asset_id), this.now()));
    }
    return out;
  }

  async getMidpoint(tokenId: string): Promise<Decimal | null> {
    try {
      return await this.clob.getMidpoint(tokenId);
    } catch (error) {
      // A token that exists but has an empty side has no midpoint; an unknown one stays not_found.
      if (isNotFound(error) && (await this.tokenRules(tokenId)) !== null) return null;
      throw error;
    }
  }

  async getMidpoints(tokenIds: readonly string[]): Promise<ReadonlyMap<string, Decimal>> {
    const out = new Map<string, Decimal>();
    if (tokenIds.length === 0) return out;
    const wire = await this.clob.getMidpoints(tokenIds);
    for (const [tokenId, mid] of Object.entries(wire)) if (mid !== null) out.set(tokenId, mid);
    return out;
  }

  streamMarket(tokenIds: readonly string[]): MarketStream {
    const rules = new Map<string, TokenRules>();
    for (const t of tokenIds) {
      const r = this.rulesCache.get(t)?.rules;
      if (r) rules.set(t, r);
    }
    return new PolymarketMarketStream({ url: this.hosts.wsMarket, tokenIds, rules });
  }

  // ------------------------------------------------------------ orders

  /**
   * Computes (and remembers) the signed order for a request without sending it: its order id is
   * then known, and `lookupOrder({clientOrderId})` works for it. A restarted process calls this with
   * the persisted request (same signedAtMs) before looking an order up after an ambiguous failure.
   */
  async prepare(request: PlaceOrderRequest): Promise<PreparedOrder> {
    const existing = this.prepared.get(request.clientOrderId);
    if (existing) {
      if (existing.fingerprint !== requestFingerprint(request)) {
        throw VenueError.rejected(
          'client_order_id_conflict',
          `clientOrderId ${request.clientOrderId} was already used for a different order`,
        );
      }
      return existing;
    }
    const cached = await this.tokenRules(request.tokenId);
    if (!cached) throw VenueError.notFound('market_not_found', `unknown token ${request.tokenId}`);
    const book = needsBook(request) ? await this.getOrderBook(request.tokenId) : undefined;
    const prepared = await prepareOrder({
      request,
      rules: cached.rules,
      signing: {
        ...this.trading(),
        contracts: this.contracts,
      },
      nowMs: this.now(),
      book,
    });
    // A concurrent prepare of the same id may have won; keep the first so both send one body.
    if (this.prepared.has(request.clientOrderId)) return this.prepare(request);
    this.prepared.set(request.clientOrderId, prepared);
    this.byHash.set(prepared.orderHash.toLowerCase(), request.clientOrderId);
    // Maps iterate in insertion order: the first key is the oldest.
    while (this.prepared.size > this.maxRemembered) {
      const [oldestId, oldest] = this.prepared.entries().next().value as [string, PreparedOrder];
      this.prepared.delete(oldestId);
      this.byHash.delete(oldest.orderHash.toLowerCase());
    }
    return prepared;
  }

  async placeOrder(request: PlaceOrderRequest): Promise<OrderResult> {
    const prepared = await this.prepare(request);
    let failure: unknown;
    try {
      const response = await this.clob.postOrder(prepared.body, this.placeTimeoutMs);
      if (response.success !== false && (response.errorMsg === '' || response.orderID !== '')) {
        return await this.resultFromResponse(prepared, response);
      }
      failure = mapPolymarketOrderError(response.errorMsg || 'INVALID_ORDER_ERROR');
    } catch (error) {
      failure = error;
    }
    const outcome = await this.onPlaceFailure(prepared, failure);
    if ('result' in outcome) return outcome.result;
    throw outcome.error;
  }

  /**
   * A "Duplicated" rejection means this very order (same hash) already exists: the caller gets that
   * order, not an error. A tick rejection means our cached tick is stale (ticks change live near 0
   * and 1): forget it so the next attempt refetches.
   */
  private async onPlaceFailure(
    prepared: PreparedOrder,
    error: unknown,
  ): Promise<{ result: OrderResult } | { error: unknown }> {
    if (!isVenueError(error)) return { error };
    if (error.reason === 'invalid_tick') {
      // The order was refused, so it does not exist: forgetting it lets the next attempt re-quantise
      // on the fresh tick instead of re-sending the same refused bytes.
      this.rulesCache.delete(prepared.tokenId);
      if (this.prepared.get(prepared.clientOrderId) === prepared) {
        this.prepared.delete(prepared.clientOrderId);
        this.byHash.delete(prepared.orderHash.toLowerCase());
      }
    }
    if (error.kind === 'rejected' && error.reason === 'duplicated') {
      const existing = await this.lookupPrepared(prepared).catch(() => null);
      if (existing) return { result: existing };
    }
    return { error };
  }

  private async resultFromResponse(prepared: PreparedOrder, r: WireOrderResponse): Promise<OrderResult> {
    const q = prepared.quantised;
    const status = this.placeStatus(r);
    const making = r.makingAmount ?? ZERO;
    const taking = r.takingAmount ?? ZERO;
    const filledSize = prepared.side === 'BUY' ? taking : making;
    const notional = prepared.side === 'BUY' ? making : taking;
    const tradeIds = r.tradeIDs ?? [];
    let fees = ZERO;
    let hashes = r.transactionsHashes ?? [];
    const scheduleTerms =
      this.feesAtAck === 'schedule' ? this.rulesCache.get(prepared.tokenId)?.fees : undefined;
    if (scheduleTerms && filledSize.gt(0)) {
      if (scheduleTerms.rate.gt(0))
        fees = fillFee(
          filledSize,
          notional.div(filledSize),
          scheduleTerms.rate.times(10_000),
          scheduleTerms.exponent,
        );
    } else if (tradeIds.length > 0 && filledSize.gt(0)) {
      const fills = await this.fillsFor(prepared.orderHash, tradeIds, prepared.tokenId).catch(() => null);
      if (fills) {
        fees = fills.fees;
        if (hashes.length === 0) hashes = [...fills.transactionHashes];
      } else {
        // The trades could not be read just now: estimate at the average price with the market's
        // fee curve (exact for a single-level fill); a later lookupOrder reports the exact figure.
        const terms = this.rulesCache.get(prepared.tokenId)?.fees;
        if (terms && terms.rate.gt(0)) {
          fees = fillFee(filledSize, notional.div(filledSize), terms.rate.times(10_000), terms.exponent);
        }
      }
    }
    const resting = status === 'live' && q.size !== null ? Decimal.max(ZERO, q.size.minus(filledSize)) : ZERO;
    return {
      clientOrderId: prepared.clientOrderId,
      venueOrderId: r.orderID || prepared.orderHash,
      tokenId: prepared.tokenId,
      side: prepared.side,
      orderType: prepared.orderType,
      status,
      price: q.price,
      requestedSize: q.size,
      requestedAmount: q.amount,
      filledSize,
      averagePrice: filledSize.gt(0) ? notional.div(filledSize) : null,
      notional,
      fees,
      restingSize: resting,
      tradeIds,
      transactionHashes: hashes,
      createdAtMs: prepared.signedAtMs,
      cancelReason: null,
    };
  }

  private placeStatus(r: WireOrderResponse): OrderStatus {
    const s = r.status.toLowerCase();
    if (s === 'live' || s === 'matched' || s === 'delayed' || s === 'unmatched') return s;
    return (r.tradeIDs?.length ?? 0) > 0 ? 'matched' : 'live';
  }

  private async fillsFor(
    orderId: string,
    tradeIds: readonly string[],
    tokenId: string,
  ): Promise<FillSummary> {
    const trades = (await Promise.all(tradeIds.map((id) => this.clob.getTrades({ id })))).flat();
    const terms = this.rulesCache.get(tokenId)?.fees ?? (await this.tokenRules(tokenId))?.fees;
    return summariseOrderFills(orderId, trades, terms ?? { exponent: 1, takerOnly: true });
  }

  async lookupOrder(ref: OrderRef): Promise<OrderResult | null> {
    if ('clientOrderId' in ref) {
      const prepared = this.prepared.get(ref.clientOrderId);
      // Never prepared here: no order can exist under this id unless another process sent it, and
      // then a re-send of the same request is the same order (see the file comment).
      if (!prepared) return null;
      return this.lookupPrepared(prepared);
    }
    const clientOrderId = this.byHash.get(ref.venueOrderId.toLowerCase());
    const prepared = clientOrderId === undefined ? undefined : this.prepared.get(clientOrderId);
    if (prepared) return this.lookupPrepared(prepared);
    const wire = await this.getOpenOrder(ref.venueOrderId);
    return wire ? this.resultFromOpenOrder(wire, null) : null;
  }

  private async getOpenOrder(orderId: string): Promise<WireOpenOrder | null> {
    try {
      return await this.clob.getOrder(orderId);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  private async lookupPrepared(prepared: PreparedOrder): Promise<OrderResult | null> {
    const wire = await this.getOpenOrder(prepared.orderHash);
    return wire ? this.resultFromOpenOrder(wire, prepared) : null;
  }

  private async resultFromOpenOrder(o: WireOpenOrder, prepared: PreparedOrder | null): Promise<OrderResult> {
    const tradeIds = o.associate_trades ?? [];
    const fills = tradeIds.length > 0 ? await this.fillsFor(o.id, tradeIds, o.asset_id) : null;
    const filledSize = fills && fills.filledSize.gt(0) ? fills.filledSize : o.size_matched;
    const notional = fills?.notional ?? ZERO;
    const orderType = (['GTC', 'GTD', 'FOK', 'FAK'] as const).find((t) => t === o.order_type.toUpperCase());
    const raw = wireStatus(o.status);
    let status: OrderStatus;
    let cancelReason: string | null = null;
    if (raw === 'LIVE') status = 'live';
    else if (raw === 'MATCHED') status = 'matched';
    else if (raw === 'DELAYED') status = 'delayed';
    else if (raw === 'UNMATCHED') status = 'unmatched';
    else {
      // CANCELED, CANCELED_MARKET_RESOLVED, INVALID. A marketable order that traded and had its rest
      // killed finished trading: that is `matched` in the Venue's vocabulary.
      const marketable = orderType === 'FOK' || orderType === 'FAK';
      if (marketable && filledSize.gt(0)) status = 'matched';
      else {
        status = 'canceled';
        cancelReason =
          o.cancel_reason || (raw === 'CANCELED_MARKET_RESOLVED' ? 'market_resolved' : raw.toLowerCase());
      }
    }
    const resting = status === 'live' ? Decimal.max(ZERO, o.original_size.minus(o.size_matched)) : ZERO;
    return {
      clientOrderId: prepared?.clientOrderId ?? '',
      venueOrderId: o.id,
      tokenId: o.asset_id,
      side: o.side,
      orderType: orderType ?? prepared?.orderType ?? 'GTC',
      status,
      price: prepared?.quantised.price ?? o.price,
      requestedSize: prepared ? prepared.quantised.size : o.original_size,
      requestedAmount: prepared?.quantised.amount ?? null,
      filledSize,
      averagePrice: filledSize.gt(0) && notional.gt(0) ? notional.div(filledSize) : null,
      notional,
      fees: fills?.fees ?? ZERO,
      restingSize: resting,
      tradeIds: fills?.tradeIds.length ? fills.tradeIds : tradeIds,
      transactionHashes: fills?.transactionHashes ?? [],
      createdAtMs: prepared?.signedAtMs ?? (o.created_at ?? 0) * 1000,
      cancelReason,
    };
  }

  async cancelOrder(ref: OrderRef): Promise<CancelResult> {
    let orderId: string;
    if ('clientOrderId' in ref) {
      const prepared = this.prepared.get(ref.clientOrderId);
      if (!prepared) throw VenueError.notFound('order_not_found', `no order known for ${ref.clientOrderId}`);
      orderId = prepared.orderHash;
    } else {
      orderId = ref.venueOrderId;
    }
    const res = await this.clob.cancelOrder(orderId);
    const canceled = (res.canceled ?? []).some((id) => id.toLowerCase() === orderId.toLowerCase());
    if (canceled) return { venueOrderId: orderId, canceled: true, reason: null };
    const entry = Object.entries(res.not_canceled ?? {}).find(
      ([id]) => id.toLowerCase() === orderId.toLowerCase(),
    );
    const reason = entry?.[1] ?? 'not canceled';
    if (/not found/i.test(reason))
      throw VenueError.notFound('order_not_found', `order ${orderId}: ${reason}`);
    return { venueOrderId: orderId, canceled: false, reason };
  }

  // ------------------------------------------------------------ balances

  private allowanceOf(wire: WireBalanceAllowance): Decimal | null {
    if (wire.allowances) {
      const spenders = [this.contracts.exchangeV2, this.contracts.negRiskExchangeV2].map((a) =>
        a.toLowerCase(),
      );
      const byLower = new Map(Object.entries(wire.allowances).map(([k, v]) => [k.toLowerCase(), v]));
      // A spender the server does not list has no approval.
      const values = spenders.map((s) => byLower.get(s) ?? ZERO);
      return Decimal.min(...values).div(MICRO);
    }
    return wire.allowance === null ? null : wire.allowance.div(MICRO);
  }

  private async balance(assetType: BalanceAssetType, tokenId?: string): Promise<AssetBalance> {
    const wire = await this.clob.getBalanceAllowance({
      assetType,
      tokenId,
      signatureType: this.trading().signatureType,
    });
    return {
      asset: tokenId ?? 'collateral',
      balance: wire.balance.div(MICRO),
      allowance: this.allowanceOf(wire),
    };
  }

  getCollateralBalance(): Promise<AssetBalance> {
    return this.balance('COLLATERAL');
  }

  getTokenBalance(tokenId: string): Promise<AssetBalance> {
    return this.balance('CONDITIONAL', tokenId);
  }

  /** The funder address orders are placed for (the Data API's `proxyWallet` of this account). */
  get funderAddress(): Address {
    return this.trading().maker;
  }
}
