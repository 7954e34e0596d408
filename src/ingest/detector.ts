// `polycopy ingest`: the one leader-fill detector of the platform.
//
// - Leadership: one active detector, held by a PostgreSQL advisory lock on a dedicated connection;
//   a second process waits as standby and takes over when the first one's connection goes away.
// - Primary source: the RTDS activity stream, filtered on the watched wallets. Occurrence numbers
//   (fill-key.ts) are scoped to one stream connection, so a reconnect that replays a transaction
//   produces the same keys again and nothing is double counted.
// - Gap closing: the Data API `/trades?user=…&takerOnly=false` for every followed wallet, from its
//   checkpoint (minus an overlap) — on start, after every stream reconnect, and on a timer, which also
//   makes it the fallback while the stream is down. A poll numbers occurrences over its whole window.
//   It resumes from the checkpoint after a restart, but never from further back than maxLookbackMs
//   (an outage longer than that leaves older fills to the analytics backfill); a wallet with no
//   checkpoint starts initialLookbackMs back. Fills older than the copy TTL are recorded, not copied
//   (record-fill.ts skips them as `expired`).
// - Stream backpressure: fills are read from the stream's bounded buffer with at most
//   streamConcurrency recordings in flight. When recording falls behind and the buffer fills up,
//   the stream drops new fills and reports the gap once caught up; the gap's wallets are re-polled
//   from the earliest dropped fill (logged, and counted in stats).
// - The watched set follows relationship changes through LISTEN polycopy_watched (within a second).
// Every sighting goes through recordLeaderFill, whose unique fill key makes sources merge
// idempotently.
import pg from 'pg';
import type { Db } from '../db/client.ts';
import { assignOccurrenceIndexes, OccurrenceCounter } from '../domain/fill-key.ts';
import { Decimal } from '../domain/money.ts';
import { pollStart } from '../domain/poll-window.ts';
import type { Logger } from '../observability/logger.ts';
import type { DataApiClient, DataTrade } from '../venue/polymarket/data-api-client.ts';
import type { RtdsActivityStream, StreamedFill, StreamGap } from '../venue/polymarket/rtds-stream.ts';
import type { LeaderFill } from './leader-fill.ts';
import type { MarketRulesCache } from './market-rules-cache.ts';
import { recordLeaderFill, type RecordResult } from './record-fill.ts';
import { loadWatchedWallets, type WatchedWallets } from './watched-wallets.ts';

export const INGEST_LOCK_KEY = 7_042_001;

export interface DetectorOptions {
  readonly databaseUrl: string;
  readonly db: Db;
  readonly logger: Logger;
  readonly openStream: (wallets: Iterable<string>) => RtdsActivityStream;
  readonly dataApi: DataApiClient;
  readonly marketRules: MarketRulesCache;
  readonly copyTtlMs: number;
  /** Data API poll period per followed wallet. */
  readonly pollIntervalMs?: number;
  /** How far before a checkpoint a poll starts again (late-indexed fills). */
  readonly pollOverlapMs?: number;
  /** How far back the first poll of a wallet with no checkpoint reads (INGEST_INITIAL_LOOKBACK_MS). */
  readonly initialLookbackMs?: number;
  /** The furthest back a poll resumes from a stored checkpoint (INGEST_MAX_LOOKBACK_MS). */
  readonly maxLookbackMs?: number;
  /** Stream fills being recorded at once; beyond it the stream buffers, then marks a gap. */
  readonly streamConcurrency?: number;
  readonly standbyRetryMs?: number;
  readonly onRecorded?: (fill: LeaderFill, result: RecordResult) => void;
}

export class LeaderFillDetector {
  private lockClient: pg.Client | undefined;
  private listenClient: pg.Client | undefined;
  private stream: RtdsActivityStream | undefined;
  private counter = new OccurrenceCounter();
  /** The stream connection the counter numbers occurrences for (see fill-key.ts). */
  private counterConnection = -1;
  private watched: WatchedWallets = { followed: new Set(), all: new Set() };
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private leader = false;
  private polling: Promise<void> | undefined;
  private consuming: Promise<void> | undefined;
  private readonly gapPolls = new Set<Promise<void>>();
  /** Fills recorded, by source: the health endpoint and tests read it. */
  readonly stats = {
    recorded: 0,
    duplicates: 0,
    rtds: 0,
    dataApi: 0,
    errors: 0,
    /** Stream gaps (fills dropped while recording was behind) and the fills they held. */
    streamGaps: 0,
    streamDropped: 0,
  };

