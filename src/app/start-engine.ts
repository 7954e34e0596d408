// The copy engine roles: `worker` (executes queued copies), `ingest` (detects leader fills and
// fans them out) and `scheduler` (the periodic jobs of src/jobs/catalog.ts). All take the venue
// runtime; "paper or live" is decided per row in one place (DefaultVenueProvider).
import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import { DefaultVenueProvider, type LiveVenueFactory } from '../execution/venue-provider.ts';
import { CopyWorker } from '../execution/worker.ts';
import { LeaderFillDetector } from '../ingest/detector.ts';
import { MarketRulesCache } from '../venue/market-cache.ts';
import type { Logger } from '../observability/logger.ts';
import { trackingJobs } from '../analytics/tracking-jobs.ts';
import { analyticsJobs } from '../analytics/analytics-job.ts';
import { sizingSnapshotJobs } from '../analytics/sizing-snapshot-jobs.ts';
import { jobSettings } from '../jobs/catalog.ts';
import { startScheduler as startSchedulerRole, type RunningScheduler } from '../jobs/scheduler-role.ts';
import { RtdsActivityStream } from '../venue/polymarket/rtds-stream.ts';
import { contractSet } from '../venue/polymarket/contracts.ts';
import { EXCHANGE_V3_ADDRESS } from '../venue/polymarket/exchange-events.ts';
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
  const rpc = deps.venue.chainRpc;
  const contracts = contractSet({ chainId: deps.venue.chainId });
  const chain = rpc
    ? {
        wsUrl: rpc.wsUrl,
        ...(rpc.httpUrl ? { httpUrl: rpc.httpUrl } : {}),
        chainId: deps.venue.chainId,
        exchanges: [
          contracts.exchangeV2,
          contracts.negRiskExchangeV2,
          EXCHANGE_V3_ADDRESS,
          contracts.exchangeV1,
          contracts.negRiskExchangeV1,
        ],
        maxCatchUpBlocks: deps.config.engine.chainMaxCatchUpBlocks,
      }
    : undefined;
  if (!chain)
    logger.warn(
      'no chain feed (POLYGON_WS_URL unset): leader fills rely on RTDS, which Polymarket no longer documents, and on the Data API poll; if RTDS stops or lags, copies arrive 15 s or more late (docs/detection.md)',
    );
  const detector = new LeaderFillDetector({
    databaseUrl: deps.databaseUrl,
    db: deps.db,
    logger,
    openStream: (wallets) => new RtdsActivityStream({ url: deps.venue.hosts.rtds, wallets }),
    dataApi: deps.venue.marketData.data,
    marketRules: new MarketRulesCache(deps.venue.marketData),
    copyTtlMs: deps.config.engine.copyTtlMs,
    paperStartingBalanceUsd: new Decimal(deps.config.engine.paperStartingBalanceUsd),
    pollIntervalMs: deps.config.engine.ingestPollIntervalMs,
    legWindowMs: deps.config.engine.ingestLegWindowMs,
    initialLookbackMs: deps.config.engine.ingestInitialLookbackMs,
    maxLookbackMs: deps.config.engine.ingestMaxLookbackMs,
    rtdsMaxLagMs: deps.config.engine.rtdsMaxLagMs,
    ...(chain ? { chain } : {}),
  });
  // Leadership may take a while (standby); do not block start-up on it.
  void detector.start().catch((err: unknown) => logger.error({ err }, 'ingest stopped'));
  return detector;
}

export function startScheduler(deps: EngineDeps): RunningScheduler {
  const c = deps.config;
  const logger = deps.logger.child({ role: 'scheduler' });
  // Leadership may take a while (standby); this does not wait for it.
  return startSchedulerRole({
    db: deps.db,
    databaseUrl: deps.databaseUrl,
    marketData: deps.venue.marketData,
    logger,
    settings: jobSettings(c),
    maintenance: {
      partitionsAhead: c.trades.partitionsAhead,
      tradesRetentionDays: c.trades.retentionDays,
      tradeQueueRetentionDays: c.tradeQueueRetentionDays,
    },
    exitSlippagePercent: new Decimal(c.engine.exitSlippagePercent),
    tracking: trackingJobs({
      db: deps.db,
      dataApi: deps.venue.marketData.data,
      logger,
      settings: c.tracking,
    }),
    analytics: analyticsJobs({ db: deps.db, marketData: deps.venue.marketData }, c.analytics),
    sizing: sizingJobs(deps),
  });
}

/** The balance-based sizing snapshots: leader values from the Data API, live balances with credentials. */
export function sizingJobs(deps: EngineDeps) {
  return sizingSnapshotJobs({
    db: deps.db,
    dataApi: deps.venue.marketData.data,
    ...(deps.live
      ? {
          venues: new DefaultVenueProvider(deps.db, deps.venue.marketData, {
            paperStartingBalance: new Decimal(deps.config.engine.paperStartingBalanceUsd),
            live: deps.live,
          }),
        }
      : {}),
    intervalMs: deps.config.sizing.snapshotIntervalMs,
  });
}
