// Record a leader fill and fan it out to every follower, in ONE transaction:
//   leader_fills (unique fill key: a second sighting is a no-op) → trades (is_copy_trade=false)
//   → per relationship of the leader (active or paused): a copy_decisions row, and a trade_queue row
//     for the ones that pass the filters and sizing → NOTIFY the workers (delivered at commit).
// Each follower's decision is decideCopy() (src/domain/decide-copy.ts, through fan-out-decision.ts):
// the one pure rule the backtest also runs. This file only gathers its inputs in one query per fill
// (not one per follower) and writes the results in bulk.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { withAsyncCommitTransaction } from '../db/client.ts';
import { SETTING_COLUMN_LIST } from '../db/relationship-settings.ts';
import { fillKey } from '../domain/fill-key.ts';
import { combineLegs } from '../domain/leader-order-legs.ts';
import { SNAPSHOT_MAX_AGE_MS } from '../domain/decide-copy.ts';
import type { MarketCategory } from '../domain/market-categories.ts';
import { sharesAfter } from '../domain/analytics/position-replay.ts';
import { Decimal, toWire, ZERO } from '../domain/money.ts';
import type { MarketRules } from '../domain/order-rules.ts';
import type { CopyOutcomeReason } from '../domain/skip-reasons.ts';
import { queuePriority } from '../domain/tiers.ts';
import { publishFanOutSkips } from '../events/engine-events.ts';
import { QUEUE_CHANNEL } from '../execution/queue-claims.ts';
import { outcomeUnknown } from '../execution/unsettled-rows.ts';
import { decideForFollower, sizesFromBalance, tierOf, type FanOutRow } from './fan-out-decision.ts';
import type { LeaderFill } from './leader-fill.ts';
import { loadFunds, loadLeaderPortfolio } from './sizing-inputs.ts';

export interface FanOutOptions {
  /** How long a queued copy stays executable; a copy later than this is worse than none. */
  copyTtlMs: number;
  /** Clock for detected_at and every decision (injectable for tests). */
  now?: () => Date;
  /** A paper account's cash before its first entry (PAPER_STARTING_BALANCE_USD); default 10,000. */
  paperStartingBalanceUsd?: Decimal;
}

/** The fill's market as the fan-out sees it: trading rules and, when known, its categories. */
export type FanOutMarket = MarketRules & { readonly categories?: readonly MarketCategory[] };

const DEFAULT_PAPER_BALANCE = new Decimal(10_000);

export type RecordResult =
  | { status: 'duplicate'; fillKey: string }
  | { status: 'recorded'; fillKey: string; tradeId: string; queued: number; skipped: number };

interface Decision {
  relId: string;
  userId: string;
  reason: CopyOutcomeReason | null;
  detail: string | null;
}

/** A trade_queue row as sent to PostgreSQL (jsonb_to_recordset): decimals as strings. */
interface QueueInsert {
  user_id: string;
  copy_relationship_id: string;
  trader_wallet_address: string;
  original_tx_hash: string;
  market_id: string;
  position: string;
  quantity: string;
  target_price: string;
  max_slippage_percent: string;
  priority: number;
  expires_at: string;
  source_fill_key: string;
  side: string;
  asset_id: string;
  notional_usd: string;
  mode: string;
  purpose: string;
}

/**
 * Queue rows that are, or may become, an order at the venue: waiting, running, or out of attempts
 * with the outcome unknown. Sizing counts them, so a copy whose outcome is unknown is neither bought
 * around nor sold twice.
 */
const UNSETTLED_Q = sql`(q.status IN ('pending', 'processing') OR ${outcomeUnknown('q')})`;

const positionLabel = (outcomeIndex: number | null): 'YES' | 'NO' => (outcomeIndex === 1 ? 'NO' : 'YES');

export async function recordLeaderFill(
  db: Db,
  fill: LeaderFill,
  market: FanOutMarket,
  opts: FanOutOptions,
): Promise<RecordResult> {
  return (await recordLeaderOrder(db, [fill], market, opts))[0]!;
}

/**
 * Records the legs of one leader order (src/domain/leader-order-legs.ts; one fill is an order of
 * one leg) and fans out ONE copy of them: every new leg is recorded as recordLeaderFill records a
 * fill, and the followers' decisions and queue rows are made once, for the combined size at the
 * legs' average price, under the first new leg's key. Legs already recorded (a second sighting)
 * are left out of the combined size, so a leg that arrives twice is never copied twice. Returns
 * one result per leg, in order; the fan-out's counts are on the leg that carries the copy.
 */
