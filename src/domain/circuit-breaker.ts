// The circuit breaker of a follow: after N failed copies in a row (max_consecutive_failures, 5 by
// default; null never trips) the follow pauses itself, says why, and stays paused until its person
// resumes it. Pure: the caller counts atomically in the database and asks these rules.
//
//   state            event                                   next
//   counting (k)     a copy executed                          counting (0)
//   counting (k)     a copy failed, k + 1 < N                 counting (k + 1)
//   counting (k)     a copy failed, k + 1 ≥ N                 tripped: follow paused ('circuit_breaker')
//   tripped          anything the engine does                 tripped (copies are skipped as paused)
//   tripped          the person resumes (PATCH status active)  counting (0)
//
// What counts as a failure: a copy whose decision ends `failed` (skip-reasons.ts outcome 'failed':
// the venue refused it or never answered, credentials were refused, the market could not be found,
// a FOK was killed). Skips — the follow's own rules, slippage, caps, balance — are decisions, not
// failures, and neither count nor reset. Each copy counts once (a copy handed to reconciliation
// counts when it is handed over; reconciliation finding it filled resets the count as any execution
// does). Exits (stop-loss, take-profit, closes) are not copies and do not count.
import type { CopyOutcomeReason } from './skip-reasons.ts';
import { reasonMessage } from './skip-reasons.ts';

export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 5;

/** Whether `failuresInARow` (after counting the latest) trips a breaker set at `max`. */
export function breakerTrips(failuresInARow: number, max: number | null): boolean {
  return max !== null && failuresInARow >= max;
}

/** What the paused follow says, for the person (API view, event, notification). */
export function breakerPauseDetail(
  failuresInARow: number,
  lastReason: CopyOutcomeReason,
  lastDetail: string,
): string {
  return (
    `Copying paused itself after ${failuresInARow} failed copies in a row. The last one: ` +
    `${reasonMessage(lastReason).replace(/\.$/, '')} (${lastDetail}). Resume the follow to copy again.`
  );
}
