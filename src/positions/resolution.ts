// Settlement at market resolution. For every token with open copy lots the venue is asked whether
// its market resolved (one getMarketByToken per market: tokens of a market already seen share the
// answer). Every open lot of a resolved market is settled — no order is placed — at 1 per share for
// the winning token, 0 for a losing one, 0.5 on a void (50-50) market (src/domain/pnl.ts
// settlePosition): the lot is closed with exit price, exit value and realized P&L (exit value −
// entry value − fees − gas). Per (relationship, token), in the same transaction: copy_positions is
// zeroed (its realized P&L accumulates), the relationship's total_pnl_usd gains the realized P&L,
// the user's total_earned_usd the payout, a paper relationship's payout is credited to the user's
// paper cash (entry id `resolution:<relationship>:<token>`, so it is credited once), and a
// 'resolution' position event records it.
//
// Idempotent: only open lots are settled and they are locked and re-read inside the transaction, so
// a second run — or two schedulers at once — finds nothing left to settle.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { withTransaction } from '../db/client.ts';
import { Decimal, toWire } from '../domain/money.ts';
import { publishSettled, type SettledPosition } from '../events/engine-events.ts';
import { resolutionFor, settlementPrice, settlePosition, type Resolution } from '../domain/pnl.ts';
import type { Market, MarketDataSource } from '../venue/venue.ts';
import { openCopyTokens } from './mark-to-market.ts';

export interface ResolutionDeps {
  readonly db: Db;
  readonly marketData: MarketDataSource;
  readonly now?: () => Date;
}

export interface ResolutionReport {
  readonly tokensChecked: number;
  readonly marketsResolved: number;
  readonly settled: readonly SettledPosition[];
}

const usd = (d: Decimal) => d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed(6);

export async function settleResolvedMarkets(deps: ResolutionDeps): Promise<ResolutionReport> {
  const now = deps.now ?? (() => new Date());
  const tokens = await openCopyTokens(deps.db);
  const marketOf = new Map<string, Market | null>();
  const resolved = new Map<string, Market>();
  for (const token of tokens) {
    if (marketOf.has(token)) continue;
    const market = await deps.marketData.getMarketByToken(token);
    marketOf.set(token, market);
    if (market) for (const t of market.tokens) marketOf.set(t.tokenId, market);
    if (market?.resolved) resolved.set(market.conditionId, market);
  }
  const settled: SettledPosition[] = [];
  for (const token of tokens) {
    const market = marketOf.get(token);
    if (!market?.resolved) continue;
    const resolution = resolutionFor(token, market.winningTokenId);
    settled.push(...(await withTransaction(deps.db, (tx) => settleToken(tx, token, resolution, now()))));
  }
  return { tokensChecked: tokens.length, marketsResolved: resolved.size, settled };
}

interface LotRow {
  id: string;
  entry_timestamp: Date;
  copy_relationship_id: string;
  copying_user_id: string;
  quantity: string;
  entry_value_usd: string;
  fees_usd: string;
  gas_fee_usd: string;
  mode: 'live' | 'paper';
}

async function settleToken(
  tx: Tx,
  token: string,
  resolution: Resolution,
  at: Date,
): Promise<SettledPosition[]> {
  const { rows: lots } = await sql<LotRow>`
    SELECT t.id, t.entry_timestamp, t.copy_relationship_id, t.copying_user_id, t.quantity,
           t.entry_value_usd, t.fees_usd, t.gas_fee_usd, cr.mode
      FROM trades t JOIN copy_relationships cr ON cr.id = t.copy_relationship_id
     WHERE t.asset_id = ${token} AND t.is_copy_trade AND t.status = 'open'
     ORDER BY t.copy_relationship_id, t.entry_timestamp, t.id
       FOR UPDATE OF t`.execute(tx);
  if (lots.length === 0) return [];
  const price = settlementPrice(resolution);
  const { perRel, updates } = settleLots(lots, resolution);
  await sql`
    UPDATE trades t
       SET status = 'closed', exit_price = ${toWire(price)}::numeric, exit_value_usd = v.exit_value,
           fees_usd = v.fees, gas_fee_usd = v.gas, realized_pnl_usd = v.realized,
           realized_pnl_percent = v.realized_pct, exit_timestamp = ${at}::timestamptz,
           current_value_usd = NULL, unrealized_pnl_usd = NULL
      FROM (VALUES ${sql.join(updates)}) AS v (id, entry_timestamp, exit_value, fees, gas, realized, realized_pct)
     WHERE t.id = v.id AND t.entry_timestamp = v.entry_timestamp AND t.status = 'open'`.execute(tx);

  const out: SettledPosition[] = [];
  for (const [relId, a] of perRel) {
    await settleRelationship(tx, { relId, token, resolution, price, at }, a);
    const settled: SettledPosition = {
      relationshipId: relId,
      userId: a.userId,
      assetId: token,
      resolution,
      lots: a.lots,
      shares: a.shares.toFixed(),
      payoutUsd: usd(a.payout),
      realizedPnlUsd: usd(a.realized),
    };
    out.push(settled);
    await publishSettled(tx, settled); // position.closed + pnl.updated, delivered on commit
  }
  return out;
}

