// The legacy V1 order (docs/polymarket-api.md §5.2). Production has rejected V1 orders with
// `order_version_mismatch` since 2026-04-28; we keep the struct so the simulator can recognise a
// V1 bot's order, answer exactly like production, or (behind a flag) accept it after verifying
// its signature against the V1 exchange domain. Signing exists for tests and legacy-bot fixtures.
import {
  getAddress,
  hashTypedData,
  isAddressEqual,
  isHex,
  recoverTypedDataAddress,
  size,
  zeroAddress,
  type Address,
  type Hex,
} from 'viem';
import { POLYGON_CONTRACTS, type ContractSet } from './contracts.ts';
import { orderDomainV1, type ExchangeDomain } from './exchange-domains.ts';
import type { OrderSide } from './order-amounts.ts';
import { sideToUint8, type TypedDataSigner } from './order-struct.ts';

/** V1 knew no deposit wallets: types 0–2 only. */
export type SignatureTypeV1 = 0 | 1 | 2;

export interface OrderV1 {
  salt: bigint;
  maker: Address;
  signer: Address;
  /** zero address = public order */
  taker: Address;
  tokenId: bigint;
  makerAmount: bigint;
  takerAmount: bigint;
  /** unix seconds, 0 = none; signed in V1 (unlike V2) */
  expiration: bigint;
  nonce: bigint;
  feeRateBps: bigint;
  side: OrderSide;
  signatureType: SignatureTypeV1;
}

export interface SignedOrderV1 extends OrderV1 {
  signature: Hex;
}

export const ORDER_V1_TYPES = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'taker', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'expiration', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'feeRateBps', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
  ],
} as const;

export function orderV1TypedData(order: OrderV1, domain: ExchangeDomain) {
  return {
    domain,
    types: ORDER_V1_TYPES,
    primaryType: 'Order' as const,
    message: {
      salt: order.salt,
      maker: order.maker,
      signer: order.signer,
      taker: order.taker,
      tokenId: order.tokenId,
      makerAmount: order.makerAmount,
      takerAmount: order.takerAmount,
      expiration: order.expiration,
      nonce: order.nonce,
      feeRateBps: order.feeRateBps,
      side: sideToUint8(order.side),
      signatureType: order.signatureType,
    },
  };
}

export function hashOrderV1(
  order: OrderV1,
  negRisk: boolean,
  contracts: ContractSet = POLYGON_CONTRACTS,
): Hex {
  return hashTypedData(orderV1TypedData(order, orderDomainV1(negRisk, contracts)));
}

export function defaultsV1(
  fields: Partial<OrderV1> &
    Pick<OrderV1, 'salt' | 'maker' | 'signer' | 'tokenId' | 'makerAmount' | 'takerAmount' | 'side'>,
): OrderV1 {
  return {
    taker: zeroAddress,
    expiration: 0n,
    nonce: 0n,
    feeRateBps: 0n,
    signatureType: 0,
    ...fields,
  };
}

export async function signOrderV1(
  order: OrderV1,
  signer: TypedDataSigner,
  negRisk: boolean,
  contracts: ContractSet = POLYGON_CONTRACTS,
): Promise<SignedOrderV1> {
  if (!isAddressEqual(order.signer, signer.address))
    throw new Error('order.signer does not match the signing key');
  const signature = await signer.signTypedData(orderV1TypedData(order, orderDomainV1(negRisk, contracts)));
  return { ...order, signature };
}

export type OrderV1SignatureCheck =
  | { ok: true; orderHash: Hex; signer: Address }
  | { ok: false; orderHash: Hex; reason: 'malformed_signature' | 'signer_mismatch' | 'maker_mismatch' };

/** Verifies a V1 order against the V1 exchange domain (version "1", V1 contract addresses). */
export async function verifyOrderSignatureV1(
  order: SignedOrderV1,
  negRisk: boolean,
  contracts: ContractSet = POLYGON_CONTRACTS,
): Promise<OrderV1SignatureCheck> {
  const typed = orderV1TypedData(order, orderDomainV1(negRisk, contracts));
  const orderHash = hashTypedData(typed);
  if (!isHex(order.signature) || size(order.signature) !== 65) {
    return { ok: false, orderHash, reason: 'malformed_signature' };
  }
  let recovered: Address;
  try {
    recovered = getAddress(await recoverTypedDataAddress({ ...typed, signature: order.signature }));
  } catch {
    return { ok: false, orderHash, reason: 'malformed_signature' };
  }
  if (!isAddressEqual(recovered, order.signer)) return { ok: false, orderHash, reason: 'signer_mismatch' };
  if (order.signatureType === 0 && !isAddressEqual(order.maker, order.signer)) {
    return { ok: false, orderHash, reason: 'maker_mismatch' };
  }
  return { ok: true, orderHash, signer: recovered };
}
