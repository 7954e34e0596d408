// What an order traded, reconstructed from CLOB trades (`/data/trades`, §3.2). Neither the order
// response nor the OpenOrder carries notional or fees, so both are rebuilt here from the per-maker
// fills of each trade. Two venue facts shape it:
// - A taker BUY can match makers on the *complementary* token (a mint, as Polymarket's books are one
//   book); such a maker's price is its own token's, so the taker's price is 1 − maker price.
// - V2 fees are charged by the operator per fill: shares × rate × (p(1 − p))^exponent, taker only,
//   settled in whole pUSD base units. The exchange does integer arithmetic, so each fill's fee is
//   rounded *down* to 6 decimals (the paper venue's estimate rounds half-up; the live venue reports
//   what the exchange takes).
import { Decimal, ZERO } from '../../domain/money.ts';
import type { WireClobTrade } from './clob-wire.ts';

export interface FeeTerms {
  /** Exponent of the fee curve (Gamma feeSchedule / clob-markets fd.e); 1 for most markets. */
  readonly exponent: number;
  /** Makers pay nothing (the only mode Polymarket documents). */
  readonly takerOnly: boolean;
}

export interface FillSummary {
  readonly filledSize: Decimal;
  /** Σ price × size, pUSD. */
  readonly notional: Decimal;
  readonly fees: Decimal;
  readonly tradeIds: readonly string[];
  readonly transactionHashes: readonly string[];
}

const FEE_DECIMALS = 6;
const BPS = new Decimal(10_000);

/** One fill's taker fee, floored to pUSD base units. */
export function fillFee(shares: Decimal, price: Decimal, rateBps: Decimal, exponent: number): Decimal {
  if (rateBps.isZero() || shares.isZero()) return ZERO;
  const curve = price.times(new Decimal(1).minus(price)).pow(exponent);
  return shares.times(rateBps).div(BPS).times(curve).toDecimalPlaces(FEE_DECIMALS, Decimal.ROUND_DOWN);
}

/** Sums `orderId`'s part in the given trades (as taker or as one of the makers). */
export function summariseOrderFills(
  orderId: string,
  trades: readonly WireClobTrade[],
  terms: FeeTerms,
): FillSummary {
  const id = orderId.toLowerCase();
  let filledSize = ZERO;
  let notional = ZERO;
  let fees = ZERO;
  const tradeIds: string[] = [];
  const hashes: string[] = [];
  for (const t of trades) {
    let touched = false;
    if (t.taker_order_id.toLowerCase() === id) {
      touched = true;
      const rate = t.fee_rate_bps ?? ZERO;
      const makers = t.maker_orders ?? [];
      if (makers.length === 0) {
        // No per-maker detail: the trade row's own size and price are all there is.
        filledSize = filledSize.plus(t.size);
        notional = notional.plus(t.size.times(t.price));
        fees = fees.plus(fillFee(t.size, t.price, rate, terms.exponent));
      }
      for (const m of makers) {
        const complementary = m.asset_id !== '' && t.asset_id !== '' && m.asset_id !== t.asset_id;
        const price = complementary ? new Decimal(1).minus(m.price) : m.price;
        filledSize = filledSize.plus(m.matched_amount);
        notional = notional.plus(m.matched_amount.times(price));
        fees = fees.plus(fillFee(m.matched_amount, price, m.fee_rate_bps ?? rate, terms.exponent));
      }
    } else {
      for (const m of t.maker_orders ?? []) {
        if (m.order_id.toLowerCase() !== id) continue;
        touched = true;
        filledSize = filledSize.plus(m.matched_amount);
        notional = notional.plus(m.matched_amount.times(m.price));
        if (!terms.takerOnly) {
          fees = fees.plus(fillFee(m.matched_amount, m.price, m.fee_rate_bps ?? ZERO, terms.exponent));
        }
      }
    }
    if (touched) {
      tradeIds.push(t.id);
      if (t.transaction_hash !== '' && !hashes.includes(t.transaction_hash)) hashes.push(t.transaction_hash);
    }
  }
  return { filledSize, notional, fees, tradeIds, transactionHashes: hashes };
}
