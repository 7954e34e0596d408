// `polycopy ingest`: the one leader-fill detector of the platform.
//
// - Leadership: one active detector (src/db/leadership.ts: an advisory lock on a dedicated
//   connection); a second process waits as standby and takes over when the first one's connection
//   goes away.
// - Primary source: the RTDS activity stream, filtered on the watched wallets. Occurrence numbers
//   (fill-key.ts) are scoped to one stream connection, so a reconnect that replays a transaction
//   produces the same keys again and nothing is double counted.
// - Chain (when a Polygon websocket RPC is configured, src/ingest/chain): OrderFilled logs of the
//   exchanges filtered on the watched wallets, about one block behind, authoritative, caught up with
//   eth_getLogs from a block checkpoint after every reconnect or restart.
// - Gap closing: the Data API `/trades?user=…&takerOnly=false` for every followed wallet
//   (data-api-poll.ts) — on start, after every stream reconnect, and on a timer, which also makes it
//   the fallback while both streams are down. Fills older than the copy TTL are recorded, not copied
//   (record-fill.ts skips them as `expired`).
// - The feeds race: whichever brings a fill first records it and fans it out; the others only add
//   their sighting (leader_fill_sightings). Feed health (feed-health.ts) says once when RTDS goes
//   silent or falls behind the chain, and when it recovers.
// - Stream backpressure: fills are read from the stream's bounded buffer with at most
//   streamConcurrency recordings in flight. When recording falls behind and the buffer fills up,
//   the stream drops new fills and reports the gap once caught up; the gap's wallets are re-polled
//   from the earliest dropped fill (logged, and counted in stats).
// - The watched set follows relationship changes through LISTEN polycopy_watched (within a second).
// Every sighting goes through recordLeaderFill, whose unique fill key makes sources merge
// idempotently.
import pg from 'pg';
import type { Db } from '../db/client.ts';
import { holdLeadership, type Leadership } from '../db/leadership.ts';
import { OccurrenceCounter } from '../domain/fill-key.ts';
import type { Decimal } from '../domain/money.ts';
import type { Logger } from '../observability/logger.ts';
import type { DataApiClient } from '../venue/polymarket/data-api-client.ts';
import type { RtdsActivityStream, StreamedFill, StreamGap } from '../venue/polymarket/rtds-stream.ts';
import type { ChainFeed } from './chain/chain-feed.ts';
import { openChainSource, type ChainSourceOptions } from './chain/chain-source.ts';
import { DataApiPoller } from './data-api-poll.ts';
import { FeedHealth, type FeedSnapshot } from './feed-health.ts';
import type { LeaderFill } from './leader-fill.ts';
import type { MarketRulesCache } from '../venue/market-cache.ts';
import { LegGrouper } from './leg-grouper.ts';
import { recordLeaderOrder, type RecordResult } from './record-fill.ts';
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
  /** A paper account's starting cash, for sizing copies from a balance (PAPER_STARTING_BALANCE_USD). */
  readonly paperStartingBalanceUsd?: Decimal;
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
  /** The chain feed (POLYGON_WS_URL); without it, detection rests on RTDS and the Data API. */
  readonly chain?: ChainSourceOptions;
  /** RTDS this far behind the chain, or silent this long, is degraded (INGEST_RTDS_MAX_LAG_MS). */
  readonly rtdsMaxLagMs?: number;
  readonly onRecorded?: (fill: LeaderFill, result: RecordResult) => void;
  /**
   * How long the legs of one leader order gather before one copy of them is made
   * (INGEST_LEG_WINDOW_MS, default 25 ms; 0: every stream fill alone). src/ingest/leg-grouper.ts.
   */
  readonly legWindowMs?: number;
}

