// The queue row's explicit state (src/domain/queue-stage.ts): the moves the code makes are listed,
// and every other move between (status, stage) states is forbidden.
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  isOutcomeUnknown,
  isValidQueueState,
  QUEUE_STAGES,
  QUEUE_TRANSITIONS,
  type QueueStage,
  type QueueState,
  type QueueStatus,
} from '../../../../src/domain/queue-stage.ts';

const STATUSES: QueueStatus[] = ['pending', 'processing', 'completed', 'failed', 'cancelled'];
const ALL: QueueState[] = QUEUE_STAGES.flatMap((stage) => STATUSES.map((status) => ({ status, stage })));
const s = (status: QueueStatus, stage: QueueStage): QueueState => ({ status, stage });

describe('queue stage', () => {
  it('every listed move is between valid states and allowed', () => {
    for (const [from, to] of QUEUE_TRANSITIONS) {
      const [fs, fg] = from.split('/') as [QueueStatus, QueueStage];
      const [ts, tg] = to.split('/') as [QueueStatus, QueueStage];
      expect(isValidQueueState(s(fs, fg)), from).toBe(true);
      expect(isValidQueueState(s(ts, tg)), to).toBe(true);
      expect(canTransition(s(fs, fg), s(ts, tg))).toBe(true);
    }
  });

  it('the valid states: an unknown outcome is never pending, completed or cancelled', () => {
    expect(ALL.filter(isValidQueueState).map((x) => `${x.status}/${x.stage}`)).toEqual([
      'pending/execution',
      'processing/execution',
      'completed/execution',
      'failed/execution',
      'cancelled/execution',
      'processing/reconciliation',
      'failed/reconciliation',
      'processing/operator',
      'failed/operator',
      'completed/reconciled',
      'failed/reconciled',
      'cancelled/reconciled',
    ]);
  });

  it('forbids the moves that would lose or double a copy', () => {
    // A row whose order may exist never goes back to the workers' pending on its own (a worker's
    // expiry could cancel it unreconciled), only by an operator's requeue from `failed`.
    expect(canTransition(s('processing', 'reconciliation'), s('pending', 'execution'))).toBe(false);
    expect(canTransition(s('processing', 'operator'), s('pending', 'execution'))).toBe(false);
    // A failure with a known outcome never becomes unknown, and nothing revives an ended row
    // except an operator's requeue of a failed one.
    expect(canTransition(s('failed', 'execution'), s('failed', 'reconciliation'))).toBe(false);
    for (const end of ['completed', 'cancelled'] as const)
      for (const to of ALL) expect(canTransition(s(end, 'execution'), to)).toBe(false);
    for (const to of ALL) expect(canTransition(s('completed', 'reconciled'), to)).toBe(false);
    for (const to of ALL) expect(canTransition(s('failed', 'reconciled'), to)).toBe(false);
    // The reconciler cannot skip to an operator or to an end without holding the row.
    expect(canTransition(s('failed', 'reconciliation'), s('failed', 'operator'))).toBe(false);
    expect(canTransition(s('failed', 'reconciliation'), s('completed', 'reconciled'))).toBe(false);
    // An operator's row is not the reconciler's again.
    expect(canTransition(s('failed', 'operator'), s('failed', 'reconciliation'))).toBe(false);
    // Invalid states are never reachable.
    expect(canTransition(s('pending', 'execution'), s('pending', 'reconciliation'))).toBe(false);
    expect(canTransition(s('processing', 'execution'), s('completed', 'reconciliation'))).toBe(false);
  });

  it('exactly the listed moves are allowed', () => {
    const allowed = ALL.flatMap((a) => ALL.filter((b) => canTransition(a, b)).map((b) => [a, b]));
    expect(allowed).toHaveLength(new Set(QUEUE_TRANSITIONS.map(([a, b]) => `${a}>${b}`)).size);
  });

  it('an outcome is unknown in reconciliation and with an operator only', () => {
    expect(
      ALL.filter(isValidQueueState)
        .filter(isOutcomeUnknown)
        .map((x) => x.stage),
    ).toEqual(['reconciliation', 'reconciliation', 'operator', 'operator']);
  });
});
