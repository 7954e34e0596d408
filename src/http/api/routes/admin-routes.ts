// Admin routes (role = admin). Non-admins get 403, anonymous callers 401.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SUBSCRIPTION_TIERS } from '../../../domain/tiers.ts';
import { changeUserTier } from '../../../services/change-user-tier.ts';
import { getKillSwitch, setKillSwitch } from '../../../services/kill-switch.ts';
import { MONITORING_QUERIES, runMonitoringQuery } from '../../../services/run-monitoring-query.ts';
import type { ApiDeps } from '../api-deps.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, errors, IdParamSchema } from '../schemas.ts';
import { UserViewSchema } from '../views.ts';

const KillSwitchSchema = z
  .object({
    enabled: z.boolean(),
    reason: z.string().nullable(),
    updatedAt: z.string(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'KillSwitch' });

export function adminRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.patch(
      '/admin/users/:id/tier',
      {
        schema: {
          tags: ['admin'],
          summary: "Change a user's subscription tier; their limits are set to the tier's",
          security: BearerSecurity,
          params: IdParamSchema,
          body: z.strictObject({ tier: z.enum(SUBSCRIPTION_TIERS as ['free', 'basic', 'pro', 'premium']) }),
          response: { 200: UserViewSchema, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => changeUserTier(deps, req.params.id, req.body.tier),
    );

    app.get(
      '/admin/kill-switch',
      {
        schema: {
          tags: ['admin'],
          summary: 'The global kill switch',
          security: BearerSecurity,
          response: { 200: KillSwitchSchema, ...errors(401, 403) },
        },
      },
      async () => getKillSwitch(deps),
    );

    app.post(
      '/admin/kill-switch',
      {
        schema: {
          tags: ['admin'],
          summary: 'Turn the global kill switch on or off',
          description:
            'On: every worker skips every queued order (reason kill_switch) until it is turned off; ' +
            'detection keeps recording leader fills. A reason is required to turn it on.',
          security: BearerSecurity,
          body: z.strictObject({
            enabled: z.boolean(),
            reason: z.string().trim().max(500).nullable().optional(),
          }),
          response: { 200: KillSwitchSchema, ...errors(400, 401, 403) },
        },
      },
      async (req) => setKillSwitch(deps, requireAuth(req).userId, req.body),
    );

    app.get(
      '/admin/monitoring/:query',
      {
        schema: {
          tags: ['admin'],
          summary: "The seed's monitoring queries: table sizes, index usage, slowest statements",
          description:
            'slow-queries needs pg_stat_statements installed and preloaded (503 monitoring_unavailable otherwise).',
          security: BearerSecurity,
          params: z.strictObject({ query: z.enum(MONITORING_QUERIES) }),
          response: {
            200: z.object({ rows: z.array(z.record(z.string(), z.string().nullable())) }),
            ...errors(400, 401, 403, 503),
          },
        },
      },
      async (req) => ({ rows: await runMonitoringQuery(deps, req.params.query) }),
    );
  };
}
