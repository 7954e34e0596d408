// Verifying V2 order signatures the way the exchange does (docs/polymarket-api.md §5.1), for the
// local simulator. Results are structured so the simulator can answer like Polymarket and so a
// failed check never throws on attacker-controlled input.
//
// What can and cannot be checked off-chain:
// - EOA (0): the recovered address must equal signer and maker — fully checked here.
// - POLY_PROXY (1) / POLY_GNOSIS_SAFE (2): the recovered address must equal signer — checked.
//   Whether `maker` is that signer's proxy/Safe is a CREATE2 fact about factories; the caller
//   checks it against its own wallet registry (`ownerEoa` below is the address to check).
// - POLY_1271 (3): the ERC-7739 envelope is unpacked and its embedded domain separator and
//   contents hash must match this order on this exchange; the inner signature's signer is
//   returned as `ownerEoa`. The wallet's isValidSignature (owner check) is the caller's registry.
import {
  domainSeparator,
  getAddress,
  hashStruct,
  hexToNumber,
  isAddressEqual,
  isHex,
  recoverTypedDataAddress,
  size,
  slice,
  stringToHex,
  type Address,
  type Hex,
} from 'viem';
import { POLYGON_CONTRACTS, type ContractSet } from './contracts.ts';
import { orderDomainV2 } from './exchange-domains.ts';
import { hashOrderV2, orderV2TypedData, typedDataSignV2 } from './order-signing.ts';
import {
  ORDER_V2_TYPE_STRING,
  ORDER_V2_TYPES,
  SignatureType,
  orderV2Message,
  type SignedOrderV2,
} from './order-struct.ts';

export type OrderSignatureFailure =
  'malformed_signature' | 'signer_mismatch' | 'maker_mismatch' | 'wrong_domain' | 'contents_mismatch';

export type OrderSignatureCheck =
  | { ok: true; orderHash: Hex; ownerEoa: Address }
  | { ok: false; orderHash: Hex; reason: OrderSignatureFailure; recovered?: Address };

async function recoverOrNull(run: () => Promise<Address>): Promise<Address | null> {
  try {
    return getAddress(await run());
  } catch {
    // viem throws on a signature that is not a valid secp256k1 signature (bad v, s out of range).
    return null;
  }
}

/** Recovers the EOA that produced a plain (types 0–2) V2 signature, or null if unrecoverable. */
export async function recoverOrderSignerV2(
  order: SignedOrderV2,
  negRisk: boolean,
  contracts: ContractSet = POLYGON_CONTRACTS,
): Promise<Address | null> {
  if (!isHex(order.signature) || size(order.signature) !== 65) return null;
  const typed = orderV2TypedData(order, orderDomainV2(negRisk, contracts));
  return recoverOrNull(() => recoverTypedDataAddress({ ...typed, signature: order.signature }));
}

const SIG_LEN = 65;
const WORD = 32;

/** Splits an ERC-7739 envelope; null if the layout is not the one the official client makes. */
export function parseErc7739Signature(
  signature: Hex,
): { inner: Hex; appDomainSeparator: Hex; contentsHash: Hex; contentsType: Hex } | null {
  if (!isHex(signature)) return null;
  const total = size(signature);
  if (total < SIG_LEN + 2 * WORD + 2) return null;
  const typeLen = hexToNumber(slice(signature, total - 2, total));
  if (total !== SIG_LEN + 2 * WORD + typeLen + 2) return null;
  return {
    inner: slice(signature, 0, SIG_LEN),
    appDomainSeparator: slice(signature, SIG_LEN, SIG_LEN + WORD),
    contentsHash: slice(signature, SIG_LEN + WORD, SIG_LEN + 2 * WORD),
    contentsType: slice(signature, SIG_LEN + 2 * WORD, total - 2),
  };
}

/**
 * Verifies a V2 order signature against the domain chosen by `negRisk`. An order signed for the
 * other exchange, a changed field or a different key all come back as `ok: false`.
 */
export async function verifyOrderSignatureV2(
  order: SignedOrderV2,
  negRisk: boolean,
  contracts: ContractSet = POLYGON_CONTRACTS,
): Promise<OrderSignatureCheck> {
  const domain = orderDomainV2(negRisk, contracts);
  const orderHash = hashOrderV2(order, negRisk, contracts);

  if (order.signatureType === SignatureType.POLY_1271) {
    if (!isAddressEqual(order.maker, order.signer)) return { ok: false, orderHash, reason: 'maker_mismatch' };
    const parts = parseErc7739Signature(order.signature);
    if (!parts || parts.contentsType !== stringToHex(ORDER_V2_TYPE_STRING)) {
      return { ok: false, orderHash, reason: 'malformed_signature' };
    }
    if (parts.appDomainSeparator !== domainSeparator({ domain })) {
      return { ok: false, orderHash, reason: 'wrong_domain' };
    }
    const contents = hashStruct({ data: orderV2Message(order), primaryType: 'Order', types: ORDER_V2_TYPES });
    if (parts.contentsHash !== contents) return { ok: false, orderHash, reason: 'contents_mismatch' };
    const owner = await recoverOrNull(() =>
      recoverTypedDataAddress({ ...typedDataSignV2(order, domain), signature: parts.inner }),
    );
    if (!owner) return { ok: false, orderHash, reason: 'malformed_signature' };
    return { ok: true, orderHash, ownerEoa: owner };
  }

  const recovered = await recoverOrderSignerV2(order, negRisk, contracts);
  if (!recovered) return { ok: false, orderHash, reason: 'malformed_signature' };
  if (!isAddressEqual(recovered, order.signer)) {
    return { ok: false, orderHash, reason: 'signer_mismatch', recovered };
  }
  if (order.signatureType === SignatureType.EOA && !isAddressEqual(order.maker, order.signer)) {
    return { ok: false, orderHash, reason: 'maker_mismatch', recovered };
  }
  return { ok: true, orderHash, ownerEoa: recovered };
}
