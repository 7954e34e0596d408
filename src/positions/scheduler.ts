// The `scheduler` role: periodic position management and database upkeep.
//   every markIntervalMs (30 s)          mark-to-market, then stop-loss / take-profit exits
//   every resolutionIntervalMs (60 s)    settlement of resolved markets
//   every maintenanceIntervalMs (1 h)    runMaintenance (trades partitions, retention, queue purge)
//   with `tracking` (6 h, 10 min, 15 min) trader discovery, history backfill, copyability refresh
//   with `analytics` (5 min, 1 min)      token marks + leader metrics recompute; follower figures
// One scheduler is active per deployment: it holds a PostgreSQL advisory lock on a dedicated
// connection (as the ingest detector does); others stand by and retry, and take over when the
// active one's connection goes away. Each job runs only after its previous run finished (no
// overlap), and a failing job is logged and retried at its next tick.
import pg from 'pg';
import type { Db } from '../db/client.ts';
import { runMaintenance, type MaintenanceOptions } from '../db/maintenance.ts';
import type { Decimal } from '../domain/money.ts';
import type { Logger } from '../observability/logger.ts';
import type { MarketDataSource } from '../venue/venue.ts';
import type { TrackingJobs } from '../analytics/tracking-jobs.ts';
import type { AnalyticsJobs } from '../analytics/analytics-job.ts';
import { markToMarket } from './mark-to-market.ts';
import { settleResolvedMarkets } from './resolution.ts';
import { runRiskExits } from './risk-exits.ts';

export const SCHEDULER_LOCK_KEY = 7_042_002;

export interface SchedulerOptions {
  readonly db: Db;
  readonly databaseUrl: string;
  readonly marketData: MarketDataSource;
  readonly logger: Logger;
  readonly maintenance: MaintenanceOptions;
  /** How far below the best bid stop-loss / take-profit / close exits may sell (EXIT_SLIPPAGE_PERCENT). */
  readonly exitSlippagePercent?: Decimal;
  readonly markIntervalMs?: number;
  readonly resolutionIntervalMs?: number;
  readonly maintenanceIntervalMs?: number;
  readonly standbyRetryMs?: number;
  /** Trader discovery, backfill and copyability (src/analytics/tracking-jobs.ts); off when absent. */
  readonly tracking?: TrackingJobs;
  /** Leader metrics (src/analytics/analytics-job.ts); off when absent. */
  readonly analytics?: AnalyticsJobs;
}

type Job =
  | 'mark'
  | 'resolution'
  | 'maintenance'
  | 'discovery'
  | 'backfill'
  | 'copyability'
  | 'analytics'
  | 'followers';

export class PositionScheduler {
  private running = false;
  private leader = false;
  private lockClient: pg.Client | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly busy = new Map<Job, Promise<void>>();
  private standby: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  /** Completed runs per job (for tests and diagnostics). */
  readonly runs: Record<Job, number> = {
    discovery: 0,
    backfill: 0,
    copyability: 0,
    analytics: 0,
    followers: 0,
    mark: 0,
    resolution: 0,
    maintenance: 0,
  };
  private leading: Promise<void> | undefined;

