// Every periodic job of the platform, with its schedule, in one place (issue 16 item 1).
//
//   role       job              schedule                      at start / follow-ups
//   scheduler  mark             every 30 s                    mark-to-market, then stop-loss / take-profit exits
//   scheduler  resolution       every 60 s                    settle positions of resolved markets
//   scheduler  maintenance      every 1 h                     trades partitions, retention, queue purge, job_runs retention
//   scheduler  discovery        DISCOVERY_INTERVAL_MS (6 h)   at start on an empty database; warm-up; new wallets → backfill
//   scheduler  backfill         BACKFILL_INTERVAL_MS (10 min) after discovery at start; fills recorded → metrics
//   scheduler  copyability      COPYABILITY_INTERVAL_MS (15 min)
//   scheduler  metrics          ANALYTICS_INTERVAL_MS (5 min) after backfill at start; warm-up
//   scheduler  followers        every 60 s                    follower counts and copied volume
//   scheduler  sizing           SIZING_SNAPSHOT_INTERVAL_MS   live balances, leader portfolio values
//   telegram   daily-summary    every 60 s                    (sends once per user per day after the hour)
//   telegram   operator-alerts  every 60 s                    queue rows that need an operator
//
// Warm-up (issue 12 item 1): on a fresh platform the venue may list few or no traders yet (the
// simulator's traders appear as they trade), so while discovery finds fewer than
// JOBS_WARMUP_MIN_TRADERS wallets, or the metrics have fewer traders with fills than that, each
// runs again after JOBS_WARMUP_INTERVAL_MS — for the first JOBS_WARMUP_FOR_MS of leadership only.
// This file says what runs when; what each run does lives with its subject (positions/, analytics/,
// db/maintenance.ts, telegram/notifications/).
import type { Config } from '../config/config.ts';
import { describeSchedule, type JobSchedule } from '../domain/job-schedule.ts';

