// The scheduler's analytics jobs. `run`: refresh the token marks from the venue, look up the
// categories of newly traded markets (src/analytics/refresh-market-categories.ts), then recompute
// every leader metric from the recorded fills at those marks. The marks priced are those of the
// tokens the previous recompute found held, so a position opened since is marked from the next run
// on (until then it stays at its last fill price). `refreshFollowers`: the two follower figures
// alone, cheaply, between recomputes (the engine no longer counts copied volume per copy).
import type { Db } from '../db/client.ts';
import type { MarketDataSource } from '../venue/venue.ts';
import { recomputeTraderMetrics, type RecomputeOptions, type RecomputeReport } from './recompute-metrics.ts';
import { refreshFollowerFigures } from './refresh-follower-figures.ts';
import { refreshMarketCategories, type CategoriesReport } from './refresh-market-categories.ts';
import { refreshTokenMarks, type MarksReport, type RefreshMarksOptions } from './refresh-token-marks.ts';

export interface AnalyticsJobDeps {
  readonly db: Db;
  readonly marketData: MarketDataSource;
  readonly now?: () => Date;
}

export interface AnalyticsJobOptions {
  readonly marks?: Omit<RefreshMarksOptions, 'now'>;
  readonly recompute?: Omit<RecomputeOptions, 'now'>;
}

export async function runAnalyticsJob(
  deps: AnalyticsJobDeps,
  opts: AnalyticsJobOptions = {},
): Promise<{ marks: MarksReport; categories: CategoriesReport; metrics: RecomputeReport }> {
  const now = deps.now ?? (() => new Date());
  const marks = await refreshTokenMarks(deps, { ...opts.marks, now });
  const categories = await refreshMarketCategories(deps, { now });
  const metrics = await recomputeTraderMetrics(deps.db, { ...opts.recompute, now: now() });
  return { marks, categories, metrics };
}

/** What the scheduler runs (src/positions/scheduler.ts), bound to its dependencies and settings. */
export interface AnalyticsJobs {
  /** Marks refresh + full recompute (ANALYTICS_INTERVAL_MS). */
  readonly intervalMs: number;
  /** follower_count / total_copied_volume_usd only. */
  readonly followersIntervalMs: number;
  run(): Promise<{ marks: MarksReport; categories: CategoriesReport; metrics: RecomputeReport }>;
  refreshFollowers(): Promise<{ updated: number }>;
}

export function analyticsJobs(
  deps: AnalyticsJobDeps,
  settings: {
    readonly intervalMs: number;
    readonly parallelism: number;
    readonly followersIntervalMs?: number;
  },
): AnalyticsJobs {
  return {
    intervalMs: settings.intervalMs,
    followersIntervalMs: settings.followersIntervalMs ?? 60_000,
    run: () => runAnalyticsJob(deps, { recompute: { parallelism: settings.parallelism } }),
    refreshFollowers: () => refreshFollowerFigures(deps.db),
  };
}
