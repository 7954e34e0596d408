// CLOB wire shapes (docs/polymarket-api.md §3), parsed into typed values with Decimals. Schemas
// accept what the doc says the server sends and tolerate the documented variants (numbers or
// strings, "" for unset amounts, a `mid_price` spelling, the V1 `allowance` field); unknown extra
// fields are ignored so a new server field never breaks a read.
import { z } from 'zod';
import {
  boolField,
  decimalField,
  intField,
  optionalDecimalField,
  optionalIntField,
  sideField,
  textField,
  tokenIdField,
} from './wire-fields.ts';

const levelSchema = z.object({ price: decimalField, size: decimalField });

/** `GET /book`, an element of `POST /books`, and the market channel's `book` event body. */
export const bookSchema = z.object({
  market: z.string(),
  asset_id: tokenIdField,
  timestamp: optionalIntField,
  hash: textField,
  bids: z.array(levelSchema),
  asks: z.array(levelSchema),
  min_order_size: optionalDecimalField,
  tick_size: optionalDecimalField,
  neg_risk: boolField.optional(),
  last_trade_price: optionalDecimalField,
});
export type WireBook = z.infer<typeof bookSchema>;

export const booksSchema = z.array(bookSchema);

export const midpointSchema = z
  .object({ mid: optionalDecimalField, mid_price: optionalDecimalField })
  .transform((m) => m.mid ?? m.mid_price ?? null);

/** `{"<tokenId>": "0.55"}`; a token without a midpoint may be missing or "". */
export const midpointsSchema = z.record(z.string(), optionalDecimalField);

export const priceSchema = z.object({ price: optionalDecimalField }).transform((p) => p.price);

export const pricesSchema = z.record(
  z.string(),
  z.object({ BUY: optionalDecimalField, SELL: optionalDecimalField }),
);

export const spreadSchema = z.object({ spread: optionalDecimalField }).transform((s) => s.spread);
export const spreadsSchema = z.record(z.string(), optionalDecimalField);

export const tickSizeSchema = z
  .object({ minimum_tick_size: decimalField })
  .transform((t) => t.minimum_tick_size);

export const negRiskSchema = z.object({ neg_risk: boolField }).transform((n) => n.neg_risk);

export const feeRateSchema = z.object({ base_fee: decimalField }).transform((f) => f.base_fee);

export const lastTradePriceSchema = z.object({
  price: optionalDecimalField,
  // "" when the token never traded (the price is then a placeholder 0.5).
  side: z.union([z.literal(''), sideField]).optional(),
});

export const serverTimeSchema = intField;

export const marketByTokenSchema = z.object({ condition_id: z.string() }).transform((m) => m.condition_id);

/** `GET /clob-markets/{cid}` compact market info (CC2 `MarketDetails`). */
export const clobMarketInfoSchema = z.object({
  c: z.string(),
  t: z.array(z.object({ t: tokenIdField, o: z.string() })),
  mts: decimalField,
  nr: boolField.optional(),
  fd: z
    .object({
      r: decimalField.optional(),
      e: optionalIntField,
      to: boolField.optional(),
    })
    .nullish(),
  mbf: optionalDecimalField,
  tbf: optionalDecimalField,
  ao: boolField.optional(),
  mos: optionalDecimalField,
  gst: z.string().nullish(),
  cbos: boolField.optional(),
  aot: z.string().nullish(),
});
export type WireClobMarketInfo = z.infer<typeof clobMarketInfoSchema>;

/** The full CLOB market object (`GET /markets/{cid}` and listing items). */
export const clobMarketSchema = z.object({
  condition_id: z.string(),
  question_id: textField,
  question: textField,
  description: textField,
  market_slug: textField,
  tokens: z.array(
    z.object({
      token_id: tokenIdField,
      outcome: z.string(),
      price: optionalDecimalField,
      winner: boolField.optional(),
    }),
  ),
  minimum_order_size: optionalDecimalField,
  minimum_tick_size: optionalDecimalField,
  active: boolField.optional(),
  closed: boolField.optional(),
  archived: boolField.optional(),
  accepting_orders: boolField.optional(),
  enable_order_book: boolField.optional(),
  end_date_iso: z.string().nullish(),
  neg_risk: boolField.optional(),
  neg_risk_market_id: z.string().nullish(),
  maker_base_fee: optionalDecimalField,
  taker_base_fee: optionalDecimalField,
  // Free-form labels ("Politics", "Elections"…); a follow's category filter reads them. Anything
  // that is not a list of strings is ignored rather than failing the market.
  tags: z
    .unknown()
    .optional()
    .transform((v) => (Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [])),
});
export type WireClobMarket = z.infer<typeof clobMarketSchema>;

