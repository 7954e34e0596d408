// The periodic jobs in /metrics (read from job_runs at scrape time, like the other database
// figures, so every process reports the same whichever one runs the jobs). Alert on
// polycopy_job_stopped_running == 1 (docs/jobs.md). The label is `job_name`, not `job`: Prometheus
// owns `job` (the scrape job) and would rename ours to exported_job.
import { databaseGauge, type DatabaseFigures } from '../observability/metrics.ts';
import { listJobs, type JobListing } from '../services/list-jobs.ts';

export function collectJobFigures(
  f: DatabaseFigures,
  jobs: readonly JobListing[],
  clock: () => Date = () => new Date(),
): void {
  const read = f.cached((db) => listJobs({ db, clock }, jobs));
  type Listed = Awaited<ReturnType<typeof listJobs>>[number];
  const gauge = (name: string, help: string, value: (j: Listed) => number) =>
    databaseGauge(f, { name, help, labelNames: ['job_name', 'role'] }, read, (list) =>
      list.map((j) => ({ labels: { job_name: j.name, role: j.role }, value: value(j) })),
    );
  const seconds = (iso: string | null) => (iso === null ? 0 : Date.parse(iso) / 1000);
  gauge(
    'polycopy_job_stopped_running',
    'Whether the job stopped running: not started by its due time plus a period (late), or one run lasting too long (stuck).',
    (j) => (j.stoppedRunning ? 1 : 0),
  );
  gauge(
    'polycopy_job_last_success_timestamp_seconds',
    'When the last successful run of the job started (0: none yet).',
    (j) => seconds(j.lastSucceededAt),
  );
  gauge(
    'polycopy_job_failures_in_a_row',
    'Failed or abandoned runs of the job since its last success.',
    (j) => j.failuresInARow,
  );
  gauge(
    'polycopy_job_last_duration_seconds',
    'How long the last finished run of the job took.',
    (j) => (j.lastRun?.durationMs ?? 0) / 1000,
  );
}
