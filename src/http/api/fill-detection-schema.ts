// The detection of a leader fill on the wire (src/services/fill-detection.ts; docs/detection.md "How
// a fill's feed lags read in the API"), shared by GET /leader-fills/{fillKey}, a trader's recent
// fills and the copy decisions.
import { z } from 'zod';

export const FillKeySchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a fill key: 64 lowercase hex digits')
  .meta({ example: '3f1a9c0d5b7e2a4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f' });

/** The leg whose decisions cover a fill copied with the other legs of its order (migration 0120). */
export const CopiedWithSchema = z
  .string()
  .nullable()
  .describe(
    'the fill key of the leg whose copy decisions cover this one, when the legs of one leader ' +
      'order were copied together (null: this fill carries its own decisions)',
  );

const Feed = z.enum(['rtds', 'chain', 'data_api', 'test', 'backfill']);

const FeedSightingSchema = z
  .object({
    feed: Feed.describe('rtds, chain or data_api; backfill and test for fills not detected live'),
    seenAt: z.string().describe('when this feed first brought the fill'),
    behindFirstMs: z.number().int().describe('how long after the first feed this one brought it (exact)'),
    afterFillMs: z
      .number()
      .int()
      .describe("how long after the fill's own time (block or match timestamp, whole seconds: ±1 s)"),
    blockNumber: z.string().nullable().describe("the chain log's block (chain sightings)"),
    logIndex: z.number().int().nullable().describe("the chain log's index in its block (chain sightings)"),
    removedAt: z.string().nullable().describe('the chain log was later removed by a reorg'),
  })
  .meta({ id: 'FeedSighting' });

export const FillDetectionSchema = z
  .object({
    firstFeed: Feed.describe('the feed that brought the fill first (it was copied from that one)'),
    reorged: z
      .boolean()
      .describe('a chain log of the fill was removed by a reorg and not mined again; a copy placed stands'),
    reorgedAt: z.string().nullable(),
    feeds: z.array(FeedSightingSchema).describe('every feed that brought the fill, earliest first'),
  })
  .meta({ id: 'FillDetection' });
