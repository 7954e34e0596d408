// The simulator's matching engine: price-time priority CLOBs for binary markets, order types
// GTC / GTD / FOK / FAK, complementary-token matching (mint / merge) and settlement into the
// ledger. Pure and deterministic: time comes from an injected clock, ids and transaction hashes
// from the seed and sequence numbers, never from Math.random or Date.
//
// Hot path: `placeOrderMicro` works on integer micro-units and allocates only the order, the
// fills and their legs. `placeOrder` is the Decimal boundary used by the HTTP layer; both run
// the same code.
import { Decimal, type DecimalInput } from '../../domain/money.ts';
import { BinaryBook, type PriceLevel } from './order-book.ts';
import { Ledger, type Account } from './ledger.ts';
import { idHex } from './prng.ts';
import { heapPop as popHeap, heapPush as pushHeap } from './min-heap.ts';
import {
  LOT_MICRO,
  MICRO,
  MIN_TICK_MICRO,
  fromMicro,
  notionalMicro,
  takerFeeMicro,
  toMicro,
} from './units.ts';
import type {
  CancelReason,
  EngineMarket,
  EngineMarketSpec,
  EngineOrder,
  Fill,
  FillLeg,
  MatchType,
  OrderErrorCode,
  OrderType,
  OutcomeIndex,
  Side,
} from './types.ts';

const VALID_TICKS = new Set(['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001']);
const NO_FILLS: readonly Fill[] = Object.freeze([]) as readonly Fill[];

export interface EngineOptions {
  seed: number;
  /**
   * What makes this run's ids its own (transaction hashes, order and trade ids); default the seed.
   * The simulation passes the seed and its start time: deterministic per seed and start, never
   * the same for a restart at another time.
   */
  runKey?: string;
  /** Simulated time in epoch milliseconds. */
  clock: () => number;
  /**
   * GTD "security threshold" (§3.3): an expiration must be at least this far in the future and
   * the order stops matching this long before it. Default 60 s, as in production.
   */
  gtdSecurityMs?: number;
  /** Finished (matched/cancelled) orders kept for lookup; older ones are forgotten. */
  retainFinishedOrders?: number;
}

/** Order request in engine units. Exactly one of sizeMicro / amountMicro is used. */
export interface OrderRequestMicro {
  maker: string;
  owner?: string;
  market: EngineMarket;
  outcome: OutcomeIndex;
  side: Side;
  type: OrderType;
  priceMicro: number;
  /** Shares, a multiple of 0.01 share. */
  sizeMicro?: number;
  /** BUY FOK/FAK only: pUSD to spend (fees are charged on top), as the SDK's market BUY. */
  amountMicro?: number;
  /** GTD expiration, epoch ms. */
  expiration?: number;
  postOnly?: boolean;
  /** Caller-chosen id (the EIP-712 order hash); generated when absent. */
  orderId?: string;
}

/** Order request at the Decimal boundary (what the HTTP layer passes). */
export interface OrderRequest {
  maker: string;
  owner?: string;
  tokenId: string;
  side: Side;
  orderType?: OrderType;
  /** Limit price; for FOK/FAK the worst acceptable price. */
  price: DecimalInput;
  size?: DecimalInput;
  amount?: DecimalInput;
  /** GTD expiration in epoch ms. */
  expiration?: number;
  postOnly?: boolean;
  orderId?: string;
}

export type PlaceStatus = 'live' | 'matched' | '';

export interface PlaceResultMicro {
  success: boolean;
  errorMsg: string;
  errorCode: OrderErrorCode | '';
  /** The caller's order id ('' for generated ids: read `order.id`). */
  orderId: string;
  order: EngineOrder | null;
  status: PlaceStatus;
  fills: readonly Fill[];
  /** BUY: pUSD given (fees excluded); SELL: shares given. */
  makingMicro: number;
  /** BUY: shares received; SELL: pUSD received (fees excluded). */
  takingMicro: number;
  feeMicro: number;
  tradeId: string;
  txHash: string;
}

export interface PlaceResult {
  success: boolean;
  errorMsg: string;
  errorCode: OrderErrorCode | '';
  orderID: string;
  status: PlaceStatus;
  makingAmount: Decimal;
  takingAmount: Decimal;
  fee: Decimal;
  tradeIDs: string[];
  transactionsHashes: string[];
  fills: readonly Fill[];
}

export interface CancelResult {
  canceled: string[];
  not_canceled: Record<string, string>;
}

export interface EngineHooks {
  onFill?(fill: Fill): void;
  onOrder?(order: EngineOrder, kind: 'PLACEMENT' | 'UPDATE' | 'CANCELLATION'): void;
  onBook?(market: EngineMarket): void;
}

export class MatchingEngine {
  readonly ledger = new Ledger();
  readonly markets: EngineMarket[] = [];
  hooks: EngineHooks = {};