  constructor(private readonly opts: DetectorOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  /** Epoch ms when this process became the active detector, or null while standing by. */
  leaderSince: number | null = null;

  get lastStreamMessageAt(): number | null {
    return this.stream?.lastMessageAt ?? null;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.tryLead();
  }

  private async tryLead(): Promise<void> {
    while (this.running && !this.leader) {
      const client = new pg.Client({
        connectionString: this.opts.databaseUrl,
        application_name: 'polycopy-ingest-lock',
      });
      // Until it holds the lock (when the handler below takes over), a dropped connection is only a
      // failed attempt: without a listener, pg would raise it as an uncaught exception.
      client.on('error', () => undefined);
      try {
        await client.connect();
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          INGEST_LOCK_KEY,
        ]);
        if (r.rows[0]?.ok) {
          this.lockClient = client;
          client.on('error', (err) => {
            // Losing the lock connection means losing leadership: stop and stand by again.
            this.opts.logger.error({ err }, 'ingest lock connection lost; stepping down');
            void this.stepDown().then(() => this.tryLead());
          });
          this.leader = true;
          this.leaderSince = Date.now();
          await this.lead();
          return;
        }
        await client.end();
      } catch (err) {
        this.opts.logger.warn({ err }, 'ingest could not check leadership');
        await client.end().catch(() => undefined);
      }
      this.opts.logger.info('another ingest process is active; standing by');
      await new Promise((r) => setTimeout(r, this.opts.standbyRetryMs ?? 5_000));
    }
  }

  private async lead(): Promise<void> {
    this.opts.logger.info('ingest is the active detector');
    this.watched = await loadWatchedWallets(this.opts.db);
    this.listenClient = new pg.Client({
      connectionString: this.opts.databaseUrl,
      application_name: 'polycopy-ingest-listen',
    });
    await this.listenClient.connect();
    this.listenClient.on('notification', () => void this.refreshWatched());
    this.listenClient.on('error', (err) => this.opts.logger.warn({ err }, 'ingest LISTEN connection error'));
    await this.listenClient.query('LISTEN polycopy_watched');

    const stream = this.opts.openStream(this.watched.all);
    this.stream = stream;
    // A new connection may have missed fills while the old one was down: close the gap.
    stream.on('state', (state) => {
      if (state === 'connected') void this.pollAll();
    });
    stream.on('overflow', (buffered) =>
      this.opts.logger.warn(
        { buffered },
        'recording leader fills is behind the stream: dropping new fills until it catches up (the Data API poll closes the gap)',
      ),
    );
    stream.on('gap', (gap) => {
      const p = this.closeGap(gap).finally(() => this.gapPolls.delete(p));
      this.gapPolls.add(p);
    });
    this.consuming = this.consume(stream);
    this.timers.push(setInterval(() => void this.pollAll(), this.opts.pollIntervalMs ?? 15_000));
    await this.pollAll();
  }

  private async refreshWatched(): Promise<void> {
    try {
      this.watched = await loadWatchedWallets(this.opts.db);
      this.opts.logger.debug(
        { followed: this.watched.followed.size, all: this.watched.all.size },
        'watched wallets',
      );
      this.stream?.setWallets(this.watched.all);
    } catch (err) {
      this.opts.logger.warn({ err }, 'refreshing the watched wallets failed');
    }
  }

  /** Reads the stream with at most streamConcurrency recordings in flight, until it closes. */
  private async consume(stream: RtdsActivityStream): Promise<void> {
    const limit = this.opts.streamConcurrency ?? 8;
    const inFlight = new Set<Promise<void>>();
    const iterator = stream[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        const p: Promise<void> = this.onStreamFill(next.value).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= limit) await Promise.race(inFlight);
      }
    } catch (err) {
      this.opts.logger.error({ err }, 'reading the RTDS stream failed');
    }
    await Promise.all(inFlight);
  }

  private async closeGap(gap: StreamGap): Promise<void> {
    this.stats.streamGaps += 1;
    this.stats.streamDropped += gap.dropped;
    this.opts.logger.warn(
      {
        dropped: gap.dropped,
        wallets: gap.wallets.size,
        from: new Date(gap.earliestFillAtMs).toISOString(),
        to: new Date(gap.latestFillAtMs).toISOString(),
      },
      'stream gap: re-polling the Data API over the dropped fills',
    );
    // A poll already running may have read these wallets before the last fills were dropped.
    await this.polling?.catch(() => undefined);
    try {
      for (const wallet of gap.wallets) {
        if (!this.running || !this.leader) return;
        if (this.watched.followed.has(wallet)) await this.pollWallet(wallet, gap.earliestFillAtMs);
      }
    } catch (err) {
      // The timer's next poll still covers the gap from the checkpoint.
      this.opts.logger.error({ err }, 'closing a stream gap failed');
    }
  }

  private async onStreamFill(f: StreamedFill): Promise<void> {
    if (f.connection !== this.counterConnection) {
      // A new connection numbers occurrences afresh (see fill-key.ts).
      this.counter = new OccurrenceCounter();
      this.counterConnection = f.connection;
    }
    const occurrence = this.counter.next({
      txHash: f.transactionHash,
      wallet: f.wallet,
      assetId: f.asset,
      side: f.side,
      price: f.price,
      size: f.size,
    });
    await this.record({
      txHash: f.transactionHash,
      wallet: f.wallet,
      assetId: f.asset,
      conditionId: f.conditionId,
      side: f.side,
      price: f.price,
      size: f.size,
      occurrence,
      outcome: f.outcome || null,
      outcomeIndex: f.outcomeIndex,
      marketSlug: f.slug || null,
      eventSlug: f.eventSlug || null,
      title: f.title || null,
      filledAt: new Date(f.timestamp * 1000),
      source: 'rtds',
    });
  }

  private async record(fill: LeaderFill): Promise<void> {
    try {
      const rules = await this.opts.marketRules.get(fill.assetId);
      if (!rules) {
        this.opts.logger.warn({ asset: fill.assetId }, 'fill for an unknown token; not recorded');
        return;
      }
      const result = await recordLeaderFill(this.opts.db, fill, rules, { copyTtlMs: this.opts.copyTtlMs });
      if (result.status === 'recorded') {
        this.stats.recorded += 1;
        if (fill.source === 'rtds') this.stats.rtds += 1;
        else this.stats.dataApi += 1;
      } else this.stats.duplicates += 1;
      this.opts.onRecorded?.(fill, result);
    } catch (err) {
      this.stats.errors += 1;
      this.opts.logger.error({ err, tx: fill.txHash }, 'recording a leader fill failed');
    }
  }

  /** Polls every followed wallet once; concurrent calls share one run. */
  pollAll(): Promise<void> {
    this.polling ??= (async () => {
      try {
        for (const wallet of this.watched.followed) {
          if (!this.running) return;
          await this.pollWallet(wallet);
        }
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  /** Polls one wallet from its checkpoint (or `from`, a stream gap's start, if earlier). */
  private async pollWallet(wallet: string, from?: number): Promise<void> {
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
    const window: DataTrade[] = [];
    try {
      for await (const page of this.opts.dataApi.iterateTrades({ user: wallet, takerOnly: false }, 500)) {
        for (const t of page) if (t.timestamp * 1000 >= since) window.push(t);
        const oldest = page[page.length - 1];
        if (!oldest || oldest.timestamp * 1000 < since) break;
      }
    } catch (err) {
      this.opts.logger.warn({ err, wallet }, 'Data API poll failed; will retry');
      return;
    }
    // Oldest first, so occurrence numbers follow the order the fills happened in a transaction.
    window.reverse();
    let newest = cp?.last_fill_at.getTime() ?? 0;
    for (const t of assignOccurrenceIndexes(
      window
        .filter((t) => t.proxyWallet.toLowerCase() === wallet && t.transactionHash)
        .map((t) => ({ ...t, txHash: t.transactionHash!, wallet, assetId: t.asset })),
    )) {
      await this.record({
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

  private async stepDown(): Promise<void> {
    this.leader = false;
    this.leaderSince = null;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.stream?.close().catch(() => undefined);
    this.stream = undefined;
    // Fills already read from the stream finish recording, and gap polls end, before the
    // connections go.
    await this.consuming;
    this.consuming = undefined;
    await Promise.all(this.gapPolls);
    await this.listenClient?.end().catch(() => undefined);
    this.listenClient = undefined;
    await this.lockClient?.end().catch(() => undefined);
    this.lockClient = undefined;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.polling?.catch(() => undefined);
    await this.stepDown();
  }
}
