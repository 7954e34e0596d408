// A trader's open positions as this platform recorded them: every token whose recorded fills leave
// more than dust held (the accounting of docs/analytics.md "Metrics": a sale never takes more than
// is held), in a market not resolved, at its average cost, marked at the analytics job's token mark
// (token_marks). The same positions the leader metrics mark, so the unrealized P&L here is the part
// of `totalPnl` still open. Largest cost first, then token.
//
// Two steps: SQL finds the positions still holding shares (the reflection identity of the recompute:
// held = run − min(0, lowest running sum)), then only their fills are replayed in code
// (src/domain/analytics/position-replay.ts) for the average-cost basis.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { replayPosition } from '../domain/analytics/position-replay.ts';
import { DEFAULT_DUST_SHARES } from '../domain/analytics/trader-metrics.ts';
import { Decimal, toWire, ZERO } from '../domain/money.ts';
import { notFound } from './app-error.ts';
import {
  cursorDecimal,
  cursorString,
  decodeCursor,
  toPage,
  type Page,
  type PageRequest,
} from './pagination.ts';

export interface TraderPositionView {
  assetId: string;
  conditionId: string;
  marketTitle: string | null;
  outcome: string;
  shares: string;
  avgPrice: string;
  costUsd: string;
  markPrice: string | null;
  markedAt: string | null;
  currentValueUsd: string | null;
  unrealizedPnlUsd: string | null;
  openedAt: string;
  lastFillAt: string;
}

export interface TraderPositionsSummary {
  openPositions: number;
  costUsd: string;
  /** Positions with a mark only. */
  currentValueUsd: string;
  unrealizedPnlUsd: string;
  /** Positions without a mark yet (no value, no unrealized P&L counted). */
  unmarked: number;
}

export type TraderPositions = Page<TraderPositionView> & { summary: TraderPositionsSummary };

interface Held {
  key: string;
  market_id: string;
  market_name: string | null;
  position: string;
  price: string | null;
  priced_at: Date | null;
}

async function heldPositions(db: Db, wallet: string): Promise<Held[]> {
  const dust = toWire(DEFAULT_DUST_SHARES);
  const { rows } = await sql<Held>`
    WITH f AS (
      SELECT COALESCE(asset_id, market_id || ':' || position) AS key, market_id, market_name, position,
             entry_timestamp, id,
             sum(CASE WHEN COALESCE(side, 'BUY') = 'BUY' THEN quantity ELSE -quantity END)
               OVER (PARTITION BY COALESCE(asset_id, market_id || ':' || position) ORDER BY entry_timestamp, id) AS run
        FROM trades
       WHERE trader_wallet_address = ${wallet} AND NOT is_copy_trade
    ), p AS (
      SELECT key, (array_agg(run ORDER BY entry_timestamp DESC, id DESC))[1] - LEAST(0, min(run)) AS held,
             (array_agg(market_id ORDER BY entry_timestamp DESC, id DESC))[1] AS market_id,
             (array_agg(market_name ORDER BY entry_timestamp DESC, id DESC))[1] AS market_name,
             (array_agg(position ORDER BY entry_timestamp DESC, id DESC))[1] AS position
        FROM f GROUP BY key
    )
    SELECT p.key, p.market_id, p.market_name, p.position, m.price::text AS price, m.priced_at
      FROM p LEFT JOIN token_marks m ON m.asset_id = p.key
     WHERE p.held > ${dust}::numeric AND NOT COALESCE(m.resolved, false)`.execute(db);
  return rows;
}

async function fillsOf(db: Db, wallet: string, keys: string[]) {
  return db
    .selectFrom('trades')
    .select(['id', 'asset_id', 'market_id', 'position', 'side', 'entry_price', 'quantity', 'entry_value_usd'])
    .select(['fees_usd', 'gas_fee_usd', 'entry_timestamp'])
    .select(sql<string>`COALESCE(asset_id, market_id || ':' || position)`.as('key'))
    .where('trader_wallet_address', '=', wallet)
    .where('is_copy_trade', '=', false)
    .where(sql<boolean>`COALESCE(asset_id, market_id || ':' || position) = ANY (${keys}::varchar[])`)
    .execute();
}