export async function recordLeaderOrder(
  db: Db,
  legs: readonly LeaderFill[],
  market: FanOutMarket,
  opts: FanOutOptions & { detectedAt?: Date },
): Promise<RecordResult[]> {
  const now = opts.now?.() ?? new Date();
  const detectedAt = opts.detectedAt ?? now;
  // The commit does not wait for the disk (withAsyncCommitTransaction): a copy cannot start before
  // this commit, so its flush is on every copy's critical path. Losing it in a database crash is
  // harmless: the fill key, the queue rows and any ingest checkpoint written after it go together
  // (WAL is ordered), so the detector sees the fill again from its checkpoint; and no copy of it
  // can have been sent, because a copy's admission commits synchronously before sending, which
  // flushes this commit first.
  return withAsyncCommitTransaction(db, async (tx) => {
    const results: RecordResult[] = [];
    const fresh: Array<{ fill: LeaderFill; key: string; tradeId: string }> = [];
    for (const fill of legs) {
      const key = fillKey(fill);
      const tradeId = fresh.some((f) => f.key === key) ? null : await insertLeg(tx, fill, key, detectedAt);
      if (tradeId === null) results.push({ status: 'duplicate', fillKey: key });
      else {
        fresh.push({ fill, key, tradeId });
        results.push({ status: 'recorded', fillKey: key, tradeId, queued: 0, skipped: 0 });
      }
    }
    if (fresh.length === 0) return results;
    const lead = fresh[0]!;
    const order = fresh.length === 1 ? lead.fill : { ...lead.fill, ...combineLegs(fresh.map((f) => f.fill)) };
    const counts = await fanOut(
      tx,
      order,
      lead,
      fresh.map((f) => f.key),
      market,
      opts,
      now,
      detectedAt,
    );
    results[results.findIndex((r) => r.fillKey === lead.key)] = {
      status: 'recorded',
      fillKey: lead.key,
      tradeId: lead.tradeId,
      ...counts,
    };
    return results;
  });
}

/**
 * One statement: the leg's key (a second sighting inserts nothing: null), the leader fill in trades,
 * and the trader's last trade time. Round trips are most of the fan-out transaction's time, and a
 * copy cannot start before it commits.
 */
async function insertLeg(tx: Tx, fill: LeaderFill, key: string, now: Date): Promise<string | null> {
  const wallet = fill.wallet.toLowerCase();
  const notional = fill.price.times(fill.size);
  const block = fill.blockNumber == null ? null : fill.blockNumber.toString();
  const logIndex = fill.logIndex ?? null;
  const { rows: recorded } = await sql<{ id: string }>`
      WITH lf AS (
        INSERT INTO leader_fills (fill_key, trader_wallet_address, transaction_hash, asset_id, condition_id,
                                  side, price, size, occurrence, outcome, outcome_index, market_slug,
                                  event_slug, market_title, filled_at, detected_at, source, block_number, log_index)
        VALUES (${key}, ${wallet}, ${fill.txHash.toLowerCase()}, ${fill.assetId}, ${fill.conditionId.toLowerCase()},
                ${fill.side}, ${toWire(fill.price)}::numeric, ${toWire(fill.size)}::numeric, ${fill.occurrence},
                ${fill.outcome}, ${fill.outcomeIndex}, ${fill.marketSlug}, ${fill.eventSlug}, ${fill.title},
                ${fill.filledAt}, ${now}, ${fill.source}, ${block}::bigint, ${logIndex}::int)
        ON CONFLICT (fill_key) DO NOTHING
        RETURNING fill_key
      ), seen AS (
        -- When this feed brought the fill (its first time only); the feed of the insert above won.
        -- A chain log mined again after a reorg clears the removal.
        INSERT INTO leader_fill_sightings (fill_key, feed, seen_at, block_number, log_index)
        VALUES (${key}, ${fill.source}, ${fill.seenAt ?? now}, ${block}::bigint, ${logIndex}::int)
        ON CONFLICT (fill_key, feed) DO UPDATE
          SET removed_at = NULL, block_number = EXCLUDED.block_number, log_index = EXCLUDED.log_index
          WHERE leader_fill_sightings.removed_at IS NOT NULL
      ), pos AS (
        -- A fill another feed brought first learns where the chain carried it.
        UPDATE leader_fills SET block_number = ${block}::bigint, log_index = ${logIndex}::int, reorged_at = NULL
         WHERE fill_key = ${key} AND ${block !== null} AND NOT EXISTS (SELECT 1 FROM lf)
           AND (log_index IS NULL OR reorged_at IS NOT NULL OR block_number <> ${block}::bigint)
      ), t AS (
        INSERT INTO trades (original_tx_hash, trader_wallet_address, is_copy_trade, market_id, market_name,
                            position, entry_price, quantity, entry_value_usd, status, entry_timestamp,
                            fill_key, asset_id, outcome, side, detected_at)
        SELECT ${fill.txHash.toLowerCase()}, ${wallet}, false, ${fill.conditionId.toLowerCase()},
               ${fill.title?.slice(0, 500) ?? null}, ${positionLabel(fill.outcomeIndex)},
               ${toWire(fill.price)}::numeric, ${toWire(fill.size)}::numeric,
               ${toWire(notional.toDecimalPlaces(6, Decimal.ROUND_HALF_UP))}::numeric,
               ${fill.side === 'BUY' ? 'open' : 'closed'}, ${fill.filledAt}, lf.fill_key, ${fill.assetId},
               ${fill.outcome}, ${fill.side}, ${now}
          FROM lf
        RETURNING id
      ), tr AS (
        UPDATE traders SET last_trade_at = GREATEST(last_trade_at, ${fill.filledAt}::timestamptz)
         WHERE wallet_address = ${wallet} AND EXISTS (SELECT 1 FROM lf)
      )
      SELECT id FROM t`.execute(tx);
  return recorded[0]?.id ?? null;
}

