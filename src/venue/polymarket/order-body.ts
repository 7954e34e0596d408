// The JSON body of `POST /order` (docs/polymarket-api.md §3.4), both directions. Key order and
// value types follow the official client's orderToJsonV2 exactly: the L2 HMAC covers the body
// string byte for byte, and a simulator that reproduces Polymarket must see what real clients
// send. Parsing classifies V1 bodies so the simulator can answer `order_version_mismatch`.
import { z } from 'zod';
import { getAddress, type Hex } from 'viem';
import type { SignedOrderV1 } from './legacy-order-v1.ts';
import { saltToJsonNumber } from './order-salt.ts';
import type { SignatureType, SignedOrderV2 } from './order-struct.ts';

export const ORDER_TYPES = ['GTC', 'GTD', 'FOK', 'FAK'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export interface PostOrderOptions {
  /** the API key (UUID) the order is posted under; must equal the POLY_API_KEY header */
  owner: string;
  orderType: OrderType;
  /** rest-only; valid with GTC/GTD only */
  postOnly?: boolean;
  deferExec?: boolean;
}

export interface PostOrderBodyV2 {
  deferExec: boolean;
  postOnly: boolean;
  order: {
    salt: number;
    maker: string;
    signer: string;
    tokenId: string;
    makerAmount: string;
    takerAmount: string;
    side: 'BUY' | 'SELL';
    signatureType: number;
    timestamp: string;
    expiration: string;
    metadata: string;
    builder: string;
    signature: string;
  };
  owner: string;
  orderType: OrderType;
}

function checkPostOnly(options: PostOrderOptions): void {
  // The official client refuses this combination before sending; so do we.
  if (options.postOnly && (options.orderType === 'FOK' || options.orderType === 'FAK')) {
    throw new Error('postOnly is not supported for FOK/FAK orders');
  }
}

export function postOrderBodyV2(order: SignedOrderV2, options: PostOrderOptions): PostOrderBodyV2 {
  checkPostOnly(options);
  return {
    deferExec: options.deferExec ?? false,
    postOnly: options.postOnly ?? false,
    order: {
      salt: saltToJsonNumber(order.salt),
      maker: order.maker,
      signer: order.signer,
      tokenId: order.tokenId.toString(),
      makerAmount: order.makerAmount.toString(),
      takerAmount: order.takerAmount.toString(),
      side: order.side,
      signatureType: order.signatureType,
      timestamp: order.timestamp.toString(),
      expiration: order.expiration.toString(),
      metadata: order.metadata,
      builder: order.builder,
      signature: order.signature,
    },
    owner: options.owner,
    orderType: options.orderType,
  };
}

/** The exact string to send and to HMAC-sign (one serialisation, used for both). */
export function serializePostOrderBodyV2(order: SignedOrderV2, options: PostOrderOptions): string {
  return JSON.stringify(postOrderBodyV2(order, options));
}

/** Legacy V1 body (CC1 orderToJson), for simulator fixtures and legacy-bot tests. */
export function postOrderBodyV1(order: SignedOrderV1, options: PostOrderOptions) {
  checkPostOnly(options);
  return {
    deferExec: options.deferExec ?? false,
    postOnly: options.postOnly ?? false,
    order: {
      salt: saltToJsonNumber(order.salt),
      maker: order.maker,
      signer: order.signer,
      taker: order.taker,
      tokenId: order.tokenId.toString(),
      makerAmount: order.makerAmount.toString(),
      takerAmount: order.takerAmount.toString(),
      side: order.side,
      expiration: order.expiration.toString(),
      nonce: order.nonce.toString(),
      feeRateBps: order.feeRateBps.toString(),
      signatureType: order.signatureType,
      signature: order.signature,
    },
    owner: options.owner,
    orderType: options.orderType,
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing (simulator side).

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/)
  .transform((a) => getAddress(a));
const uintString = z
  .string()
  .regex(/^\d{1,78}$/)
  .transform((s) => BigInt(s));
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/)
  .transform((s) => s.toLowerCase() as Hex);
const signature = z
  .string()
  .regex(/^0x(?:[0-9a-fA-F]{2})+$/)
  .transform((s) => s as Hex);
// The official clients send the salt as a JSON number; a digit string is accepted too because
// nothing is lost by it, while a fractional or unsafe number is refused (it was already rounded).
const salt = z.union([
  z
    .number()
    .int()
    .nonnegative()
    .refine((n) => Number.isSafeInteger(n), 'salt is not a safe integer')
    .transform((n) => BigInt(n)),
  uintString,
]);
const side = z.enum(['BUY', 'SELL']);

const envelope = {
  deferExec: z.boolean().optional(),
  postOnly: z.boolean().optional(),
  owner: z.string().min(1),
  orderType: z.enum(ORDER_TYPES),
};

const orderV2Schema = z.object({
  salt,
  maker: address,
  signer: address,
  tokenId: uintString,
  makerAmount: uintString,
  takerAmount: uintString,
  side,
  signatureType: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  timestamp: uintString,
  expiration: uintString.optional(),
  metadata: bytes32,
  builder: bytes32,
  signature,
});

const orderV1Schema = z.object({
  salt,
  maker: address,
  signer: address,
  taker: address,
  tokenId: uintString,
  makerAmount: uintString,
  takerAmount: uintString,
  side,
  expiration: uintString,
  nonce: uintString,
  feeRateBps: uintString,
  signatureType: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  signature,
});

interface ParsedEnvelope {
  owner: string;
  orderType: OrderType;
  postOnly: boolean;
  deferExec: boolean;
}

export type ParsedPostOrderBody =
  | ({ ok: true; version: 2; order: SignedOrderV2 } & ParsedEnvelope)
  | ({ ok: true; version: 1; order: SignedOrderV1 } & ParsedEnvelope)
  | { ok: false; error: 'Invalid order payload'; issues: string[] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * V2 orders are recognised by their V2-only signed fields (timestamp/metadata/builder); an order
 * carrying V1-only fields (nonce/feeRateBps/taker) and none of those is a V1 order.
 */
export function detectOrderVersion(order: unknown): 1 | 2 | undefined {
  if (!isRecord(order)) return undefined;
  const v2 = 'timestamp' in order || 'metadata' in order || 'builder' in order;
  const v1 = 'nonce' in order || 'feeRateBps' in order || 'taker' in order;
  if (v2) return 2;
  if (v1) return 1;
  return undefined;
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** Parses one `POST /order` body (or one element of a `POST /orders` array). */
export function parsePostOrderBody(body: unknown): ParsedPostOrderBody {
  const invalid = (issues: string[]): ParsedPostOrderBody => ({
    ok: false,
    error: 'Invalid order payload',
    issues,
  });
  if (!isRecord(body)) return invalid(['(root): expected an object']);
  const env = z.object(envelope).safeParse(body);
  if (!env.success) return invalid(issuesOf(env.error));
  const head: ParsedEnvelope = {
    owner: env.data.owner,
    orderType: env.data.orderType,
    postOnly: env.data.postOnly ?? false,
    deferExec: env.data.deferExec ?? false,
  };
  const version = detectOrderVersion(body.order);
  if (version === 2) {
    const parsed = orderV2Schema.safeParse(body.order);
    if (!parsed.success) return invalid(issuesOf(parsed.error).map((m) => `order.${m}`));
    const o = parsed.data;
    const order: SignedOrderV2 = {
      ...o,
      signatureType: o.signatureType as SignatureType,
      expiration: o.expiration ?? 0n,
    };
    return { ok: true, version: 2, order, ...head };
  }
  if (version === 1) {
    const parsed = orderV1Schema.safeParse(body.order);
    if (!parsed.success) return invalid(issuesOf(parsed.error).map((m) => `order.${m}`));
    return { ok: true, version: 1, order: parsed.data, ...head };
  }
  return invalid(['order: not a V1 or V2 order']);
}
