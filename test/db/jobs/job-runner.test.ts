// The job runner on real PostgreSQL: a new leader continues the schedules from job_runs (runs only
// what is due or missed, marks a dead leader's unfinished run abandoned), `after` orders the
// start-up runs, a trigger mid-run runs the job once more, failures are recorded with their error,
// and the listing (GET /api/v1/admin/jobs) says which job stopped running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner, type JobDefinition } from '../../../src/jobs/job-runner.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { listJobs } from '../../../src/services/list-jobs.ts';
import { buildTestApi, signUp, TestClock, type TestApi } from '../api/api-harness.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('job runner', () => {
  const t = useTestDatabase();
  const runners: JobRunner[] = [];
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
  });

  const job = (
    name: string,
    run: JobDefinition['run'],
    extra: Partial<JobDefinition> = {},
  ): JobDefinition => ({
    name,
    description: name,
    schedule: { everyMs: HOUR },
    run,
    ...extra,
  });
  const insertRun = (jobName: string, startedAgoMs: number, outcome: 'succeeded' | 'running' | 'failed') =>
    t.current.db
      .insertInto('job_runs')
      .values({
        job: jobName,
        reason: 'schedule',
        runner: 'old-leader:1',
        started_at: new Date(Date.now() - startedAgoMs),
        outcome,
        finished_at: outcome === 'running' ? null : new Date(Date.now() - startedAgoMs + 1_000),
        error: outcome === 'failed' ? 'boom' : null,
      })
      .execute();

  it('continues the schedule: runs only what is due or missed, and marks a dead leader’s run abandoned', async () => {
    await insertRun('recent', 10 * 60_000, 'succeeded'); // due in 50 min
    await insertRun('missed', 2 * HOUR, 'succeeded'); // was due an hour ago
    await insertRun('cut-short', 5 * 60_000, 'running'); // its process died mid-run
    const ran: string[] = [];
    const record = (name: string) => async () => {
      ran.push(name);
      return { summary: { name } };
    };
    const runner = new JobRunner({
      db: t.current.db,
      logger,
      jobs: ['recent', 'missed', 'cut-short', 'new'].map((n) => job(n, record(n))),
    });
    runners.push(runner);
    await runner.start();
    await until('the due jobs', () => ran.length >= 2);
    await sleep(300);
    expect(ran.sort()).toEqual(['missed', 'new']);
    const rows = await t.current.db
      .selectFrom('job_runs')
      .select(['job', 'reason', 'outcome', 'error', 'summary'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { job: 'recent', reason: 'schedule', outcome: 'succeeded', error: null, summary: null },
      { job: 'missed', reason: 'schedule', outcome: 'succeeded', error: null, summary: null },
      {
        job: 'cut-short',
        reason: 'schedule',
        outcome: 'abandoned',
        error: 'the process running it stopped before it finished',
        summary: null,
      },
      { job: 'missed', reason: 'catch-up', outcome: 'succeeded', error: null, summary: { name: 'missed' } },
      { job: 'new', reason: 'start', outcome: 'succeeded', error: null, summary: { name: 'new' } },
    ]);
    // The next time of a job that just ran is an interval after its start; of the recent one, 50 min on.
    const next = runner.nextRun('recent')!.getTime() - Date.now();
    expect(next).toBeGreaterThan(49 * 60_000);
    expect(next).toBeLessThanOrEqual(50 * 60_000);
    await runner.stop();
  });

  it('runs a job again at once when a run asks for it (rerunInMs 0), until it stops asking', async () => {
    let batches = 0;
    const runner = new JobRunner({
      db: t.current.db,
      logger,
      jobs: [
        job('batched', async () => {
          batches += 1;
          return { summary: { batch: batches }, ...(batches < 4 ? { rerunInMs: 0 } : {}) };
        }),
      ],
    });
    runners.push(runner);
    await runner.start();
    await until('four batches', () => batches === 4, 5_000);
    await sleep(300);
    expect(batches).toBe(4);
    await runner.stop();
  });

  it('with rerunAfterTriggered, runs again only once the runs it triggered finished; without, at once', async () => {
    const log: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let batches = 0;
    const runner = new JobRunner({
      db: t.current.db,
      logger,
      jobs: [
        job('batches', async () => {
          batches += 1;
          log.push(`batch ${batches}`);
          // The first batch waits for its recompute; the second does not.
          return {
            summary: {},
            trigger: ['recompute'],
            ...(batches === 1 ? { rerunInMs: 0, rerunAfterTriggered: true } : {}),
            ...(batches === 2 ? { rerunInMs: 0 } : {}),
          };
        }),
        job('recompute', async () => {
          log.push('recompute start');
          if (log.filter((l) => l === 'recompute start').length === 1) await held;
          log.push('recompute end');
          return { summary: {} };
        }),
      ],
    });
    runners.push(runner);
    // The recompute has never run, so it would start at start too: record a recent run instead.
    await insertRun('recompute', 60_000, 'succeeded');
    await runner.start();
    await until('the first recompute', () => log.includes('recompute start'));
    await sleep(300);
    expect(log).toEqual(['batch 1', 'recompute start']);
    release();
    await until('three batches', () => batches === 3);
    // Batch 2 followed recompute 1; batch 3 did not wait for the recompute batch 2 triggered.
    expect(log.slice(0, 4)).toEqual(['batch 1', 'recompute start', 'recompute end', 'batch 2']);
    expect(log.indexOf('batch 3')).toBeGreaterThan(3);
    await runner.stop();
  });

  it('orders start-up runs by `after`, runs a job once more after a trigger mid-run, and records failures', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    let backfillRuns = 0;
    const runner = new JobRunner({
      db: t.current.db,
      logger,
      jobs: [
        job('discovery', async () => {
          events.push('discovery');
          await sleep(100);
          return { summary: {}, trigger: ['backfill'] };
        }),
        job(
          'backfill',
          async () => {
            backfillRuns += 1;
            events.push(`backfill ${backfillRuns}`);
            if (backfillRuns === 1) await new Promise<void>((r) => (release = r));
            return { summary: { run: backfillRuns } };
          },
          { after: 'discovery' },
        ),
        job('broken', async () => {
          throw new Error('the venue said no');
        }),
      ],
    });
    runners.push(runner);
    await runner.start();
    await until('the backfill to start', () => backfillRuns === 1);
    // Two triggers while it runs: one more run afterwards, not two.
    void runner.run('backfill');
    void runner.run('backfill');
    release();
    await until('the second backfill', () => backfillRuns === 2);
    await sleep(300);
    expect(events).toEqual(['discovery', 'backfill 1', 'backfill 2']);
    const broken = await t.current.db
      .selectFrom('job_runs')
      .select(['outcome', 'error'])
      .where('job', '=', 'broken')
      .execute();
    expect(broken).toEqual([{ outcome: 'failed', error: 'the venue said no' }]);
    await runner.stop();
  });

  describe('listing', () => {
    let api: TestApi;
    const listed = [
      { name: 'fine', role: 'scheduler', description: 'fine', schedule: { everyMs: 60_000 }, extra: null },
      { name: 'late', role: 'scheduler', description: 'late', schedule: { everyMs: 60_000 }, extra: null },
      { name: 'stuck', role: 'scheduler', description: 'stuck', schedule: { everyMs: 60_000 }, extra: null },
      {
        name: 'failing',
        role: 'scheduler',
        description: 'failing',
        schedule: { everyMs: 60_000 },
        extra: 'at start',
      },
      {
        name: 'idle',
        role: 'telegram',
        description: 'idle',
        schedule: { cron: '0 0 20 * * *' },
        extra: null,
      },
    ];
    beforeAll(async () => {
      await insertRun('fine', 30_000, 'succeeded');
      await insertRun('late', 3 * 60_000, 'succeeded'); // due 2 min ago, a period late
      await insertRun('stuck', 20 * 60_000, 'running'); // 20 min in a run of a 1-min job
      await insertRun('failing', 50 * 60_000, 'succeeded');
      await insertRun('failing', 20_000, 'failed');
      api = await buildTestApi(t.current.db, { jobs: listed, clock: new TestClock(new Date()) });
    });
    afterAll(async () => {
      await api.app.close();
    });

    it('says which job stopped running (late or stuck), and which is failing', async () => {
      const jobs = await listJobs({ db: t.current.db, clock: () => new Date() }, listed);
      expect(jobs.map((j) => [j.name, j.state, j.stoppedRunning, j.failuresInARow])).toEqual([
        ['fine', 'ok', false, 0],
        ['late', 'late', true, 0],
        ['stuck', 'stuck', true, 0],
        ['failing', 'failing', false, 1],
        ['idle', 'never_run', false, 0],
      ]);
      const failing = jobs[3]!;
      expect(failing.lastRun).toMatchObject({
        outcome: 'failed',
        error: 'boom',
        reason: 'schedule',
        durationMs: 1_000,
      });
      expect(Date.parse(failing.nextRunAt!) - Date.parse(failing.lastRun!.startedAt)).toBe(60_000);
      expect(jobs[4]).toMatchObject({ schedule: 'cron 0 0 20 * * * (UTC)', lastRun: null, nextRunAt: null });
    });

    it('GET /admin/jobs answers admins with the listing, 403 to users, 400 to unknown parameters', async () => {
      const user = await signUp(api);
      const get = (url: string) => api.app.inject({ method: 'GET', url, headers: user.auth });
      expect((await get('/api/v1/admin/jobs')).statusCode).toBe(403);
      await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', user.userId).execute();
      const res = await get('/api/v1/admin/jobs');
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: Array<{ name: string; state: string; schedule: string }> };
      expect(body.items.map((j) => [j.name, j.state, j.schedule])).toEqual([
        ['fine', 'ok', 'every 1 min'],
        ['late', 'late', 'every 1 min'],
        ['stuck', 'stuck', 'every 1 min'],
        ['failing', 'failing', 'every 1 min'],
        ['idle', 'never_run', 'cron 0 0 20 * * * (UTC)'],
      ]);
      const bad = await get('/api/v1/admin/jobs?state=late');
      expect(bad.statusCode).toBe(400);
    });
  });
});