  private readonly seed: number;
  private readonly runKey: string;
  private readonly clock: () => number;
  private readonly gtdSecurityMs: number;
  private readonly retainFinished: number;
  private readonly byCondition = new Map<string, EngineMarket>();
  private readonly byToken = new Map<string, { market: EngineMarket; outcome: OutcomeIndex }>();
  private readonly index: OrderIndex;
  private readonly finished: EngineOrder[] = [];
  private finishedHead = 0;
  private readonly openByMaker = new Map<string, Set<EngineOrder>>();
  private readonly expiries: EngineOrder[] = [];
  private readonly dirty = new Set<EngineMarket>();
  private orderSeq = 0;
  private txSeq = 0;
  private fillSeq = 0;
  // Match plan scratch space, reused across orders.
  private planOrders: EngineOrder[] = [];
  private planQty: number[] = [];
  private planLevel: number[] = [];
  private planCount = 0;

  constructor(options: EngineOptions) {
    this.seed = options.seed >>> 0;
    this.clock = options.clock;
    this.gtdSecurityMs = options.gtdSecurityMs ?? 60_000;
    this.retainFinished = options.retainFinishedOrders ?? 200_000;
    this.runKey = options.runKey ?? String(this.seed);
    this.index = { runKey: this.runKey, orders: new Map() };
  }

  now(): number {
    return this.clock();
  }

  // ---------------------------------------------------------------- markets

  addMarket(spec: EngineMarketSpec): EngineMarket {
    if (this.byCondition.has(spec.conditionId)) throw new Error(`market exists: ${spec.conditionId}`);
    if (!VALID_TICKS.has(spec.tickSize)) throw new RangeError(`unsupported tick size ${spec.tickSize}`);
    const tickMicro = toMicro(spec.tickSize);
    if (tickMicro % MIN_TICK_MICRO !== 0 || MICRO % tickMicro !== 0) throw new RangeError('bad tick');
    const nTicks = MICRO / tickMicro;
    const market: EngineMarket = {
      idx: this.markets.length,
      conditionId: spec.conditionId,
      tokenIds: spec.tokenIds,
      outcomes: spec.outcomes ?? ['Yes', 'No'],
      tickSize: spec.tickSize,
      tickMicro,
      nTicks,
      minOrderSize: spec.minOrderSize,
      minSizeMicro: toMicro(spec.minOrderSize),
      feeRateBps: spec.feeRateBps,
      negRisk: spec.negRisk,
      labels: {
        slug: spec.labels?.slug ?? '',
        title: spec.labels?.title ?? '',
        eventSlug: spec.labels?.eventSlug ?? '',
        icon: spec.labels?.icon ?? '',
        endDate: spec.labels?.endDate ?? '',
      },
      book: new BinaryBook<EngineOrder>(nTicks, tickMicro),
      collateralMicro: 0,
      resolved: false,
      winner: -1,
      lastPriceMicro: [0, 0],
      lastSide: ['', ''],
      bookVersion: 0,
    };
    this.markets.push(market);
    this.byCondition.set(spec.conditionId, market);
    this.byToken.set(spec.tokenIds[0], { market, outcome: 0 });
    this.byToken.set(spec.tokenIds[1], { market, outcome: 1 });
    this.ledger.registerMarket(market);
    return market;
  }

  market(conditionId: string): EngineMarket | undefined {
    return this.byCondition.get(conditionId);
  }

  token(tokenId: string): { market: EngineMarket; outcome: OutcomeIndex } | undefined {
    return this.byToken.get(tokenId);
  }

  // ---------------------------------------------------------------- funding

  /** Credits pUSD to a wallet (a deposit). */
  fundPusd(address: string, amount: DecimalInput): void {
    this.fundPusdMicro(address, toMicro(amount));
  }

  fundPusdMicro(address: string, micro: number): void {
    this.ledger.fundPusd(this.ledger.account(address), micro, this.clock(), this.nextTxHash());
  }

  /**
   * Gives a wallet outcome tokens, backed by freshly deposited collateral; the complementary
   * tokens go to `treasury` (see Ledger.fundTokens). `costPrice` is the wallet's cost basis.
   */
  fundTokens(
    address: string,
    tokenId: string,
    size: DecimalInput,
    costPrice: DecimalInput,
    treasury: string,
  ): void {
    const t = this.requireToken(tokenId);
    const sizeMicro = toMicro(size);
    if (sizeMicro <= 0 || sizeMicro % LOT_MICRO !== 0)
      throw new RangeError('size must be a positive multiple of 0.01');
    const priceMicro = toMicro(costPrice);
    if (priceMicro < 0 || priceMicro > MICRO || priceMicro % MIN_TICK_MICRO !== 0)
      throw new RangeError('bad cost price');
    this.ledger.fundTokens(
      this.ledger.account(address),
      this.ledger.account(treasury),
      t.market,
      t.outcome,
      sizeMicro,
      priceMicro,
      this.clock(),
    );
  }

  /** CTF split: `size` pUSD into `size` YES + `size` NO of a market. */
  split(address: string, conditionId: string, size: DecimalInput): string {
    return this.splitMicro(address, this.requireMarket(conditionId), toMicro(size));
  }

