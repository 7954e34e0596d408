// Wire market and book shapes → the Venue's Market and OrderBook. Polymarket spreads a market's
// facts over two CLOB endpoints (the compact `/clob-markets` has the trading rules and fee curve,
// the full `/markets/{cid}` has question, dates and resolution) and Gamma (everything, for
// listings), so each source has its own mapper and they agree on the result.
import { Decimal } from '../../domain/money.ts';
import { NO_FEES, type FeeSchedule } from '../../domain/book-walk.ts';
import { normaliseSides } from '../../domain/order-book.ts';
import type { Market, OrderBook } from '../venue.ts';
import type { WireBook, WireClobMarket, WireClobMarketInfo } from './clob-wire.ts';
import type { GammaMarket } from './gamma-client.ts';

// Most Polymarket markets trade on a cent tick with a 5-share minimum (§3.3); used only when the
// venue leaves a field out.
const DEFAULT_TICK = new Decimal('0.01');
const DEFAULT_MIN_SIZE = new Decimal(5);
const BPS = new Decimal(10_000);

/** Fee curve from `/clob-markets` `fd` (rate, exponent, taker-only), else the taker base fee in bps. */
export function feesFromClobInfo(info: WireClobMarketInfo): FeeSchedule {
  if (info.fd?.r !== undefined) {
    return { rate: info.fd.r, exponent: info.fd.e ?? 1, takerOnly: info.fd.to ?? true };
  }
  if (info.tbf !== null && info.tbf.gt(0)) return { rate: info.tbf.div(BPS), exponent: 1, takerOnly: true };
  return NO_FEES;
}

function parseDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : new Date(t);
}

/** A Market from the compact info plus (when available) the full CLOB market object. */
export function marketFromClob(info: WireClobMarketInfo, full: WireClobMarket | null): Market {
  const winner = full?.tokens.find((t) => t.winner === true)?.token_id ?? null;
  const closed = full?.closed ?? false;
  return {
    conditionId: info.c,
    question: full?.question ?? '',
    slug: full?.market_slug ? full.market_slug : null,
    tokens: info.t.map((t) => ({ tokenId: t.t, outcome: t.o })),
    tickSize: info.mts,
    minOrderSize: info.mos ?? full?.minimum_order_size ?? DEFAULT_MIN_SIZE,
    negRisk: info.nr ?? full?.neg_risk ?? false,
    fees: feesFromClobInfo(info),
    endDate: parseDate(full?.end_date_iso),
    acceptingOrders: info.ao ?? full?.accepting_orders ?? !closed,
    closed,
    resolved: closed && winner !== null,
    winningTokenId: winner,
    tags: full?.tags ?? [],
  };
}

/** A Market from a Gamma listing row; null for rows that are not tradeable on the CLOB. */
export function marketFromGamma(g: GammaMarket): Market | null {
  if (g.conditionId === '' || g.tokenIds.length === 0) return null;
  const tokens = g.tokenIds.map((tokenId, i) => ({ tokenId, outcome: g.outcomes[i] ?? String(i) }));
  // A resolved market settles its winning outcome at 1 (§2.3 outcomePrices).
  const winnerIndex = g.closed ? g.outcomePrices.findIndex((p) => p.eq(1)) : -1;
  const resolved = g.closed && (g.umaResolutionStatus === 'resolved' || winnerIndex >= 0);
  return {
    conditionId: g.conditionId,
    question: g.question,
    slug: g.slug === '' ? null : g.slug,
    tokens,
    tickSize: g.tickSize ?? DEFAULT_TICK,
    minOrderSize: g.minOrderSize ?? DEFAULT_MIN_SIZE,
    negRisk: g.negRisk,
    fees: g.feeSchedule
      ? { rate: g.feeSchedule.rate, exponent: g.feeSchedule.exponent, takerOnly: g.feeSchedule.takerOnly }
      : NO_FEES,
    endDate: g.endDate,
    acceptingOrders: g.acceptingOrders && !g.closed,
    closed: g.closed,
    resolved,
    winningTokenId: resolved && winnerIndex >= 0 ? (tokens[winnerIndex]?.tokenId ?? null) : null,
    tags: g.tags,
  };
}

export interface BookDefaults {
  readonly tickSize: Decimal;
  readonly minOrderSize: Decimal;
  readonly negRisk: boolean;
}

/** A wire book (best price last on Polymarket) → best-first OrderBook. */
export function bookFromWire(b: WireBook, defaults?: BookDefaults, nowMs: number = Date.now()): OrderBook {
  const sides = normaliseSides({ bids: b.bids, asks: b.asks });
  return {
    tokenId: b.asset_id,
    conditionId: b.market,
    bids: sides.bids,
    asks: sides.asks,
    tickSize: b.tick_size ?? defaults?.tickSize ?? DEFAULT_TICK,
    minOrderSize: b.min_order_size ?? defaults?.minOrderSize ?? DEFAULT_MIN_SIZE,
    negRisk: b.neg_risk ?? defaults?.negRisk ?? false,
    timestampMs: b.timestamp ?? nowMs,
    hash: b.hash === '' ? null : b.hash,
    lastTradePrice: b.last_trade_price,
  };
}