export class LeaderFillDetector {
  private leadership: Leadership | undefined;
  private listenClient: pg.Client | undefined;
  private stream: RtdsActivityStream | undefined;
  private chain: ChainFeed | undefined;
  private readonly poller: DataApiPoller;
  readonly health: FeedHealth;
  private counter = new OccurrenceCounter();
  /** The stream connection the counter numbers occurrences for (see fill-key.ts). */
  private counterConnection = -1;
  private watched: WatchedWallets = { followed: new Set(), all: new Set() };
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private polling: Promise<void> | undefined;
  private consuming: Promise<void> | undefined;
  private readonly gapPolls = new Set<Promise<void>>();
  /** Stream fills of one leader order (same tx, wallet, token, side), recorded as one copy. */
  private readonly legs: LegGrouper<RecordResult | null>;
  /** Fills recorded, by source: the health endpoint and tests read it. */
  readonly stats = {
    recorded: 0,
    duplicates: 0,
    rtds: 0,
    dataApi: 0,
    chain: 0,
    /** Fills flagged by chain reorgs (their chain logs removed). */
    reorgFlagged: 0,
    errors: 0,
    /** Stream gaps (fills dropped while recording was behind) and the fills they held. */
    streamGaps: 0,
    streamDropped: 0,
  };

  constructor(private readonly opts: DetectorOptions) {
    this.legs = new LegGrouper(opts.legWindowMs ?? 25, (legs, firstSeenAt) =>
      this.recordOrder(legs, firstSeenAt),
    );
    this.poller = new DataApiPoller({
      db: opts.db,
      dataApi: opts.dataApi,
      logger: opts.logger,
      record: (fill) => this.record(fill),
      ...(opts.pollOverlapMs !== undefined ? { pollOverlapMs: opts.pollOverlapMs } : {}),
      ...(opts.initialLookbackMs !== undefined ? { initialLookbackMs: opts.initialLookbackMs } : {}),
      ...(opts.maxLookbackMs !== undefined ? { maxLookbackMs: opts.maxLookbackMs } : {}),
    });
    this.health = new FeedHealth({
      db: opts.db,
      logger: opts.logger,
      rtdsMaxLagMs: opts.rtdsMaxLagMs ?? 10_000,
      probes: {
        rtds: () => ({
          connected: this.stream?.state === 'connected',
          lastMessageAt: this.stream?.lastMessageAt ?? null,
        }),
        ...(opts.chain ? { chain: () => this.chain?.state ?? NOT_CONNECTED } : {}),
        dataApi: () => ({ ok: this.poller.ok, lastPollAt: this.poller.lastPollAt }),
      },
    });
  }

  /** Every feed's state as this process sees it (meaningful on the active detector). */
  feeds(): FeedSnapshot[] {
    return this.health.snapshot();
  }

  get isLeader(): boolean {
    return this.leadership?.isLeader ?? false;
  }

  /** Epoch ms when this process became the active detector, or null while standing by. */
  get leaderSince(): number | null {
    return this.leadership?.leaderSince ?? null;
  }

  /** Starts leadership attempts; resolves once this process leads (or is stopped). */
  async start(): Promise<void> {
    this.running = true;
    this.leadership = holdLeadership({
      name: 'ingest',
      lockKey: INGEST_LOCK_KEY,
      databaseUrl: this.opts.databaseUrl,
      logger: this.opts.logger,
      ...(this.opts.standbyRetryMs !== undefined ? { standbyRetryMs: this.opts.standbyRetryMs } : {}),
      lead: async () => {
        try {
          await this.lead();
        } catch (err) {
          await this.stepDown();
          throw err;
        }
        return () => this.stepDown();
      },
    });
    await this.leadership.whenLeading();
  }

  private async lead(): Promise<void> {
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
    await this.startChain();
    this.timers.push(setInterval(() => void this.health.check(), 1_000));
    this.timers.push(
      setInterval(
        () =>
          void this.health
            .persist()
            .catch((err: unknown) => this.opts.logger.debug({ err }, 'feed state not saved')),
        5_000,
      ),
    );
    await this.pollAll();
  }

