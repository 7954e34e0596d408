// The logs one simulated match leaves on chain, encoded exactly as the exchange contracts emit them
// (docs/polymarket-api.md §7.2, §7.3): per maker order filled, OrderFilled(makerOrderHash,
// maker = that order's maker, taker = the taker order's maker); then the taker order's OrderFilled
// with the amounts summed over every maker and taker = the exchange; then OrdersMatched.
import {
  encodeAbiParameters,
  encodeEventTopics,
  keccak256,
  pad,
  parseAbiParameters,
  toHex,
  type Address,
  type Hex,
} from 'viem';
import type { Decimal } from '../../domain/money.ts';
import { ORDER_FILLED_V2, ORDERS_MATCHED_V2 } from '../../venue/polymarket/exchange-events.ts';
import type { FillEvent, LegEvent } from '../simulation.ts';

/** A log before it is placed in a block. */
export interface PendingLog {
  readonly address: Address;
  readonly topics: readonly Hex[];
  readonly data: Hex;
}

const ZERO32: Hex = pad('0x', { size: 32 });
/** The non-indexed parameters: what goes in a log's data. */
const ORDER_FILLED_DATA = parseAbiParameters(
  'uint8 side, uint256 tokenId, uint256 makerAmountFilled, uint256 takerAmountFilled, uint256 fee, bytes32 builder, bytes32 metadata',
);
const ORDERS_MATCHED_DATA = parseAbiParameters(
  'uint8 side, uint256 tokenId, uint256 makerAmountFilled, uint256 takerAmountFilled',
);
const micro = (d: Decimal): bigint => BigInt(d.times(1_000_000).toFixed(0));

/** Order ids of the simulator are order hashes already; anything else is hashed to 32 bytes. */
export function orderHash(id: string): Hex {
  return /^0x[0-9a-fA-F]{64}$/.test(id) ? (id.toLowerCase() as Hex) : keccak256(toHex(id));
}

interface Amounts {
  shares: bigint;
  usdc: bigint;
  fee: bigint;
}

/** makerAmountFilled / takerAmountFilled of an order: BUY gives pUSD and gets shares; SELL the reverse. */
const orderAmounts = (side: 'BUY' | 'SELL', a: Amounts): [bigint, bigint] =>
  side === 'BUY' ? [a.usdc, a.shares] : [a.shares, a.usdc];

function orderFilled(exchange: Address, leg: LegEvent, taker: string, a: Amounts): PendingLog {
  const topics = encodeEventTopics({
    abi: [ORDER_FILLED_V2],
    eventName: 'OrderFilled',
    args: { orderHash: orderHash(leg.orderId), maker: leg.wallet as Address, taker: taker as Address },
  }) as Hex[];
  const [makerAmount, takerAmount] = orderAmounts(leg.side, a);
  const data = encodeAbiParameters(ORDER_FILLED_DATA, [
    leg.side === 'BUY' ? 0 : 1,
    BigInt(leg.asset),
    makerAmount,
    takerAmount,
    a.fee,
    ZERO32,
    ZERO32,
  ]);
  return { address: exchange, topics, data };
}

/** Every log of one transaction (the fills of one taker order's match, in match order). */
export function fillLogs(exchange: Address, fills: readonly FillEvent[]): PendingLog[] {
  const first = fills[0];
  if (first === undefined) return [];
  const logs: PendingLog[] = [];
  const total: Amounts = { shares: 0n, usdc: 0n, fee: 0n };
  for (const f of fills) {
    const shares = micro(f.size);
    logs.push(
      orderFilled(exchange, f.maker, f.taker.wallet, {
        shares,
        usdc: micro(f.maker.usdcSize),
        fee: micro(f.maker.fee),
      }),
    );
    total.shares += shares;
    total.usdc += micro(f.taker.usdcSize);
    total.fee += micro(f.taker.fee);
  }
  const taker = first.taker;
  logs.push(orderFilled(exchange, taker, exchange, total));
  const [makerAmount, takerAmount] = orderAmounts(taker.side, total);
  logs.push({
    address: exchange,
    topics: encodeEventTopics({
      abi: [ORDERS_MATCHED_V2],
      eventName: 'OrdersMatched',
      args: { takerOrderHash: orderHash(taker.orderId), takerOrderMaker: taker.wallet as Address },
    }) as Hex[],
    data: encodeAbiParameters(ORDERS_MATCHED_DATA, [
      taker.side === 'BUY' ? 0 : 1,
      BigInt(taker.asset),
      makerAmount,
      takerAmount,
    ]),
  });
  return logs;
}
