// Backfill: every tracked trader's history from the Data API, recorded as leader fills with the SAME
// identity ingest gives them (so a fill seen by both is one row) and never fanned out.
//
// Source: `/activity?type=TRADE&start&end&sortDirection=ASC`, not `/trades`. `/trades` (v1) has no
// time bounds and pages newest first, so every fill that arrives while a backfill pages shifts the
// offsets under it: rows repeat across pages, and a repeated row is indistinguishable from a genuine
// identical fill in the same transaction — it would get the next occurrence index and a new key,
// i.e. a phantom fill. It also cannot reach past its offset cap. `/activity` takes a closed window
// [start, end] and sorts it oldest first (stable across pages, per the docs), so with `end` in the
// past nothing moves under the pages, and a window that outgrows the offset cap simply restarts at
// the last second read. The price is the doubt noted in docs/polymarket-api.md §1.2 (whether
// /activity lists maker fills); the simulator lists both roles, as /trades?takerOnly=false does.
//
// Identity (src/domain/fill-key.ts): occurrence indexes are numbered over a scope that holds every
// fill of each transaction. All fills of a transaction share its block's timestamp, so batches are
// cut only between whole seconds: after each full page the rows of its last second are carried to
// the next batch (and, if the page limit or a crash intervenes, read again next time). A batch and
// the checkpoint that follows it are committed in one transaction, so a crash resumes exactly after
// the last committed batch and a re-read batch is a no-op (ON CONFLICT DO NOTHING on the key).
//
// Never ahead of ingest: for a wallet someone follows (active or paused), the backfill stops one
// minute before the earliest such relationship began. Later fills are ingest's, which fans them out;
// a fill the backfill recorded first would look like a duplicate to ingest and never be copied.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { withTransaction } from '../db/client.ts';
import { assignOccurrenceIndexes, fillTupleKey } from '../domain/fill-key.ts';
import type { LeaderFill } from '../ingest/leader-fill.ts';
import { recordHistoricalFills } from '../ingest/record-historical-fills.ts';
import type { Logger } from '../observability/logger.ts';
import type { ActivityQuery, DataActivity } from '../venue/polymarket/data-api-client.ts';

/** The one Data API call the backfill needs (DataApiClient satisfies it). */
export interface ActivitySource {
  getActivity(query: ActivityQuery): Promise<DataActivity[]>;
}

/** The server's largest /activity page. */
export const ACTIVITY_PAGE_SIZE = 500;
/**
 * Deepest offset used. Documented caps disagree (10 000, 5 000; one report of 3 000: §1.2); the
 * smallest is used, since a lower cap only costs extra windows, never fills.
 */
export const ACTIVITY_MAX_OFFSET = 3_000;
/** How far behind now a window ends: late-indexed fills would otherwise shift a window's pages. */
export const BACKFILL_LAG_MS = 5 * 60_000;
/** The gap kept before a followed wallet's first relationship (ingest starts one minute back). */
export const FOLLOWED_MARGIN_MS = 60_000;

export interface BackfillOptions {
  readonly db: Db;
  readonly activity: ActivitySource;
  readonly logger: Logger;
  /** History read for a trader seen for the first time. */
  readonly days: number;
  /** Data API pages per trader per run. */
  readonly maxPagesPerTrader: number;
  readonly pageSize?: number;
  readonly maxOffset?: number;
  readonly lagMs?: number;
  readonly now?: () => Date;
  /**
   * At most this many traders never backfilled before, per run; when more are waiting the run
   * stops after them (`unstarted` > 0) instead of also catching up the others. A first backfill
   * of 130 traders' month reads ~65,000 fills (about 90 s on a loaded machine); in batches, the
   * metrics can rank the first traders within seconds (src/jobs/scheduler-jobs.ts).
   */
  readonly maxNewTraders?: number;
  /**
   * Traders read at once (default 1). Each page is a Data API round trip and then a committed
   * batch, so one trader at a time leaves the process idle while PostgreSQL writes; a few at once
   * overlap the two (a fresh platform's first batch, issue 12 item 1). Keep it small: the Data API's
   * rate limits are per IP.
   */
  readonly concurrency?: number;
}

export interface TraderBackfillReport {
  readonly wallet: string;
  readonly pages: number;
  /** Trade rows read (including rows read again after a carry or a restart). */
  readonly seen: number;
  /** Rows newly written to leader_fills. */
  readonly recorded: number;
  /** Rows the source sent that are not usable fills (no side, no tx, size 0...). */
  readonly invalid: number;
  /** True when the run read up to its window's end (now − lag, or the followed cap). */
  readonly caughtUp: boolean;
}

export interface BackfillReport {
  readonly traders: number;
  readonly recorded: number;
  readonly failed: number;
  /** Tracked traders never backfilled, left for the next run by `maxNewTraders`. */
  readonly unstarted: number;
  readonly reports: readonly TraderBackfillReport[];
}

const sec = (ms: number) => Math.floor(ms / 1000);