  splitMicro(address: string, market: EngineMarket, sizeMicro: number): string {
    if (market.resolved || sizeMicro <= 0 || sizeMicro % LOT_MICRO !== 0)
      throw new RangeError('invalid split');
    const tx = this.nextTxHash();
    this.ledger.split(this.ledger.account(address), market, sizeMicro, this.clock(), tx);
    return tx;
  }

  /** CTF merge: `size` YES + `size` NO (not reserved by orders) back into pUSD. */
  merge(address: string, conditionId: string, size: DecimalInput): string {
    return this.mergeMicro(address, this.requireMarket(conditionId), toMicro(size));
  }

  mergeMicro(address: string, market: EngineMarket, sizeMicro: number): string {
    if (market.resolved || sizeMicro <= 0 || sizeMicro % LOT_MICRO !== 0)
      throw new RangeError('invalid merge');
    const tx = this.nextTxHash();
    this.ledger.merge(this.ledger.account(address), market, sizeMicro, this.clock(), tx);
    return tx;
  }

  // ---------------------------------------------------------------- orders

  placeOrder(req: OrderRequest): PlaceResult {
    const t = this.byToken.get(req.tokenId);
    let r: PlaceResultMicro;
    if (t === undefined) {
      r = this.reject(
        req.orderId ?? '',
        'MARKET_NOT_READY',
        'No orderbook exists for the requested token id',
      );
    } else {
      let priceMicro: number;
      let sizeMicro: number | undefined;
      let amountMicro: number | undefined;
      try {
        priceMicro = toMicro(req.price);
        sizeMicro = req.size === undefined ? undefined : toMicro(req.size);
        amountMicro = req.amount === undefined ? undefined : toMicro(req.amount);
      } catch {
        return toPublic(this.reject(req.orderId ?? '', 'INVALID_ORDER_ERROR', 'Invalid order payload'));
      }
      r = this.placeOrderMicro({
        maker: req.maker,
        owner: req.owner,
        market: t.market,
        outcome: t.outcome,
        side: req.side,
        type: req.orderType ?? 'GTC',
        priceMicro,
        sizeMicro,
        amountMicro,
        expiration: req.expiration,
        postOnly: req.postOnly,
        orderId: req.orderId,
      });
    }
    return toPublic(r);
  }

  placeOrderMicro(req: OrderRequestMicro): PlaceResultMicro {
    const now = this.clock();
    this.expireOrders(now);
    const market = req.market;
    // Synthetic orders get their id lazily (see Order.id): most are never looked up by id.
    const r = this.execute(req, market, req.orderId ?? '', now);
    this.flushBooks();
    return r;
  }