function positionView(h: Held, fills: Awaited<ReturnType<typeof fillsOf>>): TraderPositionView | null {
  const replay = replayPosition(
    fills.map((f) => ({
      seq: BigInt(f.id),
      at: f.entry_timestamp,
      side: f.side === 'SELL' ? ('SELL' as const) : ('BUY' as const),
      price: new Decimal(f.entry_price),
      size: new Decimal(f.quantity),
      notional: new Decimal(f.entry_value_usd),
      fees: new Decimal(f.fees_usd).plus(f.gas_fee_usd),
    })),
    DEFAULT_DUST_SHARES,
  );
  if (replay.shares.lte(DEFAULT_DUST_SHARES)) return null;
  const opened = replay.fills.find((f) => f.episode === replay.lastEpisode)?.fill.at ?? replay.lastAt!;
  const mark = h.price === null ? null : new Decimal(h.price);
  const value = mark?.times(replay.shares) ?? null;
  return {
    assetId: h.key,
    conditionId: h.market_id,
    marketTitle: h.market_name,
    outcome: h.position,
    shares: toWire(replay.shares),
    avgPrice: toWire(replay.costBasis.div(replay.shares).toDecimalPlaces(6, Decimal.ROUND_HALF_UP)),
    costUsd: toWire(replay.costBasis.toDecimalPlaces(6, Decimal.ROUND_HALF_UP)),
    markPrice: mark === null ? null : toWire(mark),
    markedAt: h.priced_at?.toISOString() ?? null,
    currentValueUsd: value === null ? null : toWire(value.toDecimalPlaces(6, Decimal.ROUND_HALF_UP)),
    unrealizedPnlUsd:
      value === null ? null : toWire(value.minus(replay.costBasis).toDecimalPlaces(6, Decimal.ROUND_HALF_UP)),
    openedAt: opened.toISOString(),
    lastFillAt: replay.lastAt!.toISOString(),
  };
}

function summarise(views: TraderPositionView[]): TraderPositionsSummary {
  const sum = (f: (v: TraderPositionView) => string | null) =>
    views.reduce((a, v) => a.plus(f(v) ?? 0), ZERO);
  return {
    openPositions: views.length,
    costUsd: toWire(sum((v) => v.costUsd)),
    currentValueUsd: toWire(sum((v) => v.currentValueUsd)),
    unrealizedPnlUsd: toWire(sum((v) => v.unrealizedPnlUsd)),
    unmarked: views.filter((v) => v.markPrice === null).length,
  };
}

export async function getTraderPositions(
  deps: { db: Db },
  walletInput: string,
  page: PageRequest,
): Promise<TraderPositions> {
  const wallet = walletInput.toLowerCase();
  const trader = await deps.db
    .selectFrom('traders')
    .select('wallet_address')
    .where('wallet_address', '=', wallet)
    .executeTakeFirst();
  if (!trader) throw notFound('trader');
  const held = await heldPositions(deps.db, wallet);
  const fills =
    held.length === 0
      ? []
      : await fillsOf(
          deps.db,
          wallet,
          held.map((h) => h.key),
        );
  const byKey = new Map<string, typeof fills>();
  for (const f of fills) {
    const list = byKey.get(f.key);
    if (list) list.push(f);
    else byKey.set(f.key, [f]);
  }
  const views = held
    .map((h) => positionView(h, byKey.get(h.key) ?? []))
    .filter((v): v is TraderPositionView => v !== null)
    .sort((a, b) => new Decimal(b.costUsd).cmp(a.costUsd) || (a.assetId < b.assetId ? -1 : 1));
  let rest = views;
  if (page.cursor !== undefined) {
    const v = decodeCursor('trader-positions', page.cursor);
    const cost = cursorDecimal(v, 0);
    const key = cursorString(v, 1);
    rest = views.filter((x) => {
      const c = new Decimal(x.costUsd).cmp(cost);
      return c < 0 || (c === 0 && x.assetId > key);
    });
  }
  return {
    ...toPage(
      rest.slice(0, page.limit + 1),
      page.limit,
      'trader-positions',
      (x) => [x.costUsd, x.assetId],
      (x) => x,
    ),
    summary: summarise(views),
  };
}
