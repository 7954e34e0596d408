// Gap closing from the Data API: `/trades?user=…&takerOnly=false` for one followed wallet, from its
// checkpoint (minus an overlap), or from a stream gap's start when earlier. It resumes from the
// checkpoint after a restart, but never from further back than maxLookbackMs (an outage longer than
// that leaves older fills to the analytics backfill); a wallet with no checkpoint starts
// initialLookbackMs back. A poll numbers occurrences over its whole window (fill-key.ts).
import type { Db } from '../db/client.ts';
import { assignOccurrenceIndexes } from '../domain/fill-key.ts';
import { Decimal } from '../domain/money.ts';
import { pollStart } from '../domain/poll-window.ts';
import type { Logger } from '../observability/logger.ts';
import type { DataApiClient, DataTrade } from '../venue/polymarket/data-api-client.ts';
import type { LeaderFill } from './leader-fill.ts';

export interface DataApiPollOptions {
  readonly db: Db;
  readonly dataApi: DataApiClient;
  readonly logger: Logger;
  readonly record: (fill: LeaderFill) => Promise<void>;
  readonly pollOverlapMs?: number;
  readonly initialLookbackMs?: number;
  readonly maxLookbackMs?: number;
}

export class DataApiPoller {
  /** Whether the last poll answered, and when: the feed's health. */
  ok = true;
  lastPollAt: number | null = null;

  constructor(private readonly opts: DataApiPollOptions) {}

  async pollWallet(wallet: string, from?: number): Promise<void> {
    const db = this.opts.db;
    const cp = await db
      .selectFrom('ingest_checkpoints')
      .select('last_fill_at')
      .where('source', '=', 'data_api')
      .where('wallet_address', '=', wallet)
      .executeTakeFirst();
    const since = pollStart({
      now: Date.now(),
      checkpointMs: cp?.last_fill_at.getTime() ?? null,
      gapFromMs: from ?? null,
      overlapMs: this.opts.pollOverlapMs ?? 120_000,
      initialLookbackMs: this.opts.initialLookbackMs ?? 60_000,
      maxLookbackMs: this.opts.maxLookbackMs ?? 3_600_000,
    });
    const window = await this.read(wallet, since);
    if (window === null) return;
    let newest = cp?.last_fill_at.getTime() ?? 0;
    for (const t of assignOccurrenceIndexes(
      window
        .filter((t) => t.proxyWallet.toLowerCase() === wallet && t.transactionHash)
        .map((t) => ({ ...t, txHash: t.transactionHash!, wallet, assetId: t.asset })),
    )) {
      await this.opts.record({
        txHash: t.txHash,
        wallet,
        assetId: t.asset,
        conditionId: t.conditionId,
        side: t.side,
        price: new Decimal(t.price),
        size: new Decimal(t.size),
        occurrence: t.occurrence,
        outcome: t.outcome || null,
        outcomeIndex: t.outcomeIndex,
        marketSlug: t.slug || null,
        eventSlug: t.eventSlug || null,
        title: t.title || null,
        filledAt: new Date(t.timestamp * 1000),
        source: 'data_api',
      });
      newest = Math.max(newest, t.timestamp * 1000);
    }
    this.opts.logger.debug(
      { wallet, fills: window.length, since: new Date(since).toISOString() },
      'Data API poll',
    );
    if (newest > 0) {
      await db
        .insertInto('ingest_checkpoints')
        .values({ source: 'data_api', wallet_address: wallet, last_fill_at: new Date(newest) })
        .onConflict((oc) =>
          oc
            .columns(['source', 'wallet_address'])
            .doUpdateSet({ last_fill_at: new Date(newest), updated_at: new Date() }),
        )
        .execute();
    }
  }

  /** The wallet's fills since `since`, oldest first (so occurrences follow the order in a tx). */
  private async read(wallet: string, since: number): Promise<DataTrade[] | null> {
    const window: DataTrade[] = [];
    try {
      for await (const page of this.opts.dataApi.iterateTrades({ user: wallet, takerOnly: false }, 500)) {
        for (const t of page) if (t.timestamp * 1000 >= since) window.push(t);
        const oldest = page[page.length - 1];
        if (!oldest || oldest.timestamp * 1000 < since) break;
      }
    } catch (err) {
      this.ok = false;
      this.opts.logger.warn({ err, wallet }, 'Data API poll failed; will retry');
      return null;
    }
    this.ok = true;
    this.lastPollAt = Date.now();
    return window.reverse();
  }
}