/** A usable fill of `wallet`, or null (non-trade rows, other wallets, malformed ids or amounts). */
function toLeaderFill(wallet: string, a: DataActivity): Omit<LeaderFill, 'occurrence'> | null {
  if (a.type !== 'TRADE' || a.side === null) return null;
  if (a.proxyWallet.toLowerCase() !== wallet) return null;
  if (a.price === null || a.size === null || !a.price.gt(0) || a.price.gt(1) || !a.size.gt(0)) return null;
  if (a.conditionId === '' || a.asset === '' || a.transactionHash === '') return null;
  const fill = {
    txHash: a.transactionHash.toLowerCase(),
    wallet,
    assetId: a.asset,
    conditionId: a.conditionId.toLowerCase(),
    side: a.side,
    price: a.price,
    size: a.size,
    // 999 is the Data API's "unknown outcome" (§1.2).
    outcome: a.outcome || null,
    outcomeIndex: a.outcomeIndex === null || a.outcomeIndex === 999 ? null : a.outcomeIndex,
    marketSlug: a.slug || null,
    eventSlug: a.eventSlug || null,
    title: a.title || null,
    filledAt: new Date(a.timestamp * 1000),
    source: 'backfill' as const,
  };
  try {
    fillTupleKey(fill); // validates tx hash, wallet and token id the way the key does
  } catch {
    return null;
  }
  return fill;
}

interface Row {
  readonly ts: number;
  readonly fill: Omit<LeaderFill, 'occurrence'> | null;
}

async function commit(
  o: BackfillOptions,
  wallet: string,
  rows: readonly Row[],
  checkpoint: { nextStartSec: number; caughtUpToSec: number | null; pages: number },
  now: Date,
): Promise<number> {
  const fills = assignOccurrenceIndexes(rows.flatMap((r) => (r.fill ? [r.fill] : [])));
  return withTransaction(o.db, async (tx) => {
    const r = await recordHistoricalFills(tx, fills, now);
    await sql`
      INSERT INTO backfill_checkpoints (wallet_address, next_start_at, caught_up_to, fills_seen, fills_recorded,
                                        pages_fetched, last_run_at, last_error)
      VALUES (${wallet}, to_timestamp(${checkpoint.nextStartSec}),
              ${checkpoint.caughtUpToSec === null ? null : new Date(checkpoint.caughtUpToSec * 1000)}::timestamptz,
              ${fills.length}, ${r.recorded}, ${checkpoint.pages}, ${now}, NULL)
      ON CONFLICT (wallet_address) DO UPDATE SET
        next_start_at = GREATEST(backfill_checkpoints.next_start_at, EXCLUDED.next_start_at),
        caught_up_to = COALESCE(EXCLUDED.caught_up_to, backfill_checkpoints.caught_up_to),
        fills_seen = backfill_checkpoints.fills_seen + EXCLUDED.fills_seen,
        fills_recorded = backfill_checkpoints.fills_recorded + EXCLUDED.fills_recorded,
        pages_fetched = backfill_checkpoints.pages_fetched + EXCLUDED.pages_fetched,
        last_run_at = EXCLUDED.last_run_at,
        last_error = NULL,
        updated_at = now()`.execute(tx);
    return r.recorded;
  });
}

/** Where this trader's history may end: now − lag, or before ingest took over a followed wallet. */
async function windowEndSec(o: BackfillOptions, wallet: string, now: Date): Promise<number> {
  const { rows } = await sql<{ since: Date | null }>`
    SELECT min(created_at) AS since FROM copy_relationships
     WHERE trader_wallet_address = ${wallet} AND status IN ('active', 'paused')`.execute(o.db);
  let end = now.getTime() - (o.lagMs ?? BACKFILL_LAG_MS);
  const since = rows[0]?.since;
  if (since) end = Math.min(end, since.getTime() - FOLLOWED_MARGIN_MS);
  return sec(end);
}

/**
 * Reads one trader's history forward from its checkpoint, at most `maxPagesPerTrader` pages.
 * Rejects when the source fails; everything committed before that stays, with its checkpoint.
 */