/**
 * Every follower's decision about `fill` (one leg, or the legs' combined order) and the queue rows,
 * written under the key of the leg that carries the copy (`lead`). `legKeys`: every leg recorded in
 * this transaction, none of which counts in the leader's position before the order.
 */
async function fanOut(
  tx: Tx,
  fill: LeaderFill,
  lead: { key: string; tradeId: string },
  legKeys: readonly string[],
  market: FanOutMarket,
  opts: FanOutOptions,
  now: Date,
  detectedAt: Date,
): Promise<{ queued: number; skipped: number }> {
  const key = lead.key;
  const trade = { id: lead.tradeId };
  const wallet = fill.wallet.toLowerCase();

  // The leader's position in this asset before this fill, replayed from the fills we recorded the
  // way analytics replays it (a sale never takes the position below zero: a leader may sell shares
  // bought before tracking began). It can still understate the truth; then the sold fraction caps
  // at 1, i.e. the follower sells everything it holds from this leader in the asset.
  const leaderBefore = fill.side === 'SELL' ? await leaderPositionBefore(tx, wallet, fill, legKeys) : ZERO;

  const rels = await loadFollowers(tx, wallet, fill);

  const ctx = await fanOutContext(tx, fill, market, rels, leaderBefore, now, opts);
  const { decisions, queueRows } = decideAll(
    rels,
    ctx,
    fill,
    key,
    new Date(detectedAt.getTime() + opts.copyTtlMs),
  );
  const skipped = decisions.length - queueRows.length;
  await writeFanOut(tx, { key, tradeId: trade.id, legKeys, decisions, queueRows, now });
  if (skipped > 0) await publishFanOutSkips(tx, key); // copy.skipped + notifications, on commit
  return { queued: queueRows.length, skipped };
}

/**
 * Everything sizing needs, for every follower of the trader, in one query. Exposure is at cost:
 * open copy positions plus BUY copies still in the queue (so two quick fills cannot both use the
 * same room); dust (polycopy_is_dust, migration 0115) is no position and takes no room.
 */
