// `POST /order` / `POST /orders`: a signed order as Polymarket's CLOB takes it — owner and signer
// checks, EIP-712 verification on the market's exchange domain, V1 detection, tick / size /
// amount-precision / minimum-notional rules — then the matching engine. Error strings are the
// production ones (docs/polymarket-api.md §3.6); the engine produces the ones it decides
// (balance, FOK/FAK, duplicates, expiration, post-only).
import { isAddressEqual, type Address } from 'viem';
import { Decimal } from '../../domain/money.ts';
import { hashOrderV1, verifyOrderSignatureV1 } from '../../venue/polymarket/legacy-order-v1.ts';
import { ROUNDING_CONFIG, isTickSize, fromBaseUnits } from '../../venue/polymarket/order-amounts.ts';
import { detectOrderVersion, parsePostOrderBody } from '../../venue/polymarket/order-body.ts';
import { SignatureType } from '../../venue/polymarket/order-struct.ts';
import type { SimMarket } from '../model/catalog.ts';
import type { OrderRequest } from '../simulation.ts';
import type { ApiKeyRecord } from './api-keys.ts';
import type { ServerContext } from './context.ts';
import type { LedgerEntry } from './order-ledger.ts';

export const MAX_ORDERS_PER_BATCH = 15;
const ONE = new Decimal(1);
const LOT_UNITS = 10_000n; // 0.01 share in 6-decimal base units

export const ERR = {
  invalidPayload: 'Invalid order payload',
  versionMismatch: 'order_version_mismatch',
  owner: 'the order owner has to be the owner of the API KEY',
  signer: 'the order signer address has to be the address of the API KEY',
  makerNotAllowed: 'maker address not allowed, please use the deposit wallet flow',
  invalidSignature: 'invalid signature',
  noBook: 'No orderbook exists for the requested token id',
  invalidPrice: 'invalid price, price must be greater than 0 and less than 1',
  notReady: 'the market is not yet ready to process new orders',
} as const;

export interface OrderResponseBody {
  success: boolean;
  errorMsg: string;
  orderID: string;
  status: string;
  makingAmount: string;
  takingAmount: string;
  tradeIDs: string[];
  transactionsHashes: string[];
}

export interface OrderOutcome {
  accepted: boolean;
  /** HTTP status for a single `POST /order`. */
  httpStatus: number;
  /** Sent as the body of `POST /order` (errors as `{"error": ...}`). */
  body: OrderResponseBody | { error: string };
  /** The element for a `POST /orders` response array. */
  batchItem: OrderResponseBody;
  ledger: LedgerEntry | null;
}

interface Common {
  version: 1 | 2;
  orderHash: string;
  salt: bigint;
  maker: Address;
  signer: Address;
  signatureType: number;
  tokenId: bigint;
  side: 'BUY' | 'SELL';
  makerAmount: bigint;
  takerAmount: bigint;
  /** Unix seconds, 0 = none. */
  expiration: bigint;
  owner: string;
  orderType: 'GTC' | 'GTD' | 'FOK' | 'FAK';
  postOnly: boolean;
}

function failure(msg: string, orderID = '', status = 400): Omit<OrderOutcome, 'ledger'> {
  return {
    accepted: false,
    httpStatus: status,
    body: { error: msg },
    batchItem: {
      success: false,
      errorMsg: msg,
      orderID,
      status: '',
      makingAmount: '',
      takingAmount: '',
      tradeIDs: [],
      transactionsHashes: [],
    },
  };
}

function fmt(d: Decimal): string {
  return d.toDecimalPlaces(8, Decimal.ROUND_HALF_UP).toFixed();
}

