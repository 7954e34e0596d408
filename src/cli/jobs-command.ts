// `polycopy jobs [--json]`: every periodic job of this deployment (src/jobs/catalog.ts) with its
// schedule, its last run and how it ended, its next time, and whether it stopped running — the
// same listing as GET /api/v1/admin/jobs, read from job_runs. Exits 3 when a job stopped running,
// so a cron check or a runbook can act on it.
import type { Command } from 'commander';
import { systemClock } from '../auth/clock.ts';
import type { Config } from '../config/config.ts';
import { jobSettings, jobSpecs } from '../jobs/catalog.ts';
import { listJobs, type JobStatus } from '../services/list-jobs.ts';
import { withDatabase } from './with-database.ts';

const ago = (iso: string | null, now: number) => {
  if (iso === null) return '-';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  const abs = Math.abs(s);
  const text =
    abs < 120 ? `${abs} s` : abs < 7_200 ? `${Math.round(abs / 60)} min` : `${Math.round(abs / 3_600)} h`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
};

export function formatJobs(jobs: readonly JobStatus[], now: number): string {
  const rows = jobs.map((j) => [
    j.name,
    j.role,
    j.schedule,
    j.state + (j.stoppedRunning ? ' (STOPPED)' : ''),
    j.lastRun ? `${j.lastRun.outcome} ${ago(j.lastRun.startedAt, now)} (${j.lastRun.reason})` : 'never',
    ago(j.nextRunAt, now),
    j.lastRun?.error ? j.lastRun.error.slice(0, 80) : '',
  ]);
  const head = ['job', 'role', 'schedule', 'state', 'last run', 'next run', 'last error'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function registerJobsCommand(program: Command, config: () => Config): void {
  program
    .command('jobs')
    .description(
      'periodic jobs: schedule, last run, next run, and whether each stopped running (exit 3 if one did)',
    )
    .option('--json', 'print the listing as JSON (as GET /api/v1/admin/jobs answers)')
    .action(async (opts: { json?: boolean }) => {
      const c = config();
      const jobs = await withDatabase(c, ({ db }) =>
        listJobs({ db, clock: systemClock }, jobSpecs(jobSettings(c))),
      );
      console.log(opts.json ? JSON.stringify({ items: jobs }, null, 2) : formatJobs(jobs, Date.now()));
      if (jobs.some((j) => j.stoppedRunning)) process.exitCode = 3;
    });
}
