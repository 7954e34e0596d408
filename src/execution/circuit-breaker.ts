// The circuit breaker's hook in the engine (rules: src/domain/circuit-breaker.ts): called with a
// copy's final failure, inside the transaction that records that failure, it counts the failure on
// the follow with one atomic UPDATE and, when the count reaches the follow's limit, pauses the
// follow ('circuit_breaker', with why) and publishes `follow.paused` — delivered only if the
// failure's transaction commits. An executed copy resets the count where its execution is recorded
// (record-execution.ts). Only a person's resume (update-follow.ts) ends the pause.
import { sql } from 'kysely';
import type { Tx } from '../db/client.ts';
import { breakerPauseDetail, breakerTrips } from '../domain/circuit-breaker.ts';
import type { CopyOutcomeReason } from '../domain/skip-reasons.ts';
import { publishFollowPaused } from '../events/engine-events.ts';

export interface FailedCopy {
  readonly relationshipId: string;
  readonly reason: CopyOutcomeReason;
  readonly detail: string;
}

/** Counts one failed copy; returns true when it paused the follow. */
export async function noteFailedCopy(tx: Tx, failed: FailedCopy): Promise<boolean> {
  const { rows } = await sql<{
    user_id: string;
    trader_wallet_address: string;
    consecutive_failures: number;
    max_consecutive_failures: number | null;
    status: string;
  }>`
    UPDATE copy_relationships SET consecutive_failures = consecutive_failures + 1
     WHERE id = ${failed.relationshipId}
    RETURNING user_id, trader_wallet_address, consecutive_failures, max_consecutive_failures, status`.execute(
    tx,
  );
  const rel = rows[0];
  if (!rel || rel.status !== 'active') return false;
  if (!breakerTrips(rel.consecutive_failures, rel.max_consecutive_failures)) return false;
  const detail = breakerPauseDetail(rel.consecutive_failures, failed.reason, failed.detail);
  const paused = await sql`
    UPDATE copy_relationships
       SET status = 'paused', paused_at = now(), pause_reason = 'circuit_breaker', pause_detail = ${detail}
     WHERE id = ${failed.relationshipId} AND status = 'active'
    RETURNING id`.execute(tx);
  if (paused.rows.length === 0) return false;
  await publishFollowPaused(tx, {
    userId: rel.user_id,
    relationshipId: failed.relationshipId,
    traderWallet: rel.trader_wallet_address,
    consecutiveFailures: rel.consecutive_failures,
    maxConsecutiveFailures: rel.max_consecutive_failures!,
    lastReason: failed.reason,
    detail,
  });
  return true;
}
