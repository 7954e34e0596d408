// The life of a trade_queue row as an explicit state: its `status` (the seed's enum) plus a typed
// `stage` saying who owns the row's outcome. Before, "the order may exist at the venue" was
// `status = 'failed'` with `error_message LIKE 'reconcile:%'` (or `'needs_operator:%'`), read by
// pattern in a dozen places; a message reworded would have silently released a row to the purge or
// dropped it from exposure. The database enforces the valid (status, stage) pairs
// (migration 0110-queue-stage); this table says which moves between them the code makes, and the
// unit test forbids the rest.

export type QueueStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';

/**
 * - `execution`: the workers' path (queued, claimed, retried, ended with a known outcome).
 * - `reconciliation`: the order's outcome is unknown; only the reconciler (or an operator) touches
 *   the row: `failed` while it waits for its next lookup, `processing` while one holds it.
 * - `operator`: reconciliation gave up; an operator must settle it (`failed`, or `processing` while
 *   an operator's verdict holds it).
 * - `reconciled`: a row whose outcome was unknown, settled by the reconciler or an operator.
 */
export type QueueStage = 'execution' | 'reconciliation' | 'operator' | 'reconciled';

export const QUEUE_STAGES: readonly QueueStage[] = ['execution', 'reconciliation', 'operator', 'reconciled'];

export interface QueueState {
  readonly status: QueueStatus;
  readonly stage: QueueStage;
}

/** The statuses each stage allows (the CHECK constraint trade_queue_stage_valid). */
export const STAGE_STATUSES: Readonly<Record<QueueStage, readonly QueueStatus[]>> = {
  execution: ['pending', 'processing', 'completed', 'failed', 'cancelled'],
  reconciliation: ['failed', 'processing'],
  operator: ['failed', 'processing'],
  reconciled: ['completed', 'failed', 'cancelled'],
};

/** The stages whose rows may have an order at the venue that nothing has settled yet. */
export const OUTCOME_UNKNOWN_STAGES: readonly QueueStage[] = ['reconciliation', 'operator'];

type Move = readonly [from: `${QueueStatus}/${QueueStage}`, to: `${QueueStatus}/${QueueStage}`, why: string];

/** Every move the code makes, with the code that makes it. */
export const QUEUE_TRANSITIONS: readonly Move[] = [
  ['pending/execution', 'processing/execution', 'a worker claims the row'],
  ['processing/execution', 'pending/execution', 'a retry is scheduled, or a dead worker’s lease returns it'],
  ['processing/execution', 'completed/execution', 'the copy is recorded'],
  ['processing/execution', 'failed/execution', 'the venue refused it, or it failed with no order possible'],
  ['processing/execution', 'cancelled/execution', 'a gate or a price rule skipped it'],
  ['pending/execution', 'cancelled/execution', 'expired unsigned, emergency stop, or an admin cancelled it'],
  ['processing/execution', 'failed/reconciliation', 'out of attempts with the outcome unknown'],
  ['pending/execution', 'failed/reconciliation', 'expired with a persisted order identity'],
  ['failed/execution', 'pending/execution', 'an operator requeues a failed row'],
  ['failed/reconciliation', 'processing/reconciliation', 'the reconciler (or an operator) claims it'],
  [
    'processing/reconciliation',
    'failed/reconciliation',
    'no answer: back off; or its holder’s lease ran out',
  ],
  ['processing/reconciliation', 'failed/operator', 'no answer after the last attempt: flagged'],
  ['processing/reconciliation', 'completed/reconciled', 'the order filled: recorded'],
  [
    'processing/reconciliation',
    'failed/reconciled',
    'found unfilled, or never arrived and not worth sending',
  ],
  ['failed/reconciliation', 'pending/execution', 'an operator requeues it (the worker looks it up first)'],
  ['failed/operator', 'processing/operator', 'an operator’s verdict claims it'],
  ['processing/operator', 'failed/operator', 'the verdict was refused, or its lease ran out'],
  ['processing/operator', 'completed/reconciled', 'the operator says filled: recorded'],
  ['processing/operator', 'failed/reconciled', 'the operator says not filled'],
  ['failed/operator', 'pending/execution', 'an operator requeues it (the worker looks it up first)'],
];

const key = (s: QueueState) => `${s.status}/${s.stage}`;

export function isValidQueueState(s: QueueState): boolean {
  return STAGE_STATUSES[s.stage].includes(s.status);
}

/** Whether the code may move a row from `from` to `to` (staying put is not a move). */
export function canTransition(from: QueueState, to: QueueState): boolean {
  if (!isValidQueueState(from) || !isValidQueueState(to)) return false;
  return QUEUE_TRANSITIONS.some(([a, b]) => a === key(from) && b === key(to));
}

/** A row in this state may have an order at the venue that nothing has settled yet. */
export function isOutcomeUnknown(s: QueueState): boolean {
  return OUTCOME_UNKNOWN_STAGES.includes(s.stage);
}
