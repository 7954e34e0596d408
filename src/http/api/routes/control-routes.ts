// The signed-in user's emergency stop.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emergencyStop } from '../../../services/emergency-stop.ts';
import type { ApiDeps } from '../api-deps.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, errors } from '../schemas.ts';

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
            'Pauses all your active follows and cancels every pending queue row (reason emergency_stop). ' +
            'With closePositions, a closing sell of every open position is queued at the highest ' +
            "priority, limited at its latest marked price less the follow's max slippage. Resume " +
            'follows one by one with PATCH /follows/{id}.',
          security: BearerSecurity,
          body: z.strictObject({ closePositions: z.boolean() }),
          response: { 200: EmergencyStopResultSchema, ...errors(400, 401) },
        },
      },
      async (req) => emergencyStop(deps, requireAuth(req).userId, req.body),
    );
  };
}