  private async startChain(): Promise<void> {
    if (!this.opts.chain) return;
    this.chain = openChainSource(this.opts.chain, {
      db: this.opts.db,
      logger: this.opts.logger.child({ feed: 'chain' }),
      marketRules: this.opts.marketRules,
      record: (fill) => this.record(fill),
      onReorg: (flagged) => (this.stats.reorgFlagged += flagged),
    });
    await this.chain.start(this.watched.all);
  }

  private async refreshWatched(): Promise<void> {
    try {
      this.watched = await loadWatchedWallets(this.opts.db);
      this.opts.logger.debug(
        { followed: this.watched.followed.size, all: this.watched.all.size },
        'watched wallets',
      );
      this.stream?.setWallets(this.watched.all);
      await this.chain?.setWallets(this.watched.all);
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
        if (!this.running || !this.isLeader) return;
        if (this.watched.followed.has(wallet)) await this.poller.pollWallet(wallet, gap.earliestFillAtMs);
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
    await this.legs.add({
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

  /** A fill from a poll or the chain feed: recorded (and copied) on its own, at once. */
  private async record(fill: LeaderFill): Promise<void> {
    await this.recordOrder([fill]);
  }

  /**
   * Records the legs of one leader order and fans out one copy of them (recordLeaderOrder); one
   * result per leg, null when nothing was recorded (unknown token, an error: logged and counted).
   */
  private async recordOrder(legs: LeaderFill[], firstSeenAt?: Date): Promise<Array<RecordResult | null>> {
    const first = legs[0]!;
    try {
      const rules = await this.opts.marketRules.get(first.assetId);
      if (!rules) {
        this.opts.logger.warn({ asset: first.assetId }, 'fill for an unknown token; not recorded');
        return legs.map(() => null);
      }
      const results = await recordLeaderOrder(this.opts.db, legs, rules, {
        copyTtlMs: this.opts.copyTtlMs,
        ...(firstSeenAt ? { detectedAt: firstSeenAt } : {}),
        ...(this.opts.paperStartingBalanceUsd
          ? { paperStartingBalanceUsd: this.opts.paperStartingBalanceUsd }
          : {}),
      });
      legs.forEach((fill, i) => this.noteRecorded(fill, results[i]!));
      return results;
    } catch (err) {
      this.stats.errors += legs.length;
      this.opts.logger.error({ err, tx: first.txHash, legs: legs.length }, 'recording a leader fill failed');
      return legs.map(() => null);
    }
  }

  private noteRecorded(fill: LeaderFill, result: RecordResult): void {
    if (result.status === 'recorded') {
      this.stats.recorded += 1;
      if (fill.source === 'rtds') this.stats.rtds += 1;
      else if (fill.source === 'chain') this.stats.chain += 1;
      else this.stats.dataApi += 1;
    } else this.stats.duplicates += 1;
    if (fill.source === 'rtds' || fill.source === 'chain' || fill.source === 'data_api')
      this.health.onSighting(
        fill.source,
        result.fillKey,
        result.status === 'recorded',
        fill.filledAt.getTime(),
      );
    this.opts.onRecorded?.(fill, result);
  }

  /** Polls every followed wallet once; concurrent calls share one run. */
  pollAll(): Promise<void> {
    this.polling ??= (async () => {
      try {
        for (const wallet of this.watched.followed) {
          if (!this.running) return;
          await this.poller.pollWallet(wallet);
        }
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  private async stepDown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.stream?.close().catch(() => undefined);
    this.stream = undefined;
    await this.chain?.stop().catch(() => undefined);
    this.chain = undefined;
    // Fills already read from the stream finish recording, and gap polls end, before the
    // connections go.
    await this.consuming;
    this.consuming = undefined;
    await Promise.all(this.gapPolls);
    await this.listenClient?.end().catch(() => undefined);
    this.listenClient = undefined;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.polling?.catch(() => undefined);
    await this.leadership?.stop();
  }
}

// Before the chain feed starts (this process not yet leading): connecting, not down.
const NOT_CONNECTED = {
  connected: false,
  lastMessageAt: null,
  head: null,
  headTimeMs: null,
  downSince: null,
} as const;