  private execute(
    req: OrderRequestMicro,
    market: EngineMarket,
    orderId: string,
    now: number,
  ): PlaceResultMicro {
    const { side, type, outcome, priceMicro } = req;
    const tick = market.tickMicro;
    if (market.resolved)
      return this.reject(orderId, 'MARKET_NOT_READY', 'the market is not yet ready to process new orders');
    if (priceMicro < tick || priceMicro > MICRO - tick) {
      return this.reject(
        orderId,
        'INVALID_ORDER_ERROR',
        'invalid price, price must be greater than 0 and less than 1',
      );
    }
    if (priceMicro % tick !== 0) {
      return this.reject(
        orderId,
        'INVALID_ORDER_MIN_TICK_SIZE',
        `order ${orderId} is invalid. Price (${fromMicro(priceMicro).toFixed()}) breaks minimum tick size rule: ${market.tickSize}`,
      );
    }
    const amountMode = req.amountMicro !== undefined && req.sizeMicro === undefined;
    if (amountMode && (side !== 'BUY' || (type !== 'FOK' && type !== 'FAK'))) {
      return this.reject(orderId, 'INVALID_ORDER_ERROR', 'amount orders are BUY FOK/FAK only');
    }
    const sizeMicro = amountMode ? 0 : (req.sizeMicro ?? 0);
    const budget = amountMode ? (req.amountMicro as number) : 0;
    if (
      amountMode
        ? budget <= 0 || !Number.isSafeInteger(budget)
        : sizeMicro <= 0 || sizeMicro % LOT_MICRO !== 0
    ) {
      return this.reject(
        orderId,
        'INVALID_ORDER_ERROR',
        'invalid amounts: size must be a positive multiple of 0.01',
      );
    }
    if ((type === 'GTC' || type === 'GTD') && sizeMicro < market.minSizeMicro) {
      return this.reject(
        orderId,
        'INVALID_ORDER_MIN_SIZE',
        `order ${orderId} is invalid. Size (${fromMicro(sizeMicro).toFixed()}) lower than the minimum: ${market.minOrderSize}`,
      );
    }
    let expiresAt = 0;
    if (type === 'GTD') {
      const exp = req.expiration ?? 0;
      if (exp < now + this.gtdSecurityMs)
        return this.reject(orderId, 'INVALID_ORDER_EXPIRATION', 'invalid expiration');
      expiresAt = exp - this.gtdSecurityMs;
    }
    if (req.postOnly && type !== 'GTC' && type !== 'GTD') {
      return this.reject(
        orderId,
        'INVALID_ORDER_ERROR',
        'invalid post-only order: only GTC and GTD orders can be post-only',
      );
    }
    if (orderId !== '' && this.index.orders.has(orderId)) {
      return this.reject(orderId, 'INVALID_ORDER_DUPLICATED', `order ${orderId} is invalid. Duplicated.`);
    }

    // ---- plan: walk the opposite side (YES terms) without mutating anything.
    const book = market.book;
    const nTicks = market.nTicks;
    const bookSide: 0 | 1 = (outcome === 0) === (side === 'BUY') ? 0 : 1;
    const level = outcome === 0 ? priceMicro / tick : nTicks - priceMicro / tick;
    const rate = market.feeRateBps;
    let remaining = amountMode ? Number.MAX_SAFE_INTEGER : sizeMicro;
    let budgetLeft = budget;
    let budgetExhausted = false;
    let planned = 0;
    let payMicro = 0; // taker pUSD paid (BUY) or received (SELL), fees excluded
    let feeMicro = 0;
    let n = 0;
    const planOrders = this.planOrders;
    const planQty = this.planQty;
    const planLevel = this.planLevel;
    const levels = bookSide === 0 ? book.asks : book.bids;
    const step = bookSide === 0 ? 1 : -1;
    let lvl = bookSide === 0 ? book.bestAsk : book.bestBid;
    outer: while (
      remaining > 0 &&
      (bookSide === 0 ? lvl <= level && lvl < nTicks : lvl >= level && lvl > 0)
    ) {
      const pl = levels[lvl] as PriceLevel<EngineOrder>;
      if (pl.live > 0) {
        const takerPrice = outcome === 0 ? lvl * tick : MICRO - lvl * tick;
        const orders = pl.orders;
        for (let i = pl.head; i < orders.length; i++) {
          const o = orders[i] as EngineOrder;
          if (o.status !== 'LIVE' || o.remainingMicro === 0) continue;
          let qty = o.remainingMicro < remaining ? o.remainingMicro : remaining;
          if (amountMode) {
            const lotCost = takerPrice / MIN_TICK_MICRO;
            const maxQty = Math.floor(budgetLeft / lotCost) * LOT_MICRO;
            if (maxQty < qty) qty = maxQty;
            if (qty === 0) {
              budgetExhausted = true;
              break outer;
            }
            budgetLeft -= notionalMicro(qty, takerPrice);
          }
          planOrders[n] = o;
          planQty[n] = qty;
          planLevel[n] = lvl;
          n++;
          planned += qty;
          payMicro += notionalMicro(qty, takerPrice);
          feeMicro += takerFeeMicro(qty, takerPrice, rate);
          remaining -= qty;
          if (remaining === 0) break outer;
        }
      }
      lvl += step;
    }
    this.planCount = n;
    if (amountMode && budgetLeft < takerPriceLotCost(priceMicro)) budgetExhausted = true;

    // ---- checks that depend on the plan.
    const account = this.ledger.account(req.maker);
    const rests = type === 'GTC' || type === 'GTD';
    const restMicro = rests ? sizeMicro - planned : 0;
    if (side === 'BUY') {
      const need = payMicro + feeMicro + (restMicro > 0 ? notionalMicro(restMicro, priceMicro) : 0);
      if (account.availableMicro < need) return this.rejectBalance(orderId, account.availableMicro);
    } else {
      const h = account.peekHolding(market, outcome);
      const have = h === undefined ? 0 : h.availableMicro;
      if (have < sizeMicro) return this.rejectBalance(orderId, have);
      if (feeMicro > payMicro) return this.rejectBalance(orderId, have);
    }
    if (req.postOnly && n > 0) {
      return this.reject(orderId, 'INVALID_POST_ONLY_ORDER', 'invalid post-only order: order crosses book');
    }
    if (type === 'FOK' && (n === 0 || (amountMode ? !budgetExhausted : planned < sizeMicro))) {
      return this.reject(
        orderId,
        'FOK_ORDER_NOT_FILLED_ERROR',
        "order couldn't be fully filled. FOK orders are fully filled or killed.",
      );
    }
    if (type === 'FAK' && n === 0) {
      return this.reject(
        orderId,
        'FAK_ORDER_NOT_FILLED_ERROR',
        'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.',
      );
    }

    // ---- commit.
    const order = new Order(
      this.index,
      orderId,
      ++this.orderSeq,
      account.address,
      req.owner ?? '',
      market,
      outcome,
      side,
      type,
      req.postOnly === true,
      priceMicro,
      bookSide,
      level,
      amountMode ? planned : sizeMicro,
      expiresAt,
      req.expiration ?? 0,
      now,
    );
    if (orderId !== '') this.index.orders.set(orderId, order);

    let fills: readonly Fill[] = NO_FILLS;
    let tradeId = '';
    let txHash = '';
    if (n > 0) {
      const out: Fill[] = [];
      this.txSeq++;
      txHash = `0x${idHex(this.runKey, this.txSeq, 0x7478, 32)}`;
      tradeId = uuidFrom(idHex(this.runKey, this.txSeq, 0x7472, 16));
      this.runPlan(order, account, now, tradeId, txHash, out);
      fills = out;
      market.bookVersion++;
      this.dirty.add(market);
    }

    let status: PlaceStatus = n > 0 ? 'matched' : 'live';
    if (order.remainingMicro > 0) {
      if (rests) {
        if (side === 'BUY') {
          order.reservedMicro = notionalMicro(order.remainingMicro, priceMicro);
          account.reservedMicro += order.reservedMicro;
        } else {
          account.holding(market, outcome).reservedMicro += order.remainingMicro;
        }
        book.add(order);
        this.trackOpen(order);
        if (expiresAt > 0) this.pushExpiry(order);
        market.bookVersion++;
        this.dirty.add(market);
        this.hooks.onOrder?.(order, 'PLACEMENT');
      } else {
        // FAK remainder is killed; the order still counts as matched for what it filled.
        order.status = 'MATCHED';
        order.cancelReason = 'killed';
        order.remainingMicro = 0;
        this.finish(order);
      }
    } else {
      order.status = 'MATCHED';
      this.finish(order);
      status = 'matched';
    }
    const making = side === 'BUY' ? payMicro : order.matchedMicro;
    const taking = side === 'BUY' ? order.matchedMicro : payMicro;
    if (fills.length > 0 && this.hooks.onFill !== undefined) for (const f of fills) this.hooks.onFill(f);
    return {
      success: true,
      errorMsg: '',
      errorCode: '',
      orderId,
      order,
      status,
      fills,
      makingMicro: making,
      takingMicro: taking,
      feeMicro,
      tradeId,
      txHash,
    };
  }

