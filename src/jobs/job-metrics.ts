// The periodic jobs in /metrics (read from job_runs at scrape time, like the other database
// figures, so every process reports the same whichever one runs the jobs). Alert on
// polycopy_job_stopped_running == 1 (docs/jobs.md). The label is `job_name`, not `job`: Prometheus
// owns `job` (the scrape job) and would rename ours to exported_job.
import type { Db } from '../db/client.ts';
import { family } from '../observability/metrics.ts';
import { listJobs, type JobListing } from '../services/list-jobs.ts';

export async function renderJobMetrics(
  db: Db,
  jobs: readonly JobListing[],
  now = new Date(),
): Promise<string> {
  const list = await listJobs({ db, clock: () => now }, jobs);
  const per = (value: (j: (typeof list)[number]) => number) =>
    list.map((j) => ({ labels: { job_name: j.name, role: j.role }, value: value(j) }));
  const seconds = (iso: string | null) => (iso === null ? 0 : Date.parse(iso) / 1000);
  return [
    family(
      'polycopy_job_stopped_running',
      'gauge',
      'Whether the job stopped running: not started by its due time plus a period (late), or one run lasting too long (stuck).',
      per((j) => (j.stoppedRunning ? 1 : 0)),
    ),
    family(
      'polycopy_job_last_success_timestamp_seconds',
      'gauge',
      'When the last successful run of the job started (0: none yet).',
      per((j) => seconds(j.lastSucceededAt)),
    ),
    family(
      'polycopy_job_failures_in_a_row',
      'gauge',
      'Failed or abandoned runs of the job since its last success.',
      per((j) => j.failuresInARow),
    ),
    family(
      'polycopy_job_last_duration_seconds',
      'gauge',
      'How long the last finished run of the job took.',
      per((j) => (j.lastRun?.durationMs ?? 0) / 1000),
    ),
  ].join('\n');
}
