// Runs a set of periodic jobs (src/jobs/catalog.ts) on croner, in the one process that leads the
// role (src/db/leadership.ts), recording every run in job_runs.
//
// - Continuing, not restarting: on start each job's next time comes from its last recorded run, so
//   a new leader after a fail-over runs only what is due (or was missed), not all jobs at once. A
//   job that must run at start says so (`atStart`), e.g. discovery on an empty database.
// - Order at start: a job with `after` waits for that job's start-up run (discovery → backfill →
//   metrics), so the first leaderboard is computed from the history the backfill just read.
// - Follow-ups: a run may ask for other jobs now (`trigger`: discovery that found new wallets asks
//   for the backfill, a backfill that recorded fills asks for the metrics) or for itself again soon
//   (`rerunInMs`: the warm-up while a fresh platform has too few traders for a leaderboard), at
//   once or only once the runs it triggered are done (`rerunAfterTriggered`).
// - No overlap: a job runs once at a time; a trigger that arrives mid-run runs it once more after.
// - After every run, the job's timer is set again from that run's start (every N after the previous
//   start), so the next time shown from job_runs in other processes is the one this process keeps;
//   a time that passed during a long run fires at once, never twice.
import { Cron } from 'croner';
import type { Db } from '../db/client.ts';
import type { JobRunReason } from '../db/schema.ts';
import type { Logger } from '../observability/logger.ts';
import { abandonRunning, finishRun, lastRuns, startRun } from '../db/job-runs.ts';
import { nextDue, type JobSchedule } from '../domain/job-schedule.ts';

export interface JobContext {
  /** How long this process has been running the jobs (the warm-up ends after a while). */
  readonly leadingForMs: number;
}

export interface JobOutcome {
  /** Recorded with the run and logged. */
  readonly summary: Record<string, unknown>;
  /** Jobs to run now because of what this run found. */
  readonly trigger?: readonly string[];
  /** Run this job again after this long, before its schedule (warm-up). */
  readonly rerunInMs?: number;
  /**
   * With `rerunInMs`: count that time from the end of the runs this outcome triggered, not from
   * now (the backfill's next batch waits for the first leaderboard rather than compete with it).
   */
  readonly rerunAfterTriggered?: boolean;
}

export interface JobDefinition {
  readonly name: string;
  readonly description: string;
  readonly schedule: JobSchedule;
  /** Runs at start whatever its last run, when `check` says so (e.g. discovery on an empty database). */
  readonly atStart?: { readonly why: string; readonly check: () => Promise<boolean> };
  /** At start, waits for this job's start-up run to finish first. */
  readonly after?: string;
  /** Logs its runs at debug level (frequent, routine jobs). */
  readonly quiet?: boolean;
  readonly run: (ctx: JobContext) => Promise<JobOutcome>;
}

export class JobRunner {
  private readonly byName: ReadonlyMap<string, JobDefinition>;
  private readonly timers = new Map<string, Cron>();
  private readonly warmups = new Map<string, Cron>();
  private readonly busy = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private startedAt = 0;
  private running = false;
  /** Completed runs per job in this process (tests and diagnostics). */
  readonly runs = new Map<string, number>();

  constructor(
    private readonly opts: {
      readonly db: Db;
      readonly logger: Logger;
      readonly jobs: readonly JobDefinition[];
    },
  ) {
    this.byName = new Map(opts.jobs.map((j) => [j.name, j]));
  }

  get jobs(): readonly JobDefinition[] {
    return this.opts.jobs;
  }

  /** When the job's timer fires next in this process (null when stopped). */
  nextRun(name: string): Date | null {
    return this.timers.get(name)?.nextRun() ?? null;
  }

