// job_runs (issue 16 item 1): one row per run of a periodic job (src/jobs/catalog.ts), written when
// the run starts and completed when it ends, so a new scheduler leader continues every schedule from
// the last runs instead of re-running everything, and `GET /api/v1/admin/jobs`, `polycopy jobs`,
// `/ready` and `/metrics` can say when each job last ran, how it ended and whether it stopped running.
// A run left `running` by a leader that died is marked `abandoned` by the next leader.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE job_runs (
      id           bigserial PRIMARY KEY,
      job          varchar(40) NOT NULL,
      reason       varchar(12) NOT NULL,
      runner       varchar(120) NOT NULL,
      started_at   timestamptz NOT NULL DEFAULT now(),
      finished_at  timestamptz,
      outcome      varchar(12) NOT NULL DEFAULT 'running',
      error        text,
      summary      jsonb,
      CONSTRAINT job_runs_reason_valid CHECK (reason IN ('schedule', 'start', 'catch-up', 'trigger', 'warm-up')),
      CONSTRAINT job_runs_outcome_valid CHECK (outcome IN ('running', 'succeeded', 'failed', 'abandoned')),
      CONSTRAINT job_runs_finished_when_done CHECK ((outcome = 'running') = (finished_at IS NULL)),
      CONSTRAINT job_runs_error_when_failed CHECK (outcome <> 'failed' OR error IS NOT NULL)
    );
    CREATE INDEX idx_job_runs_job_started ON job_runs (job, started_at DESC);
    CREATE INDEX idx_job_runs_running ON job_runs (job) WHERE outcome = 'running';
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS job_runs;`).execute(db);
}
