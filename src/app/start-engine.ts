// The copy engine roles: `worker` (executes queued copies), `ingest` (detects leader fills and
// fans them out) and `scheduler` (marks positions, queues stop-loss / take-profit exits, settles
// resolved markets, runs database maintenance). All take the venue runtime; "paper or live" is decided per row in one place
// (DefaultVenueProvider).
import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import { DefaultVenueProvider, type LiveVenueFactory } from '../execution/venue-provider.ts';
import { CopyWorker } from '../execution/worker.ts';
import { LeaderFillDetector } from '../ingest/detector.ts';
import { MarketRulesCache } from '../ingest/market-rules-cache.ts';
import type { Logger } from '../observability/logger.ts';
import { trackingJobs } from '../analytics/tracking-jobs.ts';
import { analyticsJobs } from '../analytics/analytics-job.ts';
import { PositionScheduler } from '../positions/scheduler.ts';
import { RtdsActivityStream } from '../venue/polymarket/rtds-stream.ts';
import type { VenueRuntime } from './start-venue.ts';

export interface EngineDeps {
  readonly config: Config;
  readonly db: Db;
  readonly databaseUrl: string;
  readonly logger: Logger;
  readonly venue: VenueRuntime;
  readonly live?: LiveVenueFactory;
}

export async function startWorker(deps: EngineDeps): Promise<CopyWorker> {
  const e = deps.config.engine;
  const provider = new DefaultVenueProvider(deps.db, deps.venue.marketData, {
    paperStartingBalance: new Decimal(e.paperStartingBalanceUsd),
    ...(deps.live ? { live: deps.live } : {}),
    pricingCache: { marketTtlMs: e.workerMarketCacheMs, bookTtlMs: e.workerBookCacheMs },
  });
  const worker = new CopyWorker(
    {
      db: deps.db,
      venues: provider,
      logger: deps.logger.child({ role: 'worker' }),
      liveBalanceCheck: e.workerLiveBalanceCheck,
    },
    {
      databaseUrl: deps.databaseUrl,
      concurrency: e.workerConcurrency,
      batchSize: e.workerBatchSize,
      leaseMs: e.workerLeaseMs,
    },
  );
  await worker.start();
  return worker;
}

export async function startIngest(deps: EngineDeps): Promise<LeaderFillDetector> {
  const logger = deps.logger.child({ role: 'ingest' });
  const detector = new LeaderFillDetector({
    databaseUrl: deps.databaseUrl,
    db: deps.db,
    logger,
    openStream: (wallets) => new RtdsActivityStream({ url: deps.venue.hosts.rtds, wallets }),
    dataApi: deps.venue.marketData.data,
    marketRules: new MarketRulesCache(deps.venue.marketData),
    copyTtlMs: deps.config.engine.copyTtlMs,
    pollIntervalMs: deps.config.engine.ingestPollIntervalMs,
    initialLookbackMs: deps.config.engine.ingestInitialLookbackMs,
    maxLookbackMs: deps.config.engine.ingestMaxLookbackMs,
  });
  // Leadership may take a while (standby); do not block start-up on it.
  void detector.start().catch((err: unknown) => logger.error({ err }, 'ingest stopped'));
  return detector;
}

export async function startScheduler(deps: EngineDeps): Promise<PositionScheduler> {
  const c = deps.config;
  const scheduler = new PositionScheduler({
    db: deps.db,
    databaseUrl: deps.databaseUrl,
    marketData: deps.venue.marketData,
    logger: deps.logger.child({ role: 'scheduler' }),
    maintenance: {
      partitionsAhead: c.trades.partitionsAhead,
      tradesRetentionDays: c.trades.retentionDays,
      tradeQueueRetentionDays: c.tradeQueueRetentionDays,
    },
    exitSlippagePercent: new Decimal(c.engine.exitSlippagePercent),
    tracking: trackingJobs({
      db: deps.db,
      dataApi: deps.venue.marketData.data,
      logger: deps.logger.child({ role: 'scheduler' }),
      settings: c.tracking,
    }),
    analytics: analyticsJobs({ db: deps.db, marketData: deps.venue.marketData }, c.analytics),
  });
  // Leadership may take a while (standby); start() does not wait for it.
  await scheduler.start();
  return scheduler;
}
