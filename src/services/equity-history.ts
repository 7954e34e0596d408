// GET /portfolio/equity: the account's true equity curve (src/domain/equity-curve.ts) from what the
// platform recorded — the copy lots of the mode, the paper ledger's cash flows, and as prices the
// fills seen on those tokens (the followed traders' fills and the account's own). Live cash sits at
// Polymarket and is known only as the last balance read, so a live curve is positions only except
// at its last point.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import {
  equityBuckets,
  equityCurve,
  type CashFlow,
  type EquityLot,
  type EquityPoint,
  type EquityWindow,
  type PricePoint,
} from '../domain/equity-curve.ts';
import { Decimal } from '../domain/money.ts';

export interface EquityHistory {
  mode: 'paper' | 'live';
  window: EquityWindow;
  points: EquityPoint[];
}

async function lotsOf(db: Db, userId: string, mode: 'paper' | 'live') {
  return db
    .selectFrom('trades as t')
    .innerJoin('copy_relationships as r', 'r.id', 't.copy_relationship_id')
    .select([
      't.asset_id',
      't.trader_wallet_address',
      't.quantity',
      't.entry_price',
      't.entry_timestamp',
      't.exit_timestamp',
      't.status',
      't.current_value_usd',
    ])
    .where('t.is_copy_trade', '=', true)
    .where('t.copying_user_id', '=', userId)
    .where('r.mode', '=', mode)
    .execute();
}

async function paperFlows(db: Db, userId: string): Promise<{ flows: CashFlow[]; prices: PricePoint[] }> {
  const { rows } = await sql<{
    at_ms: string;
    amount: string;
    token_id: string | null;
    price: string | null;
  }>`
    SELECT at_ms::text, amount::text, NULL AS token_id, NULL AS price FROM paper_cash WHERE account_id = ${userId}
    UNION ALL
    SELECT at_ms::text,
           (CASE WHEN side = 'BUY' THEN -notional ELSE notional END - fee)::text,
           token_id, price::text
      FROM paper_fills WHERE account_id = ${userId}`.execute(db);
  const flows: CashFlow[] = [];
  const prices: PricePoint[] = [];
  for (const r of rows) {
    const at = new Date(Number(r.at_ms));
    flows.push({ at, amount: new Decimal(r.amount) });
    if (r.token_id !== null && r.price !== null)
      prices.push({ assetId: r.token_id, at, price: new Decimal(r.price) });
  }
  return { flows, prices };
}

/** Fills of the copied traders on the lots' tokens since `since`: the market's prices over time. */
async function leaderPrices(
  db: Db,
  lots: Array<{ asset_id: string | null; trader_wallet_address: string }>,
  since: Date,
) {
  const assets = [...new Set(lots.map((l) => l.asset_id).filter((a): a is string => a !== null))];
  const traders = [...new Set(lots.map((l) => l.trader_wallet_address))];
  if (assets.length === 0 || traders.length === 0) return [];
  const rows = await db
    .selectFrom('leader_fills')
    .select(['asset_id', 'filled_at', 'price'])
    .where('trader_wallet_address', 'in', traders)
    .where('asset_id', 'in', assets)
    .where('filled_at', '>=', since)
    .execute();
  return rows.map((r) => ({ assetId: r.asset_id, at: r.filled_at, price: new Decimal(r.price) }));
}

export async function getEquityHistory(
  deps: { db: Db; clock: () => Date },
  userId: string,
  query: { mode: 'paper' | 'live'; window: EquityWindow },
  paperStartingBalance: Decimal,
): Promise<EquityHistory> {
  const now = deps.clock();
  const rows = await lotsOf(deps.db, userId, query.mode);
  const paper = query.mode === 'paper' ? await paperFlows(deps.db, userId) : { flows: [], prices: [] };
  const firstActivity = [
    ...rows.map((r) => r.entry_timestamp),
    ...paper.flows.map((f) => f.at),
  ].reduce<Date | null>((min, d) => (min === null || d < min ? d : min), null);
  const buckets = equityBuckets(query.window, now, firstActivity);
  // A week before the window: the last price of a token quiet at the window's start.
  const since = new Date(buckets[0]!.getTime() - 7 * 86_400_000);
  const prices = [...paper.prices, ...(await leaderPrices(deps.db, rows, since))];
  const lots: EquityLot[] = rows
    .filter((r) => r.asset_id !== null)
    .map((r) => ({
      assetId: r.asset_id!,
      quantity: new Decimal(r.quantity),
      entryPrice: new Decimal(r.entry_price),
      entryAt: r.entry_timestamp,
      exitAt: r.exit_timestamp,
      currentValue:
        r.status === 'open' && r.current_value_usd !== null ? new Decimal(r.current_value_usd) : null,
    }));
  let cashNow: Decimal | null = null;
  if (query.mode === 'live') {
    const bal = await deps.db
      .selectFrom('live_balances')
      .select('cash_usd')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    cashNow = bal ? new Decimal(bal.cash_usd) : null;
  }
  const points = equityCurve({
    buckets,
    now,
    startingCash: query.mode === 'paper' ? paperStartingBalance : null,
    cashFlows: paper.flows,
    cashNow,
    lots,
    prices,
  });
  return { mode: query.mode, window: query.window, points };
}