  private runPlan(
    taker: EngineOrder,
    takerAcct: Account,
    now: number,
    tradeId: string,
    txHash: string,
    out: Fill[],
  ): void {
    const market = taker.market;
    const book = market.book;
    const tick = market.tickMicro;
    const ledger = this.ledger;
    const rate = market.feeRateBps;
    const takerOutcome = taker.outcome;
    const levels = taker.bookSide === 0 ? book.asks : book.bids;
    let lastLevel = -1;
    for (let k = 0; k < this.planCount; k++) {
      const o = this.planOrders[k] as EngineOrder;
      const qty = this.planQty[k] as number;
      const lvl = this.planLevel[k] as number;
      if (lvl !== lastLevel && lastLevel >= 0) (levels[lastLevel] as PriceLevel<EngineOrder>).trimHead();
      lastLevel = lvl;
      const takerPrice = takerOutcome === 0 ? lvl * tick : MICRO - lvl * tick;
      const makerPrice = o.priceMicro;
      const makerAmt = notionalMicro(qty, makerPrice);
      const takerAmt = notionalMicro(qty, takerPrice);
      const fee = takerFeeMicro(qty, takerPrice, rate);
      const matchType: MatchType =
        o.outcome === takerOutcome ? 'NORMAL' : taker.side === 'BUY' ? 'MINT' : 'MERGE';

      // Maker leg: its reservation pays for / delivers the fill.
      const makerAcct = ledger.account(o.maker);
      if (o.side === 'BUY') {
        o.reservedMicro -= makerAmt;
        makerAcct.reservedMicro -= makerAmt;
        makerAcct.pusdMicro -= makerAmt;
        ledger.credit(makerAcct, market, o.outcome, qty, makerAmt, now);
      } else {
        const h = makerAcct.holding(market, o.outcome);
        h.reservedMicro -= qty;
        ledger.debit(makerAcct, h, qty, makerAmt, now);
        makerAcct.pusdMicro += makerAmt;
      }
      // Taker leg, paying the fee.
      if (taker.side === 'BUY') {
        takerAcct.pusdMicro -= takerAmt;
        const h = ledger.credit(takerAcct, market, takerOutcome, qty, takerAmt, now);
        ledger.chargeFee(takerAcct, h, fee);
      } else {
        const h = takerAcct.holding(market, takerOutcome);
        ledger.debit(takerAcct, h, qty, takerAmt, now);
        takerAcct.pusdMicro += takerAmt;
        ledger.chargeFee(takerAcct, h, fee);
      }
      if (matchType === 'MINT') market.collateralMicro += qty;
      else if (matchType === 'MERGE') market.collateralMicro -= qty;
      makerAcct.volumeMicro += makerAmt;
      takerAcct.volumeMicro += takerAmt;

      o.remainingMicro -= qty;
      o.matchedMicro += qty;
      o.updatedAt = now;
      (o.tradeIds ??= []).push(tradeId);
      book.onFilled(o, qty);
      taker.remainingMicro -= qty;
      taker.matchedMicro += qty;

      market.lastPriceMicro[takerOutcome] = takerPrice;
      market.lastSide[takerOutcome] = taker.side;
      if (o.outcome !== takerOutcome) {
        market.lastPriceMicro[o.outcome] = makerPrice;
        market.lastSide[o.outcome] = taker.side;
      }

      const seq = ++this.fillSeq;
      const makerLeg: FillLeg = {
        address: makerAcct.address,
        orderId: o.id,
        outcome: o.outcome,
        side: o.side,
        priceMicro: makerPrice,
        amountMicro: makerAmt,
        feeMicro: 0,
      };
      const takerLeg: FillLeg = {
        address: takerAcct.address,
        orderId: taker.id,
        outcome: takerOutcome,
        side: taker.side,
        priceMicro: takerPrice,
        amountMicro: takerAmt,
        feeMicro: fee,
      };
      out.push({
        seq,
        id: `${tradeId}:${k}`,
        tradeId,
        txHash,
        logIndex: k,
        timestamp: now,
        market,
        matchType,
        sizeMicro: qty,
        maker: makerLeg,
        taker: takerLeg,
      });
      if (o.remainingMicro === 0) {
        o.status = 'MATCHED';
        this.untrackOpen(o);
        this.finish(o);
      }
      this.hooks.onOrder?.(o, 'UPDATE');
    }
    if (lastLevel >= 0) (levels[lastLevel] as PriceLevel<EngineOrder>).trimHead();
    if (this.planCount > 0) taker.tradeIds = [tradeId];
    // Drop references so finished orders can be collected.
    for (let k = 0; k < this.planCount; k++) this.planOrders[k] = undefined as unknown as EngineOrder;
  }

