// The caller's copy lots (`trades` rows with is_copy_trade and copying_user_id = caller): each BUY
// copy opens a lot; SELL copies close lots oldest first, splitting a lot sold in part into a closed
// row and an open remainder. Filters: status, trader, market (condition id). Newest entry first
// (ties: newest id), keyset-paginated. Also as CSV.
//
// An open lot of a dust position (fewer than one share in its (relationship, token): no order can
// sell it; src/domain/dust.ts, classified by polycopy_is_dust over copy_positions, migration 0115)
// is labelled `dust` and is not an open position: status=open leaves it out, status=dust lists it.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { copyMarketName, copyOutcome } from './copy-market-label.ts';
import { toCsv, type CsvColumn } from './csv.ts';
import {
  cursorId,
  cursorTimestamp,
  decodeCursor,
  toPage,
  type Page,
  type PageRequest,
} from './pagination.ts';

export interface PositionsQuery extends PageRequest {
  status?: 'open' | 'closed' | 'dust' | undefined;
  traderWallet?: string | undefined;
  market?: string | undefined;
}

export interface PositionView {
  id: string;
  relationshipId: string | null;
  traderWallet: string;
  marketId: string;
  marketName: string | null;
  assetId: string | null;
  outcome: string | null;
  position: string;
  status: 'open' | 'closed';
  /** An open lot of a position under one share: shown apart, never closed by an order, settled at resolution. */
  dust: boolean;
  quantity: string;
  entryPrice: string;
  entryValueUsd: string;
  feesUsd: string;
  exitPrice: string | null;
  exitValueUsd: string | null;
  currentValueUsd: string | null;
  unrealizedPnlUsd: string | null;
  realizedPnlUsd: string | null;
  realizedPnlPercent: string | null;
  openedAt: string;
  closedAt: string | null;
}

const KIND = 'positions';

export async function listPositions(
  deps: { db: Db },
  userId: string,
  query: PositionsQuery,
): Promise<Page<PositionView>> {
  const dust = sql<boolean>`(trades.status = 'open' AND COALESCE((
      SELECT polycopy_is_dust(cp.shares) FROM copy_positions cp
       WHERE cp.copy_relationship_id = trades.copy_relationship_id AND cp.asset_id = trades.asset_id), false))`;
  let q = deps.db
    .selectFrom('trades')
    .selectAll()
    .select([
      sql<string>`entry_timestamp::text`.as('entry_key'),
      copyMarketName('trades').as('market_label'),
      copyOutcome('trades').as('outcome_label'),
      dust.as('dust'),
    ])
    .where('is_copy_trade', '=', true)
    .where('copying_user_id', '=', userId);
  if (query.status === 'closed') q = q.where('status', '=', 'closed');
  else if (query.status === 'open') q = q.where('status', '=', 'open').where(sql<boolean>`NOT ${dust}`);
  else if (query.status === 'dust') q = q.where(dust);
  else q = q.where('status', 'in', ['open', 'closed']);
  if (query.traderWallet) q = q.where('trader_wallet_address', '=', query.traderWallet.toLowerCase());
  if (query.market) q = q.where('market_id', '=', query.market.toLowerCase());
  if (query.cursor !== undefined) {
    const v = decodeCursor(KIND, query.cursor);
    q = q.where(
      sql<boolean>`(entry_timestamp, id) < (${cursorTimestamp(v, 0)}::timestamptz, ${cursorId(v, 1)}::bigint)`,
    );
  }
  const rows = await q
    .orderBy('entry_timestamp', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(
    rows,
    query.limit,
    KIND,
    (r) => [r.entry_key, r.id],
    (r) => ({
      id: r.id,
      relationshipId: r.copy_relationship_id,
      traderWallet: r.trader_wallet_address,
      marketId: r.market_id,
      marketName: r.market_label,
      assetId: r.asset_id,
      outcome: r.outcome_label,
      position: r.position,
      status: r.status as 'open' | 'closed',
      dust: r.dust,
      quantity: r.quantity,
      entryPrice: r.entry_price,
      entryValueUsd: r.entry_value_usd,
      feesUsd: r.fees_usd,
      exitPrice: r.exit_price,
      exitValueUsd: r.exit_value_usd,
      currentValueUsd: r.current_value_usd,
      unrealizedPnlUsd: r.unrealized_pnl_usd,
      realizedPnlUsd: r.realized_pnl_usd,
      realizedPnlPercent: r.realized_pnl_percent,
      openedAt: r.entry_timestamp.toISOString(),
      closedAt: r.exit_timestamp?.toISOString() ?? null,
    }),
  );
}

export const POSITION_CSV_COLUMNS: readonly CsvColumn<PositionView>[] = [
  { header: 'id', value: (p) => p.id },
  { header: 'status', value: (p) => p.status },
  { header: 'trader_wallet', value: (p) => p.traderWallet },
  { header: 'market_id', value: (p) => p.marketId },
  { header: 'market_name', value: (p) => p.marketName, text: true },
  { header: 'asset_id', value: (p) => p.assetId },
  { header: 'outcome', value: (p) => p.outcome, text: true },
  { header: 'quantity', value: (p) => p.quantity },
  { header: 'entry_price', value: (p) => p.entryPrice },
  { header: 'entry_value_usd', value: (p) => p.entryValueUsd },
  { header: 'fees_usd', value: (p) => p.feesUsd },
  { header: 'exit_price', value: (p) => p.exitPrice },
  { header: 'exit_value_usd', value: (p) => p.exitValueUsd },
  { header: 'unrealized_pnl_usd', value: (p) => p.unrealizedPnlUsd },
  { header: 'realized_pnl_usd', value: (p) => p.realizedPnlUsd },
  { header: 'opened_at', value: (p) => p.openedAt },
  { header: 'closed_at', value: (p) => p.closedAt },
  // Last, so the columns before it keep their places for existing readers.
  { header: 'dust', value: (p) => String(p.dust) },
];

export const positionsCsv = (rows: readonly PositionView[]) => toCsv(POSITION_CSV_COLUMNS, rows);
