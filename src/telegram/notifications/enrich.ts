// The context a notification shows that its event does not carry: the market's title and outcome,
// the leader's fill (price, size, time) next to the copy, the trader. Read per message at delivery
// (a handful of primary-key lookups), always scoped to the row's user.
import { sql } from 'kysely';
import type { Db } from '../../db/client.ts';
import type { ClaimedRow } from './outbox-store.ts';
import type { NotificationItem } from './render.ts';

type Fill = {
  trader_wallet_address: string;
  side: 'BUY' | 'SELL';
  price: string;
  size: string;
  filled_at: Date;
  market_title: string | null;
  outcome: string | null;
};

async function fillByKey(db: Db, fillKey: string): Promise<Fill | undefined> {
  const { rows } = await sql<Fill>`
    SELECT trader_wallet_address, side, price::text, size::text, filled_at, market_title, outcome
      FROM leader_fills WHERE fill_key = ${fillKey}`.execute(db);
  return rows[0];
}

function fromFill(f: Fill | undefined): Pick<NotificationItem, 'market' | 'leader'> {
  if (!f) return {};
  return {
    market: { title: f.market_title, outcome: f.outcome },
    leader: {
      wallet: f.trader_wallet_address,
      side: f.side,
      price: f.price,
      size: f.size,
      filledAt: f.filled_at,
    },
  };
}

async function executedContext(
  db: Db,
  userId: string,
  data: Record<string, unknown>,
): Promise<Partial<NotificationItem>> {
  const tradeId = typeof data.tradeId === 'string' && /^\d{1,19}$/.test(data.tradeId) ? data.tradeId : null;
  if (!tradeId) return {};
  const { rows } = await sql<{
    source_fill_key: string | null;
    slippage_percent: string | null;
    entry_timestamp: Date;
    market_name: string | null;
    outcome: string | null;
  }>`
    SELECT source_fill_key, slippage_percent::text, entry_timestamp, market_name, outcome
      FROM trades WHERE id = ${tradeId} AND copying_user_id = ${userId} LIMIT 1`.execute(db);
  const t = rows[0];
  if (!t) return {};
  const fill = t.source_fill_key ? await fillByKey(db, t.source_fill_key) : undefined;
  const base = fromFill(fill);
  return {
    ...base,
    market: { title: base.market?.title ?? t.market_name, outcome: base.market?.outcome ?? t.outcome },
    copy: { slippagePercent: t.slippage_percent, executedAt: t.entry_timestamp },
  };
}

async function closedContext(
  db: Db,
  userId: string,
  data: Record<string, unknown>,
): Promise<Partial<NotificationItem>> {
  const assetId = typeof data.assetId === 'string' ? data.assetId : null;
  const relId =
    typeof data.relationshipId === 'string' && /^\d{1,19}$/.test(data.relationshipId)
      ? data.relationshipId
      : null;
  const { rows } = await sql<{ market_title: string | null; outcome: string | null; wallet: string | null }>`
    SELECT (SELECT market_title FROM leader_fills WHERE asset_id = ${assetId} AND market_title IS NOT NULL LIMIT 1) AS market_title,
           (SELECT outcome FROM leader_fills WHERE asset_id = ${assetId} AND outcome IS NOT NULL LIMIT 1) AS outcome,
           (SELECT trader_wallet_address FROM copy_relationships WHERE id = ${relId}::bigint AND user_id = ${userId}) AS wallet`.execute(
    db,
  );
  const r = rows[0];
  return r
    ? {
        market: { title: r.market_title, outcome: r.outcome },
        ...(r.wallet ? { traderWallet: r.wallet } : {}),
      }
    : {};
}

export async function enrich(db: Db, row: ClaimedRow): Promise<NotificationItem> {
  const data = (row.payload.data ?? row.payload) as Record<string, unknown>;
  const base: NotificationItem = {
    kind: row.kind,
    data,
    at: typeof row.payload.at === 'string' ? row.payload.at : row.createdAt.toISOString(),
  };
  switch (row.kind) {
    case 'copy_executed':
      return { ...base, ...(await executedContext(db, row.userId, data)) };
    case 'copy_failed':
    case 'copy_skipped':
      return {
        ...base,
        ...(typeof data.fillKey === 'string' ? fromFill(await fillByKey(db, data.fillKey)) : {}),
      };
    case 'position_closed':
      return { ...base, ...(await closedContext(db, row.userId, data)) };
    default:
      return base;
  }
}
