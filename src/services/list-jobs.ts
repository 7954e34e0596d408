// The periodic jobs as an operator sees them (GET /api/v1/admin/jobs, `polycopy jobs`, /ready,
// /metrics): each job of the catalogue (src/jobs/catalog.ts) with its schedule, its last run and how
// it ended, its next time, and whether it stopped running — read from job_runs, so any process
// answers the same whichever one runs the jobs.
import type { Db } from '../db/client.ts';
import { lastRuns } from '../db/job-runs.ts';
import {
  describeSchedule,
  jobState,
  nextDue,
  stoppedRunning,
  type JobSchedule,
  type JobState,
} from '../domain/job-schedule.ts';

/** A catalogue entry as listed (src/jobs/catalog.ts JobSpec satisfies it). */
export interface JobListing {
  readonly name: string;
  readonly role: string;
  readonly description: string;
  readonly schedule: JobSchedule;
  readonly extra: string | null;
}

export interface JobStatus {
  name: string;
  role: string;
  description: string;
  schedule: string;
  alsoRuns: string | null;
  state: JobState;
  stoppedRunning: boolean;
  lastRun: {
    startedAt: string;
    finishedAt: string | null;
    outcome: 'running' | 'succeeded' | 'failed' | 'abandoned';
    reason: string;
    durationMs: number | null;
    error: string | null;
    summary: Record<string, unknown> | null;
  } | null;
  lastSucceededAt: string | null;
  failuresInARow: number;
  /** When it is due next (in the past when overdue); null before its first run. */
  nextRunAt: string | null;
}

export async function listJobs(
  deps: { db: Db; clock: () => Date },
  jobs: readonly JobListing[],
): Promise<JobStatus[]> {
  const now = deps.clock();
  const last = await lastRuns(
    deps.db,
    jobs.map((j) => j.name),
  );
  return jobs.map((j) => {
    const l = last.get(j.name);
    const started = l?.lastStartedAt ?? null;
    const state = jobState(j.schedule, { startedAt: started, outcome: l?.lastOutcome ?? null }, now);
    return {
      name: j.name,
      role: j.role,
      description: j.description,
      schedule: describeSchedule(j.schedule),
      alsoRuns: j.extra,
      state,
      stoppedRunning: stoppedRunning(state),
      lastRun:
        l && started && l.lastOutcome && l.lastReason
          ? {
              startedAt: started.toISOString(),
              finishedAt: l.lastFinishedAt?.toISOString() ?? null,
              outcome: l.lastOutcome,
              reason: l.lastReason,
              durationMs: l.lastFinishedAt ? l.lastFinishedAt.getTime() - started.getTime() : null,
              error: l.lastError,
              summary: l.lastSummary,
            }
          : null,
      lastSucceededAt: l?.lastSucceededAt?.toISOString() ?? null,
      failuresInARow: l?.failuresInARow ?? 0,
      nextRunAt: started ? nextDue(j.schedule, started, now).toISOString() : null,
    };
  });
}
