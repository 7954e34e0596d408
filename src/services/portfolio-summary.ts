// What /portfolio and the daily summary show: equity, P&L today and in total, exposure. Built on
// the portfolio view (src/services/get-portfolio.ts) plus the two figures it lacks:
//   - paper cash, from the paper ledger exactly as PaperVenue counts it (starting balance + cash
//     entries + sells − buys − fees), so paper equity = paper cash + marked paper positions;
//   - realized P&L of lots closed today (UTC). Unrealized P&L has no snapshot at midnight, so
//     "today" is realized only, and says so.
// Live cash sits at Polymarket and is not read here: live equity is shown as positions only.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { Decimal, toWire } from '../domain/money.ts';
import { getPortfolio } from './get-portfolio.ts';
import { paperCash } from './paper-cash.ts';

export interface ModeHoldings {
  /** Open copy lots, dust left out. */
  openPositions: number;
  /** Positions of fewer than one share (src/domain/dust.ts): shown apart, never closable. */
  dustPositions: number;
  /** Marked value (current_value_usd; cost when not yet marked), dust included: it is cash at resolution. */
  valueUsd: string;
  /** At cost (what the exposure caps limit), dust left out as the caps leave it out. */
  exposureUsd: string;
}

export interface PortfolioSummary {
  tradersFollowing: number;
  paper: ModeHoldings & { cashUsd: string; equityUsd: string };
  live: ModeHoldings;
  realizedTodayUsd: string;
  realizedTotalUsd: string;
  unrealizedUsd: string;
  /** Decisions made today (UTC) for this user, by outcome. */
  today: { executed: number; skipped: number; failed: number; queued: number };
}

const startOfUtcDay = (now: Date) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

async function holdings(db: Db, userId: string) {
  // Dust is classified by its copy_positions row with polycopy_is_dust (migration 0115), as in
  // v_user_portfolio.
  const { rows } = await sql<{
    mode: 'live' | 'paper';
    open: string;
    dust: string;
    value: string;
    exposure: string;
  }>`
    SELECT r.mode, count(*) FILTER (WHERE NOT d.dust)::text AS open,
           count(DISTINCT (t.copy_relationship_id, t.asset_id)) FILTER (WHERE d.dust)::text AS dust,
           coalesce(sum(coalesce(t.current_value_usd, t.entry_value_usd)), 0)::text AS value,
           coalesce(sum(t.entry_value_usd) FILTER (WHERE NOT d.dust), 0)::text AS exposure
      FROM trades t JOIN copy_relationships r ON r.id = t.copy_relationship_id
      LEFT JOIN copy_positions cp ON cp.copy_relationship_id = t.copy_relationship_id AND cp.asset_id = t.asset_id
      CROSS JOIN LATERAL (SELECT COALESCE(polycopy_is_dust(cp.shares), false) AS dust) d
     WHERE t.is_copy_trade AND t.copying_user_id = ${userId} AND t.status = 'open'
     GROUP BY r.mode`.execute(db);
  const of = (mode: 'live' | 'paper'): ModeHoldings => {
    const r = rows.find((x) => x.mode === mode);
    return {
      openPositions: Number(r?.open ?? 0),
      dustPositions: Number(r?.dust ?? 0),
      valueUsd: r?.value ?? '0',
      exposureUsd: r?.exposure ?? '0',
    };
  };
  return { paper: of('paper'), live: of('live') };
}

async function todayFigures(db: Db, userId: string, since: Date) {
  const { rows } = await sql<{
    realized: string;
    executed: string;
    skipped: string;
    failed: string;
    queued: string;
  }>`
    SELECT (SELECT coalesce(sum(realized_pnl_usd), 0) FROM trades
             WHERE is_copy_trade AND copying_user_id = ${userId} AND exit_timestamp >= ${since})::text AS realized,
           count(*) FILTER (WHERE outcome = 'executed')::text AS executed,
           count(*) FILTER (WHERE outcome = 'skipped')::text AS skipped,
           count(*) FILTER (WHERE outcome = 'failed')::text AS failed,
           count(*) FILTER (WHERE outcome = 'queued')::text AS queued
      FROM copy_decisions WHERE user_id = ${userId} AND created_at >= ${since}`.execute(db);
  return rows[0]!;
}

export async function getPortfolioSummary(
  deps: { db: Db; clock: () => Date },
  userId: string,
  paperStartingBalance: Decimal,
): Promise<PortfolioSummary> {
  const portfolio = await getPortfolio(
    { db: deps.db, paperStartingBalanceUsd: paperStartingBalance },
    userId,
  );
  const [h, cash, today] = await Promise.all([
    holdings(deps.db, userId),
    // Unrounded (getPortfolio's balanceUsd is the same figure on the wire).
    paperCash(deps.db, userId, paperStartingBalance),
    todayFigures(deps.db, userId, startOfUtcDay(deps.clock())),
  ]);
  const usd = (d: Decimal) => toWire(d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP));
  return {
    tradersFollowing: portfolio.tradersFollowing,
    paper: { ...h.paper, cashUsd: usd(cash), equityUsd: usd(cash.plus(h.paper.valueUsd)) },
    live: h.live,
    realizedTodayUsd: today.realized,
    realizedTotalUsd: portfolio.totalRealizedPnlUsd,
    unrealizedUsd: portfolio.totalUnrealizedPnlUsd,
    today: {
      executed: Number(today.executed),
      skipped: Number(today.skipped),
      failed: Number(today.failed),
      queued: Number(today.queued),
    },
  };
}