  constructor(private readonly opts: SchedulerOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  /** Starts leadership attempts in the background; resolves at once. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.leading = this.tryLead();
  }

  /** Resolves when this scheduler is the active one (tests). */
  async waitForLeadership(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!this.leader) {
      if (Date.now() > end) throw new Error('scheduler did not become the leader in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.standby) {
      clearTimeout(this.standby.timer);
      this.standby.resolve();
    }
    await this.leading;
    await this.stepDown();
    this.opts.logger.info('scheduler stopped');
  }

  private async tryLead(): Promise<void> {
    while (this.running && !this.leader) {
      const client = new pg.Client({
        connectionString: this.opts.databaseUrl,
        application_name: 'polycopy-scheduler-lock',
      });
      // Until it holds the lock (when the handler below takes over), a dropped connection is only a
      // failed attempt: without a listener, pg would raise it as an uncaught exception.
      client.on('error', () => undefined);
      try {
        await client.connect();
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          SCHEDULER_LOCK_KEY,
        ]);
        if (r.rows[0]?.ok && this.running) {
          this.lockClient = client;
          client.on('error', (err) => {
            this.opts.logger.error({ err }, 'scheduler lock connection lost; stepping down');
            void this.stepDown().then(() => {
              if (this.running) this.leading = this.tryLead();
            });
          });
          this.lead();
          return;
        }
        await client.end();
      } catch (err) {
        this.opts.logger.warn({ err }, 'scheduler could not check leadership');
        await client.end().catch(() => undefined);
      }
      if (!this.running) return;
      this.opts.logger.info('another scheduler is active; standing by');
      await new Promise<void>((resolve) => {
        this.standby = { timer: setTimeout(resolve, this.opts.standbyRetryMs ?? 5_000), resolve };
      });
      this.standby = undefined;
    }
  }

  private lead(): void {
    this.leader = true;
    this.opts.logger.info('scheduler is active');
    const every = (job: Job, ms: number) => {
      void this.run(job);
      this.timers.push(setInterval(() => void this.run(job), ms));
    };
    every('mark', this.opts.markIntervalMs ?? 30_000);
    every('resolution', this.opts.resolutionIntervalMs ?? 60_000);
    every('maintenance', this.opts.maintenanceIntervalMs ?? 3_600_000);
    const tracking = this.opts.tracking;
    if (tracking) {
      every('discovery', tracking.settings.discoveryIntervalMs);
      every('backfill', tracking.settings.backfillIntervalMs);
      every('copyability', tracking.settings.copyabilityIntervalMs);
    }
    const analytics = this.opts.analytics;
    if (analytics) {
      every('analytics', analytics.intervalMs);
      every('followers', analytics.followersIntervalMs);
    }
  }

  private async stepDown(): Promise<void> {
    this.leader = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all(this.busy.values());
    const client = this.lockClient;
    this.lockClient = undefined;
    if (client) {
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEDULER_LOCK_KEY]).catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  /** Runs a job now unless its previous run is still going. */
  run(job: Job): Promise<void> {
    const current = this.busy.get(job);
    if (current) return current;
    const p = this.execute(job)
      .catch((err: unknown) => this.opts.logger.error({ err, job }, 'scheduled job failed'))
      .finally(() => this.busy.delete(job));
    this.busy.set(job, p);
    return p;
  }

  private async execute(job: Job): Promise<void> {
    const { db, marketData, logger } = this.opts;
    if (!this.leader) return;
    const tracking = this.opts.tracking;
    const analytics = this.opts.analytics;
    if (analytics && job === 'analytics') {
      const { marks, metrics } = await analytics.run();
      logger.info({ marks, metrics }, 'leader metrics recomputed');
    } else if (analytics && job === 'followers') {
      logger.debug(await analytics.refreshFollowers(), 'follower figures refreshed');
    } else if (tracking && (job === 'discovery' || job === 'backfill' || job === 'copyability')) {
      const report =
        job === 'discovery'
          ? await tracking.discover()
          : job === 'backfill'
            ? await tracking.backfill().then(({ reports: _, ...summary }) => summary)
            : { traders: await tracking.copyability() };
      logger.info({ job, ...report }, 'trader tracking job done');
    } else if (job === 'mark') {
      const mark = await markToMarket({ db, marketData });
      const slip = this.opts.exitSlippagePercent;
      const exits = await runRiskExits(
        { db, marketData, ...(slip ? { exitSlippagePercent: slip } : {}) },
        mark.midpoints,
      );
      logger.debug({ tokens: mark.tokens, priced: mark.priced, lots: mark.lots }, 'positions marked');
      for (const e of exits) logger.info(e, 'closing sell queued');
    } else if (job === 'resolution') {
      const report = await settleResolvedMarkets({ db, marketData });
      for (const s of report.settled) logger.info(s, 'position settled at resolution');
    } else {
      const report = await runMaintenance(db, this.opts.maintenance);
      logger.info(report, 'database maintenance done');
    }
    this.runs[job] += 1;
  }
}