export async function backfillTrader(
  o: BackfillOptions,
  walletAddress: string,
): Promise<TraderBackfillReport> {
  const wallet = walletAddress.toLowerCase();
  const now = o.now?.() ?? new Date();
  const pageSize = Math.min(o.pageSize ?? ACTIVITY_PAGE_SIZE, ACTIVITY_PAGE_SIZE);
  const maxOffset = o.maxOffset ?? ACTIVITY_MAX_OFFSET;
  const cp = await o.db
    .selectFrom('backfill_checkpoints')
    .select('next_start_at')
    .where('wallet_address', '=', wallet)
    .executeTakeFirst();
  let start = cp ? sec(cp.next_start_at.getTime()) : sec(now.getTime() - o.days * 86_400_000);
  const end = await windowEndSec(o, wallet, now);
  const report = { wallet, pages: 0, seen: 0, recorded: 0, invalid: 0, caughtUp: false };
  if (start > end) {
    await commit(o, wallet, [], { nextStartSec: start, caughtUpToSec: null, pages: 0 }, now);
    return { ...report, caughtUp: true };
  }

  let offset = 0;
  let carry: Row[] = [];
  while (report.pages < o.maxPagesPerTrader) {
    const page = await o.activity.getActivity({
      user: wallet,
      type: ['TRADE'],
      start,
      end,
      sortDirection: 'ASC',
      limit: pageSize,
      offset,
    });
    report.pages += 1;
    const rows: Row[] = page.map((a) => ({ ts: a.timestamp, fill: toLeaderFill(wallet, a) }));
    report.seen += rows.length;
    report.invalid += rows.filter((r) => r.fill === null).length;
    const batch = [...carry, ...rows];

    if (page.length < pageSize) {
      // The window is exhausted: everything up to its end is read.
      report.recorded += await commit(
        o,
        wallet,
        batch,
        { nextStartSec: end + 1, caughtUpToSec: end, pages: 1 },
        now,
      );
      report.caughtUp = true;
      return report;
    }
    // A full page may end inside a second whose other fills are on the next page: keep that
    // second back so each transaction is numbered in one batch.
    const lastTs = page[page.length - 1]!.timestamp;
    carry = batch.filter((r) => r.ts >= lastTs);
    report.recorded += await commit(
      o,
      wallet,
      batch.filter((r) => r.ts < lastTs),
      { nextStartSec: lastTs, caughtUpToSec: null, pages: 1 },
      now,
    );
    offset += pageSize;
    if (offset > maxOffset) {
      if (lastTs === start) {
        // More fills in one second than the offset cap reaches: the rest of that second cannot be
        // read by any window. Keep what was read (a subset of its keys, never a wrong key).
        o.logger.warn({ wallet, second: lastTs }, 'backfill: one second holds more fills than can be paged');
        report.recorded += await commit(
          o,
          wallet,
          carry,
          { nextStartSec: lastTs + 1, caughtUpToSec: null, pages: 0 },
          now,
        );
        start = lastTs + 1;
      } else {
        // Restart the window at the carried second: offsets begin again and it is read afresh.
        start = lastTs;
      }
      offset = 0;
      carry = [];
    }
  }
  return report;
}

/**
 * Backfills every tracked trader (traders.is_active), least recently backfilled first; traders never
 * backfilled go first, at most `maxNewTraders` of them per run: those on a venue P&L list before
 * those only on volume lists, then best discovery rank. The volume lists are topped by market
 * makers, the counterparty of nearly every fill: taken by rank alone, a fresh platform's first batch
 * read their ~35,000 fills before the traders a P&L leaderboard ranks (issue 12 item 1).
 */
export async function runBackfill(o: BackfillOptions): Promise<BackfillReport> {
  const all = await sql<{ wallet: string; fresh: boolean }>`
    SELECT t.wallet_address AS wallet, c.wallet_address IS NULL AS fresh FROM traders t
      LEFT JOIN backfill_checkpoints c ON c.wallet_address = t.wallet_address
      LEFT JOIN discovered_traders d ON d.wallet_address = t.wallet_address
     WHERE t.is_active
     ORDER BY c.last_run_at NULLS FIRST,
              COALESCE(EXISTS (SELECT 1 FROM unnest(d.lists) l WHERE l LIKE 'PNL:%'), false) DESC,
              d.best_rank NULLS LAST, t.wallet_address`.execute(o.db);
  const fresh = all.rows.filter((r) => r.fresh);
  const limit = o.maxNewTraders ?? Infinity;
  const unstarted = Math.max(0, fresh.length - limit);
  const traders = { rows: unstarted > 0 ? fresh.slice(0, limit) : all.rows };
  const results: Array<TraderBackfillReport | null> = [];
  let next = 0;
  // A few lanes take the traders in order; reports keep that order.
  const lane = async (): Promise<void> => {
    while (next < traders.rows.length) {
      const i = next++;
      results[i] = await backfillOne(o, traders.rows[i]!.wallet);
    }
  };
  const lanes = Math.max(1, Math.min(o.concurrency ?? 1, traders.rows.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  const reports = results.filter((r): r is TraderBackfillReport => r !== null);
  return {
    traders: traders.rows.length,
    recorded: reports.reduce((s, r) => s + r.recorded, 0),
    failed: traders.rows.length - reports.length,
    unstarted,
    reports,
  };
}

/** One trader's run; a failure is logged and kept on its checkpoint (null), never thrown. */
async function backfillOne(o: BackfillOptions, wallet: string): Promise<TraderBackfillReport | null> {
  try {
    return await backfillTrader(o, wallet);
  } catch (err) {
    o.logger.warn({ err, wallet }, 'backfill of a trader failed; resumes from its checkpoint next run');
    await sql`
      UPDATE backfill_checkpoints SET last_error = ${err instanceof Error ? err.message : String(err)},
             last_run_at = ${o.now?.() ?? new Date()}, updated_at = now()
       WHERE wallet_address = ${wallet}`.execute(o.db);
    return null;
  }
}
