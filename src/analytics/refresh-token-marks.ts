// Refreshes token_marks — the prices the leader metrics mark open positions at — from the venue,
// for the tokens tracked traders hold (open_holders > 0, written by the last recompute) and whose
// market has not resolved:
//   1. midpoints in batches (one getMidpoints call per MIDPOINT_BATCH tokens), written with one
//      UPDATE per batch; a midpoint outside [0, 1] is not a price and is ignored;
//   2. resolution: tokens that got no midpoint (a resolved market has no book) first, then the
//      longest unchecked, at most `maxResolutionChecks` per run and each at most once per
//      `recheckAfterMs`, ask getMarketByToken (one call per market: its other tokens share the
//      answer). A resolved market's tokens get their payout — 1 for the winner, 0 for the others,
//      0.5 each on a void market (src/domain/pnl.ts) — and resolved_at = now, once: a resolution
//      is final, so a resolved token is never asked about again.
// A token without a midpoint keeps its last price. The metrics settle positions in resolved
// tokens at the payout and mark the others at `price` (docs/analytics.md, "Metrics").
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { toWire, type Decimal } from '../domain/money.ts';
import { resolutionFor, settlementPrice } from '../domain/pnl.ts';
import type { Market, MarketDataSource } from '../venue/venue.ts';

export const MIDPOINT_BATCH = 500;

export interface RefreshMarksOptions {
  readonly now?: () => Date;
  readonly batchSize?: number;
  /** Market lookups per run (rate limits): default 100. */
  readonly maxResolutionChecks?: number;
  /** A token is asked about its market at most this often: default 1 hour. */
  readonly recheckAfterMs?: number;
}

export interface MarksReport {
  /** Tokens held and unresolved. */
  readonly tokens: number;
  readonly priced: number;
  readonly resolutionChecks: number;
  /** Tokens newly marked resolved. */
  readonly resolved: number;
}

export async function refreshTokenMarks(
  deps: { readonly db: Db; readonly marketData: MarketDataSource },
  opts: RefreshMarksOptions = {},
): Promise<MarksReport> {
  const now = (opts.now ?? (() => new Date()))();
  const batchSize = opts.batchSize ?? MIDPOINT_BATCH;
  const { rows } = await sql<{ asset_id: string; checked_at: Date | null }>`
    SELECT asset_id, checked_at FROM token_marks
     WHERE open_holders > 0 AND NOT resolved ORDER BY asset_id`.execute(deps.db);
  const tokens = rows.map((r) => r.asset_id);

  const priced = new Set<string>();
  for (let i = 0; i < tokens.length; i += batchSize) {
    const batch = tokens.slice(i, i + batchSize);
    const mids = await deps.marketData.getMidpoints(batch);
    const values = batch.flatMap((token) => {
      const mid = mids.get(token);
      if (!mid || mid.isNegative() || mid.gt(1)) return [];
      priced.add(token);
      return [sql`(${token}::varchar, ${toWire(mid)}::numeric)`];
    });
    if (values.length === 0) continue;
    await sql`
      UPDATE token_marks m SET price = v.mid, priced_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
        FROM (VALUES ${sql.join(values)}) AS v (asset_id, mid)
       WHERE m.asset_id = v.asset_id AND NOT m.resolved`.execute(deps.db);
  }

  const recheckBefore = now.getTime() - (opts.recheckAfterMs ?? 3_600_000);
  const due = rows
    .filter((r) => r.checked_at === null || r.checked_at.getTime() < recheckBefore)
    .sort(
      (a, b) =>
        Number(priced.has(a.asset_id)) - Number(priced.has(b.asset_id)) ||
        (a.checked_at?.getTime() ?? 0) - (b.checked_at?.getTime() ?? 0) ||
        (a.asset_id < b.asset_id ? -1 : 1),
    )
    .slice(0, opts.maxResolutionChecks ?? 100);
  const answered = new Map<string, Market | null>();
  let checks = 0;
  let resolved = 0;
  for (const { asset_id: token } of due) {
    if (answered.has(token)) continue;
    const market = await deps.marketData.getMarketByToken(token);
    checks += 1;
    answered.set(token, market);
    if (market) for (const t of market.tokens) answered.set(t.tokenId, market);
    if (!market) {
      await sql`UPDATE token_marks SET checked_at = ${now}::timestamptz WHERE asset_id = ${token}`.execute(
        deps.db,
      );
      continue;
    }
    if (!market.resolved) {
      await sql`
        UPDATE token_marks SET checked_at = ${now}::timestamptz, condition_id = ${market.conditionId}
         WHERE asset_id IN (${sql.join([token, ...market.tokens.map((t) => t.tokenId)])})`.execute(deps.db);
      continue;
    }
    const payouts = market.tokens.map((t) => [t.tokenId, payoutOf(t.tokenId, market)] as const);
    if (!payouts.some(([id]) => id === token)) payouts.push([token, payoutOf(token, market)]);
    const r = await sql`
      UPDATE token_marks m
         SET resolved = true, payout = v.payout, resolved_at = ${now}::timestamptz, checked_at = ${now}::timestamptz,
             condition_id = ${market.conditionId}, updated_at = ${now}::timestamptz
        FROM (VALUES ${sql.join(payouts.map(([id, p]) => sql`(${id}::varchar, ${toWire(p)}::numeric)`))})
             AS v (asset_id, payout)
       WHERE m.asset_id = v.asset_id AND NOT m.resolved`.execute(deps.db);
    resolved += Number(r.numAffectedRows ?? 0n);
  }
  return { tokens: tokens.length, priced: priced.size, resolutionChecks: checks, resolved };
}

function payoutOf(tokenId: string, market: Market): Decimal {
  return settlementPrice(resolutionFor(tokenId, market.winningTokenId));
}
