// The scheduler's trader-tracking jobs, bound to their collaborators once: discovery (venue
// leaderboards → tracked traders), backfill (tracked traders' history → leader fills, never copied)
// and the copyability refresh. The scheduler owns timing, leadership and no-overlap; this file only
// says what each run does.
import type { Db } from '../db/client.ts';
import type { Logger } from '../observability/logger.ts';
import { runBackfill, type ActivitySource, type BackfillReport } from './backfill.ts';
import { refreshCopyability } from './copyability.ts';
import { discoverTraders, type DiscoveryReport, type LeaderboardSource } from './discovery.ts';

export interface TrackingSettings {
  readonly discoveryPerList: number;
  readonly discoveryIntervalMs: number;
  readonly backfillIntervalMs: number;
  readonly backfillDays: number;
  readonly backfillMaxPages: number;
  readonly copyabilityIntervalMs: number;
}

/**
 * Traders backfilled for the first time per backfill run; the run asks to run again at once while
 * more wait (src/jobs/scheduler-jobs.ts), each run triggering the metrics, so a fresh platform's
 * leaderboard fills batch by batch instead of after the whole population's month of history.
 */
export const FIRST_BACKFILL_BATCH = 15;

/** Traders a backfill run reads at once (backfill.ts `concurrency`). */
export const BACKFILL_CONCURRENCY = 3;

export interface TrackingJobs {
  readonly settings: TrackingSettings;
  discover(): Promise<DiscoveryReport>;
  backfill(): Promise<BackfillReport>;
  copyability(): Promise<number>;
}

export function trackingJobs(deps: {
  readonly db: Db;
  readonly dataApi: LeaderboardSource & ActivitySource;
  readonly logger: Logger;
  readonly settings: TrackingSettings;
  readonly now?: () => Date;
}): TrackingJobs {
  const { db, dataApi, logger, settings } = deps;
  const clock = deps.now ? { now: deps.now } : {};
  return {
    settings,
    discover: () =>
      discoverTraders({ db, leaderboard: dataApi, perList: settings.discoveryPerList, ...clock }),
    backfill: () =>
      runBackfill({
        db,
        activity: dataApi,
        logger,
        days: settings.backfillDays,
        maxPagesPerTrader: settings.backfillMaxPages,
        maxNewTraders: FIRST_BACKFILL_BATCH,
        concurrency: BACKFILL_CONCURRENCY,
        ...clock,
      }),
    copyability: () => refreshCopyability({ db, ...clock }),
  };
}
