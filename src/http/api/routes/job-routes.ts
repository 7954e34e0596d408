// GET /admin/jobs (admins only, registered under the admin guard): every periodic job with its
// schedule, last run, next time and whether it stopped running (docs/jobs.md).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listJobs } from '../../../services/list-jobs.ts';
import type { ApiDeps } from '../api-deps.ts';
import { BearerSecurity, errors } from '../schemas.ts';

const JobSchema = z
  .object({
    name: z.string(),
    role: z.string().describe('the role whose active process runs it (scheduler, telegram)'),
    description: z.string(),
    schedule: z.string().describe('e.g. "every 30 s"'),
    alsoRuns: z.string().nullable().describe('when it runs besides its schedule (at start, follow-ups)'),
    state: z.enum(['never_run', 'running', 'stuck', 'late', 'failing', 'ok']),
    stoppedRunning: z.boolean().describe('late or stuck: what /ready and /metrics report'),
    lastRun: z
      .object({
        startedAt: z.string(),
        finishedAt: z.string().nullable(),
        outcome: z.enum(['running', 'succeeded', 'failed', 'abandoned']),
        reason: z.string().describe('schedule, start, catch-up, trigger or warm-up'),
        durationMs: z.number().int().nullable(),
        error: z.string().nullable(),
        summary: z.record(z.string(), z.unknown()).nullable(),
      })
      .nullable(),
    lastSucceededAt: z.string().nullable(),
    failuresInARow: z.number().int(),
    nextRunAt: z.string().nullable().describe('in the past when overdue; null before the first run'),
  })
  .meta({ id: 'Job' });

export function jobRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/admin/jobs',
      {
        schema: {
          tags: ['admin'],
          summary: 'Periodic jobs: schedule, last run, next run, and whether each stopped running',
          security: BearerSecurity,
          querystring: z.strictObject({}),
          response: { 200: z.object({ items: z.array(JobSchema) }), ...errors(400, 401, 403) },
        },
      },
      async () => ({ items: await listJobs(deps, deps.jobs ?? []) }),
    );
  };
}
