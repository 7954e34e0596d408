// When a job is due, from its schedule and its last recorded run. Pure (no I/O): the scheduler uses
// it to continue a schedule after a fail-over, and the admin API, the CLI, /ready and /metrics use
// it to show the next run and to notice a job that stopped running — in any process, from job_runs.
import { Cron } from 'croner';

/** Every `everyMs` after the previous run started, or at the times of a cron pattern (UTC). */
export type JobSchedule = { readonly everyMs: number } | { readonly cron: string };

export function describeSchedule(s: JobSchedule): string {
  if ('cron' in s) return `cron ${s.cron} (UTC)`;
  const ms = s.everyMs;
  if (ms % 3_600_000 === 0) return `every ${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `every ${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `every ${ms / 1_000} s`;
  return `every ${ms} ms`;
}

/** The schedule's period in ms (for a cron pattern: the gap between its next two times). */
export function periodMs(s: JobSchedule, now: Date): number {
  if ('everyMs' in s) return s.everyMs;
  const [a, b] = new Cron(s.cron, { timezone: 'UTC' }).nextRuns(2, now);
  return a && b ? b.getTime() - a.getTime() : 86_400_000;
}

/**
 * The next time the job is due. Never run: now. Interval: the last start plus the interval (in the
 * past when a run was missed — the caller runs it at once). Cron: the first pattern time after the
 * last start (likewise in the past when one was missed).
 */
export function nextDue(s: JobSchedule, lastStartedAt: Date | null, now: Date): Date {
  if (lastStartedAt === null) return now;
  if ('everyMs' in s) return new Date(lastStartedAt.getTime() + s.everyMs);
  return new Cron(s.cron, { timezone: 'UTC' }).nextRun(lastStartedAt) ?? now;
}

/**
 * How late a job may be before it counts as stopped: one period, at least a minute (a run that is
 * a little slow, or a fail-over's standby retry, is not a stop).
 */
export function lateAfterMs(s: JobSchedule, now: Date): number {
  return Math.max(periodMs(s, now), 60_000);
}

/** How long a single run may last before it counts as stuck: three periods, at least 15 minutes. */
export function stuckAfterMs(s: JobSchedule, now: Date): number {
  return Math.max(3 * periodMs(s, now), 15 * 60_000);
}

/**
 * A job's state from its last runs:
 *   never_run  no recorded run (a platform that has not started its jobs yet)
 *   running    a run is in progress;  stuck: it has lasted longer than stuckAfterMs
 *   late       not started by its due time plus lateAfterMs: the job stopped running
 *   failing    the last run failed (or was abandoned by a process that died)
 *   ok         the last run succeeded and the next is not overdue
 * `late` and `stuck` are what /ready and /metrics report as "stopped running".
 */
export type JobState = 'never_run' | 'running' | 'stuck' | 'late' | 'failing' | 'ok';

export function jobState(
  s: JobSchedule,
  last: { startedAt: Date | null; outcome: 'running' | 'succeeded' | 'failed' | 'abandoned' | null },
  now: Date,
): JobState {
  if (last.startedAt === null || last.outcome === null) return 'never_run';
  if (last.outcome === 'running')
    return now.getTime() - last.startedAt.getTime() > stuckAfterMs(s, now) ? 'stuck' : 'running';
  if (now.getTime() > nextDue(s, last.startedAt, now).getTime() + lateAfterMs(s, now)) return 'late';
  return last.outcome === 'succeeded' ? 'ok' : 'failing';
}

/** True when the state means the job stopped running (what /ready and /metrics alert on). */
export const stoppedRunning = (state: JobState) => state === 'late' || state === 'stuck';
