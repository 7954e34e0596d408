// The `scheduler` role: one active process per deployment (src/db/leadership.ts) runs the
// scheduler's jobs (scheduler-jobs.ts, schedules in catalog.ts) with a JobRunner; the others stand
// by and take over, continuing every schedule from job_runs.
import { holdLeadership, type Leadership } from '../db/leadership.ts';
import type { JobSettings } from './catalog.ts';
import { JobRunner } from './job-runner.ts';
import { schedulerJobs, type SchedulerJobDeps } from './scheduler-jobs.ts';

export const SCHEDULER_LOCK_KEY = 7_042_002;

export interface SchedulerRoleOptions extends SchedulerJobDeps {
  readonly databaseUrl: string;
  readonly settings: JobSettings;
  readonly standbyRetryMs?: number;
}

export interface RunningScheduler {
  readonly leadership: Leadership;
  readonly isLeader: boolean;
  /** The job runner while this process leads, else null. */
  readonly runner: JobRunner | null;
  /** Resolves when this process leads and its jobs have started (tests). */
  waitForLeadership(timeoutMs?: number): Promise<JobRunner>;
  stop(): Promise<void>;
}

export function startScheduler(opts: SchedulerRoleOptions): RunningScheduler {
  let runner: JobRunner | null = null;
  const jobs = schedulerJobs(opts, opts.settings);
  const leadership = holdLeadership({
    name: 'scheduler',
    lockKey: SCHEDULER_LOCK_KEY,
    databaseUrl: opts.databaseUrl,
    logger: opts.logger,
    ...(opts.standbyRetryMs !== undefined ? { standbyRetryMs: opts.standbyRetryMs } : {}),
    lead: async () => {
      const r = new JobRunner({ db: opts.db, logger: opts.logger, jobs });
      await r.start();
      runner = r;
      return async () => {
        runner = null;
        await r.stop();
      };
    },
  });
  return {
    leadership,
    get isLeader() {
      return leadership.isLeader;
    },
    get runner() {
      return runner;
    },
    async waitForLeadership(timeoutMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('the scheduler did not become the leader in time')),
          timeoutMs,
        );
      });
      try {
        await Promise.race([leadership.whenLeading(), timeout]);
      } finally {
        clearTimeout(timer);
      }
      if (!runner) throw new Error('the scheduler stopped before it led');
      return runner;
    },
    stop: () => leadership.stop(),
  };
}
