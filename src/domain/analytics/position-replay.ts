// Replays one trader's fills in one token (a "position") in time order — the accounting behind every
// leader metric (docs/analytics.md, "Metrics"). The SQL recompute (src/analytics/recompute-metrics.ts)
// computes exactly this, set-based; the tests hold the two to each other.
//
// - Shares: a BUY adds its size; a SELL removes its size but never more than is held. Shares sold
//   beyond the position were bought before recording began: they have no known cost, so that part
//   of the sale is left out (`matchedSold` is what counts).
// - P&L increments (mark-to-last-fill): each fill revalues the shares held before it from the
//   previous fill's price to this fill's price, less this fill's fees:
//     increment_k = shares_before_k × (price_k − price_{k−1}) − fees_k
//   Summed over a position this is proceeds − cost − fees + shares held × last price, i.e. realized
//   plus unrealized P&L at the last fill price, under any cost method. Average cost (below) only
//   splits it into realized and unrealized; the equity curve needs the increments, which also say
//   on which day P&L arose.
// - Average cost: a BUY adds size × price to the cost basis; a SELL realizes
//   matched × (price − average cost) and removes matched × average cost from the basis.
// - Closed positions ("episodes"): a position opens when a BUY takes it from at most `dust` shares
//   to more, and closes when a SELL takes it back to at most `dust`. A fill belongs to the open
//   episode (or opens one); the episode's P&L is the sum of its fills' increments.
import { Decimal, ZERO } from '../money.ts';

export interface PositionFill {
  /** Order of fills with the same time (trades.id). */
  readonly seq: bigint;
  readonly at: Date;
  readonly side: 'BUY' | 'SELL';
  readonly price: Decimal;
  readonly size: Decimal;
  /** price × size as recorded (entry_value_usd). */
  readonly notional: Decimal;
  /** Fees and gas paid on this fill. */
  readonly fees: Decimal;
}

export interface ReplayedFill {
  readonly fill: PositionFill;
  readonly sharesBefore: Decimal;
  readonly sharesAfter: Decimal;
  /** Shares a SELL actually took out of the position (0 for a BUY). */
  readonly matchedSold: Decimal;
  readonly increment: Decimal;
  /** Average-cost P&L this fill realized (a SELL's matched part), before fees. */
  readonly realized: Decimal;
  /** The episode (1, 2, ...) this fill belongs to, or null (e.g. a sale while flat). */
  readonly episode: number | null;
  readonly closes: boolean;
}

export interface Episode {
  readonly number: number;
  readonly openedAt: Date;
  /** Time of the fill that closed it; null while open. */
  readonly closedAt: Date | null;
  /** Σ notional of its BUYs. */
  readonly cost: Decimal;
  /** Σ increments of its fills. */
  readonly pnl: Decimal;
}

export interface PositionReplay {
  readonly fills: readonly ReplayedFill[];
  readonly episodes: readonly Episode[];
  /** Shares held after the last fill. */
  readonly shares: Decimal;
  readonly lastPrice: Decimal | null;
  readonly lastAt: Date | null;
  /** Episode of the last fill (open when shares > dust). */
  readonly lastEpisode: number | null;
  /** Average-cost basis of the shares held. */
  readonly costBasis: Decimal;
}

export function byTimeThenSeq(a: PositionFill, b: PositionFill): number {
  const t = a.at.getTime() - b.at.getTime();
  if (t !== 0) return t;
  return a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0;
}

export function replayPosition(fills: readonly PositionFill[], dust: Decimal): PositionReplay {
  const sorted = [...fills].sort(byTimeThenSeq);
  const out: ReplayedFill[] = [];
  const episodes: Array<{
    number: number;
    openedAt: Date;
    closedAt: Date | null;
    cost: Decimal;
    pnl: Decimal;
  }> = [];
  let shares = ZERO;
  let basis = ZERO;
  let lastPrice: Decimal | null = null;
  let episodeCount = 0;
  for (const f of sorted) {
    const before = shares;
    const matchedSold = f.side === 'SELL' ? Decimal.min(f.size, before) : ZERO;
    const after = f.side === 'BUY' ? before.plus(f.size) : before.minus(matchedSold);
    const increment = (lastPrice === null ? ZERO : before.times(f.price.minus(lastPrice))).minus(f.fees);
    let realized = ZERO;
    if (f.side === 'BUY') {
      basis = basis.plus(f.size.times(f.price));
    } else if (before.gt(0)) {
      const avg = basis.div(before);
      realized = matchedSold.times(f.price.minus(avg));
      basis = after.isZero() ? ZERO : basis.minus(matchedSold.times(avg));
    }
    const opens = f.side === 'BUY' && before.lte(dust) && after.gt(dust);
    if (opens) {
      episodeCount += 1;
      episodes.push({ number: episodeCount, openedAt: f.at, closedAt: null, cost: ZERO, pnl: ZERO });
    }
    const member = before.gt(dust) || opens;
    const closes = before.gt(dust) && after.lte(dust);
    if (member) {
      const e = episodes[episodes.length - 1]!;
      if (f.side === 'BUY') e.cost = e.cost.plus(f.notional);
      e.pnl = e.pnl.plus(increment);
      if (closes) e.closedAt = f.at;
    }
    out.push({
      fill: f,
      sharesBefore: before,
      sharesAfter: after,
      matchedSold,
      increment,
      realized,
      episode: member ? episodeCount : null,
      closes,
    });
    shares = after;
    lastPrice = f.price;
  }
  const last = out.at(-1);
  return {
    fills: out,
    episodes,
    shares,
    lastPrice,
    lastAt: last?.fill.at ?? null,
    lastEpisode: last?.episode ?? null,
    costBasis: basis,
  };
}

export interface SidedFill {
  readonly at: Date;
  readonly side: 'BUY' | 'SELL';
  readonly size: Decimal;
  readonly price: Decimal;
}

/**
 * Shares held after these fills (in the given order), a sale never taking the position below zero:
 * what the copy engine and the backtest size a leader's mirrored sell from.
 */
export function sharesAfter(fills: readonly SidedFill[]): Decimal {
  return replayPosition(
    fills.map((f, i) => ({ ...f, seq: BigInt(i), notional: f.size.times(f.price), fees: ZERO })),
    ZERO,
  ).shares;
}
