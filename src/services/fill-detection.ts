// How a leader fill was detected (docs/detection.md "How a fill's feed lags read in the API"): which
// feed brought it first, and per feed (RTDS, the chain, the Data API poll) when it arrived, how far
// behind the first feed, and how long after the fill itself; plus the chain's reorg flag. Read from
// leader_fill_sightings (one row per feed that brought the fill) and leader_fills.
//
// `afterFillMs` is measured from the fill's own time: the block timestamp when the chain brought it
// first, else the venue's match timestamp — both whole seconds, so it is coarse (±1 s).
// `behindFirstMs` compares arrival times on this platform's clock and is exact.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import type { FillSource } from '../db/schema.ts';
import { notFound } from './app-error.ts';

export interface FeedSightingView {
  /** rtds, chain or data_api (test and backfill for fills not detected live). */
  feed: FillSource;
  seenAt: string;
  behindFirstMs: number;
  afterFillMs: number;
  /** The chain's position of the log (chain sightings only). */
  blockNumber: string | null;
  logIndex: number | null;
  /** The chain log was later removed by a reorg (chain sightings only). */
  removedAt: string | null;
}

export interface FillDetectionView {
  /** The feed that won the race: its sighting recorded the fill and fanned it out. */
  firstFeed: FillSource;
  /** A chain log of the fill was removed by a reorg and not (yet) mined again; a copy stands. */
  reorged: boolean;
  reorgedAt: string | null;
  /** Every feed that brought the fill, first first. */
  feeds: FeedSightingView[];
}

export interface LeaderFillDetailView {
  fillKey: string;
  traderWallet: string;
  transactionHash: string;
  conditionId: string;
  assetId: string;
  marketTitle: string | null;
  marketSlug: string | null;
  outcome: string | null;
  side: 'BUY' | 'SELL';
  price: string;
  size: string;
  filledAt: string;
  detectedAt: string;
  blockNumber: string | null;
  logIndex: number | null;
  /** The leg whose decisions cover this one (legs of one order copied together), else null. */
  copiedWith: string | null;
  detection: FillDetectionView;
}

interface SightingRow {
  fill_key: string;
  feed: FillSource;
  seen_at: Date;
  behind_first_ms: string;
  after_fill_ms: string;
  block_number: string | null;
  log_index: number | null;
  removed_at: Date | null;
}

/** The detection of each of these fills (absent keys: no such fill). One query per table. */
export async function detectionsOf(
  db: Db,
  fillKeys: readonly string[],
): Promise<Map<string, FillDetectionView>> {
  if (fillKeys.length === 0) return new Map();
  const fills = await db
    .selectFrom('leader_fills')
    .select(['fill_key', 'source', 'reorged_at'])
    .where('fill_key', 'in', [...new Set(fillKeys)])
    .execute();
  return detectionsOfFills(db, fills);
}

/** The detection of fills already read with their source and reorg flag: the sightings query only. */
export async function detectionsOfFills(
  db: Db,
  fills: ReadonlyArray<{ fill_key: string; source: FillSource; reorged_at: Date | null }>,
): Promise<Map<string, FillDetectionView>> {
  const out = new Map<string, FillDetectionView>();
  if (fills.length === 0) return out;
  const keys = [...new Set(fills.map((f) => f.fill_key))];
  const sightings = await sql<SightingRow>`
      SELECT s.fill_key, s.feed, s.seen_at, s.block_number::text AS block_number, s.log_index, s.removed_at,
             round(extract(epoch FROM s.seen_at - min(s.seen_at) OVER (PARTITION BY s.fill_key)) * 1000)::bigint
               AS behind_first_ms,
             round(extract(epoch FROM s.seen_at - f.filled_at) * 1000)::bigint AS after_fill_ms
        FROM leader_fill_sightings s JOIN leader_fills f ON f.fill_key = s.fill_key
       WHERE s.fill_key IN (${sql.join(keys)})
       ORDER BY s.fill_key, s.seen_at, s.feed`.execute(db);
  for (const f of fills)
    out.set(f.fill_key, {
      firstFeed: f.source,
      reorged: f.reorged_at !== null,
      reorgedAt: f.reorged_at?.toISOString() ?? null,
      feeds: [],
    });
  for (const s of sightings.rows)
    out.get(s.fill_key)?.feeds.push({
      feed: s.feed,
      seenAt: s.seen_at.toISOString(),
      behindFirstMs: Number(s.behind_first_ms),
      afterFillMs: Number(s.after_fill_ms),
      blockNumber: s.block_number,
      logIndex: s.log_index,
      removedAt: s.removed_at?.toISOString() ?? null,
    });
  return out;
}

/** One leader fill with its detection; 404 when no fill has this key. */
export async function getLeaderFill(deps: { db: Db }, fillKey: string): Promise<LeaderFillDetailView> {
  const f = await deps.db
    .selectFrom('leader_fills')
    .select([
      'fill_key',
      'trader_wallet_address',
      'transaction_hash',
      'condition_id',
      'asset_id',
      'market_title',
      'market_slug',
      'outcome',
      'side',
      'price',
      'size',
      'filled_at',
      'detected_at',
      sql<string | null>`block_number::text`.as('block_number'),
      'log_index',
      'copied_with_fill_key',
    ])
    .where('fill_key', '=', fillKey)
    .executeTakeFirst();
  if (!f) throw notFound('leader fill');
  const detection = (await detectionsOf(deps.db, [fillKey])).get(fillKey);
  if (!detection) throw notFound('leader fill');
  return {
    fillKey: f.fill_key,
    traderWallet: f.trader_wallet_address,
    transactionHash: f.transaction_hash,
    conditionId: f.condition_id,
    assetId: f.asset_id,
    marketTitle: f.market_title,
    marketSlug: f.market_slug,
    outcome: f.outcome,
    side: f.side,
    price: f.price,
    size: f.size,
    filledAt: f.filled_at.toISOString(),
    detectedAt: f.detected_at.toISOString(),
    blockNumber: f.block_number,
    logIndex: f.log_index,
    copiedWith: f.copied_with_fill_key,
    detection,
  };
}
