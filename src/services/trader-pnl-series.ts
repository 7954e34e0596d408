// Cumulative realized P&L per UTC day for traders, on the basis of the profile's daily P&L (the fills
// recorded here, average cost per token; fees, resolutions and unrealized gains excluded): the
// trader page's chart by window and the leaderboard's sparklines. One read of the traders' fills up
// to the end of today; earlier fills only build the cost basis.
import type { Db } from '../db/client.ts';
import { Decimal, toWire } from '../domain/money.ts';

export const PNL_SERIES_WINDOWS = ['7d', '30d', '90d', 'all'] as const;
export type PnlSeriesWindow = (typeof PNL_SERIES_WINDOWS)[number];
const DAY = 86_400_000;
const MAX_DAYS = 365;

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const usd6 = (d: Decimal) => toWire(d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP));

export interface PnlSeriesPoint {
  date: string;
  realizedPnlUsd: string;
  cumulativePnlUsd: string;
}

/** Realized P&L by day (from `firstDay` to today, UTC) for each wallet that has recorded fills. */
export async function realizedByDay(
  db: Db,
  wallets: readonly string[],
  now: Date,
  days: number | 'all',
): Promise<Map<string, { firstFillAt: Date; points: PnlSeriesPoint[] }>> {
  const out = new Map<string, { firstFillAt: Date; points: PnlSeriesPoint[] }>();
  if (wallets.length === 0) return out;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const fills = await db
    .selectFrom('leader_fills')
    .select(['trader_wallet_address', 'asset_id', 'side', 'price', 'size', 'filled_at'])
    .where('trader_wallet_address', 'in', wallets)
    .where('filled_at', '<', new Date(today + DAY))
    .orderBy('trader_wallet_address')
    .orderBy('filled_at', 'asc')
    .orderBy('fill_key', 'asc')
    .execute();
  const byWallet = new Map<string, typeof fills>();
  for (const f of fills) {
    const list = byWallet.get(f.trader_wallet_address) ?? [];
    list.push(f);
    byWallet.set(f.trader_wallet_address, list);
  }
  for (const [wallet, list] of byWallet) {
    const first = list[0]!.filled_at;
    const firstRecorded = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate());
    const span = days === 'all' ? Math.min(MAX_DAYS, Math.floor((today - firstRecorded) / DAY) + 1) : days;
    const firstDay = today - (span - 1) * DAY;
    const perDay = new Map<string, Decimal>();
    const books = new Map<string, { shares: Decimal; cost: Decimal }>();
    for (const f of list) {
      const price = new Decimal(f.price);
      const size = new Decimal(f.size);
      const book = books.get(f.asset_id) ?? { shares: new Decimal(0), cost: new Decimal(0) };
      books.set(f.asset_id, book);
      if (f.side === 'BUY') {
        book.shares = book.shares.plus(size);
        book.cost = book.cost.plus(price.times(size));
        continue;
      }
      const matched = Decimal.min(size, book.shares);
      if (matched.lte(0)) continue;
      const avgCost = book.cost.div(book.shares);
      book.cost = matched.eq(book.shares) ? new Decimal(0) : book.cost.minus(avgCost.times(matched));
      book.shares = book.shares.minus(matched);
      if (f.filled_at.getTime() < firstDay) continue;
      const day = utcDay(f.filled_at.getTime());
      perDay.set(day, (perDay.get(day) ?? new Decimal(0)).plus(matched.times(price.minus(avgCost))));
    }
    let cumulative = new Decimal(0);
    const points: PnlSeriesPoint[] = [];
    for (let d = firstDay; d <= today; d += DAY) {
      const realized = perDay.get(utcDay(d)) ?? new Decimal(0);
      cumulative = cumulative.plus(realized);
      points.push({ date: utcDay(d), realizedPnlUsd: usd6(realized), cumulativePnlUsd: usd6(cumulative) });
    }
    out.set(wallet, { firstFillAt: first, points });
  }
  return out;
}