/** Cursor pages (`/markets`, `/data/orders`, `/data/trades`): "MA==" starts, "LTE=" ends. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    limit: optionalIntField,
    count: optionalIntField,
    next_cursor: z.string().nullish(),
    data: z.array(item),
  });
}
export const FIRST_CURSOR = 'MA==';
export const END_CURSOR = 'LTE=';

// ---------------------------------------------------------------- authenticated

export const apiKeySchema = z.object({
  apiKey: z.string().min(1),
  secret: z.string().min(1),
  passphrase: z.string().min(1),
});

export const apiKeysSchema = z.object({ apiKeys: z.array(z.unknown()) });

/** `POST /order` response and `POST /orders` elements (§3.5). */
export const orderResponseSchema = z.object({
  success: boolField.optional(),
  errorMsg: textField,
  orderID: textField,
  orderId: z.string().optional(),
  status: textField,
  makingAmount: optionalDecimalField,
  takingAmount: optionalDecimalField,
  tradeIDs: z.array(z.string()).nullish(),
  transactionsHashes: z.array(z.string()).nullish(),
});
export type WireOrderResponse = z.infer<typeof orderResponseSchema>;

/** OpenOrder (`GET /data/order/{id}`, `/data/orders` items). Sizes in shares (§3.2 UNCERTAIN). */
export const openOrderSchema = z.object({
  id: z.string(),
  status: z.string(),
  owner: textField,
  maker_address: textField,
  market: textField,
  asset_id: tokenIdField,
  side: sideField,
  original_size: decimalField,
  size_matched: decimalField,
  price: decimalField,
  outcome: textField,
  expiration: optionalIntField,
  order_type: textField,
  associate_trades: z.array(z.string()).nullish(),
  created_at: optionalIntField,
  // Simulator-only detail (why an order stopped); absent on production.
  cancel_reason: z.string().optional(),
});
export type WireOpenOrder = z.infer<typeof openOrderSchema>;

const makerOrderSchema = z.object({
  order_id: z.string(),
  owner: textField,
  maker_address: textField,
  matched_amount: decimalField,
  price: decimalField,
  fee_rate_bps: optionalDecimalField,
  asset_id: textField,
  outcome: textField,
  side: sideField.optional(),
});

/** Trade (`GET /data/trades` items). */
export const clobTradeSchema = z.object({
  id: z.string(),
  taker_order_id: textField,
  market: textField,
  asset_id: textField,
  side: sideField,
  size: decimalField,
  price: decimalField,
  fee_rate_bps: optionalDecimalField,
  status: textField,
  match_time: optionalIntField,
  last_update: optionalIntField,
  outcome: textField,
  owner: textField,
  maker_address: textField,
  transaction_hash: textField,
  trader_side: textField,
  maker_orders: z.array(makerOrderSchema).nullish(),
  // Fees actually charged, when the server reports them (the simulator does); pUSD.
  fee: optionalDecimalField,
});
export type WireClobTrade = z.infer<typeof clobTradeSchema>;

export const cancelResponseSchema = z.object({
  canceled: z.array(z.string()).nullish(),
  not_canceled: z.record(z.string(), z.string()).nullish(),
});
export type WireCancelResponse = z.infer<typeof cancelResponseSchema>;

/**
 * `GET /balance-allowance`: V2 sends `allowances` per spender, V1 a single `allowance`; all in
 * 6-decimal base units.
 */
export const balanceAllowanceSchema = z.object({
  balance: decimalField,
  allowances: z.record(z.string(), decimalField).nullish(),
  allowance: optionalDecimalField,
});
export type WireBalanceAllowance = z.infer<typeof balanceAllowanceSchema>;

/** Anything (responses whose body we do not use, e.g. `/balance-allowance/update`). */
export const ignoredSchema = z.unknown();
