// Every leader metric of one trader from its recorded fills, the token marks and a clock — the
// definitions of docs/analytics.md ("Metrics") as plain code. The production recompute is set-based
// SQL (src/analytics/recompute-metrics.ts); the tests run both on the same histories and require the
// same stored values, so this file is the executable specification of that SQL.
//
// Events that move P&L: each fill (its increment, see position-replay.ts), and for a position still
// holding shares after its last fill, one mark event: settlement at the payout (1, 0, or 0.5 for a
// void market) when its market resolved — at the later of the resolution time and the last fill —,
// else revaluation at the current mark price, now. Without a mark the position stays at its last
// fill price. Sums of events give total P&L; those after now − 7 days give the 7-day P&L.
// Percentages are over the capital base K (risk-metrics.ts): total_pnl_percent = P&L / K × 100.
import { Decimal, ZERO } from '../money.ts';
import { replayPosition, type PositionFill } from './position-replay.ts';
import { capitalBase, maxDrawdown, sharpeRatio, volatility, PERIODS_PER_YEAR } from './risk-metrics.ts';
import { positionOutcome, winRate } from './trade-stats.ts';

export { PERIODS_PER_YEAR } from './risk-metrics.ts';

export const DEFAULT_DUST_SHARES = new Decimal('0.01');
export const DEFAULT_RISK_FREE_RATE = new Decimal(0);
export const PNL_WINDOW_DAYS = 7;
const DAY_MS = 86_400_000;

export interface TraderFill extends PositionFill {
  /** The position key: the token id. */
  readonly token: string;
}

export interface TokenMark {
  /** Current price (midpoint), or null when none is known. */
  readonly price: Decimal | null;
  readonly resolved: boolean;
  /** 1 / 0 / 0.5 once resolved. */
  readonly payout: Decimal | null;
  /** When the resolution was first seen. */
  readonly resolvedAt: Date | null;
}

export interface MetricsOptions {
  /** The clock: fills after it are ignored; the 7-day window and "today" end at it. */
  readonly now: Date;
  readonly dustShares?: Decimal;
  /** Annual, as a fraction. */
  readonly riskFreeRate?: Decimal;
}

/** The stored figures (rounded and clamped as the `traders` columns hold them). */
export interface TraderMetrics {
  readonly pnl7d: Decimal;
  readonly pnl7dPercent: Decimal;
  readonly totalPnl: Decimal;
  readonly totalPnlPercent: Decimal;
  readonly totalVolumeUsd: Decimal;
  readonly totalTrades: number;
  readonly winningTrades: number;
  readonly losingTrades: number;
  readonly breakevenTrades: number;
  readonly winRate: Decimal;
  readonly avgTradeSizeUsd: Decimal;
  readonly avgHoldingTimeHours: Decimal;
  readonly sharpeRatio: Decimal | null;
  readonly maxDrawdown: Decimal | null;
  readonly volatility: Decimal | null;
  readonly capitalBase: Decimal;
  readonly activeDays: number;
  /** Days on the equity curve: first fill's day to today. */
  readonly equityDays: number;
  readonly openPositions: number;
  readonly fills: number;
  readonly firstTradeAt: Date | null;
  readonly lastTradeAt: Date | null;
}

const utcDay = (d: Date) => Math.floor(d.getTime() / DAY_MS);
const round = (x: Decimal, dp: number) => x.toDecimalPlaces(dp, Decimal.ROUND_HALF_UP);
/** Rounded, then clamped to ±max (the column's range). */
export function bounded(x: Decimal, max: string, dp: number): Decimal {
  const m = new Decimal(max);
  return Decimal.max(m.neg(), Decimal.min(m, round(x, dp)));
}
const P10_4 = '999999.9999';

interface PnlEvent {
  readonly at: Date;
  readonly pnl: Decimal;
  readonly spend: Decimal;
  readonly proceeds: Decimal;
  readonly isFill: boolean;
}