  // ---------------------------------------------------------------- cancels and expiry

  cancelOrder(orderId: string, maker?: string): CancelResult {
    const res: CancelResult = { canceled: [], not_canceled: {} };
    this.cancelInto(orderId, maker, res);
    this.flushBooks();
    return res;
  }

  cancelOrders(orderIds: readonly string[], maker?: string): CancelResult {
    const res: CancelResult = { canceled: [], not_canceled: {} };
    for (const id of new Set(orderIds)) this.cancelInto(id, maker, res);
    this.flushBooks();
    return res;
  }

  /** Cancels every open order of a wallet, optionally limited to one market and/or token. */
  cancelAll(maker: string, filter?: { conditionId?: string; tokenId?: string }): CancelResult {
    const res: CancelResult = { canceled: [], not_canceled: {} };
    const open = this.openByMaker.get(maker.toLowerCase());
    if (open !== undefined) {
      for (const o of [...open]) {
        if (filter?.conditionId !== undefined && o.market.conditionId !== filter.conditionId) continue;
        if (filter?.tokenId !== undefined && o.market.tokenIds[o.outcome] !== filter.tokenId) continue;
        this.cancelLive(o, 'user', 'CANCELED');
        res.canceled.push(o.id);
      }
    }
    this.flushBooks();
    return res;
  }

  private cancelInto(orderId: string, maker: string | undefined, res: CancelResult): void {
    const o = this.index.orders.get(orderId);
    if (o === undefined || (maker !== undefined && o.maker !== maker.toLowerCase())) {
      res.not_canceled[orderId] = 'order not found';
    } else if (o.status !== 'LIVE') {
      res.not_canceled[orderId] = o.status === 'MATCHED' ? 'order already matched' : 'order already canceled';
    } else {
      this.cancelLive(o, 'user', 'CANCELED');
      res.canceled.push(orderId);
    }
  }

  /** Internal fast cancel used by synthetic agents (no result object). */
  cancelOrderFast(o: EngineOrder): boolean {
    if (o.status !== 'LIVE') return false;
    this.cancelLive(o, 'user', 'CANCELED');
    return true;
  }

  private cancelLive(
    o: EngineOrder,
    reason: CancelReason,
    status: 'CANCELED' | 'CANCELED_MARKET_RESOLVED',
  ): void {
    const market = o.market;
    market.book.remove(o);
    const acct = this.ledger.account(o.maker);
    if (o.side === 'BUY') {
      acct.reservedMicro -= o.reservedMicro;
      o.reservedMicro = 0;
    } else {
      acct.holding(market, o.outcome).reservedMicro -= o.remainingMicro;
    }
    o.status = status;
    o.cancelReason = reason;
    o.updatedAt = this.clock();
    this.untrackOpen(o);
    this.finish(o);
    const lvl = (o.bookSide === 0 ? market.book.bids : market.book.asks)[o.level] as PriceLevel<EngineOrder>;
    lvl.trimHead();
    market.bookVersion++;
    this.dirty.add(market);
    this.hooks.onOrder?.(o, 'CANCELLATION');
  }

  /** Cancels GTD orders whose effective expiry is at or before `now`. */
  expireOrders(now: number): number {
    const heap = this.expiries;
    let count = 0;
    while (heap.length > 0 && (heap[0] as EngineOrder).expiresAt <= now) {
      const o = heapPop(heap);
      if (o.status === 'LIVE') {
        this.cancelLive(o, 'expired', 'CANCELED');
        count++;
      }
    }
    if (count > 0) this.flushBooks();
    return count;
  }

  // ---------------------------------------------------------------- resolution

