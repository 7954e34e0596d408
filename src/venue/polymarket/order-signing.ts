// Building and signing CLOB V2 orders (docs/polymarket-api.md §5.1). The domain is chosen by the
// market's negRisk flag; a wrong choice yields a valid-looking signature the exchange rejects.
// POLY_1271 (deposit wallet) orders get the ERC-7739 "TypedDataSign" wrapping the official
// client produces, because the wallet's isValidSignature expects exactly that layout.
import {
  concat,
  domainSeparator,
  getAddress,
  hashStruct,
  hashTypedData,
  isAddressEqual,
  numberToHex,
  stringToHex,
  type Address,
  type Hex,
} from 'viem';
import { POLYGON_CONTRACTS, type ContractSet } from './contracts.ts';
import { orderDomainV2, type ExchangeDomain } from './exchange-domains.ts';
import {
  limitOrderAmounts,
  marketOrderAmounts,
  type LimitOrderAmountsInput,
  type MarketOrderAmountsInput,
  type OrderSide,
} from './order-amounts.ts';
import { randomOrderSalt, saltToJsonNumber, type SaltRandom } from './order-salt.ts';
import {
  BYTES32_ZERO,
  ORDER_V2_TYPE_STRING,
  ORDER_V2_TYPES,
  SignatureType,
  orderV2Message,
  type OrderV2,
  type SignedOrderV2,
  type TypedDataSigner,
} from './order-struct.ts';

export interface OrderV2TypedData {
  domain: ExchangeDomain;
  types: typeof ORDER_V2_TYPES;
  primaryType: 'Order';
  message: ReturnType<typeof orderV2Message>;
}

export function orderV2TypedData(order: OrderV2, domain: ExchangeDomain): OrderV2TypedData {
  return { domain, types: ORDER_V2_TYPES, primaryType: 'Order', message: orderV2Message(order) };
}

/** The order hash: what the CLOB returns as `orderID` and what the exchange records fills by. */
export function hashOrderV2(
  order: OrderV2,
  negRisk: boolean,
  contracts: ContractSet = POLYGON_CONTRACTS,
): Hex {
  return hashTypedData(orderV2TypedData(order, orderDomainV2(negRisk, contracts)));
}

// ERC-7739 nested typed-data signing for deposit wallets (CC2 exchangeOrderBuilderV2.ts). The
// inner struct wraps the order together with the *wallet's* own domain fields.
export const TYPED_DATA_SIGN_TYPES = {
  TypedDataSign: [
    { name: 'contents', type: 'Order' },
    { name: 'name', type: 'string' },
    { name: 'version', type: 'string' },
    { name: 'chainId', type: 'uint256' },
    { name: 'verifyingContract', type: 'address' },
    { name: 'salt', type: 'bytes32' },
  ],
  Order: ORDER_V2_TYPES.Order,
} as const;
export const DEPOSIT_WALLET_DOMAIN_NAME = 'DepositWallet';
export const DEPOSIT_WALLET_DOMAIN_VERSION = '1';

export function typedDataSignV2(order: OrderV2, domain: ExchangeDomain) {
  return {
    domain,
    types: TYPED_DATA_SIGN_TYPES,
    primaryType: 'TypedDataSign' as const,
    message: {
      contents: orderV2Message(order),
      name: DEPOSIT_WALLET_DOMAIN_NAME,
      version: DEPOSIT_WALLET_DOMAIN_VERSION,
      chainId: BigInt(domain.chainId),
      verifyingContract: order.signer,
      salt: BYTES32_ZERO,
    },
  };
}

/** Byte length of the contents type string, appended as a uint16 (186 for the V2 order). */
export const ORDER_V2_TYPE_STRING_LENGTH = new TextEncoder().encode(ORDER_V2_TYPE_STRING).length;

/** innerSig ‖ appDomainSeparator ‖ contentsHash ‖ contentsType ‖ uint16(len(contentsType)). */
export function wrapErc7739Signature(innerSignature: Hex, order: OrderV2, domain: ExchangeDomain): Hex {
  return concat([
    innerSignature,
    domainSeparator({ domain }),
    hashStruct({ data: orderV2Message(order), primaryType: 'Order', types: ORDER_V2_TYPES }),
    stringToHex(ORDER_V2_TYPE_STRING),
    numberToHex(ORDER_V2_TYPE_STRING_LENGTH, { size: 2 }),
  ]);
}

