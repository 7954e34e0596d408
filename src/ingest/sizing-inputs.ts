// What the balance-based sizing modes need beyond the fan-out's own query, read only when a fill has
// followers in those modes (one statement each, for all of them):
//   - the follower's funds in the account the follow trades in: a paper account's cash from its
//     ledger (starting balance + cash entries + fills, as PaperVenue computes it), a live account's
//     from the last balance read (live_balances, refreshed by src/execution/live-balances.ts) less
//     what copies bought since that read and plus what they sold (the snapshot does not know them;
//     without this, a bought position would count twice in equity: as cash and as a position);
//     equity = cash + that mode's open copy positions at their latest mark (token_marks; at cost
//     when unmarked);
//   - the leader's portfolio value (trader_portfolio_values, refreshed from the Data API's /value).
// decideCopy() judges how fresh each is; this file only reads.
import { sql } from 'kysely';
import type { Tx } from '../db/client.ts';
import type { Funds } from '../domain/decide-copy.ts';
import { Decimal, toWire } from '../domain/money.ts';

export interface FundsRequest {
  readonly userId: string;
  readonly mode: 'live' | 'paper';
}

export const fundsKey = (userId: string, mode: 'live' | 'paper') => `${userId}:${mode}`;

/** Funds per `fundsKey`; a live account never read is absent. */
export async function loadFunds(
  tx: Tx,
  requests: readonly FundsRequest[],
  opts: { paperStartingBalanceUsd: Decimal; now: Date },
): Promise<Map<string, Funds>> {
  const out = new Map<string, Funds>();
  if (requests.length === 0) return out;
  const unique = [...new Map(requests.map((r) => [fundsKey(r.userId, r.mode), r])).values()];
  const { rows } = await sql<{
    user_id: string;
    mode: 'live' | 'paper';
    cash: string | null;
    observed_at: Date | null;
    positions: string;
  }>`
    SELECT n.user_id::text AS user_id, n.mode,
           CASE WHEN n.mode = 'paper' THEN
                  ${toWire(opts.paperStartingBalanceUsd)}::numeric
                  + COALESCE((SELECT SUM(c.amount) FROM paper_cash c WHERE c.account_id = n.user_id), 0)
                  + COALESCE((SELECT SUM(CASE WHEN f.side = 'SELL' THEN f.notional - f.fee ELSE -f.notional - f.fee END)
                                FROM paper_fills f WHERE f.account_id = n.user_id), 0)
                ELSE lb.cash_usd
                  - COALESCE((SELECT SUM(t.entry_value_usd + t.fees_usd) FROM trades t
                               JOIN copy_relationships r ON r.id = t.copy_relationship_id AND r.mode = 'live'
                              WHERE t.copying_user_id = n.user_id AND t.is_copy_trade AND t.side = 'BUY'
                                AND t.entry_timestamp > lb.observed_at), 0)
                  + COALESCE((SELECT SUM(t.exit_value_usd) FROM trades t
                               JOIN copy_relationships r ON r.id = t.copy_relationship_id AND r.mode = 'live'
                              WHERE t.copying_user_id = n.user_id AND t.is_copy_trade AND t.status = 'closed'
                                AND t.exit_timestamp > lb.observed_at), 0)
                END AS cash,
           lb.observed_at,
           COALESCE((SELECT SUM(p.shares * COALESCE(CASE WHEN tm.resolved THEN tm.payout END, tm.price,
                                                    p.cost_usd / p.shares))
                       FROM copy_positions p
                       JOIN copy_relationships r ON r.id = p.copy_relationship_id AND r.mode = n.mode
                       LEFT JOIN token_marks tm ON tm.asset_id = p.asset_id
                      WHERE p.user_id = n.user_id AND p.shares > 0), 0) AS positions
      FROM jsonb_to_recordset(${JSON.stringify(unique.map((r) => ({ user_id: r.userId, mode: r.mode })))}::jsonb)
           AS n(user_id bigint, mode text)
      LEFT JOIN live_balances lb ON lb.user_id = n.user_id AND n.mode = 'live'`.execute(tx);
  for (const r of rows) {
    if (r.cash === null) continue;
    const cash = new Decimal(r.cash);
    out.set(fundsKey(r.user_id, r.mode), {
      cashUsd: cash,
      equityUsd: cash.plus(new Decimal(r.positions)),
      // The paper ledger is read now; a live balance is as old as its last read.
      observedAt: r.mode === 'paper' ? opts.now : r.observed_at!,
    });
  }
  return out;
}

export async function loadLeaderPortfolio(
  tx: Tx,
  wallet: string,
): Promise<{ valueUsd: Decimal; observedAt: Date } | null> {
  const { rows } = await sql<{ value_usd: string; observed_at: Date }>`
    SELECT value_usd, observed_at FROM trader_portfolio_values WHERE trader_wallet_address = ${wallet}`.execute(
    tx,
  );
  const r = rows[0];
  return r ? { valueUsd: new Decimal(r.value_usd), observedAt: r.observed_at } : null;
}