/** Processes one order body (already JSON-parsed) posted under an authenticated API key. */
export async function processOrder(
  ctx: ServerContext,
  key: ApiKeyRecord,
  body: unknown,
  endpoint: LedgerEntry['endpoint'],
): Promise<OrderOutcome> {
  const record = (c: Partial<Common> | null, out: Omit<OrderOutcome, 'ledger'>): OrderOutcome => {
    const entry = ctx.ledger.record({
      apiKey: key.key,
      receivedAt: Date.now(),
      simTime: ctx.sim.now,
      endpoint,
      version: c?.version ?? 2,
      orderHash: c?.orderHash ?? '',
      salt: c?.salt?.toString() ?? '',
      maker: c?.maker ?? '',
      signer: c?.signer ?? '',
      signatureType: c?.signatureType ?? -1,
      tokenId: c?.tokenId?.toString() ?? '',
      side: c?.side ?? '',
      orderType: c?.orderType ?? '',
      makerAmount: c?.makerAmount?.toString() ?? '',
      takerAmount: c?.takerAmount?.toString() ?? '',
      accepted: out.accepted,
      status: out.accepted ? out.batchItem.status : '',
      errorMsg: out.batchItem.errorMsg,
      responseDropped: false,
    });
    return { ...out, ledger: entry };
  };

  const order = (body as { order?: unknown } | null)?.order;
  const declared = detectOrderVersion(order);
  const parsed = parsePostOrderBody(body);
  if (!parsed.ok) {
    // A legacy body is answered like production whatever else is wrong with it.
    if (declared === 1 && !ctx.acceptV1) return record({ version: 1 }, failure(ERR.versionMismatch));
    return record(null, failure(ERR.invalidPayload));
  }
  const o = parsed.order;
  const market = ctx.sim.marketByToken(o.tokenId.toString());
  const negRisk = market?.negRisk ?? false;
  let c: Common;
  if (parsed.version === 1) {
    const v1 = parsed.order;
    c = {
      version: 1,
      orderHash: hashOrderV1(v1, negRisk, ctx.contracts),
      salt: v1.salt,
      maker: v1.maker,
      signer: v1.signer,
      signatureType: v1.signatureType,
      tokenId: v1.tokenId,
      side: v1.side,
      makerAmount: v1.makerAmount,
      takerAmount: v1.takerAmount,
      expiration: v1.expiration,
      owner: parsed.owner,
      orderType: parsed.orderType,
      postOnly: parsed.postOnly,
    };
    if (!ctx.acceptV1) return record(c, failure(ERR.versionMismatch));
  } else {
    const v2 = parsed.order;
    c = {
      version: 2,
      orderHash: ctx.hasher.hash(v2, negRisk),
      salt: v2.salt,
      maker: v2.maker,
      signer: v2.signer,
      signatureType: v2.signatureType,
      tokenId: v2.tokenId,
      side: v2.side,
      makerAmount: v2.makerAmount,
      takerAmount: v2.takerAmount,
      expiration: v2.expiration,
      owner: parsed.owner,
      orderType: parsed.orderType,
      postOnly: parsed.postOnly,
    };
  }
  const id = c.orderHash;

  if (c.owner !== key.key) return record(c, failure(ERR.owner, id));
  // Types 0–2: the key's address signs. Type 3: the deposit wallet is the signer and the key's
  // address is its owner, which the ERC-7739 envelope reveals (checked after verification).
  if (c.signatureType !== SignatureType.POLY_1271 && !isAddressEqual(c.signer, key.address)) {
    return record(c, failure(ERR.signer, id));
  }
  if (market === undefined || market.engine === null) return record(c, failure(ERR.noBook, id));
  if (market.closed) return record(c, failure(ERR.notReady, id));

  // Signature on the exchange domain the market trades on.
  // In a throughput run (`verifySample` > 1) a sampled-out V2 order skips only this check.
  if (parsed.version === 2) {
    if (ctx.signatures.sampledIn(id as `0x${string}`, c.signatureType === SignatureType.POLY_1271)) {
      const check = await ctx.hasher.verify(parsed.order, negRisk, id as `0x${string}`);
      if (!check.ok) return record(c, failure(ERR.invalidSignature, id));
      if (c.signatureType === SignatureType.POLY_1271 && !isAddressEqual(check.ownerEoa, key.address)) {
        return record(c, failure(ERR.signer, id));
      }
    }
  } else {
    const check = await verifyOrderSignatureV1(parsed.order, negRisk, ctx.contracts);
    if (!check.ok) return record(c, failure(ERR.invalidSignature, id));
  }

  // The maker is the funded wallet: the signer itself (EOA), or a proxy / Safe / deposit wallet
  // bound to this signer. Synthetic wallets and the book maker can never be borrowed.
  if (c.signatureType !== SignatureType.EOA) {
    const w = ctx.sim.wallet(c.maker);
    const synthetic = w !== undefined && w.style !== 'external';
    if (synthetic || c.maker.toLowerCase() === ctx.bookMaker || !ctx.funders.bind(c.maker, key.address)) {
      return record(c, failure(ERR.makerNotAllowed, id));
    }
  }

  const req = toEngineRequest(c, market, ctx);
  if (typeof req === 'string') return record(c, failure(req, id));
  const r = ctx.sim.placeOrder(req);
  if (!r.success) return record(c, failure(r.errorMsg, id));
  const matched = r.tradeIDs.length > 0;
  const ok: OrderResponseBody = {
    success: true,
    errorMsg: '',
    orderID: r.orderID,
    status: r.status,
    makingAmount: matched ? r.makingAmount.toFixed() : '',
    takingAmount: matched ? r.takingAmount.toFixed() : '',
    tradeIDs: r.tradeIDs,
    transactionsHashes: r.transactionsHashes,
  };
  return record(c, { accepted: true, httpStatus: 200, body: ok, batchItem: ok });
}

