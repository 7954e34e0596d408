// The caller's executed copies, newest first: each copy trade row (`trades`, is_copy_trade) with how
// it was executed — the venue order id, the price obtained against the leader's price, slippage and
// detection-to-fill latency — and the leader fill it copied. Keyset-paginated on (entry time, id).
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

export interface CopyTradesQuery extends PageRequest {
  traderWallet?: string | undefined;
}

export interface CopyTradeView {
  id: string;
  relationshipId: string | null;
  traderWallet: string;
  marketId: string;
  marketName: string | null;
  assetId: string | null;
  outcome: string | null;
  status: string;
  price: string;
  quantity: string;
  valueUsd: string;
  feesUsd: string;
  slippagePercent: string | null;
  executionTimeMs: number | null;
  orderId: string | null;
  executedAt: string;
  leaderFill: {
    fillKey: string;
    side: 'BUY' | 'SELL';
    price: string;
    size: string;
    filledAt: string;
    transactionHash: string;
  } | null;
}

const KIND = 'copy-trades';

export async function listCopyTrades(
  deps: { db: Db },
  userId: string,
  query: CopyTradesQuery,
): Promise<Page<CopyTradeView>> {
  const rows = await copyTradeRows(deps, userId, query);
  return toPage(rows, query.limit, KIND, (r) => [r.entry_key, r.id], copyTradeView);
}

/** One page (plus one row) of the user's copies, newest first, with the leader fill each copied. */
function copyTradeRows(deps: { db: Db }, userId: string, query: CopyTradesQuery) {
  let q = deps.db
    .selectFrom('trades as t')
    .leftJoin('leader_fills as f', 'f.fill_key', 't.source_fill_key')
    .select([
      't.id',
      't.copy_relationship_id',
      't.trader_wallet_address',
      't.market_id',
      copyMarketName('t').as('market_name'),
      't.asset_id',
      copyOutcome('t').as('outcome'),
      't.status',
      't.entry_price',
      't.quantity',
      't.entry_value_usd',
      't.fees_usd',
      't.slippage_percent',
      't.execution_time_ms',
      't.copy_tx_hash',
      't.entry_timestamp',
      sql<string>`t.entry_timestamp::text`.as('entry_key'),
      'f.fill_key',
      'f.side as fill_side',
      'f.price as fill_price',
      'f.size as fill_size',
      'f.filled_at',
      'f.transaction_hash',
    ])
    .where('t.is_copy_trade', '=', true)
    .where('t.copying_user_id', '=', userId)
    .where('t.status', 'in', ['open', 'closed']);
  if (query.traderWallet) q = q.where('t.trader_wallet_address', '=', query.traderWallet.toLowerCase());
  if (query.cursor !== undefined) {
    const v = decodeCursor(KIND, query.cursor);
    q = q.where(
      sql<boolean>`(t.entry_timestamp, t.id) < (${cursorTimestamp(v, 0)}::timestamptz, ${cursorId(v, 1)}::bigint)`,
    );
  }
  return q
    .orderBy('t.entry_timestamp', 'desc')
    .orderBy('t.id', 'desc')
    .limit(query.limit + 1)
    .execute();
}

function copyTradeView(r: Awaited<ReturnType<typeof copyTradeRows>>[number]): CopyTradeView {
  return {
    id: r.id,
    relationshipId: r.copy_relationship_id,
    traderWallet: r.trader_wallet_address,
    marketId: r.market_id,
    marketName: r.market_name,
    assetId: r.asset_id,
    outcome: r.outcome,
    status: r.status,
    price: r.entry_price,
    quantity: r.quantity,
    valueUsd: r.entry_value_usd,
    feesUsd: r.fees_usd,
    slippagePercent: r.slippage_percent,
    executionTimeMs: r.execution_time_ms,
    orderId: r.copy_tx_hash,
    executedAt: r.entry_timestamp.toISOString(),
    leaderFill:
      r.fill_key === null ||
      r.fill_side === null ||
      r.fill_price === null ||
      r.fill_size === null ||
      r.filled_at === null ||
      r.transaction_hash === null
        ? null
        : {
            fillKey: r.fill_key,
            side: r.fill_side,
            price: r.fill_price,
            size: r.fill_size,
            filledAt: r.filled_at.toISOString(),
            transactionHash: r.transaction_hash,
          },
  };
}

export const COPY_TRADE_CSV_COLUMNS: readonly CsvColumn<CopyTradeView>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'executed_at', value: (c) => c.executedAt },
  { header: 'status', value: (c) => c.status },
  { header: 'trader_wallet', value: (c) => c.traderWallet },
  { header: 'market_id', value: (c) => c.marketId },
  { header: 'market_name', value: (c) => c.marketName, text: true },
  { header: 'asset_id', value: (c) => c.assetId },
  { header: 'outcome', value: (c) => c.outcome, text: true },
  { header: 'side', value: (c) => c.leaderFill?.side ?? null },
  { header: 'price', value: (c) => c.price },
  { header: 'quantity', value: (c) => c.quantity },
  { header: 'value_usd', value: (c) => c.valueUsd },
  { header: 'fees_usd', value: (c) => c.feesUsd },
  { header: 'slippage_percent', value: (c) => c.slippagePercent },
  { header: 'execution_time_ms', value: (c) => c.executionTimeMs },
  { header: 'order_id', value: (c) => c.orderId, text: true },
  { header: 'leader_price', value: (c) => c.leaderFill?.price ?? null },
  { header: 'leader_size', value: (c) => c.leaderFill?.size ?? null },
  { header: 'leader_filled_at', value: (c) => c.leaderFill?.filledAt ?? null },
  { header: 'leader_transaction_hash', value: (c) => c.leaderFill?.transactionHash ?? null },
];

export const copyTradesCsv = (rows: readonly CopyTradeView[]) => toCsv(COPY_TRADE_CSV_COLUMNS, rows);
