// The signed-in user's emergency stop.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userEmergencyStop } from '../../../services/emergency-stop.ts';
import { TOTP_HEADER } from '../../../services/two-factor.ts';
import type { ApiDeps } from '../api-deps.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, errors, TotpHeaderSchema } from '../schemas.ts';

const EmergencyStopResultSchema = z
  .object({
    pausedRelationships: z.number().int(),
    cancelledQueueRows: z.number().int(),
    closeOrdersQueued: z.number().int(),
  })
  .meta({ id: 'EmergencyStopResult' });

export function controlRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/emergency-stop',
      {
        schema: {
          tags: ['positions'],
          summary: 'Pause every relationship, cancel pending copies, optionally close every position',
          description:
            'Pauses all your active follows and cancels every pending copy (reason emergency_stop; a ' +
            'copy.skipped event each). A pending retry whose order may already have reached the venue ' +
            'is left to the worker, which looks it up first. ' +
            'With closePositions, a closing sell of every open position is queued at the highest ' +
            "priority, limited at its latest marked price less the follow's max slippage. Resume " +
            'follows one by one with PATCH /follows/{id}. With two-factor authentication on, send a ' +
            'fresh code in the x-totp header.',
          security: BearerSecurity,
          headers: TotpHeaderSchema,
          body: z.strictObject({ closePositions: z.boolean() }),
          response: { 200: EmergencyStopResultSchema, ...errors(400, 401, 423) },
        },
      },
      async (req) => userEmergencyStop(deps, requireAuth(req).userId, req.body, req.headers[TOTP_HEADER]),
    );
  };
}