  /**
   * Resolves a market: cancels its resting orders (CANCELED_MARKET_RESOLVED), pays 1 pUSD per
   * winning share to every holder from the collateral, and burns all its tokens.
   */
  resolveMarket(conditionId: string, winner: OutcomeIndex): void {
    const market = this.byCondition.get(conditionId);
    if (market === undefined) throw new Error(`unknown market ${conditionId}`);
    if (market.resolved) return;
    const book = market.book;
    for (const levels of [book.bids, book.asks]) {
      for (const pl of levels) {
        if (pl.live === 0) continue;
        for (const o of [...pl.orders]) {
          if (o.status === 'LIVE') this.cancelLive(o, 'market_resolved', 'CANCELED_MARKET_RESOLVED');
        }
      }
    }
    market.resolved = true;
    market.winner = winner;
    const now = this.clock();
    this.ledger.settle(market, winner, now, () => this.nextTxHash());
    market.lastPriceMicro[winner] = MICRO;
    market.lastPriceMicro[(1 - winner) as OutcomeIndex] = 0;
    market.bookVersion++;
    this.dirty.add(market);
    this.flushBooks();
  }

  // ---------------------------------------------------------------- queries

  getOrder(orderId: string): EngineOrder | undefined {
    return this.index.orders.get(orderId);
  }

