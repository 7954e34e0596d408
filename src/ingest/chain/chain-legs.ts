// From decoded OrderFilled logs to the fills a wallet made, in the shape the other feeds report them
// (no I/O). Why legs: for each maker order filled, the exchange emits OrderFilled(maker = that
// order's maker, taker = the taker order's maker); for the taker order it emits ONE OrderFilled with
// the amounts summed over every maker and taker = the exchange (docs/polymarket-api.md §7.3). RTDS
// and the Data API instead list the taker's fill once per maker order it hit, at that level's price.
// So a taker's aggregate log is split here into one leg per counterparty log of the same
// transaction whose `taker` is the wallet, which makes the chain's fills the same (tx, wallet,
// asset, side, price, size) tuples the other feeds carry and lets the fill key merge them.
import { Decimal } from '../../domain/money.ts';
import type { OrderFilled } from '../../venue/polymarket/exchange-events.ts';

const UNIT = new Decimal(1_000_000);
/** The smallest tick Polymarket uses (0.0001): prices are snapped to it (see priceOf). */
const PRICE_DP = 4;

export interface ChainLeg {
  readonly txHash: string;
  readonly wallet: string;
  readonly assetId: string;
  readonly side: 'BUY' | 'SELL';
  readonly price: Decimal;
  readonly size: Decimal;
  /** The log this leg was read from (the counterparty's log for a taker leg). */
  readonly logIndex: number;
  readonly blockNumber: bigint;
  readonly blockHash: string;
  readonly role: 'MAKER' | 'TAKER';
  /** The order's fee in pUSD (a maker pays none; a taker's fee is on its aggregate log). */
  readonly fee: Decimal;
}

/** Shares and pUSD of a fill from its order's point of view: BUY gives pUSD, SELL gives shares. */
export function amountsOf(f: OrderFilled): { shares: Decimal; usdc: Decimal } {
  const given = new Decimal(f.makerAmount.toString()).div(UNIT);
  const got = new Decimal(f.takerAmount.toString()).div(UNIT);
  return f.side === 'BUY' ? { shares: got, usdc: given } : { shares: given, usdc: got };
}

/**
 * The price the order traded at. The amounts are integers in 6-dp units, so pUSD / shares can be a
 * hair off the order's price (a notional rounded to 1e-6); orders are priced on a tick of at least
 * 0.0001 and the error is below 0.5e-6 / shares, so rounding to 4 dp gives the order's price back
 * for any fill of 0.01 share or more — the price RTDS and the Data API report.
 */
export function priceOf(f: OrderFilled): Decimal {
  const { shares, usdc } = amountsOf(f);
  if (shares.isZero()) return new Decimal(0);
  const exact = usdc.div(shares);
  return shares.gte('0.01') ? exact.toDecimalPlaces(PRICE_DP, Decimal.ROUND_HALF_UP) : exact;
}

/** The wallet was the taker of this log's order (the exchange stands in as counterparty). */
export const isTakerAggregate = (f: OrderFilled): boolean => f.taker === f.exchange;

function makerLeg(f: OrderFilled): ChainLeg {
  return {
    txHash: f.txHash,
    wallet: f.maker,
    assetId: f.tokenId,
    side: f.side,
    price: priceOf(f),
    size: amountsOf(f).shares,
    logIndex: f.logIndex,
    blockNumber: f.blockNumber,
    blockHash: f.blockHash,
    role: 'MAKER',
    fee: new Decimal(f.fee.toString()).div(UNIT),
  };
}

/**
 * The taker's side of one counterparty fill. Same token: the taker traded the other side at the
 * maker's price. The complementary token (a MINT of two buys or a MERGE of two sells): the taker
 * traded the same side of its own token at 1 − the maker's price.
 */
function takerLeg(aggregate: OrderFilled, counterparty: OrderFilled): ChainLeg {
  const sameToken = counterparty.tokenId === aggregate.tokenId;
  const makerPrice = priceOf(counterparty);
  return {
    txHash: aggregate.txHash,
    wallet: aggregate.maker,
    assetId: aggregate.tokenId,
    side: aggregate.side,
    price: sameToken ? makerPrice : new Decimal(1).minus(makerPrice),
    size: amountsOf(counterparty).shares,
    logIndex: counterparty.logIndex,
    blockNumber: aggregate.blockNumber,
    blockHash: aggregate.blockHash,
    role: 'TAKER',
    fee: new Decimal(0),
  };
}

/**
 * The fills of the wallets named as `maker` in `own`, in log order. `counterparties` are logs of
 * the same transactions whose `taker` is such a wallet (the maker orders its taker order hit); a
 * taker aggregate with no counterparty log at hand is returned whole (`unsplit`), for the caller to
 * fetch them or record the aggregate as it is.
 */
export function legsOf(
  own: readonly OrderFilled[],
  counterparties: readonly OrderFilled[],
): { legs: ChainLeg[]; unsplit: OrderFilled[] } {
  const legs: ChainLeg[] = [];
  const unsplit: OrderFilled[] = [];
  for (const f of [...own].sort(byPosition)) {
    if (!isTakerAggregate(f)) {
      legs.push(makerLeg(f));
      continue;
    }
    const hits = counterparties
      .filter((c) => c.txHash === f.txHash && c.taker === f.maker && c.exchange === f.exchange)
      .sort(byPosition);
    if (hits.length === 0) unsplit.push(f);
    for (const c of hits) legs.push(takerLeg(f, c));
  }
  return { legs, unsplit };
}

/** The aggregate as one fill, at its average price: when its counterparty logs cannot be read. */
export function aggregateLeg(f: OrderFilled): ChainLeg {
  const { shares, usdc } = amountsOf(f);
  return {
    ...makerLeg(f),
    price: shares.isZero() ? new Decimal(0) : usdc.div(shares).toDecimalPlaces(6, Decimal.ROUND_HALF_UP),
    role: 'TAKER',
  };
}

function byPosition(a: OrderFilled, b: OrderFilled): number {
  if (a.blockNumber !== b.blockNumber) return a.blockNumber < b.blockNumber ? -1 : 1;
  return a.logIndex - b.logIndex;
}
