// "Why?" for a user's copies: the decision taken for a leader fill, its reason in words and what to
// do about it, and for an executed copy how it compared with the leader's fill. Found by the fill's
// key (or a prefix of it: the bot's buttons carry 16 hex digits, never a row id), by the leader's
// transaction hash (public, on-chain), or the most recent ones. Always scoped to the user.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import type { DecisionOutcome } from '../db/schema.ts';
import { reasonAdvice } from '../domain/notifications/reason-advice.ts';
import { isCopyOutcomeReason, reasonMessage } from '../domain/skip-reasons.ts';

export interface CopyExplanation {
  fillKey: string;
  traderWallet: string;
  marketTitle: string | null;
  outcomeLabel: string | null;
  side: 'BUY' | 'SELL';
  leaderPrice: string;
  leaderSize: string;
  filledAt: Date;
  outcome: DecisionOutcome;
  reason: string | null;
  reasonText: string | null;
  advice: string | null;
  detail: string | null;
  decidedAt: Date | null;
  copy: { price: string; size: string; slippagePercent: string | null; executedAt: Date } | null;
}

export type ExplainQuery =
  | { kind: 'fill'; fillKeyPrefix: string }
  | { kind: 'tx'; transactionHash: string }
  | { kind: 'recent'; outcomes?: DecisionOutcome[] };

export async function explainCopies(
  deps: { db: Db },
  userId: string,
  query: ExplainQuery,
  limit = 5,
): Promise<CopyExplanation[]> {
  const filter =
    query.kind === 'fill'
      ? sql`AND d.fill_key LIKE ${`${query.fillKeyPrefix.toLowerCase().replace(/[^0-9a-f]/g, '')}%`}`
      : query.kind === 'tx'
        ? sql`AND f.transaction_hash = ${query.transactionHash.toLowerCase()}`
        : query.outcomes
          ? sql`AND d.outcome = ANY(${query.outcomes}::text[])`
          : sql``;
  const { rows } = await sql<{
    fill_key: string;
    trader_wallet_address: string;
    market_title: string | null;
    outcome_label: string | null;
    side: 'BUY' | 'SELL';
    price: string;
    size: string;
    filled_at: Date;
    outcome: DecisionOutcome;
    reason: string | null;
    detail: string | null;
    decided_at: Date | null;
    copy_price: string | null;
    copy_size: string | null;
    copy_slippage: string | null;
    copy_at: Date | null;
  }>`
    SELECT d.fill_key, f.trader_wallet_address, f.market_title, f.outcome AS outcome_label, f.side,
           f.price::text, f.size::text, f.filled_at, d.outcome, d.reason, d.detail, d.decided_at,
           t.entry_price::text AS copy_price, t.quantity::text AS copy_size,
           t.slippage_percent::text AS copy_slippage, t.entry_timestamp AS copy_at
      FROM copy_decisions d
      JOIN leader_fills f ON f.fill_key = d.fill_key
      LEFT JOIN LATERAL (
        SELECT entry_price, quantity, slippage_percent, entry_timestamp FROM trades
         WHERE d.copy_trade_id IS NOT NULL AND id = d.copy_trade_id::bigint AND copying_user_id = ${userId}
         LIMIT 1) t ON true
     WHERE d.user_id = ${userId} ${filter}
     ORDER BY d.id DESC
     LIMIT ${limit}`.execute(deps.db);
  return rows.map((r) => ({
    fillKey: r.fill_key,
    traderWallet: r.trader_wallet_address,
    marketTitle: r.market_title,
    outcomeLabel: r.outcome_label,
    side: r.side,
    leaderPrice: r.price,
    leaderSize: r.size,
    filledAt: r.filled_at,
    outcome: r.outcome,
    reason: r.reason,
    reasonText: r.reason !== null && isCopyOutcomeReason(r.reason) ? reasonMessage(r.reason) : null,
    advice: reasonAdvice(r.reason),
    detail: r.detail,
    decidedAt: r.decided_at,
    copy:
      r.copy_price === null || r.copy_size === null || r.copy_at === null
        ? null
        : { price: r.copy_price, size: r.copy_size, slippagePercent: r.copy_slippage, executedAt: r.copy_at },
  }));
}