/**
 * Signed amounts → an engine order. Limit orders (GTC/GTD) must carry an exact on-tick price;
 * marketable ones (FOK/FAK) carry a worst price implied by their amounts, which is snapped to the
 * tick in the taker's favour of safety (BUY down, SELL up) so it never exceeds what was signed.
 */
function toEngineRequest(c: Common, market: SimMarket, ctx: ServerContext): OrderRequest | string {
  const tick = market.tickSize;
  if (!isTickSize(tick)) return ERR.invalidPayload;
  if (c.makerAmount <= 0n || c.takerAmount <= 0n) return ERR.invalidPayload;
  const nTicks = BigInt(ONE.div(tick).toFixed(0));
  const [usdc, shares] = c.side === 'BUY' ? [c.makerAmount, c.takerAmount] : [c.takerAmount, c.makerAmount];
  const tickDec = new Decimal(tick);
  const id = c.orderHash;
  const base = {
    maker: c.maker,
    owner: c.owner,
    tokenId: c.tokenId.toString(),
    side: c.side,
    orderType: c.orderType,
    orderId: id,
    postOnly: c.postOnly,
  } as const;
  const implied = fromBaseUnits(usdc).div(fromBaseUnits(shares));
  if (implied.lte(0) || implied.gte(1)) return ERR.invalidPrice;

  if (c.orderType === 'GTC' || c.orderType === 'GTD') {
    if ((usdc * nTicks) % shares !== 0n) {
      return `order ${id} is invalid. Price (${fmt(implied)}) breaks minimum tick size rule: ${tick}`;
    }
    const price = tickDec.mul(((usdc * nTicks) / shares).toString());
    // The engine trades whole 0.01-share lots; finer sizes are cut, as the official client does.
    const size = fromBaseUnits((shares / LOT_UNITS) * LOT_UNITS);
    if (c.side === 'BUY' && !c.postOnly) {
      const ask = ctx.sim.bestBidAsk(base.tokenId).ask;
      const notional = size.mul(price);
      if (ask !== null && price.gte(ask) && notional.lt(ONE)) {
        return `invalid amount for a marketable BUY order ($${notional.toFixed()}), min size: $1`;
      }
    }
    return {
      ...base,
      price,
      size,
      expiration: c.orderType === 'GTD' ? Number(c.expiration) * 1000 : undefined,
    };
  }

  // FOK / FAK: production's precision rule (maker ≤ 2 decimals, taker ≤ the tick's amount
  // decimals: 4 on a cent tick, as third parties report it).
  const makerDp = fromBaseUnits(c.makerAmount).decimalPlaces();
  const takerDp = fromBaseUnits(c.takerAmount).decimalPlaces();
  const maxTaker = ROUNDING_CONFIG[tick].amount;
  if (makerDp > 2 || takerDp > maxTaker) {
    const which = c.side === 'BUY' ? 'buy' : 'sell';
    return `invalid amounts, the market ${which} orders maker amount supports a max accuracy of 2 decimals, taker amount a max of ${maxTaker} decimals`;
  }
  if (c.side === 'BUY') {
    const amount = fromBaseUnits(usdc);
    if (amount.lt(ONE)) {
      return `invalid amount for a marketable BUY order ($${amount.toFixed()}), min size: $1`;
    }
    const ticks = (usdc * nTicks) / shares; // floor
    if (ticks < 1n) return ERR.invalidPrice;
    return { ...base, price: tickDec.mul(ticks.toString()), amount };
  }
  const ticks = (usdc * nTicks + shares - 1n) / shares; // ceil
  if (ticks >= nTicks) return ERR.invalidPrice;
  return { ...base, price: tickDec.mul(ticks.toString()), size: fromBaseUnits(shares) };
}