async function loadFollowers(tx: Tx, wallet: string, fill: LeaderFill): Promise<FanOutRow[]> {
  const { rows } = await sql<FanOutRow>`
      SELECT cr.id, cr.user_id, cr.status, cr.mode, cr.pause_reason, cr.total_pnl_usd,
             ${sql.raw(SETTING_COLUMN_LIST.map((c) => `cr.${c}`).join(', '))},
             u.is_active AS user_active, u.subscription_tier, u.max_followed_traders, u.max_daily_trades,
             u.max_trade_size_usd, u.max_total_exposure_usd AS user_max_total_exposure_usd,
             re.exposure AS rel_exposure, ue.exposure AS user_exposure, sh.shares AS attributed_shares
      FROM copy_relationships cr
      JOIN users u ON u.id = cr.user_id
      CROSS JOIN LATERAL (
        SELECT COALESCE((SELECT SUM(p.cost_usd) FROM copy_positions p WHERE NOT polycopy_is_dust(p.shares) AND p.copy_relationship_id = cr.id), 0)
             + COALESCE((SELECT SUM(q.notional_usd) FROM trade_queue q
                          WHERE q.copy_relationship_id = cr.id AND q.side = 'BUY'
                            AND ${UNSETTLED_Q}), 0) AS exposure
      ) re
      CROSS JOIN LATERAL (
        SELECT COALESCE((SELECT SUM(p.cost_usd) FROM copy_positions p WHERE NOT polycopy_is_dust(p.shares) AND p.user_id = cr.user_id), 0)
             + COALESCE((SELECT SUM(q.notional_usd) FROM trade_queue q
                          WHERE q.user_id = cr.user_id AND q.side = 'BUY'
                            AND ${UNSETTLED_Q}), 0) AS exposure
      ) ue
      CROSS JOIN LATERAL (
        SELECT COALESCE((SELECT p.shares FROM copy_positions p
                          WHERE p.copy_relationship_id = cr.id AND p.asset_id = ${fill.assetId}), 0)
             - COALESCE((SELECT SUM(q.quantity) FROM trade_queue q
                          WHERE q.copy_relationship_id = cr.id AND q.asset_id = ${fill.assetId} AND q.side = 'SELL'
                            AND ${UNSETTLED_Q}), 0) AS shares
      ) sh
      WHERE cr.trader_wallet_address = ${wallet} AND cr.status IN ('active', 'paused')
      ORDER BY cr.id`.execute(tx);
  return rows;
}

/** Each follower's decision, and the queue rows of the ones that copy (expiring at `expiresAt`). */
function decideAll(
  rels: readonly FanOutRow[],
  ctx: Parameters<typeof decideForFollower>[1],
  fill: LeaderFill,
  key: string,
  expiresAt: Date,
): { decisions: Decision[]; queueRows: QueueInsert[] } {
  const wallet = fill.wallet.toLowerCase();
  const decisions: Decision[] = [];
  const queueRows: QueueInsert[] = [];
  for (const r of rels) {
    const d = decideForFollower(r, ctx);
    if (d.kind === 'skip') {
      decisions.push({ relId: r.id, userId: r.user_id, reason: d.reason, detail: d.detail });
      continue;
    }
    decisions.push({ relId: r.id, userId: r.user_id, reason: null, detail: null });
    queueRows.push({
      user_id: r.user_id,
      copy_relationship_id: r.id,
      trader_wallet_address: wallet,
      original_tx_hash: fill.txHash.toLowerCase(),
      market_id: fill.conditionId.toLowerCase(),
      position: positionLabel(fill.outcomeIndex),
      quantity: toWire(d.shares),
      target_price: toWire(d.targetPrice),
      // The side's limit (narrowed by the price band): the executor prices within it.
      max_slippage_percent: toWire(d.maxSlippagePercent),
      priority: queuePriority(tierOf(r)),
      expires_at: expiresAt.toISOString(),
      source_fill_key: key,
      side: fill.side,
      asset_id: fill.assetId,
      notional_usd: toWire(d.notionalUsd.toDecimalPlaces(6, Decimal.ROUND_UP)),
      mode: r.mode,
      purpose: 'copy',
    });
  }
  return { decisions, queueRows };
}

/**
 * One statement writes the queue rows, every decision (a queued one points at its row: at most
 * one row per relationship and fill), the fill's counts and the other legs' pointer, and wakes the
 * workers at commit.
 */