  openOrders(maker: string, filter?: { conditionId?: string; tokenId?: string }): EngineOrder[] {
    const open = this.openByMaker.get(maker.toLowerCase());
    if (open === undefined) return [];
    const out: EngineOrder[] = [];
    for (const o of open) {
      if (filter?.conditionId !== undefined && o.market.conditionId !== filter.conditionId) continue;
      if (filter?.tokenId !== undefined && o.market.tokenIds[o.outcome] !== filter.tokenId) continue;
      out.push(o);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Order book of one token in production shape: best price LAST on both sides (§3.1). */
  getBook(tokenId: string): BookSnapshot {
    const t = this.requireToken(tokenId);
    const d = t.market.book.depth(t.outcome);
    const last = t.market.lastPriceMicro[t.outcome];
    return {
      market: t.market.conditionId,
      asset_id: tokenId,
      timestamp: String(this.clock()),
      bids: d.bids.map((l) => ({
        price: fromMicro(l.priceMicro).toFixed(),
        size: fromMicro(l.sizeMicro).toFixed(),
      })),
      asks: d.asks.map((l) => ({
        price: fromMicro(l.priceMicro).toFixed(),
        size: fromMicro(l.sizeMicro).toFixed(),
      })),
      min_order_size: t.market.minOrderSize,
      tick_size: t.market.tickSize,
      neg_risk: t.market.negRisk,
      last_trade_price: fromMicro(last === 0 ? MICRO / 2 : last).toFixed(),
      version: t.market.bookVersion,
    };
  }

  /** Best bid and ask of a token (null when that side is empty). */
  bestBidAsk(tokenId: string): { bid: Decimal | null; ask: Decimal | null } {
    const t = this.requireToken(tokenId);
    const b = t.market.book.bestPrices(t.outcome);
    return {
      bid: b.bidMicro === 0 ? null : fromMicro(b.bidMicro),
      ask: b.askMicro === 0 ? null : fromMicro(b.askMicro),
    };
  }

  /** Midpoint of best bid and ask (null when either side is empty). */
  midpoint(tokenId: string): Decimal | null {
    const m = this.midpointMicro(this.requireToken(tokenId));
    return m === null ? null : new Decimal(m).div(MICRO);
  }

  /** Midpoint in micro (may be a half-micro, hence number not integer guarantee). */
  midpointMicro(t: { market: EngineMarket; outcome: OutcomeIndex }): number | null {
    const b = t.market.book.bestPrices(t.outcome);
    if (b.bidMicro === 0 || b.askMicro === 0) return null;
    return (b.bidMicro + b.askMicro) / 2;
  }

  spread(tokenId: string): Decimal | null {
    const t = this.requireToken(tokenId);
    const b = t.market.book.bestPrices(t.outcome);
    if (b.bidMicro === 0 || b.askMicro === 0) return null;
    return fromMicro(b.askMicro - b.bidMicro);
  }

  /** Production `/last-trade-price`: "0.5" and side "" before the first trade. */
  lastTradePrice(tokenId: string): { price: Decimal; side: Side | '' } {
    const t = this.requireToken(tokenId);
    const p = t.market.lastPriceMicro[t.outcome];
    return {
      price: fromMicro(p === 0 && !t.market.resolved ? MICRO / 2 : p),
      side: t.market.lastSide[t.outcome],
    };
  }

  nextTxHash(): string {
    this.txSeq++;
    return `0x${idHex(this.runKey, this.txSeq, 0x7478, 32)}`;
  }

  get stats(): { orders: number; fills: number; transactions: number } {
    return { orders: this.orderSeq, fills: this.fillSeq, transactions: this.txSeq };
  }

  // ---------------------------------------------------------------- internals

  private requireMarket(conditionId: string): EngineMarket {
    const m = this.byCondition.get(conditionId);
    if (m === undefined) throw new Error('market not found');
    return m;
  }

  private requireToken(tokenId: string): { market: EngineMarket; outcome: OutcomeIndex } {
    const t = this.byToken.get(tokenId);
    if (t === undefined) throw new Error('No orderbook exists for the requested token id');
    return t;
  }

  private reject(orderId: string, code: OrderErrorCode, msg: string): PlaceResultMicro {
    return {
      success: false,
      errorMsg: msg,
      errorCode: code,
      orderId,
      order: null,
      status: '',
      fills: NO_FILLS,
      makingMicro: 0,
      takingMicro: 0,
      feeMicro: 0,
      tradeId: '',
      txHash: '',
    };
  }

  private rejectBalance(orderId: string, haveMicro: number): PlaceResultMicro {
    void haveMicro;
    return this.reject(orderId, 'INVALID_ORDER_NOT_ENOUGH_BALANCE', 'not enough balance / allowance');
  }

  private trackOpen(o: EngineOrder): void {
    let s = this.openByMaker.get(o.maker);
    if (s === undefined) {
      s = new Set();
      this.openByMaker.set(o.maker, s);
    }
    s.add(o);
  }

  private untrackOpen(o: EngineOrder): void {
    this.openByMaker.get(o.maker)?.delete(o);
  }

  private finish(o: EngineOrder): void {
    const list = this.finished;
    list.push(o);
    if (list.length - this.finishedHead > this.retainFinished) {
      const old = list[this.finishedHead] as Order;
      list[this.finishedHead] = undefined as unknown as EngineOrder;
      this.finishedHead++;
      if (old.hasId()) this.index.orders.delete(old.id);
      if (this.finishedHead > 4096 && this.finishedHead * 2 > list.length) {
        list.splice(0, this.finishedHead);
        this.finishedHead = 0;
      }
    }
  }

  private pushExpiry(o: EngineOrder): void {
    heapPush(this.expiries, o);
  }

  private flushBooks(): void {
    if (this.dirty.size === 0) return;
    const hook = this.hooks.onBook;
    if (hook !== undefined) for (const m of this.dirty) hook(m);
    this.dirty.clear();
  }
}

interface OrderIndex {
  readonly runKey: string;
  readonly orders: Map<string, EngineOrder>;
}

/**
 * A resting or finished order. The id of a synthetic order is derived from the seed and its
 * sequence number on first use and only then indexed, which keeps ids deterministic while
 * sparing the hot path a 64-hex string per order.
 */
class Order implements EngineOrder {
  remainingMicro: number;
  matchedMicro = 0;
  reservedMicro = 0;
  status: EngineOrder['status'] = 'LIVE';
  cancelReason: EngineOrder['cancelReason'] = '';
  updatedAt: number;
  tradeIds: string[] | null = null;

  constructor(
    private readonly index: OrderIndex,
    private idValue: string,
    readonly seq: number,
    readonly maker: string,
    readonly owner: string,
    readonly market: EngineMarket,
    readonly outcome: OutcomeIndex,
    readonly side: Side,
    readonly type: OrderType,
    readonly postOnly: boolean,
    readonly priceMicro: number,
    readonly bookSide: 0 | 1,
    readonly level: number,
    readonly sizeMicro: number,
    readonly expiresAt: number,
    readonly expiration: number,
    readonly createdAt: number,
  ) {
    this.remainingMicro = sizeMicro;
    this.updatedAt = createdAt;
  }

  get id(): string {
    if (this.idValue === '') {
      this.idValue = `0x${idHex(this.index.runKey, this.seq, 0x6f726472, 32)}`;
      this.index.orders.set(this.idValue, this);
    }
    return this.idValue;
  }

  hasId(): boolean {
    return this.idValue !== '';
  }
}

export interface BookSnapshot {
  market: string;
  asset_id: string;
  timestamp: string;
  bids: { price: string; size: string }[];
  asks: { price: string; size: string }[];
  min_order_size: string;
  tick_size: string;
  neg_risk: boolean;
  last_trade_price: string;
  /** Book mutation counter (a server can hash it with the levels for `hash`). */
  version: number;
}

function takerPriceLotCost(priceMicro: number): number {
  return priceMicro / MIN_TICK_MICRO;
}

function toPublic(r: PlaceResultMicro): PlaceResult {
  return {
    success: r.success,
    errorMsg: r.errorMsg,
    errorCode: r.errorCode,
    orderID: r.order !== null ? r.order.id : r.orderId,
    status: r.status,
    makingAmount: fromMicro(r.makingMicro),
    takingAmount: fromMicro(r.takingMicro),
    fee: fromMicro(r.feeMicro),
    tradeIDs: r.tradeId === '' ? [] : [r.tradeId],
    transactionsHashes: r.txHash === '' ? [] : [r.txHash],
    fills: r.fills,
  };
}

function uuidFrom(hex32: string): string {
  return `${hex32.slice(0, 8)}-${hex32.slice(8, 12)}-4${hex32.slice(13, 16)}-a${hex32.slice(17, 20)}-${hex32.slice(20, 32)}`;
}

// Min-heap of orders by (expiresAt, seq).
function less(a: EngineOrder, b: EngineOrder): boolean {
  return a.expiresAt < b.expiresAt || (a.expiresAt === b.expiresAt && a.seq < b.seq);
}

function heapPush(h: EngineOrder[], item: EngineOrder): void {
  pushHeap(h, item, less);
}

function heapPop(h: EngineOrder[]): EngineOrder {
  return popHeap(h, less);
}
