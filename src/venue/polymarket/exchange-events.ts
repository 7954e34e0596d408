// The exchange contracts' fill events (docs/polymarket-api.md §7.2): ABI items, topic0 values and
// decoding of one log into the order it fills. Shared by the chain feed (src/ingest/chain) and the
// simulator's chain, which encodes with the same items, so both sides agree by construction and the
// tests check the items against the topic0 values published for the real contracts.
import { decodeEventLog, parseAbiItem, type Address, type Hex } from 'viem';

/** V2 exchanges and ExchangeV3: the order's side and outcome token, amounts in 6-dp units. */
export const ORDER_FILLED_V2 = parseAbiItem(
  'event OrderFilled(bytes32 indexed orderHash, address indexed maker, address indexed taker, uint8 side, uint256 tokenId, uint256 makerAmountFilled, uint256 takerAmountFilled, uint256 fee, bytes32 builder, bytes32 metadata)',
);
export const ORDERS_MATCHED_V2 = parseAbiItem(
  'event OrdersMatched(bytes32 indexed takerOrderHash, address indexed takerOrderMaker, uint8 side, uint256 tokenId, uint256 makerAmountFilled, uint256 takerAmountFilled)',
);
/** V1 exchanges (history): the side is implied by which asset id is 0 (collateral). */
export const ORDER_FILLED_V1 = parseAbiItem(
  'event OrderFilled(bytes32 indexed orderHash, address indexed maker, address indexed taker, uint256 makerAssetId, uint256 takerAssetId, uint256 makerAmountFilled, uint256 takerAmountFilled, uint256 fee)',
);
export const ORDERS_MATCHED_V1 = parseAbiItem(
  'event OrdersMatched(bytes32 indexed takerOrderHash, address indexed takerOrderMaker, uint256 makerAssetId, uint256 takerAssetId, uint256 makerAmountFilled, uint256 takerAmountFilled)',
);

export const TOPIC0 = {
  orderFilledV1: '0xd0a08e8c493f9c94f29311604c9de1b4e8c8d4c06bd0c789af57f2d65bfec0f6',
  ordersMatchedV1: '0x63bf4d16b7fa898ef4c4b2b6d90fd201e9c56313b65638af6088d149d2ce956c',
  orderFilledV2: '0xd543adfd945773f1a62f74f0ee55a5e3b9b1a28262980ba90b1a89f2ea84d8ee',
  ordersMatchedV2: '0x174b3811690657c217184f89418266767c87e4805d09680c39fc9c031c0cab7c',
} as const;

/** ExchangeV3 (Protocol V2 / Combos) emits the V2 layout (§7.1, §7.2). */
export const EXCHANGE_V3_ADDRESS: Address = '0xe3333700cA9d93003F00f0F71f8515005F6c00Aa';

/** A log as JSON-RPC and viem give it (fields this module reads). */
export interface RawLog {
  readonly address: string;
  readonly topics: readonly Hex[];
  readonly data: Hex;
  readonly blockNumber: bigint | null;
  readonly blockHash: string | null;
  readonly transactionHash: string | null;
  readonly logIndex: number | null;
  readonly removed?: boolean;
}

/** One `OrderFilled`: the order named by orderHash, filled by this much, in one transaction. */
export interface OrderFilled {
  readonly layout: 'v1' | 'v2';
  /** The emitting exchange, lower-case. */
  readonly exchange: string;
  readonly orderHash: string;
  /** The order's maker (funder / proxy wallet), lower-case. */
  readonly maker: string;
  /** The counterparty order's maker, or the exchange itself when `maker` was the taker. */
  readonly taker: string;
  readonly side: 'BUY' | 'SELL';
  /** Outcome token id, decimal text. */
  readonly tokenId: string;
  /** Base units (6 dp): what the order's maker gave and got. */
  readonly makerAmount: bigint;
  readonly takerAmount: bigint;
  readonly fee: bigint;
  readonly txHash: string;
  readonly logIndex: number;
  readonly blockNumber: bigint;
  readonly blockHash: string;
  readonly removed: boolean;
}

/** Decodes an OrderFilled log (V1 or V2 layout); null for any other event or a pending log. */
export function decodeOrderFilled(log: RawLog): OrderFilled | null {
  const topic0 = log.topics[0]?.toLowerCase();
  if (log.transactionHash == null || log.logIndex == null || log.blockNumber == null || log.blockHash == null)
    return null;
  const where = {
    exchange: log.address.toLowerCase(),
    txHash: log.transactionHash.toLowerCase(),
    logIndex: log.logIndex,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash.toLowerCase(),
    removed: log.removed === true,
  };
  const topics = log.topics as [Hex, ...Hex[]];
  if (topic0 === TOPIC0.orderFilledV2) {
    const { args } = decodeEventLog({ abi: [ORDER_FILLED_V2], data: log.data, topics });
    if (args.side !== 0 && args.side !== 1) return null;
    return {
      layout: 'v2',
      ...where,
      orderHash: args.orderHash.toLowerCase(),
      maker: args.maker.toLowerCase(),
      taker: args.taker.toLowerCase(),
      side: args.side === 0 ? 'BUY' : 'SELL',
      tokenId: args.tokenId.toString(10),
      makerAmount: args.makerAmountFilled,
      takerAmount: args.takerAmountFilled,
      fee: args.fee,
    };
  }
  if (topic0 === TOPIC0.orderFilledV1) {
    const { args } = decodeEventLog({ abi: [ORDER_FILLED_V1], data: log.data, topics });
    // V1: the collateral side has asset id 0; a BUY gives collateral (makerAssetId 0).
    const buy = args.makerAssetId === 0n;
    if (!buy && args.takerAssetId !== 0n) return null;
    return {
      layout: 'v1',
      ...where,
      orderHash: args.orderHash.toLowerCase(),
      maker: args.maker.toLowerCase(),
      taker: args.taker.toLowerCase(),
      side: buy ? 'BUY' : 'SELL',
      tokenId: (buy ? args.takerAssetId : args.makerAssetId).toString(10),
      makerAmount: args.makerAmountFilled,
      takerAmount: args.takerAmountFilled,
      fee: args.fee,
    };
  }
  return null;
}
