// The true equity curve of one account (paper or live): at each point in time, cash plus the open
// copy positions marked at the last price known then — not cash alone, which would draw a fully
// invested portfolio as a loss. Pure: the caller reads lots, cash flows and prices.
import { Decimal, toWire } from './money.ts';

export const EQUITY_WINDOWS = ['1d', '7d', '30d', '90d', 'all'] as const;
export type EquityWindow = (typeof EQUITY_WINDOWS)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_ALL_DAYS = 365;

export interface EquityLot {
  assetId: string;
  quantity: Decimal;
  entryPrice: Decimal;
  entryAt: Date;
  exitAt: Date | null;
  /** The latest mark-to-market value of an open lot (used for the "now" point). */
  currentValue: Decimal | null;
}

export interface CashFlow {
  at: Date;
  amount: Decimal;
}

export interface PricePoint {
  assetId: string;
  at: Date;
  price: Decimal;
}

export interface EquityPoint {
  at: string;
  cashUsd: string | null;
  positionsValueUsd: string;
  equityUsd: string;
  cashKnown: boolean;
}

/**
 * The points of a window, oldest first, the last one `now`: hourly over 1 day, every 4 hours over 7,
 * daily beyond (`all`: from the first activity, at most a year).
 */
export function equityBuckets(window: EquityWindow, now: Date, firstActivity: Date | null): Date[] {
  const step = window === '1d' ? HOUR : window === '7d' ? 4 * HOUR : DAY;
  const span =
    window === 'all'
      ? Math.min(
          MAX_ALL_DAYS * DAY,
          Math.max(DAY, now.getTime() - (firstActivity?.getTime() ?? now.getTime())),
        )
      : { '1d': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY }[window];
  const count = Math.ceil(span / step);
  const out: Date[] = [];
  for (let i = count; i >= 1; i--) out.push(new Date(now.getTime() - i * step));
  out.push(now);
  return out;
}

/** The last price of each asset at or before `at`, by binary search over prices sorted by time. */
function lastPriceAt(series: PricePoint[] | undefined, at: number): Decimal | null {
  if (!series || series.length === 0) return null;
  let lo = 0;
  let hi = series.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (series[mid]!.at.getTime() <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 ? series[found]!.price : null;
}

export function equityCurve(input: {
  buckets: Date[];
  now: Date;
  /** Cash before the first flow; null when the account's cash is not known over time (live). */
  startingCash: Decimal | null;
  cashFlows: CashFlow[];
  /** Cash known now (live: the last balance read), overriding the computed one at the last point. */
  cashNow?: Decimal | null;
  lots: EquityLot[];
  prices: PricePoint[];
}): EquityPoint[] {
  const byAsset = new Map<string, PricePoint[]>();
  for (const p of [...input.prices].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const list = byAsset.get(p.assetId) ?? [];
    list.push(p);
    byAsset.set(p.assetId, list);
  }
  const flows = [...input.cashFlows].sort((a, b) => a.at.getTime() - b.at.getTime());
  const usd = (d: Decimal) => toWire(d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP));
  let fi = 0;
  let flowSum = new Decimal(0);
  return input.buckets.map((bucket) => {
    const t = bucket.getTime();
    while (fi < flows.length && flows[fi]!.at.getTime() <= t) flowSum = flowSum.plus(flows[fi++]!.amount);
    const isNow = t >= input.now.getTime();
    let positions = new Decimal(0);
    for (const lot of input.lots) {
      if (lot.entryAt.getTime() > t || (lot.exitAt !== null && lot.exitAt.getTime() <= t)) continue;
      if (isNow && lot.currentValue !== null) {
        positions = positions.plus(lot.currentValue);
        continue;
      }
      const price = lastPriceAt(byAsset.get(lot.assetId), t) ?? lot.entryPrice;
      positions = positions.plus(lot.quantity.times(price));
    }
    let cash: Decimal | null = input.startingCash === null ? null : input.startingCash.plus(flowSum);
    if (isNow && input.cashNow !== undefined && input.cashNow !== null) cash = input.cashNow;
    return {
      at: bucket.toISOString(),
      cashUsd: cash === null ? null : usd(cash),
      positionsValueUsd: usd(positions),
      equityUsd: usd(cash === null ? positions : cash.plus(positions)),
      cashKnown: cash !== null,
    };
  });
}
