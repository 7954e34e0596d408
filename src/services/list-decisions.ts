// The caller's copy decisions: for every leader fill of a trader they follow, what happened to their
// copy — queued, executed, failed or skipped, with the stable reason code, its wording and the
// detail — joined with the leader fill (market, side, price, size, time). Newest first (by id, the
// order decisions were made in), keyset-paginated; filters by outcome and trader.
import type { Db } from '../db/client.ts';
import type { DecisionOutcome } from '../db/schema.ts';
import { isCopyOutcomeReason, reasonMessage } from '../domain/skip-reasons.ts';
import { cursorId, decodeCursor, toPage, type Page, type PageRequest } from './pagination.ts';

export interface DecisionsQuery extends PageRequest {
  outcome?: DecisionOutcome | undefined;
  traderWallet?: string | undefined;
}

export interface DecisionView {
  id: string;
  relationshipId: string;
  outcome: DecisionOutcome;
  reason: string | null;
  reasonMessage: string | null;
  detail: string | null;
  queueId: string | null;
  copyTradeId: string | null;
  createdAt: string;
  decidedAt: string | null;
  fill: {
    fillKey: string;
    traderWallet: string;
    conditionId: string;
    assetId: string;
    marketTitle: string | null;
    marketSlug: string | null;
    outcome: string | null;
    side: 'BUY' | 'SELL';
    price: string;
    size: string;
    filledAt: string;
  };
}

const KIND = 'decisions';

export async function listDecisions(
  deps: { db: Db },
  userId: string,
  query: DecisionsQuery,
): Promise<Page<DecisionView>> {
  let q = deps.db
    .selectFrom('copy_decisions as d')
    .innerJoin('leader_fills as f', 'f.fill_key', 'd.fill_key')
    .select([
      'd.id',
      'd.copy_relationship_id',
      'd.outcome',
      'd.reason',
      'd.detail',
      'd.queue_id',
      'd.copy_trade_id',
      'd.created_at',
      'd.decided_at',
      'f.fill_key',
      'f.trader_wallet_address',
      'f.condition_id',
      'f.asset_id',
      'f.market_title',
      'f.market_slug',
      'f.outcome as fill_outcome',
      'f.side',
      'f.price',
      'f.size',
      'f.filled_at',
    ])
    .where('d.user_id', '=', userId);
  if (query.outcome) q = q.where('d.outcome', '=', query.outcome);
  if (query.traderWallet) q = q.where('f.trader_wallet_address', '=', query.traderWallet.toLowerCase());
  if (query.cursor !== undefined) q = q.where('d.id', '<', cursorId(decodeCursor(KIND, query.cursor), 0));
  const rows = await q
    .orderBy('d.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(
    rows,
    query.limit,
    KIND,
    (r) => [r.id],
    (r) => ({
      id: r.id,
      relationshipId: String(r.copy_relationship_id),
      outcome: r.outcome,
      reason: r.reason,
      reasonMessage: r.reason !== null && isCopyOutcomeReason(r.reason) ? reasonMessage(r.reason) : null,
      detail: r.detail,
      queueId: r.queue_id,
      copyTradeId: r.copy_trade_id,
      createdAt: r.created_at.toISOString(),
      decidedAt: r.decided_at?.toISOString() ?? null,
      fill: {
        fillKey: r.fill_key,
        traderWallet: r.trader_wallet_address,
        conditionId: r.condition_id,
        assetId: r.asset_id,
        marketTitle: r.market_title,
        marketSlug: r.market_slug,
        outcome: r.fill_outcome,
        side: r.side,
        price: r.price,
        size: r.size,
        filledAt: r.filled_at.toISOString(),
      },
    }),
  );
}
