// A paper account's cash, exactly as PaperVenue counts its balance (before resting-order holds):
// PAPER_STARTING_BALANCE_USD + cash entries + sells − buys − fees. The seed's users.balance_usd is
// credited by nothing, so every view of a user's balance (/me, sign-up, admin lists, /portfolio)
// reads it from here.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { Decimal, toWire } from '../domain/money.ts';

/** Cash of each account in `userIds` (every id gets an entry; no ledger rows = the starting balance). */
export async function paperCashOf(
  db: Db,
  userIds: readonly string[],
  startingBalance: Decimal,
): Promise<Map<string, Decimal>> {
  if (userIds.length === 0) return new Map();
  const ids = [...new Set(userIds)];
  const { rows } = await sql<{ user_id: string; cash: string }>`
    SELECT u.id::text AS user_id,
           (${toWire(startingBalance)}::numeric + coalesce(c.total, 0) + coalesce(f.total, 0))::text AS cash
    FROM unnest(${ids}::bigint[]) AS u(id)
    LEFT JOIN (SELECT account_id, sum(amount) AS total FROM paper_cash
               WHERE account_id = ANY(${ids}::bigint[]) GROUP BY account_id) c ON c.account_id = u.id
    LEFT JOIN (SELECT account_id, sum(CASE WHEN side = 'BUY' THEN -notional ELSE notional END - fee) AS total
               FROM paper_fills WHERE account_id = ANY(${ids}::bigint[]) GROUP BY account_id) f
           ON f.account_id = u.id`.execute(db);
  return new Map(rows.map((r) => [r.user_id, new Decimal(r.cash)]));
}

/** The cash of one paper account. */
export async function paperCash(db: Db, userId: string, startingBalance: Decimal): Promise<Decimal> {
  return (await paperCashOf(db, [userId], startingBalance)).get(userId) ?? startingBalance;
}
