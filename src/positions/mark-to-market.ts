// Marks every open copy lot to the market: current_value_usd = quantity × midpoint and
// unrealized_pnl_usd = current value − entry value (the seed's formula; src/domain/pnl.ts
// markToMarket), both rounded half-up to 6 dp as pnl.ts rounds them. Midpoints come in batches of at
// most MIDPOINT_BATCH tokens, one getMidpoints call each, and each batch is written with ONE UPDATE
// joining the batch's (token, midpoint) pairs, so the cost is per token, not per lot. A token the
// venue gives no midpoint for (an empty side, unknown token) keeps its last value.
// Each batch's UPDATE runs in a transaction with its pnl.updated events (src/events/pnl-events.ts):
// one per user whose unrealized P&L moved, delivered only if the marks commit.
import { sql } from 'kysely';
import { withTransaction, type Db } from '../db/client.ts';
import { publishMarkedPnl, unrealizedByUser } from '../events/pnl-events.ts';
import { toWire, type Decimal } from '../domain/money.ts';
import type { MarketDataSource } from '../venue/venue.ts';

export const MIDPOINT_BATCH = 500;

export interface MarkReport {
  /** Distinct tokens with open copy lots. */
  readonly tokens: number;
  /** Tokens the venue gave a midpoint for. */
  readonly priced: number;
  /** Lots updated. */
  readonly lots: number;
  /** The midpoints used, by token (risk exits price their closing sells from them). */
  readonly midpoints: ReadonlyMap<string, Decimal>;
}

export async function openCopyTokens(db: Db): Promise<string[]> {
  const { rows } = await sql<{ asset_id: string }>`
    SELECT DISTINCT asset_id FROM trades
     WHERE is_copy_trade AND status = 'open' AND asset_id IS NOT NULL
     ORDER BY asset_id`.execute(db);
  return rows.map((r) => r.asset_id);
}

export async function markToMarket(
  deps: { db: Db; marketData: MarketDataSource },
  opts: { batchSize?: number } = {},
): Promise<MarkReport> {
  const batchSize = opts.batchSize ?? MIDPOINT_BATCH;
  const tokens = await openCopyTokens(deps.db);
  const midpoints = new Map<string, Decimal>();
  let lots = 0;
  for (let i = 0; i < tokens.length; i += batchSize) {
    const batch = tokens.slice(i, i + batchSize);
    const mids = await deps.marketData.getMidpoints(batch);
    const priced = batch.flatMap((token) => {
      const mid = mids.get(token);
      // A midpoint outside [0, 1] is not a price of an outcome token; never store a value from it.
      return mid && !mid.isNegative() && mid.lte(1) ? [[token, mid] as const] : [];
    });
    if (priced.length === 0) continue;
    for (const [token, mid] of priced) midpoints.set(token, mid);
    const values = priced.map(([token, mid]) => sql`(${token}::varchar, ${toWire(mid)}::numeric)`);
    const batchTokens = priced.map(([token]) => token);
    const r = await withTransaction(deps.db, async (tx) => {
      const before = await unrealizedByUser(tx, batchTokens);
      const updated = await sql`
      UPDATE trades t
         SET current_value_usd = round(t.quantity * v.mid, 6),
             unrealized_pnl_usd = round(t.quantity * v.mid, 6) - t.entry_value_usd
        FROM (VALUES ${sql.join(values)}) AS v (asset_id, mid)
       WHERE t.asset_id = v.asset_id AND t.is_copy_trade AND t.status = 'open'`.execute(tx);
      await publishMarkedPnl(tx, batchTokens, before);
      return updated;
    });
    lots += Number(r.numAffectedRows ?? 0n);
  }
  return { tokens: tokens.length, priced: midpoints.size, lots, midpoints };
}
