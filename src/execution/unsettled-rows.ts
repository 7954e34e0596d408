// Queue rows that ended `failed` while their order may exist at the venue: out of attempts with the
// outcome unknown (awaiting reconciliation) or given up on by the reconciler (an operator must look).
// Until settled they still count wherever an order that may have filled counts: exposure caps, the
// daily trade count, the shares a mirrored sell may sell, and the operators' gauges.
import { sql, type RawBuilder } from 'kysely';

/** error_message prefix of rows awaiting reconciliation (written by the executor). */
export const RECONCILE_PREFIX = 'reconcile:';
/** error_message prefix of rows reconciliation gave up on: an operator must look. */
export const NEEDS_OPERATOR_PREFIX = 'needs_operator:';

/** SQL: the trade_queue row under `alias` failed with its outcome unknown. */
export function outcomeUnknown(alias: string): RawBuilder<boolean> {
  const status = sql.ref(`${alias}.status`);
  const message = sql.ref(`${alias}.error_message`);
  return sql<boolean>`(${status} = 'failed' AND (${message} LIKE ${`${RECONCILE_PREFIX}%`}
    OR ${message} LIKE ${`${NEEDS_OPERATOR_PREFIX}%`}))`;
}
