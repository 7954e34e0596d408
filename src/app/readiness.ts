// /ready checks of the engine roles (src/http/app.ts runs them): a standby is healthy; an active
// detector must be hearing its streams, an active scheduler running every one of its jobs.
import type { Db } from '../db/client.ts';
import type { FeedSnapshot } from '../ingest/feed-health.ts';
import type { LeaderFillDetector } from '../ingest/detector.ts';
import type { RunningScheduler } from '../jobs/scheduler-role.ts';
import { systemClock } from '../auth/clock.ts';
import { listJobs, type JobListing } from '../services/list-jobs.ts';

/**
 * An active detector must have heard from a stream (RTDS or the chain) in the last 2 minutes. A
 * degraded feed is shown, not failed: the others carry on.
 */
export function ingestReadiness(detector: LeaderFillDetector) {
  return async () => {
    if (!detector.isLeader) return { active: false };
    const feeds = detector.feeds();
    const heard = feeds
      .filter((f) => f.feed !== 'data_api')
      .map((f) => f.lastMessageAt ?? 0)
      .reduce((a, b) => Math.max(a, b), detector.leaderSince ?? 0);
    if (Date.now() - heard > 120_000) throw new Error('no stream data for 2 minutes');
    return { active: true, feeds: feeds.map(feedDetails) };
  };
}

/** The active scheduler must be running every one of its jobs. */
export function jobsReadiness(scheduler: RunningScheduler, db: Db, jobs: readonly JobListing[]) {
  return async () => {
    if (!scheduler.isLeader) return;
    const own = jobs.filter((j) => j.role === 'scheduler');
    const stopped = (await listJobs({ db, clock: systemClock }, own)).filter((j) => j.stoppedRunning);
    if (stopped.length > 0)
      throw new Error(`jobs stopped running: ${stopped.map((j) => `${j.name} (${j.state})`).join(', ')}`);
  };
}

/** A feed's state for /ready (JSON: no bigint, ISO times). */
function feedDetails(f: FeedSnapshot) {
  return {
    feed: f.feed,
    configured: f.configured,
    connected: f.connected,
    degraded: f.degraded,
    lastMessageAt: f.lastMessageAt === null ? null : new Date(f.lastMessageAt).toISOString(),
    lagMs: f.lagMs,
    headBlock: f.headBlock === null ? null : f.headBlock.toString(),
    ...(f.detail ? { detail: f.detail } : {}),
  };
}
