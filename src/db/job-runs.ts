// The job_runs table (migration 0080): each run is inserted as `running` when it starts and
// completed when it ends, so a crash mid-run leaves evidence (the next leader marks it abandoned).
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Db } from './client.ts';
import type { JobRunOutcome, JobRunReason } from './schema.ts';

/** Who ran it: host and process id, so an operator can tell two processes apart. */
export const RUNNER_ID = `${hostname()}:${process.pid}`.slice(0, 120);

export interface LastRuns {
  readonly job: string;
  readonly lastStartedAt: Date | null;
  readonly lastFinishedAt: Date | null;
  readonly lastOutcome: JobRunOutcome | null;
  readonly lastError: string | null;
  readonly lastReason: JobRunReason | null;
  readonly lastSummary: Record<string, unknown> | null;
  readonly lastSucceededAt: Date | null;
  /** Failed runs since the last success (0 when the last run succeeded). */
  readonly failuresInARow: number;
}

export async function startRun(db: Db, job: string, reason: JobRunReason): Promise<string> {
  const row = await db
    .insertInto('job_runs')
    .values({ job, reason, runner: RUNNER_ID })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRun(
  db: Db,
  id: string,
  result: { outcome: 'succeeded'; summary: Record<string, unknown> } | { outcome: 'failed'; error: string },
): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({
      outcome: result.outcome,
      finished_at: sql<Date>`clock_timestamp()`,
      summary: result.outcome === 'succeeded' ? JSON.stringify(result.summary) : null,
      error: result.outcome === 'failed' ? result.error.slice(0, 2_000) : null,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Runs a previous leader left `running`: it is gone (this process holds the lock now), so they
 * ended without an outcome. Only the given jobs: another role's leader may be running its own.
 */
export async function abandonRunning(db: Db, jobs: readonly string[]): Promise<number> {
  if (jobs.length === 0) return 0;
  const r = await db
    .updateTable('job_runs')
    .set({
      outcome: 'abandoned',
      finished_at: sql<Date>`clock_timestamp()`,
      error: 'the process running it stopped before it finished',
    })
    .where('outcome', '=', 'running')
    .where('job', 'in', [...jobs])
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The latest run of each job, its last success and how many failures followed it. */
export async function lastRuns(db: Db, jobs: readonly string[]): Promise<Map<string, LastRuns>> {
  const out = new Map<string, LastRuns>();
  if (jobs.length === 0) return out;
  const { rows } = await sql<{
    job: string;
    started_at: Date | null;
    finished_at: Date | null;
    outcome: JobRunOutcome | null;
    error: string | null;
    reason: JobRunReason | null;
    summary: Record<string, unknown> | null;
    succeeded_at: Date | null;
    failures: number;
  }>`
    SELECT j.job, l.started_at, l.finished_at, l.outcome, l.error, l.reason, l.summary,
           s.started_at AS succeeded_at,
           (SELECT count(*)::int FROM job_runs f
             WHERE f.job = j.job AND f.outcome IN ('failed', 'abandoned')
               AND f.started_at > COALESCE(s.started_at, '-infinity')) AS failures
      FROM unnest(${[...jobs]}::text[]) AS j (job)
      LEFT JOIN LATERAL (SELECT * FROM job_runs r WHERE r.job = j.job ORDER BY started_at DESC, id DESC LIMIT 1) l ON true
      LEFT JOIN LATERAL (SELECT started_at FROM job_runs r WHERE r.job = j.job AND r.outcome = 'succeeded'
                          ORDER BY started_at DESC LIMIT 1) s ON true`.execute(db);
  for (const r of rows)
    out.set(r.job, {
      job: r.job,
      lastStartedAt: r.started_at,
      lastFinishedAt: r.finished_at,
      lastOutcome: r.outcome,
      lastError: r.error,
      lastReason: r.reason,
      lastSummary: r.summary,
      lastSucceededAt: r.succeeded_at,
      failuresInARow: r.failures,
    });
  return out;
}

/** Retention (run by the maintenance job): older runs go, the latest run of every job stays. */
export async function pruneJobRuns(db: Db, keepDays: number): Promise<number> {
  const r = await sql`
    DELETE FROM job_runs r
     WHERE r.started_at < now() - make_interval(days => ${keepDays})
       AND r.outcome <> 'running'
       AND r.id <> (SELECT max(id) FROM job_runs l WHERE l.job = r.job)`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
