// The caller's copy decisions: for every leader fill of a trader they follow, what happened to their
// copy — queued, executed, failed or skipped, with the stable reason code, its wording and the
// detail — joined with the leader fill (market, side, price, size, time); for the positions a trader
// already held when the follow started with copyOpenPositions, joined with the position as it was
// read (source 'open_position', `fill` null). Newest first (by id, the order decisions were made
// in), keyset-paginated; filters by outcome and trader.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import type { DecisionOutcome } from '../db/schema.ts';
import { isCopyOutcomeReason, reasonMessage } from '../domain/skip-reasons.ts';
import { detectionsOf, type FillDetectionView } from './fill-detection.ts';
import { cursorId, decodeCursor, toPage, type Page, type PageRequest } from './pagination.ts';

export interface DecisionsQuery extends PageRequest {
  outcome?: DecisionOutcome | undefined;
  traderWallet?: string | undefined;
  /** One leader fill; a leg copied with its order's other legs resolves to the order's first leg. */
  fillKey?: string | undefined;
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
  /** 'fill': a leader fill; 'open_position': a position the trader held when the follow started. */
  source: 'fill' | 'open_position';
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
    /** Which feed saw the fill first and each feed's lag: why a copy came late. */
    detection: FillDetectionView | null;
  } | null;
  openPosition: {
    traderWallet: string;
    conditionId: string;
    assetId: string;
    marketTitle: string | null;
    marketSlug: string | null;
    outcome: string | null;
    /** The trader's shares and average entry price when the follow started. */
    size: string;
    avgPrice: string | null;
    /** The best ask the copy was priced from (null when the book had none). */
    price: string | null;
    observedAt: string;
  } | null;
}

const KIND = 'decisions';

export async function listDecisions(
  deps: { db: Db },
  userId: string,
  query: DecisionsQuery,
): Promise<Page<DecisionView>> {
  const rows = await decisionRows(deps, userId, query);
  const detections = await detectionsOf(
    deps.db,
    rows.slice(0, query.limit).flatMap((r) => (r.fill_key === null ? [] : [r.fill_key])),
  );
  return toPage(
    rows,
    query.limit,
    KIND,
    (r) => [r.id],
    (r) => decisionView(r, detections),
  );
}

/** One page (plus one row) of the user's decisions with the fill or open position each is about. */
function decisionRows(deps: { db: Db }, userId: string, query: DecisionsQuery) {
  let q = deps.db
    .selectFrom('copy_decisions as d')
    .leftJoin('leader_fills as f', 'f.fill_key', 'd.fill_key')
    .leftJoin('open_position_copies as o', 'o.decision_id', 'd.id')
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
      'd.source',
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
      'o.trader_wallet_address as o_wallet',
      'o.condition_id as o_condition_id',
      'o.asset_id as o_asset_id',
      'o.market_title as o_market_title',
      'o.market_slug as o_market_slug',
      'o.outcome as o_outcome',
      'o.leader_size as o_size',
      'o.leader_avg_price as o_avg_price',
      'o.price as o_price',
      'o.observed_at as o_observed_at',
    ])
    .where('d.user_id', '=', userId);
  if (query.outcome) q = q.where('d.outcome', '=', query.outcome);
  // A leg copied with its order's other legs is answered by the order's decision (migration 0120).
  if (query.fillKey) {
    const key = query.fillKey;
    q = q.where(
      'd.fill_key',
      '=',
      sql<string>`COALESCE((SELECT copied_with_fill_key FROM leader_fills WHERE fill_key = ${key}), ${key})`,
    );
  }
  if (query.traderWallet) {
    const w = query.traderWallet.toLowerCase();
    q = q.where((e) => e.or([e('f.trader_wallet_address', '=', w), e('o.trader_wallet_address', '=', w)]));
  }
  if (query.cursor !== undefined) q = q.where('d.id', '<', cursorId(decodeCursor(KIND, query.cursor), 0));
  return q
    .orderBy('d.id', 'desc')
    .limit(query.limit + 1)
    .execute();
}

function decisionView(
  r: Awaited<ReturnType<typeof decisionRows>>[number],
  detections: ReadonlyMap<string, FillDetectionView>,
): DecisionView {
  return {
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
    source: r.source,
    fill:
      r.fill_key === null
        ? null
        : {
            fillKey: r.fill_key,
            traderWallet: r.trader_wallet_address!,
            conditionId: r.condition_id!,
            assetId: r.asset_id!,
            marketTitle: r.market_title,
            marketSlug: r.market_slug,
            outcome: r.fill_outcome,
            side: r.side!,
            price: r.price!,
            size: r.size!,
            filledAt: r.filled_at!.toISOString(),
            detection: detections.get(r.fill_key) ?? null,
          },
    openPosition:
      r.o_wallet === null
        ? null
        : {
            traderWallet: r.o_wallet,
            conditionId: r.o_condition_id!,
            assetId: r.o_asset_id!,
            marketTitle: r.o_market_title,
            marketSlug: r.o_market_slug,
            outcome: r.o_outcome,
            size: r.o_size!,
            avgPrice: r.o_avg_price,
            price: r.o_price,
            observedAt: r.o_observed_at!.toISOString(),
          },
  };
}