export function computeTraderMetrics(
  fills: readonly TraderFill[],
  marks: ReadonlyMap<string, TokenMark>,
  opts: MetricsOptions,
): TraderMetrics {
  const now = opts.now;
  const since = now.getTime() - PNL_WINDOW_DAYS * DAY_MS;
  const recorded = fills.filter((f) => f.at.getTime() <= now.getTime());
  const { events, closed, openPositions } = replayTokens(
    recorded,
    marks,
    now,
    opts.dustShares ?? DEFAULT_DUST_SHARES,
  );
  const { days, dense, k } = dailySeries(events, now);

  const total = events.reduce((a, e) => a.plus(e.pnl), ZERO);
  const pnl7 = events.filter((e) => e.at.getTime() > since).reduce((a, e) => a.plus(e.pnl), ZERO);
  const pct = (x: Decimal) => (k.gt(0) ? bounded(x.div(k).times(100), P10_4, 4) : ZERO);
  const rf = opts.riskFreeRate ?? DEFAULT_RISK_FREE_RATE;
  const sharpe = sharpeRatio(dense, k, rf, PERIODS_PER_YEAR);
  const vol = volatility(dense, k, PERIODS_PER_YEAR);
  const dd = maxDrawdown(dense, k);
  const times = recorded.map((f) => f.at.getTime());
  return {
    pnl7d: round(pnl7, 6),
    pnl7dPercent: pct(pnl7),
    totalPnl: round(total, 6),
    totalPnlPercent: pct(total),
    totalVolumeUsd: recorded.reduce((a, f) => a.plus(f.notional), ZERO),
    ...closedPositionFigures(closed),
    sharpeRatio: sharpe === null ? null : bounded(sharpe, P10_4, 4),
    maxDrawdown: dd === null ? null : bounded(dd, P10_4, 4),
    volatility: vol === null ? null : bounded(vol, P10_4, 4),
    capitalBase: round(k, 6),
    activeDays: [...days.values()].filter((d) => d.fills > 0).length,
    equityDays: dense.length,
    openPositions,
    fills: recorded.length,
    firstTradeAt: times.length > 0 ? new Date(Math.min(...times)) : null,
    lastTradeAt: times.length > 0 ? new Date(Math.max(...times)) : null,
  };
}

interface ClosedPosition {
  readonly pnl: Decimal;
  readonly cost: Decimal;
  readonly heldMs: number;
}

/** Every token's fills replayed: the P&L events, the closed positions and the open ones counted. */
function replayTokens(
  recorded: readonly TraderFill[],
  marks: ReadonlyMap<string, TokenMark>,
  now: Date,
  dust: Decimal,
) {
  const byToken = new Map<string, TraderFill[]>();
  for (const f of recorded) byToken.set(f.token, [...(byToken.get(f.token) ?? []), f]);
  const events: PnlEvent[] = [];
  const closed: ClosedPosition[] = [];
  let openPositions = 0;
  for (const [token, tokenFills] of byToken) {
    const t = replayToken(tokenFills, marks.get(token), now, dust);
    events.push(...t.events);
    closed.push(...t.closed);
    if (t.open) openPositions += 1;
  }
  return { events, closed, openPositions };
}