async function writeFanOut(
  tx: Tx,
  w: {
    key: string;
    tradeId: string;
    legKeys: readonly string[];
    decisions: readonly Decision[];
    queueRows: readonly QueueInsert[];
    now: Date;
  },
): Promise<void> {
  const decisionRow = (d: Decision) => ({
    rel: d.relId,
    user_id: d.userId,
    outcome: d.reason === null ? 'queued' : 'skipped',
    reason: d.reason,
    detail: d.detail,
    decided_at: d.reason === null ? null : w.now.toISOString(),
  });
  await sql`
      WITH q AS (
        INSERT INTO trade_queue (user_id, copy_relationship_id, trader_wallet_address, original_tx_hash,
                                 market_id, position, quantity, target_price, max_slippage_percent, priority,
                                 expires_at, source_fill_key, side, asset_id, notional_usd, mode, purpose)
        SELECT user_id, copy_relationship_id, trader_wallet_address, original_tx_hash, market_id, position,
               quantity, target_price, max_slippage_percent, priority, expires_at, source_fill_key, side,
               asset_id, notional_usd, mode, purpose
          FROM jsonb_to_recordset(${JSON.stringify(w.queueRows)}::jsonb) AS x(
               user_id bigint, copy_relationship_id bigint, trader_wallet_address text, original_tx_hash text,
               market_id text, position text, quantity numeric, target_price numeric,
               max_slippage_percent numeric, priority int, expires_at timestamptz, source_fill_key text,
               side text, asset_id text, notional_usd numeric, mode text, purpose text)
        RETURNING id, copy_relationship_id
      ), d AS (
        INSERT INTO copy_decisions (fill_key, copy_relationship_id, user_id, outcome, reason, detail, queue_id,
                                    decided_at)
        SELECT ${w.key}, x.rel, x.user_id, x.outcome, x.reason, x.detail, q.id, x.decided_at
          FROM jsonb_to_recordset(${JSON.stringify(w.decisions.map(decisionRow))}::jsonb) AS x(
               rel bigint, user_id bigint, outcome text, reason text, detail text, decided_at timestamptz)
          LEFT JOIN q ON q.copy_relationship_id = x.rel AND x.outcome = 'queued'
      ), u AS (
        UPDATE leader_fills SET trade_id = ${w.tradeId}, followers_queued = ${w.queueRows.length},
                                followers_skipped = ${w.decisions.length - w.queueRows.length}
         WHERE fill_key = ${w.key}
      ), legs AS (
        -- The order's other new legs point at the leg whose decisions cover them (migration 0120).
        UPDATE leader_fills SET copied_with_fill_key = ${w.key}
         WHERE fill_key = ANY(${w.legKeys.filter((k) => k !== w.key)}::text[])
      )
      SELECT pg_notify(${QUEUE_CHANNEL}, ${w.key}) WHERE ${w.queueRows.length > 0}`.execute(tx);
}

async function leaderPositionBefore(
  tx: Tx,
  wallet: string,
  fill: LeaderFill,
  legKeys: readonly string[],
): Promise<Decimal> {
  const { rows } = await sql<{ side: 'BUY' | 'SELL'; size: string; price: string; filled_at: Date }>`
    SELECT side, size, price, filled_at FROM leader_fills
     WHERE trader_wallet_address = ${wallet} AND asset_id = ${fill.assetId} AND fill_key <> ALL(${[...legKeys]}::text[])
       AND filled_at <= ${fill.filledAt}
     ORDER BY filled_at, fill_key`.execute(tx);
  return sharesAfter(
    rows.map((r) => ({
      at: r.filled_at,
      side: r.side,
      size: new Decimal(r.size),
      price: new Decimal(r.price),
    })),
  );
}

/**
 * What every follower's decision shares: the fill as a leader trade, its market, the clock, and —
 * only when some follower sizes a BUY from a balance — the funds and the leader's portfolio value.
 */
async function fanOutContext(
  tx: Tx,
  fill: LeaderFill,
  market: FanOutMarket,
  rels: readonly FanOutRow[],
  leaderPositionBefore: Decimal,
  now: Date,
  opts: FanOutOptions,
) {
  const needFunds = fill.side === 'BUY' ? rels.filter(sizesFromBalance) : [];
  const funds = await loadFunds(
    tx,
    needFunds.map((r) => ({ userId: r.user_id, mode: r.mode })),
    { paperStartingBalanceUsd: opts.paperStartingBalanceUsd ?? DEFAULT_PAPER_BALANCE, now },
  );
  const leaderPortfolio = needFunds.some((r) => r.sizing_mode === 'portfolio_weight')
    ? await loadLeaderPortfolio(tx, fill.wallet.toLowerCase())
    : null;
  return {
    trade: {
      source: 'fill' as const,
      side: fill.side,
      price: fill.price,
      size: fill.size,
      at: fill.filledAt,
    },
    market: {
      conditionId: fill.conditionId,
      marketSlug: fill.marketSlug,
      eventSlug: fill.eventSlug,
      categories: market.categories ?? [],
      rules: { tickSize: market.tickSize, minOrderSize: market.minOrderSize },
    },
    clock: {
      now,
      maxFillAgeMs: opts.copyTtlMs,
      maxBalanceAgeMs: SNAPSHOT_MAX_AGE_MS.balance,
      maxLeaderValueAgeMs: SNAPSHOT_MAX_AGE_MS.leaderValue,
    },
    leaderPositionBefore,
    funds,
    leaderPortfolio,
  };
}
