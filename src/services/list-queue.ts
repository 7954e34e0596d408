// The caller's execution queue: pending, processing and finished rows (newest first by id,
// keyset-paginated), with status, retries, the error (a reason code) and timing. `status` is the
// seed's queue state, where a copy that ended without an order is `cancelled`; `outcome` and `reason`
// say what became of the copy in the words of its decision (/decisions: a gate's refusal is
// `skipped` with its reason), so the two lists never seem to disagree. Internal execution
// state is not shown: the worker's claim token, its lease, the API key row used and the spend
// reservation stay server-side.
import { sql, type Selectable } from 'kysely';
import type { Db } from '../db/client.ts';
import type { QueueStatus, TradeQueueTable } from '../db/schema.ts';
import { cursorId, decodeCursor, toPage, type Page, type PageRequest } from './pagination.ts';

export interface QueueQuery extends PageRequest {
  status?: QueueStatus | undefined;
}

export interface QueueItemView {
  id: string;
  relationshipId: string;
  traderWallet: string;
  purpose: string;
  mode: 'live' | 'paper';
  marketId: string;
  assetId: string | null;
  side: 'BUY' | 'SELL';
  quantity: string;
  notionalUsd: string | null;
  targetPrice: string | null;
  limitPrice: string | null;
  status: QueueStatus;
  /** The decision's outcome; for a row without a decision (an exit), derived from the status. */
  outcome: QueueOutcome;
  /** The decision's stable reason code (failed / skipped), or null. */
  reason: string | null;
  priority: number;
  retryCount: number;
  maxRetries: number;
  error: string | null;
  venueOrderId: string | null;
  createdAt: string;
  scheduledFor: string | null;
  startedAt: string | null;
  completedAt: string | null;
  expiresAt: string | null;
}

const KIND = 'queue';

export type QueueOutcome = 'queued' | 'executed' | 'failed' | 'skipped' | 'cancelled';

/** The row's decision, read beside the queue columns (idx_copy_decisions_queue). */
export const QUEUE_DECISION_COLUMNS = [
  sql<string | null>`(SELECT d.outcome FROM copy_decisions d WHERE d.queue_id = trade_queue.id LIMIT 1)`.as(
    'decision_outcome',
  ),
  sql<string | null>`(SELECT d.reason FROM copy_decisions d WHERE d.queue_id = trade_queue.id LIMIT 1)`.as(
    'decision_reason',
  ),
] as const;

const STATUS_OUTCOME: Record<QueueStatus, QueueOutcome> = {
  pending: 'queued',
  processing: 'queued',
  completed: 'executed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The columns a queue item view is made of (shared with the admin queue list). */
export const QUEUE_VIEW_COLUMNS = [
  'id',
  'copy_relationship_id',
  'trader_wallet_address',
  'purpose',
  'mode',
  'market_id',
  'asset_id',
  'side',
  'quantity',
  'notional_usd',
  'target_price',
  'limit_price',
  'status',
  'priority',
  'retry_count',
  'max_retries',
  'error_message',
  'venue_order_id',
  'created_at',
  'scheduled_for',
  'started_at',
  'completed_at',
  'expires_at',
] as const;

type QueueViewRow = Pick<Selectable<TradeQueueTable>, (typeof QUEUE_VIEW_COLUMNS)[number]> & {
  decision_outcome?: string | null;
  decision_reason?: string | null;
};

export function toQueueItemView(r: QueueViewRow): QueueItemView {
  return {
    id: r.id,
    relationshipId: String(r.copy_relationship_id),
    traderWallet: r.trader_wallet_address,
    purpose: r.purpose,
    mode: r.mode,
    marketId: r.market_id,
    assetId: r.asset_id,
    side: r.side,
    quantity: r.quantity,
    notionalUsd: r.notional_usd,
    targetPrice: r.target_price,
    limitPrice: r.limit_price,
    status: r.status,
    outcome: (r.decision_outcome as QueueOutcome | null) ?? STATUS_OUTCOME[r.status],
    reason: r.decision_reason ?? null,
    priority: r.priority,
    retryCount: r.retry_count,
    maxRetries: r.max_retries,
    error: r.error_message,
    venueOrderId: r.venue_order_id,
    createdAt: r.created_at.toISOString(),
    scheduledFor: r.scheduled_for?.toISOString() ?? null,
    startedAt: r.started_at?.toISOString() ?? null,
    completedAt: r.completed_at?.toISOString() ?? null,
    expiresAt: r.expires_at?.toISOString() ?? null,
  };
}

export async function listQueue(
  deps: { db: Db },
  userId: string,
  query: QueueQuery,
): Promise<Page<QueueItemView>> {
  let q = deps.db
    .selectFrom('trade_queue')
    .select(QUEUE_VIEW_COLUMNS)
    .select(QUEUE_DECISION_COLUMNS)
    .where('user_id', '=', userId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.cursor !== undefined) q = q.where('id', '<', cursorId(decodeCursor(KIND, query.cursor), 0));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, KIND, (r) => [r.id], toQueueItemView);
}