/** What the lots of one relationship in the token settled to. */
interface RelationshipSettlement {
  userId: string;
  mode: 'live' | 'paper';
  lots: number;
  shares: Decimal;
  entry: Decimal;
  payout: Decimal;
  realized: Decimal;
}

/** Each lot settled (its row's new values) and the sums per relationship. */
function settleLots(lots: readonly LotRow[], resolution: Resolution) {
  const perRel = new Map<string, RelationshipSettlement>();
  const updates = lots.map((lot) => {
    const { closed } = settlePosition(
      {
        quantity: new Decimal(lot.quantity),
        entryValueUsd: new Decimal(lot.entry_value_usd),
        feesUsd: new Decimal(lot.fees_usd),
        gasFeeUsd: new Decimal(lot.gas_fee_usd),
      },
      resolution,
    );
    const agg = perRel.get(lot.copy_relationship_id) ?? {
      userId: lot.copying_user_id,
      mode: lot.mode,
      lots: 0,
      shares: new Decimal(0),
      entry: new Decimal(0),
      payout: new Decimal(0),
      realized: new Decimal(0),
    };
    agg.lots += 1;
    agg.shares = agg.shares.plus(closed.quantity);
    agg.entry = agg.entry.plus(closed.entryValueUsd);
    agg.payout = agg.payout.plus(closed.exitValueUsd);
    agg.realized = agg.realized.plus(closed.realizedPnlUsd);
    perRel.set(lot.copy_relationship_id, agg);
    return sql`(${lot.id}::bigint, ${lot.entry_timestamp}::timestamptz, ${usd(closed.exitValueUsd)}::numeric,
      ${usd(closed.feesUsd)}::numeric, ${toWire(closed.gasFeeUsd)}::numeric, ${usd(closed.realizedPnlUsd)}::numeric,
      ${closed.realizedPnlPercent === null ? null : toWire(closed.realizedPnlPercent)}::numeric)`;
  });
  return { perRel, updates };
}

/**
 * The relationship's position zeroed, its P&L and its user's earnings credited, a paper payout
 * to the paper cash (once), and the position event that records it.
 */
async function settleRelationship(
  tx: Tx,
  x: { relId: string; token: string; resolution: Resolution; price: Decimal; at: Date },
  a: RelationshipSettlement,
): Promise<void> {
  const { relId, token, resolution, price, at } = x;
  await sql`
    UPDATE copy_positions
       SET shares = 0, cost_usd = 0, realized_pnl_usd = realized_pnl_usd + ${usd(a.realized)}::numeric,
           updated_at = now()
     WHERE copy_relationship_id = ${relId} AND asset_id = ${token}`.execute(tx);
  await sql`
    UPDATE copy_relationships SET total_pnl_usd = total_pnl_usd + ${usd(a.realized)}::numeric
     WHERE id = ${relId}`.execute(tx);
  await sql`
    UPDATE users SET total_earned_usd = total_earned_usd + ${usd(a.payout)}::numeric
     WHERE id = ${a.userId}`.execute(tx);
  if (a.mode === 'paper' && a.payout.gt(0)) {
    await tx
      .insertInto('paper_cash')
      .values({
        account_id: a.userId,
        entry_id: `resolution:${relId}:${token}`,
        amount: usd(a.payout),
        memo: `market resolved (${resolution}): ${a.shares.toFixed()} shares of ${token} at ${price.toFixed()}`,
        at_ms: at.getTime(),
      })
      .onConflict((oc) => oc.columns(['account_id', 'entry_id']).doNothing())
      .execute();
  }
  await tx
    .insertInto('position_events')
    .values({
      user_id: a.userId,
      copy_relationship_id: relId,
      asset_id: token,
      kind: 'resolution',
      detail:
        `market resolved, ${resolution}: ${a.shares.toFixed()} shares settled at ${price.toFixed()} ` +
        `= $${usd(a.payout)} (cost $${usd(a.entry)}, realized P&L $${usd(a.realized)})`,
    })
    .execute();
}
