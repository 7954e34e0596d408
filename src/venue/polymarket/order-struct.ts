// The CLOB V2 order as signed (docs/polymarket-api.md §5.1) plus the shared vocabulary of the
// order files. Amounts, ids and times are bigints: tokenId is a uint256 and must never pass
// through a JS number; only `salt` is ever a number, and only on the JSON wire (§3.4).
import { keccak256, stringToHex, type Address, type Hex, type LocalAccount } from 'viem';
import type { OrderSide } from './order-amounts.ts';

export const SignatureType = {
  /** the signer's own address is the maker */
  EOA: 0,
  /** Magic/email proxy wallet: maker = proxy, signer = owner EOA */
  POLY_PROXY: 1,
  /** Gnosis Safe: maker = Safe, signer = owner EOA */
  POLY_GNOSIS_SAFE: 2,
  /** deposit wallet (ERC-1271): maker = signer = wallet, signature ERC-7739-wrapped (V2 only) */
  POLY_1271: 3,
} as const;
export type SignatureType = (typeof SignatureType)[keyof typeof SignatureType];

export function isSignatureType(value: unknown): value is SignatureType {
  return value === 0 || value === 1 || value === 2 || value === 3;
}

export const BYTES32_ZERO: Hex = `0x${'00'.repeat(32)}`;

/** uint8 side in the signed struct; the JSON body carries the string form. */
export function sideToUint8(side: OrderSide): 0 | 1 {
  return side === 'BUY' ? 0 : 1;
}

/** The V2 order: the 11 signed fields plus `expiration`, which travels in the body unsigned. */
export interface OrderV2 {
  salt: bigint;
  /** funder: the wallet that holds pUSD/shares (EOA, proxy, Safe or deposit wallet) */
  maker: Address;
  /** the address whose key signs (the deposit wallet itself for POLY_1271) */
  signer: Address;
  tokenId: bigint;
  makerAmount: bigint;
  takerAmount: bigint;
  side: OrderSide;
  signatureType: SignatureType;
  /** creation time in milliseconds */
  timestamp: bigint;
  metadata: Hex;
  /** builder code (bytes32) for attribution; zero when none */
  builder: Hex;
  /** GTD expiry in unix seconds, 0 for none; NOT covered by the V2 signature */
  expiration: bigint;
}

export interface SignedOrderV2 extends OrderV2 {
  signature: Hex;
}

export const ORDER_V2_TYPES = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
    { name: 'timestamp', type: 'uint256' },
    { name: 'metadata', type: 'bytes32' },
    { name: 'builder', type: 'bytes32' },
  ],
} as const;

/** The EIP-712 encodeType string; POLY_1271 signatures embed it verbatim. */
export const ORDER_V2_TYPE_STRING =
  'Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)';
export const ORDER_V2_TYPEHASH: Hex = keccak256(stringToHex(ORDER_V2_TYPE_STRING));

export interface OrderV2Message {
  salt: bigint;
  maker: Address;
  signer: Address;
  tokenId: bigint;
  makerAmount: bigint;
  takerAmount: bigint;
  side: number;
  signatureType: number;
  timestamp: bigint;
  metadata: Hex;
  builder: Hex;
}

export function orderV2Message(order: OrderV2): OrderV2Message {
  return {
    salt: order.salt,
    maker: order.maker,
    signer: order.signer,
    tokenId: order.tokenId,
    makerAmount: order.makerAmount,
    takerAmount: order.takerAmount,
    side: sideToUint8(order.side),
    signatureType: order.signatureType,
    timestamp: order.timestamp,
    metadata: order.metadata,
    builder: order.builder,
  };
}

/**
 * What we need from a key: its address and EIP-712 signing. A viem `privateKeyToAccount(...)`
 * satisfies it; so does any remote signer exposing the same two members, which keeps raw keys
 * out of the adapter when a KMS is used.
 */
export type TypedDataSigner = Pick<LocalAccount, 'address' | 'signTypedData'>;