  /** Reads the last runs, starts what is due (in `after` order) and arms every timer. */
  async start(): Promise<void> {
    this.running = true;
    this.startedAt = Date.now();
    const names = this.opts.jobs.map((j) => j.name);
    const abandoned = await abandonRunning(this.opts.db, names);
    if (abandoned > 0)
      this.opts.logger.warn({ abandoned }, 'runs left unfinished by the previous leader marked abandoned');
    const last = await lastRuns(this.opts.db, names);
    const now = new Date();
    const startUp = new Map<string, Promise<void>>();
    for (const job of this.opts.jobs) {
      const lastStart = last.get(job.name)?.lastStartedAt ?? null;
      const due = nextDue(job.schedule, lastStart, now);
      const forced = job.atStart ? await job.atStart.check().catch(() => false) : false;
      const reason: JobRunReason | null =
        forced || lastStart === null ? 'start' : due <= now ? 'catch-up' : null;
      if (reason === null) {
        this.arm(job, due);
        continue;
      }
      const before = job.after ? startUp.get(job.after) : undefined;
      startUp.set(
        job.name,
        (before ?? Promise.resolve()).then(() => this.run(job.name, reason)),
      );
    }
    this.opts.logger.info(
      { startUp: [...startUp.keys()], scheduled: names.filter((n) => !startUp.has(n)) },
      'jobs started',
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const c of [...this.timers.values(), ...this.warmups.values()]) c.stop();
    this.timers.clear();
    this.warmups.clear();
    this.again.clear();
    await Promise.all(this.busy.values());
  }

  /** Runs a job now unless it is running; a trigger mid-run runs it once more afterwards. */
  run(name: string, reason: JobRunReason = 'trigger'): Promise<void> {
    const job = this.byName.get(name);
    if (!job || !this.running) return Promise.resolve();
    const current = this.busy.get(name);
    if (current) {
      if (reason === 'trigger') this.again.add(name);
      return current;
    }
    const started = new Date();
    const p = this.execute(job, reason).finally(() => {
      this.busy.delete(name);
      // The timer restarts from this run's start (every N after the previous start); a time that
      // passed during the run fires at once. Set after the run, so a tick is never lost to a busy job.
      this.arm(job, nextDue(job.schedule, started, started));
      if (this.again.delete(name)) void this.run(name, 'trigger');
    });
    this.busy.set(name, p);
    return p;
  }

  private async execute(job: JobDefinition, reason: JobRunReason): Promise<void> {
    const { db, logger } = this.opts;
    const started = Date.now();
    let id: string;
    try {
      id = await startRun(db, job.name, reason);
    } catch (err) {
      logger.error(
        { err, job: job.name },
        'could not record the start of a job run; skipped until its next time',
      );
      return;
    }
    let outcome: JobOutcome;
    try {
      outcome = await job.run({ leadingForMs: Date.now() - this.startedAt });
    } catch (err) {
      const error = err instanceof Error ? err.message || err.name : String(err);
      logger.error({ err, job: job.name, reason }, 'job failed');
      await finishRun(db, id, { outcome: 'failed', error }).catch(() => undefined);
      return;
    }
    await finishRun(db, id, { outcome: 'succeeded', summary: outcome.summary }).catch((err: unknown) =>
      logger.warn({ err, job: job.name }, 'could not record the end of a job run'),
    );
    this.runs.set(job.name, (this.runs.get(job.name) ?? 0) + 1);
    const ms = Date.now() - started;
    if (job.quiet) logger.debug({ job: job.name, reason, ms, ...outcome.summary }, 'job done');
    else logger.info({ job: job.name, reason, ms, ...outcome.summary }, 'job done');
    if (!this.running) return;
    const triggered = (outcome.trigger ?? []).map((next) => this.run(next, 'trigger'));
    const again = outcome.rerunInMs;
    if (again === undefined) return;
    if (outcome.rerunAfterTriggered) void Promise.all(triggered).then(() => this.rerun(job, again));
    else this.rerun(job, again);
  }

  private arm(job: JobDefinition, at: Date): void {
    if (!this.running) return;
    this.timers.get(job.name)?.stop();
    const fire = () => void this.run(job.name, 'schedule');
    const cron =
      'cron' in job.schedule
        ? new Cron(job.schedule.cron, { timezone: 'UTC' }, fire)
        : // croner drops a one-off time it sees as past (a few ms ahead already is): "now" is 50 ms on.
          new Cron(new Date(Math.max(at.getTime(), Date.now() + 50)), fire);
    this.timers.set(job.name, cron);
  }

  private rerun(job: JobDefinition, ms: number): void {
    if (!this.running) return;
    this.warmups.get(job.name)?.stop();
    // As in arm(): croner silently drops a one-off time it sees as past, so "again now" (0 ms, the
    // backfill's next batch) is 50 ms on — without this the first backfill stopped after one batch.
    const at = new Date(Date.now() + Math.max(ms, 50));
    this.warmups.set(job.name, new Cron(at, () => void this.run(job.name, 'warm-up')));
  }
}
