// pnl.updated for mark-to-market (src/positions/mark-to-market.ts): when re-marking open copy lots
// changes a user's unrealized P&L, that user gets ONE event per marked batch of tokens (not one per
// lot), published in the transaction that writes the new marks, so it is delivered only if they
// commit. Users whose figure did not move get nothing: a quiet market sends no events every 30 s.
//
// The event carries the user's whole unrealized P&L after the mark (every open copy lot, as
// /portfolio's totalUnrealizedPnlUsd computes it) and the change this mark made, so a client can
// update its display without refetching, whichever batch it hears last.
import { sql } from 'kysely';
import type { Tx } from '../db/client.ts';
import { Decimal, toWire } from '../domain/money.ts';
import { publishUserEvent } from './publish.ts';

export type UnrealizedByUser = ReadonlyMap<string, { unrealized: string; lots: number }>;

/** Unrealized P&L of each user's open copy lots in `tokens` (sums of NUMERIC, kept as strings). */
export async function unrealizedByUser(tx: Tx, tokens: readonly string[]): Promise<UnrealizedByUser> {
  if (tokens.length === 0) return new Map();
  const { rows } = await sql<{ user_id: string; unrealized: string; lots: string }>`
    SELECT copying_user_id::text AS user_id,
           coalesce(sum(unrealized_pnl_usd), 0)::text AS unrealized,
           count(*)::text AS lots
      FROM trades
     WHERE is_copy_trade AND status = 'open' AND copying_user_id IS NOT NULL
       AND asset_id = ANY(${tokens as string[]}::varchar[])
     GROUP BY copying_user_id`.execute(tx);
  return new Map(rows.map((r) => [r.user_id, { unrealized: r.unrealized, lots: Number(r.lots) }]));
}

/**
 * After a batch's marks are written (same transaction): one pnl.updated per user whose unrealized
 * P&L over the batch's tokens changed. Returns how many users were notified.
 */
export async function publishMarkedPnl(
  tx: Tx,
  tokens: readonly string[],
  before: UnrealizedByUser,
): Promise<number> {
  const after = await unrealizedByUser(tx, tokens);
  const changed: Array<{ userId: string; delta: Decimal; lots: number }> = [];
  for (const [userId, a] of after) {
    const delta = new Decimal(a.unrealized).minus(before.get(userId)?.unrealized ?? '0');
    if (!delta.isZero()) changed.push({ userId, delta, lots: a.lots });
  }
  if (changed.length === 0) return 0;
  const { rows } = await sql<{ user_id: string; total: string }>`
    SELECT copying_user_id::text AS user_id, coalesce(sum(unrealized_pnl_usd), 0)::text AS total
      FROM trades
     WHERE is_copy_trade AND status = 'open'
       AND copying_user_id = ANY(${changed.map((c) => c.userId)}::bigint[])
     GROUP BY copying_user_id`.execute(tx);
  const totals = new Map(rows.map((r) => [r.user_id, r.total]));
  for (const c of changed)
    await publishUserEvent(tx, c.userId, 'pnl.updated', {
      cause: 'mark',
      unrealizedPnlChangeUsd: toWire(c.delta),
      totalUnrealizedPnlUsd: totals.get(c.userId) ?? '0',
      lotsMarked: c.lots,
    });
  return changed.length;
}
