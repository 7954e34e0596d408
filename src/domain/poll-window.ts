// Where the ingest detector's Data API poll of one wallet starts (src/ingest/detector.ts). The
// poll closes gaps in the stream, so it must reach back far enough to cover them, but not so far that
// a long outage turns into paging through days of a leader's history on start (the analytics
// backfill's job), nor so far that a brand-new follow copies trades made before it existed.
//
//   Example (overlap 2 min, initial 60 s, max 1 h): checkpoint 10:00, now 10:30 → 09:58; checkpoint
//   07:00, now 10:30 → 09:30 (bounded); no checkpoint, now 10:30 → 10:29; a stream gap whose first
//   dropped fill is 10:20 with checkpoint 10:25 → 10:18.

export interface PollStartInput {
  /** Epoch ms. */
  readonly now: number;
  /** The newest fill the last poll recorded for the wallet, or null for a wallet never polled. */
  readonly checkpointMs: number | null;
  /** The first fill a stream gap dropped for the wallet, when this poll closes one. */
  readonly gapFromMs: number | null;
  /** Re-read this much before the checkpoint: the Data API indexes some fills late. */
  readonly overlapMs: number;
  readonly initialLookbackMs: number;
  readonly maxLookbackMs: number;
}

/**
 * Epoch ms from which the poll reads: the checkpoint (or the gap's start, if earlier) minus the
 * overlap; now − initialLookbackMs without a checkpoint; never earlier than now − maxLookbackMs.
 */
export function pollStart(p: PollStartInput): number {
  let since = p.checkpointMs === null ? p.now - p.initialLookbackMs : p.checkpointMs - p.overlapMs;
  if (p.gapFromMs !== null) since = Math.min(since, p.gapFromMs - p.overlapMs);
  return Math.max(since, p.now - p.maxLookbackMs);
}
