// A leader fill and how it was detected: which feed saw it first, each feed's arrival and lag, the
// reorg flag (docs/detection.md). Public like the trader profile that lists the fills.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getLeaderFill } from '../../../services/fill-detection.ts';
import type { ApiDeps } from '../api-deps.ts';
import { CopiedWithSchema, FillDetectionSchema, FillKeySchema } from '../fill-detection-schema.ts';
import { errors } from '../schemas.ts';

const LeaderFillDetailSchema = z
  .object({
    fillKey: z.string(),
    traderWallet: z.string(),
    transactionHash: z.string(),
    conditionId: z.string(),
    assetId: z.string(),
    marketTitle: z.string().nullable(),
    marketSlug: z.string().nullable(),
    outcome: z.string().nullable(),
    side: z.enum(['BUY', 'SELL']),
    price: z.string(),
    size: z.string(),
    filledAt: z.string().describe('the fill time: block timestamp (chain) or match timestamp (venue)'),
    detectedAt: z.string().describe('when the first feed brought it here'),
    blockNumber: z.string().nullable().describe('known once the chain brought the fill'),
    logIndex: z.number().int().nullable(),
    copiedWith: CopiedWithSchema,
    detection: FillDetectionSchema,
  })
  .meta({ id: 'LeaderFillDetail' });

export function leaderFillRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/leader-fills/:fillKey',
      {
        schema: {
          tags: ['traders'],
          summary: 'A leader fill and its feed lags: which feed saw it first, when each one did',
          description:
            'fillKey as listed in a trader profile’s recentFills, a decision’s fill or a copy trade’s ' +
            'leaderFill. detection.feeds lists every feed (rtds, chain, data_api) that brought the fill, ' +
            'earliest first, with its lag behind the first feed and after the fill’s own time.',
          params: z.strictObject({ fillKey: FillKeySchema }),
          response: { 200: LeaderFillDetailSchema, ...errors(400, 404) },
        },
      },
      async (req) => getLeaderFill(deps, req.params.fillKey),
    );
  };
}
