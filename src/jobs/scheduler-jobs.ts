// What each of the scheduler role's jobs does when it runs (the schedules are in catalog.ts), and the
// follow-ups that make a fresh platform's leaderboard appear within a minute: discovery that finds
// new wallets starts the backfill, a backfill that records fills starts the metrics, and both
// discovery and the metrics run again soon while there are too few traders (the warm-up).
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { runMaintenance, type MaintenanceOptions } from '../db/maintenance.ts';
import type { Decimal } from '../domain/money.ts';
import type { Logger } from '../observability/logger.ts';
import type { MarketDataSource } from '../venue/venue.ts';
import type { TrackingJobs } from '../analytics/tracking-jobs.ts';
import type { AnalyticsJobs } from '../analytics/analytics-job.ts';
import type { SizingSnapshotJobs } from '../analytics/sizing-snapshot-jobs.ts';
import { markToMarket } from '../positions/mark-to-market.ts';
import { settleResolvedMarkets } from '../positions/resolution.ts';
import { runRiskExits } from '../positions/risk-exits.ts';
import { jobSpecs, type JobName, type JobSettings } from './catalog.ts';
import type { JobContext, JobDefinition, JobOutcome } from './job-runner.ts';
import { pruneJobRuns } from '../db/job-runs.ts';

/** How long job_runs keeps finished runs (the latest run of every job is always kept). */
export const JOB_RUNS_RETENTION_DAYS = 14;

export interface SchedulerJobDeps {
  readonly db: Db;
  readonly marketData: MarketDataSource;
  readonly logger: Logger;
  readonly maintenance: MaintenanceOptions;
  /** How far below the best bid stop-loss / take-profit / close exits may sell (EXIT_SLIPPAGE_PERCENT). */
  readonly exitSlippagePercent?: Decimal;
  readonly tracking?: TrackingJobs;
  readonly analytics?: AnalyticsJobs;
  readonly sizing?: SizingSnapshotJobs;
}

type Run = (ctx: JobContext) => Promise<JobOutcome>;

/** The scheduler role's jobs, in the catalogue's order, for the groups this deployment has. */
export function schedulerJobs(deps: SchedulerJobDeps, settings: JobSettings): JobDefinition[] {
  const s: JobSettings = {
    ...settings,
    tracking: settings.tracking && deps.tracking !== undefined,
    analytics: settings.analytics && deps.analytics !== undefined,
    sizing: settings.sizing && deps.sizing !== undefined,
  };
  const runs = runsOf(deps, s);
  return jobSpecs(s)
    .filter((spec) => spec.role === 'scheduler')
    .map((spec) => {
      const run = runs[spec.name];
      if (!run) throw new Error(`no run function for job ${spec.name}`);
      return {
        name: spec.name,
        description: spec.description,
        schedule: spec.schedule,
        ...(spec.after ? { after: spec.after } : {}),
        ...(spec.quiet ? { quiet: true } : {}),
        ...(spec.name === 'discovery'
          ? { atStart: { why: 'no trader is tracked yet', check: () => noTrackedTraders(deps.db) } }
          : {}),
        run,
      };
    });
}

async function noTrackedTraders(db: Db): Promise<boolean> {
  const r = await sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM traders WHERE is_active) AS any`.execute(
    db,
  );
  return !r.rows[0]?.any;
}

function runsOf(deps: SchedulerJobDeps, s: JobSettings): Partial<Record<JobName, Run>> {
  const { db, marketData } = deps;
  const warm = (ctx: JobContext, count: number) =>
    count < s.warmup.minTraders && ctx.leadingForMs < s.warmup.forMs
      ? { rerunInMs: s.warmup.intervalMs }
      : {};
  const runs: Partial<Record<JobName, Run>> = {
    mark: async () => {
      const mark = await markToMarket({ db, marketData });
      const slip = deps.exitSlippagePercent;
      const exits = await runRiskExits(
        { db, marketData, ...(slip ? { exitSlippagePercent: slip } : {}) },
        mark.midpoints,
      );
      for (const e of exits) deps.logger.info(e, 'closing sell queued');
      return { summary: { tokens: mark.tokens, priced: mark.priced, lots: mark.lots, exits: exits.length } };
    },
    resolution: async () => {
      const report = await settleResolvedMarkets({ db, marketData });
      for (const x of report.settled) deps.logger.info(x, 'position settled at resolution');
      return { summary: { settled: report.settled.length } };
    },
    maintenance: async () => {
      const report = await runMaintenance(db, deps.maintenance);
      const jobRunsPruned = await pruneJobRuns(db, JOB_RUNS_RETENTION_DAYS);
      return { summary: { ...report, jobRunsPruned } };
    },
  };
  // Until a recompute has ranked enough traders, the backfill's next batch of new traders waits for
  // the recompute its batch started: on two busy cores the two slowed each other down (a first
  // leaderboard at 65 s instead of 40, issue 12 item 1). Afterwards they overlap, as before.
  let firstBoard = s.analytics;
  const tracking = deps.tracking;
  if (tracking) {
    runs.discovery = async (ctx) => {
      const r = await tracking.discover();
      return {
        summary: { ...r },
        trigger: r.newlyTracked > 0 || r.followedReactivated > 0 ? ['backfill'] : [],
        // Discovery off (0 per list) has nothing to wait for.
        ...(tracking.settings.discoveryPerList > 0 ? warm(ctx, r.wallets) : {}),
      };
    };
    runs.backfill = async () => {
      const { reports: _, ...r } = await tracking.backfill();
      return {
        summary: { ...r },
        trigger: r.recorded > 0 ? ['metrics'] : [],
        // New traders still waiting for their first backfill (it takes them in batches): next batch now.
        ...(r.unstarted > 0 ? { rerunInMs: 0, ...(firstBoard ? { rerunAfterTriggered: true } : {}) } : {}),
      };
    };
    runs.copyability = async () => ({ summary: { traders: await tracking.copyability() } });
  }
  const analytics = deps.analytics;
  if (analytics) {
    runs.metrics = async (ctx) => {
      const { marks, metrics } = await analytics.run();
      const { stepsMs: _, ...m } = metrics;
      if (metrics.tradersWithFills >= s.warmup.minTraders) firstBoard = false;
      return { summary: { marks: { ...marks }, ...m }, ...warm(ctx, metrics.tradersWithFills) };
    };
    runs.followers = async () => ({ summary: { ...(await analytics.refreshFollowers()) } });
  }
  const sizing = deps.sizing;
  if (sizing) runs.sizing = async () => ({ summary: { ...(await sizing.run()) } });
  return runs;
}
