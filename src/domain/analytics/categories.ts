// Discovery categories (docs/analytics.md, "Discovery categories"): each a rule over the stored
// leader metrics, applied to RANKED traders only (active and meeting the minimum sample), so a
// category never surfaces a trader the leaderboard itself would not rank. The listing service
// (src/services/list-category.ts) states the same rules in SQL; the tests hold the two together.
import { Decimal } from '../money.ts';

export const CATEGORY_IDS = ['consistent_winners', 'high_volume', 'rising', 'low_drawdown'] as const;
export type CategoryId = (typeof CATEGORY_IDS)[number];

export const isCategoryId = (v: string): v is CategoryId => (CATEGORY_IDS as readonly string[]).includes(v);

export interface CategoryRules {
  readonly consistentWinners: {
    readonly minTrades: number;
    /** Percent, 0..100. */
    readonly minWinRate: Decimal;
    readonly minSharpe: Decimal;
  };
  /** The top fraction of ranked traders by volume (0.10 = the top 10 %, at least one trader). */
  readonly highVolume: { readonly topFraction: Decimal };
  readonly rising: { readonly minPnl7dPercent: Decimal };
  readonly lowDrawdown: {
    /** Percent. */
    readonly maxDrawdown: Decimal;
    /** Days on the equity curve: a drawdown over a few days says little. */
    readonly minEquityDays: number;
  };
}

export const DEFAULT_CATEGORY_RULES: CategoryRules = Object.freeze({
  consistentWinners: { minTrades: 20, minWinRate: new Decimal(55), minSharpe: new Decimal(1) },
  highVolume: { topFraction: new Decimal('0.10') },
  rising: { minPnl7dPercent: new Decimal(5) },
  lowDrawdown: { maxDrawdown: new Decimal(10), minEquityDays: 30 },
});

/** How a category's list is ordered (then by wallet ascending). */
export interface CategoryOrder {
  readonly column: 'sharpe_ratio' | 'rank_volume' | 'pnl_7d_percent' | 'max_drawdown';
  readonly direction: 'asc' | 'desc';
}

export interface CategoryInfo {
  readonly id: CategoryId;
  readonly title: string;
  readonly order: CategoryOrder;
}

export const CATEGORIES: Readonly<Record<CategoryId, CategoryInfo>> = Object.freeze({
  consistent_winners: {
    id: 'consistent_winners',
    title: 'Consistent winners',
    order: { column: 'sharpe_ratio', direction: 'desc' },
  },
  high_volume: {
    id: 'high_volume',
    title: 'High volume',
    order: { column: 'rank_volume', direction: 'asc' },
  },
  rising: { id: 'rising', title: 'Rising', order: { column: 'pnl_7d_percent', direction: 'desc' } },
  low_drawdown: {
    id: 'low_drawdown',
    title: 'Low drawdown',
    order: { column: 'max_drawdown', direction: 'asc' },
  },
});

/** The rule of a category in words, with its thresholds. */
export function describeCategory(id: CategoryId, rules: CategoryRules = DEFAULT_CATEGORY_RULES): string {
  switch (id) {
    case 'consistent_winners': {
      const r = rules.consistentWinners;
      return (
        `ranked traders with at least ${r.minTrades} closed positions, a win rate of at least ` +
        `${r.minWinRate.toFixed()} %, a Sharpe ratio of at least ${r.minSharpe.toFixed()} and a positive total P&L; ` +
        'highest Sharpe first'
      );
    }
    case 'high_volume':
      return (
        `the top ${rules.highVolume.topFraction.times(100).toFixed()} % of ranked traders by volume ` +
        '(at least one); largest volume first'
      );
    case 'rising':
      return (
        `ranked traders with a positive 7-day P&L of at least ${rules.rising.minPnl7dPercent.toFixed()} % of ` +
        'their capital base, ranked higher over 7 days than all-time; best 7-day return first'
      );
    case 'low_drawdown': {
      const r = rules.lowDrawdown;
      return (
        `ranked traders with a positive total P&L, a maximum drawdown of at most ${r.maxDrawdown.toFixed()} % ` +
        `and at least ${r.minEquityDays} days of history; smallest drawdown first`
      );
    }
  }
}

/** What a category rule reads: the stored figures (decimal strings parsed) of one trader. */
export interface CategoryCandidate {
  readonly wallet: string;
  /** Ranked iff rank_all_time is not null (the three ranks are null together). */
  readonly rankAllTime: number | null;
  readonly rank7d: number | null;
  readonly rankVolume: number | null;
  readonly totalTrades: number;
  readonly winRate: Decimal;
  readonly sharpeRatio: Decimal | null;
  readonly totalPnl: Decimal;
  readonly pnl7d: Decimal;
  readonly pnl7dPercent: Decimal;
  readonly maxDrawdown: Decimal | null;
  readonly equityDays: number;
}

/** How many traders the high-volume category takes out of `ranked`: ⌈fraction × ranked⌉, ≥ 1. */
export function highVolumeCutoff(ranked: number, rules: CategoryRules = DEFAULT_CATEGORY_RULES): number {
  if (ranked === 0) return 0;
  return Math.max(1, rules.highVolume.topFraction.times(ranked).ceil().toNumber());
}

export function inCategory(
  id: CategoryId,
  t: CategoryCandidate,
  context: { readonly rankedTraders: number },
  rules: CategoryRules = DEFAULT_CATEGORY_RULES,
): boolean {
  if (t.rankAllTime === null) return false;
  switch (id) {
    case 'consistent_winners': {
      const r = rules.consistentWinners;
      return (
        t.totalTrades >= r.minTrades &&
        t.winRate.gte(r.minWinRate) &&
        t.sharpeRatio !== null &&
        t.sharpeRatio.gte(r.minSharpe) &&
        t.totalPnl.gt(0)
      );
    }
    case 'high_volume':
      return t.rankVolume !== null && t.rankVolume <= highVolumeCutoff(context.rankedTraders, rules);
    case 'rising':
      return (
        t.pnl7d.gt(0) &&
        t.pnl7dPercent.gte(rules.rising.minPnl7dPercent) &&
        t.rank7d !== null &&
        t.rank7d < t.rankAllTime
      );
    case 'low_drawdown': {
      const r = rules.lowDrawdown;
      return (
        t.totalPnl.gt(0) &&
        t.maxDrawdown !== null &&
        t.maxDrawdown.lte(r.maxDrawdown) &&
        t.equityDays >= r.minEquityDays
      );
    }
  }
}

/** The category's order as a comparator (its column, then wallet ascending in byte order). */
export function compareInCategory(id: CategoryId): (a: CategoryCandidate, b: CategoryCandidate) => number {
  const { column, direction } = CATEGORIES[id].order;
  const value = (t: CategoryCandidate): Decimal => {
    switch (column) {
      case 'sharpe_ratio':
        return t.sharpeRatio ?? new Decimal(0);
      case 'rank_volume':
        return new Decimal(t.rankVolume ?? 0);
      case 'pnl_7d_percent':
        return t.pnl7dPercent;
      case 'max_drawdown':
        return t.maxDrawdown ?? new Decimal(0);
    }
  };
  return (a, b) => {
    const c = value(a).comparedTo(value(b));
    if (c !== 0) return direction === 'asc' ? c : -c;
    return Buffer.compare(Buffer.from(a.wallet), Buffer.from(b.wallet));
  };
}
