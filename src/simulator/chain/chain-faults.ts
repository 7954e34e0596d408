// Faults of the simulated chain RPC (`POST /sim/faults` with `{"chain": {...}}`), the ways a real
// Polygon provider fails: the websocket dropped (and refused while down), blocks stalled (no new
// heads, then the backlog at once), one-block reorgs (the tip's logs re-sent with removed: true, then
// mined again in a replacement block), JSON-RPC errors and rate limits.
import { z } from 'zod';

const rate = z.number().min(0).max(1);

export const ChainFaultPatchSchema = z
  .object({
    /** Chain websockets are closed and new ones refused while true (HTTP RPC stays up). */
    socketDown: z.boolean(),
    /** No block is mined while true; the missed blocks are mined at once when it is lifted. */
    stall: z.boolean(),
    /** One-block reorgs still to happen: each replaces the tip before the next block is mined. */
    reorgs: z.number().int().min(0).max(100),
    /** Probability that an RPC request is answered with a JSON-RPC internal error. */
    errorRate: rate,
    /** Probability that an RPC request is refused as rate limited (HTTP 429 / code -32005). */
    rateLimitRate: rate,
  })
  .partial()
  .strict();

export type ChainFaultPatch = z.infer<typeof ChainFaultPatchSchema>;

export interface ChainFaultState {
  socketDown: boolean;
  stall: boolean;
  reorgs: number;
  errorRate: number;
  rateLimitRate: number;
}

export const NO_CHAIN_FAULTS: Readonly<ChainFaultState> = Object.freeze({
  socketDown: false,
  stall: false,
  reorgs: 0,
  errorRate: 0,
  rateLimitRate: 0,
});
