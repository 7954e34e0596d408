// The bot's periodic jobs as catalogue entries (src/jobs/catalog.ts), run by the active telegram
// process's JobRunner and recorded in job_runs like the scheduler's: the daily summary and the
// operator alerts (what each does: notifications/bot-jobs.ts).
import { jobSpecs, type JobSettings } from '../jobs/catalog.ts';
import type { JobDefinition, JobOutcome } from '../jobs/job-runner.ts';
import type { Decimal } from '../domain/money.ts';
import type { BotDeps } from './bot-context.ts';
import { alertRowsNeedingOperator, enqueueDailySummaries } from './notifications/bot-jobs.ts';

export function telegramJobs(
  bdeps: BotDeps,
  opts: { settings: JobSettings; dailySummaryHourUtc: number; paperStartingBalance: Decimal },
): JobDefinition[] {
  const runs: Record<string, () => Promise<JobOutcome>> = {
    'daily-summary': async () => ({
      summary: {
        queued: await enqueueDailySummaries(bdeps, {
          hourUtc: opts.dailySummaryHourUtc,
          paperStartingBalance: opts.paperStartingBalance,
        }),
      },
    }),
    'operator-alerts': async () => ({ summary: { alerted: await alertRowsNeedingOperator(bdeps.db) } }),
  };
  return jobSpecs({ ...opts.settings, telegram: true })
    .filter((spec) => spec.role === 'telegram')
    .map((spec) => ({
      name: spec.name,
      description: spec.description,
      schedule: spec.schedule,
      quiet: true,
      run: runs[spec.name]!,
    }));
}