export async function signOrderV2(
  order: OrderV2,
  signer: TypedDataSigner,
  negRisk: boolean,
  contracts: ContractSet = POLYGON_CONTRACTS,
): Promise<SignedOrderV2> {
  const domain = orderDomainV2(negRisk, contracts);
  if (order.signatureType === SignatureType.POLY_1271) {
    const inner = await signer.signTypedData(typedDataSignV2(order, domain));
    return { ...order, signature: wrapErc7739Signature(inner, order, domain) };
  }
  if (!isAddressEqual(order.signer, signer.address)) {
    // The exchange recovers the signer from the signature; signing someone else's order with
    // our key would produce an order that can never be valid.
    throw new Error('order.signer does not match the signing key');
  }
  const signature = await signer.signTypedData(orderV2TypedData(order, domain));
  return { ...order, signature };
}

export interface OrderV2Common {
  /** key that signs: the EOA for types 0–2, the deposit wallet's owner key for type 3 */
  signer: TypedDataSigner;
  signatureType?: SignatureType;
  /** funder / proxy / Safe / deposit wallet; defaults to the signer's address (EOA orders) */
  maker?: Address;
  tokenId: bigint | string;
  negRisk: boolean;
  contracts?: ContractSet;
  /** explicit salt, e.g. deterministicOrderSalt(queueRowId) */
  salt?: bigint;
  /** random source for a fresh salt when `salt` is not given */
  saltRandom?: SaltRandom;
  /** creation time in ms; defaults to now */
  timestampMs?: bigint;
  /** GTD expiry (unix seconds); 0 = none */
  expiration?: bigint;
  metadata?: Hex;
  builder?: Hex;
  /** clock for the default timestamp, injectable for tests */
  now?: () => number;
}

export interface OrderV2Amounts {
  side: OrderSide;
  makerAmount: bigint;
  takerAmount: bigint;
}

function parseTokenId(tokenId: bigint | string): bigint {
  if (typeof tokenId === 'bigint') return tokenId;
  if (!/^\d+$/.test(tokenId)) throw new RangeError(`token id must be a decimal integer string: ${tokenId}`);
  return BigInt(tokenId);
}

/**
 * Assembles an unsigned V2 order, applying the official client's rules for who is maker and who
 * is signer: for POLY_1271 the deposit wallet is both, otherwise the key's address signs for the
 * maker. EOA orders must have maker = signer (the exchange enforces it).
 */
export function buildOrderV2(params: OrderV2Common & OrderV2Amounts): OrderV2 {
  const signatureType = params.signatureType ?? SignatureType.EOA;
  const keyAddress = getAddress(params.signer.address);
  const maker = getAddress(params.maker ?? keyAddress);
  const signer = signatureType === SignatureType.POLY_1271 ? maker : keyAddress;
  if (signatureType === SignatureType.EOA && maker !== signer) {
    throw new Error('an EOA (signature type 0) order must have maker = signer');
  }
  if (params.makerAmount <= 0n || params.takerAmount <= 0n) throw new RangeError('amounts must be positive');
  const salt = params.salt ?? randomOrderSalt(params.saltRandom);
  saltToJsonNumber(salt);
  return {
    salt,
    maker,
    signer,
    tokenId: parseTokenId(params.tokenId),
    makerAmount: params.makerAmount,
    takerAmount: params.takerAmount,
    side: params.side,
    signatureType,
    timestamp: params.timestampMs ?? BigInt((params.now ?? Date.now)()),
    metadata: params.metadata ?? BYTES32_ZERO,
    builder: params.builder ?? BYTES32_ZERO,
    expiration: params.expiration ?? 0n,
  };
}

/** Limit order: amounts from price/size/tick (§5.3), then build and sign. */
export async function createLimitOrderV2(
  params: OrderV2Common & Omit<LimitOrderAmountsInput, 'side'> & { side: OrderSide },
): Promise<SignedOrderV2> {
  const amounts = limitOrderAmounts(params);
  const order = buildOrderV2({ ...params, ...amounts });
  return signOrderV2(order, params.signer, params.negRisk, params.contracts);
}

/** Market order (sent as FOK/FAK): BUY amount in pUSD, SELL amount in shares. No expiration. */
export async function createMarketOrderV2(
  params: Omit<OrderV2Common, 'expiration'> & MarketOrderAmountsInput,
): Promise<SignedOrderV2> {
  const amounts = marketOrderAmounts(params);
  const order = buildOrderV2({ ...params, ...amounts, expiration: 0n });
  return signOrderV2(order, params.signer, params.negRisk, params.contracts);
}
