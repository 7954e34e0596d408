// Queue rows whose order may exist at the venue with nothing settled yet: stage `reconciliation`
// (out of attempts with the outcome unknown) or `operator` (reconciliation gave up). Until settled
// they still count wherever an order that may have filled counts: exposure caps, the daily trade
// count, the shares a mirrored sell may sell, and the operators' gauges. The stage is the typed state
// (src/domain/queue-stage.ts); the `reconcile:` / `needs_operator:` prefixes below are only the
// human-readable start of error_message.
import { sql, type RawBuilder } from 'kysely';

/** error_message prefix of rows sent to reconciliation (for people; code reads the stage). */
export const RECONCILE_PREFIX = 'reconcile:';
/** error_message prefix of rows reconciliation gave up on (for people; code reads the stage). */
export const NEEDS_OPERATOR_PREFIX = 'needs_operator:';

/** SQL: the trade_queue row under `alias` failed with its outcome unknown. */
export function outcomeUnknown(alias: string): RawBuilder<boolean> {
  const status = sql.ref(`${alias}.status`);
  const stage = sql.ref(`${alias}.stage`);
  return sql<boolean>`(${status} = 'failed' AND ${stage} IN ('reconciliation', 'operator'))`;
}

/**
 * SQL for the stage of a row being ended for good: a row whose outcome was unknown becomes
 * `reconciled`, any other keeps its stage (`execution`).
 */
export const endedStage = sql<
  'execution' | 'reconciled'
>`(CASE WHEN stage IN ('reconciliation', 'operator') THEN 'reconciled' ELSE stage END)`;