export const JOB_NAMES = [
  'mark',
  'resolution',
  'maintenance',
  'discovery',
  'backfill',
  'copyability',
  'metrics',
  'followers',
  'sizing',
  'daily-summary',
  'operator-alerts',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

export type JobRole = 'scheduler' | 'telegram';

/** What the catalogue needs to know; `jobSettings(config)` gives production's. */
export interface JobSettings {
  readonly markMs: number;
  readonly resolutionMs: number;
  readonly maintenanceMs: number;
  readonly discoveryMs: number;
  readonly backfillMs: number;
  readonly copyabilityMs: number;
  readonly metricsMs: number;
  readonly followersMs: number;
  readonly sizingMs: number;
  readonly telegramMs: number;
  /** Which optional groups exist in this deployment. */
  readonly tracking: boolean;
  readonly analytics: boolean;
  readonly sizing: boolean;
  readonly telegram: boolean;
  readonly warmup: WarmupSettings;
}

export interface WarmupSettings {
  readonly intervalMs: number;
  readonly minTraders: number;
  readonly forMs: number;
}

export interface JobSpec {
  readonly name: JobName;
  readonly role: JobRole;
  readonly description: string;
  readonly schedule: JobSchedule;
  /** When it runs besides its schedule, in words (shown by the API and the CLI). */
  readonly extra: string | null;
  /** At start, runs after this job's start-up run. */
  readonly after?: JobName;
  readonly quiet?: boolean;
}

export const DEFAULT_JOB_INTERVALS = {
  markMs: 30_000,
  resolutionMs: 60_000,
  maintenanceMs: 3_600_000,
  followersMs: 60_000,
  telegramMs: 60_000,
} as const;

export function jobSettings(config: Config): JobSettings {
  return {
    ...DEFAULT_JOB_INTERVALS,
    discoveryMs: config.tracking.discoveryIntervalMs,
    backfillMs: config.tracking.backfillIntervalMs,
    copyabilityMs: config.tracking.copyabilityIntervalMs,
    metricsMs: config.analytics.intervalMs,
    sizingMs: config.sizing.snapshotIntervalMs,
    tracking: true,
    analytics: true,
    sizing: true,
    telegram: config.telegram.botToken !== undefined,
    warmup: config.jobs.warmup,
  };
}

type CatalogEntry = JobSpec & { on: boolean };

const every = (ms: number): JobSchedule => ({ everyMs: ms });

/** The enabled jobs of a deployment, in start-up order. */
export function jobSpecs(s: JobSettings): JobSpec[] {
  const all = [...trackingJobs(s), ...upkeepJobs(s), ...telegramJobs(s)];
  return all.filter((j) => j.on).map(({ on: _, ...spec }) => spec);
}

/** Discovery → backfill → metrics: the leaderboard's chain, run in that order at start. */
function trackingJobs(s: JobSettings): CatalogEntry[] {
  const warm = `warm-up: again every ${describeSchedule(every(s.warmup.intervalMs)).slice(6)} while fewer than ${s.warmup.minTraders} traders`;
  return [
    {
      name: 'discovery',
      role: 'scheduler',
      on: s.tracking,
      description: "trader discovery from the venue's leaderboards",
      schedule: every(s.discoveryMs),
      extra: `at start when no trader is tracked; ${warm}; new wallets start the backfill`,
    },
    {
      name: 'backfill',
      role: 'scheduler',
      on: s.tracking,
      description: "tracked traders' history from the Data API",
      schedule: every(s.backfillMs),
      extra: 'after discovery at start and whenever it finds new wallets; recorded fills start the metrics',
      after: 'discovery',
    },
    {
      name: 'metrics',
      role: 'scheduler',
      on: s.analytics,
      description: 'token marks and the leader metrics recompute (the leaderboard)',
      schedule: every(s.metricsMs),
      extra: `after the backfill at start and whenever it records fills; ${warm}`,
      after: 'backfill',
    },
  ];
}

/** Positions, upkeep and the figures other jobs and the engine read. */
function upkeepJobs(s: JobSettings): CatalogEntry[] {
  return [
    {
      name: 'mark',
      role: 'scheduler',
      on: true,
      quiet: true,
      description: 'mark-to-market, then stop-loss / take-profit exits',
      schedule: every(s.markMs),
      extra: null,
    },
    {
      name: 'resolution',
      role: 'scheduler',
      on: true,
      quiet: true,
      description: 'settlement of resolved markets',
      schedule: every(s.resolutionMs),
      extra: null,
    },
    {
      name: 'maintenance',
      role: 'scheduler',
      on: true,
      description: 'trades partitions, retention, queue purge, job_runs retention',
      schedule: every(s.maintenanceMs),
      extra: null,
    },
    {
      name: 'copyability',
      role: 'scheduler',
      on: s.tracking,
      description: 'what copying each leader delivered',
      schedule: every(s.copyabilityMs),
      extra: null,
    },
    {
      name: 'followers',
      role: 'scheduler',
      on: s.analytics,
      quiet: true,
      description: 'follower counts and copied volume',
      schedule: every(s.followersMs),
      extra: null,
    },
    {
      name: 'sizing',
      role: 'scheduler',
      on: s.sizing,
      quiet: true,
      description: 'live balances and leader portfolio values for balance-based sizing',
      schedule: every(s.sizingMs),
      extra: null,
    },
  ];
}

/** The bot's jobs (the telegram role). */
function telegramJobs(s: JobSettings): CatalogEntry[] {
  return [
    {
      name: 'daily-summary',
      role: 'telegram',
      on: s.telegram,
      quiet: true,
      description: 'Telegram daily summaries (once per user per UTC day after the hour)',
      schedule: every(s.telegramMs),
      extra: null,
    },
    {
      name: 'operator-alerts',
      role: 'telegram',
      on: s.telegram,
      quiet: true,
      description: 'Telegram alerts for queue rows that need an operator',
      schedule: every(s.telegramMs),
      extra: null,
    },
  ];
}
