// Admin routes (role = admin). Non-admins get 403, anonymous callers 401.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SUBSCRIPTION_TIERS } from '../../../domain/tiers.ts';
import { changeUserTier } from '../../../services/change-user-tier.ts';
import type { ApiDeps } from '../api-deps.ts';
import { BearerSecurity, errors, IdParamSchema } from '../schemas.ts';
import { UserViewSchema } from '../views.ts';

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
  };
}
