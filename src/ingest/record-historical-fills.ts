// Records a batch of a leader's HISTORICAL fills (the analytics backfill): the same rows a live
// sighting writes (record-fill.ts) — leader_fills under the same fill key, a trades row with
// is_copy_trade = false, traders.last_trade_at — but never a copy decision, a queue row or a NOTIFY:
// a fill from history must never be copied. One set-based statement per batch; a fill already
// recorded (by ingest or an earlier backfill) is left exactly as it is (ON CONFLICT DO NOTHING on
// the fill key), so recording the same history twice, or history that ingest saw live, is a no-op.
//
// Kept apart from recordLeaderFill on purpose: the live path must keep fanning out, and a flag on it
// that turned fan-out off would be one mistaken argument away from copying history.
import { sql } from 'kysely';
import type { Tx } from '../db/client.ts';
import { fillKey } from '../domain/fill-key.ts';
import { toWire } from '../domain/money.ts';
import type { LeaderFill } from './leader-fill.ts';

export interface HistoricalBatchResult {
  /** Fills in the batch. */
  readonly seen: number;
  /** Fills newly recorded (the rest were already known). */
  readonly recorded: number;
}

/**
 * Inserts the fills inside the caller's transaction (the backfill commits its checkpoint in the same
 * one). Fills must carry their occurrence index, numbered over a scope holding every fill of each
 * transaction (fill-key.ts), or their keys would not match the keys ingest gives the same fills.
 */
export async function recordHistoricalFills(
  tx: Tx,
  fills: readonly LeaderFill[],
  detectedAt: Date,
): Promise<HistoricalBatchResult> {
  if (fills.length === 0) return { seen: 0, recorded: 0 };
  const rows = fills.map((f) => ({
    fill_key: fillKey(f),
    wallet: f.wallet.toLowerCase(),
    tx: f.txHash.toLowerCase(),
    asset: f.assetId,
    cond: f.conditionId.toLowerCase(),
    side: f.side,
    price: toWire(f.price),
    size: toWire(f.size),
    occ: f.occurrence,
    outcome: f.outcome,
    oidx: f.outcomeIndex,
    mslug: f.marketSlug,
    eslug: f.eventSlug,
    title: f.title,
    at: f.filledAt.toISOString(),
    source: f.source,
  }));
  // The trade id is drawn from the trades sequence up front so leader_fills.trade_id and the trades
  // row are written by one statement (sibling CTEs cannot see each other's rows). Rows that
  // conflict waste a sequence value, which is harmless.
  const { rows: out } = await sql<{ recorded: number }>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x (
        fill_key text, wallet text, tx text, asset text, cond text, side text, price numeric,
        size numeric, occ int, outcome text, oidx int, mslug text, eslug text, title text,
        at timestamptz, source text)
    ),
    ins AS (
      INSERT INTO leader_fills (fill_key, trader_wallet_address, transaction_hash, asset_id, condition_id,
                                side, price, size, occurrence, outcome, outcome_index, market_slug,
                                event_slug, market_title, filled_at, detected_at, source, trade_id)
      SELECT fill_key, wallet, tx, asset, cond, side, price, size, occ, left(outcome, 100), oidx,
             left(mslug, 300), left(eslug, 300), left(title, 500), at, ${detectedAt}::timestamptz, source,
             nextval(pg_get_serial_sequence('trades', 'id'))
        FROM input
      ON CONFLICT (fill_key) DO NOTHING
      RETURNING *
    ),
    trade AS (
      INSERT INTO trades (id, original_tx_hash, trader_wallet_address, is_copy_trade, market_id, market_name,
                          position, entry_price, quantity, entry_value_usd, status, entry_timestamp,
                          fill_key, asset_id, outcome, side, detected_at)
      SELECT trade_id, transaction_hash, trader_wallet_address, false, condition_id, market_title,
             CASE WHEN outcome_index = 1 THEN 'NO' ELSE 'YES' END, price, size, round(price * size, 6),
             CASE WHEN side = 'BUY' THEN 'open' ELSE 'closed' END, filled_at, fill_key, asset_id, outcome,
             side, detected_at
        FROM ins
      RETURNING 1
    ),
    last_trade AS (
      UPDATE traders t SET last_trade_at = GREATEST(t.last_trade_at, m.at)
        FROM (SELECT trader_wallet_address AS wallet, max(filled_at) AS at FROM ins GROUP BY 1) m
       WHERE t.wallet_address = m.wallet
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM trade)::int AS recorded, (SELECT count(*) FROM last_trade) AS touched`.execute(
    tx,
  );
  return { seen: fills.length, recorded: out[0]?.recorded ?? 0 };
}