/** One token: its fills' P&L, then the settlement at resolution or the mark of what is still held. */
function replayToken(
  tokenFills: readonly TraderFill[],
  mark: TokenMark | undefined,
  now: Date,
  dust: Decimal,
) {
  const r = replayPosition(tokenFills, dust);
  const events: PnlEvent[] = r.fills.map((x) => ({
    at: x.fill.at,
    pnl: x.increment,
    spend: (x.fill.side === 'BUY' ? x.fill.notional : ZERO).plus(x.fill.fees),
    proceeds: x.matchedSold.times(x.fill.price),
    isFill: true,
  }));
  let settlement: { at: Date; pnl: Decimal } | null = null;
  // A resolution after the clock has not happened yet (as a fill after it has not).
  const resolved =
    mark !== undefined &&
    mark.resolved &&
    mark.payout !== null &&
    mark.resolvedAt !== null &&
    mark.resolvedAt.getTime() <= now.getTime();
  let open = false;
  if (r.shares.gt(0) && r.lastPrice !== null && r.lastAt !== null) {
    if (resolved && mark.payout !== null && mark.resolvedAt !== null) {
      const at = new Date(Math.max(mark.resolvedAt.getTime(), r.lastAt.getTime()));
      const pnl = r.shares.times(mark.payout.minus(r.lastPrice));
      settlement = { at, pnl };
      events.push({ at, pnl, spend: ZERO, proceeds: r.shares.times(mark.payout), isFill: false });
    } else if (mark !== undefined && mark.price !== null) {
      events.push({
        at: now,
        pnl: r.shares.times(mark.price.minus(r.lastPrice)),
        spend: ZERO,
        proceeds: ZERO,
        isFill: false,
      });
    }
    open = r.shares.gt(dust) && !resolved;
  }
  const closed: ClosedPosition[] = [];
  for (const e of r.episodes) {
    if (e.closedAt !== null) {
      closed.push({ pnl: e.pnl, cost: e.cost, heldMs: e.closedAt.getTime() - e.openedAt.getTime() });
    } else if (settlement !== null && e.number === r.lastEpisode && r.shares.gt(dust)) {
      closed.push({
        pnl: e.pnl.plus(settlement.pnl),
        cost: e.cost,
        heldMs: settlement.at.getTime() - e.openedAt.getTime(),
      });
    }
  }
  return { events, closed, open };
}

/** The daily series in day order, the capital base, and the dense daily P&L up to today. */
function dailySeries(events: readonly PnlEvent[], now: Date) {
  const days = new Map<number, { pnl: Decimal; spend: Decimal; proceeds: Decimal; fills: number }>();
  for (const e of events) {
    const d = utcDay(e.at);
    const cur = days.get(d) ?? { pnl: ZERO, spend: ZERO, proceeds: ZERO, fills: 0 };
    days.set(d, {
      pnl: cur.pnl.plus(e.pnl),
      spend: cur.spend.plus(e.spend),
      proceeds: cur.proceeds.plus(e.proceeds),
      fills: cur.fills + (e.isFill ? 1 : 0),
    });
  }
  const dayKeys = [...days.keys()].sort((a, b) => a - b);
  const k = capitalBase(dayKeys.map((d) => days.get(d)!));
  const first = dayKeys[0];
  const last = dayKeys.length > 0 ? Math.max(dayKeys.at(-1)!, utcDay(now)) : undefined;
  const dense: Decimal[] = [];
  if (first !== undefined && last !== undefined)
    for (let d = first; d <= last; d++) dense.push(days.get(d)?.pnl ?? ZERO);
  return { days, dense, k };
}

function closedPositionFigures(closed: readonly ClosedPosition[]) {
  const outcomes = closed.map((c) => positionOutcome(c.pnl));
  const wins = outcomes.filter((o) => o === 'win').length;
  const losses = outcomes.filter((o) => o === 'loss').length;
  return {
    totalTrades: closed.length,
    winningTrades: wins,
    losingTrades: losses,
    breakevenTrades: closed.length - wins - losses,
    winRate: winRate(wins, closed.length),
    avgTradeSizeUsd:
      closed.length === 0
        ? ZERO
        : bounded(closed.reduce((a, c) => a.plus(c.cost), ZERO).div(closed.length), '9999999999.99', 2),
    avgHoldingTimeHours:
      closed.length === 0
        ? ZERO
        : bounded(
            closed
              .reduce((a, c) => a.plus(c.heldMs), ZERO)
              .div(1000)
              .div(closed.length)
              .div(3600),
            '99999999.99',
            2,
          ),
  };
}
