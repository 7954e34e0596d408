// `polycopy worker`: claims trade_queue rows and executes them. Woken by LISTEN/NOTIFY the moment
// ingest commits a fan-out; polls every second as the seed's fallback (a lost notification, or rows
// whose retry time came). Any number of workers may run on any machines.
//
// A crash or a database blip must cost no follower a copy:
// - a claim is a SHORT lease (WORKER_LEASE_MS, 5 s) renewed by a heartbeat every third of it while
//   this worker lives, and every worker returns expired leases every second: a dead worker's rows
//   are taken over within a few seconds, long before the copy's price has moved on;
// - an attempt cut short by an error (the database went away mid-copy) is retried by this worker
//   as soon as the database answers again — it re-reads the row under its own claim token and runs
//   it again from where the row says it is (an order identity persisted means: look it up first) —
//   instead of waiting out the lease;
// - the LISTEN connection is replaced after a restart (queue-listener.ts).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/client.ts';
import type { Logger } from '../observability/logger.ts';
import { executeClaim } from './execute-claim.ts';
import type { ExecutionOutcome, ExecutorDeps } from './executor-deps.ts';
import {
  cancelExpired,
  claimBatch,
  QUEUE_CHANNEL,
  readOwnRow,
  recoverExpiredLeases,
  renewLeases,
  type QueueRow,
} from './queue-claims.ts';
import { QueueListener } from './queue-listener.ts';
import { reconcileUnknownOutcomes } from './reconcile.ts';

export interface WorkerOptions {
  readonly databaseUrl: string;
  readonly workerId?: string;
  /** Rows claimed per round. */
  readonly batchSize?: number;
  /** Rows executed at once. */
  readonly concurrency?: number;
  /** Claim lease; renewed every third of it while the worker lives. Default 5 s. */
  readonly leaseMs?: number;
  readonly pollMs?: number;
  /** How often this worker returns expired leases and cancels expired rows. Default 1 s. */
  readonly housekeepingMs?: number;
  /** How long this worker keeps retrying a row of its own after errors before it lets go. 60 s. */
  readonly ownRetryMs?: number;
  readonly onOutcome?: (row: QueueRow, outcome: ExecutionOutcome) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class CopyWorker {
  readonly workerId: string;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly housekeepingMs: number;
  private readonly ownRetryMs: number;
  private listener: QueueListener | undefined;
  private running = false;
  private wake: (() => void) | undefined;
  /** A wake-up that came while the loop was busy: the next wait returns at once. */
  private woken = false;
  private loopDone: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Map<string, string>();
  private reconciling: Promise<void> | undefined;

  constructor(
    private readonly deps: ExecutorDeps,
    private readonly opts: WorkerOptions,
  ) {
    this.workerId = opts.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.batchSize = opts.batchSize ?? 50;
    this.concurrency = opts.concurrency ?? 16;
    this.leaseMs = opts.leaseMs ?? 5_000;
    this.pollMs = opts.pollMs ?? 1_000;
    this.housekeepingMs = opts.housekeepingMs ?? 1_000;
    this.ownRetryMs = opts.ownRetryMs ?? 60_000;
  }

  private get db(): Db {
    return this.deps.db;
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  /** Times the LISTEN connection was re-established after a loss. */
  get listenRestored(): number {
    return this.listener?.restored ?? 0;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.listener = new QueueListener({
      databaseUrl: this.opts.databaseUrl,
      channel: QUEUE_CHANNEL,
      logger: this.logger,
      onNotify: () => this.poke(),
      // Notifications sent while LISTEN was down are lost: look at the queue now.
      onRestored: () => this.poke(),
    });
    await this.listener.start();
    this.timers.push(setInterval(() => void this.housekeeping(), this.housekeepingMs));
    this.timers.push(setInterval(() => void this.renew(), Math.max(200, Math.floor(this.leaseMs / 3))));
    this.loopDone = this.loop();
    this.logger.info({ workerId: this.workerId }, 'copy worker started');
  }

  /** Stops claiming, lets in-flight rows finish, and releases the connection. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.poke();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.loopDone;
    await this.reconciling;
    await this.listener?.stop();
    this.logger.info({ workerId: this.workerId }, 'copy worker stopped');
  }

  private poke(): void {
    this.woken = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let rows: QueueRow[] = [];
      try {
        rows = await claimBatch(this.db, {
          workerId: this.workerId,
          limit: this.batchSize,
          leaseMs: this.leaseMs,
        });
      } catch (err) {
        this.logger.error({ err }, 'claiming from trade_queue failed');
      }
      if (rows.length > 0) {
        await this.runAll(rows);
        continue; // there may be more
      }
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async runAll(rows: QueueRow[]): Promise<void> {
    // Every claimed row is held (and its lease renewed) from the claim, not only once a lane picks
    // it up: a batch can take longer than a lease, and a row whose lease ran out while it waited
    // would be handed to another worker for nothing.
    for (const row of rows) this.inFlight.set(row.id, row.celery_task_id!);
    let next = 0;
    const lane = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        try {
          await this.runOwn(row);
        } finally {
          this.inFlight.delete(row.id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, lane));
  }

  /**
   * Runs a claimed row; after an error (database gone, connection reset) retries it while this
   * worker still holds it, with a capped backoff, for up to ownRetryMs. Each retry re-reads the row
   * under this claim's token, so it resumes from the row's real state: an identity persisted by the
   * interrupted attempt makes the next one look the order up before anything is sent again.
   */
  private async runOwn(claimed: QueueRow): Promise<void> {
    const token = claimed.celery_task_id!;
    const giveUpAt = Date.now() + this.ownRetryMs;
    let row: QueueRow | null = claimed;
    for (let attempt = 0; ; attempt++) {
      if (row) {
        try {
          const outcome = await executeClaim(this.deps, row);
          this.logger.debug(
            { queueId: row.id, outcome: { ...outcome, order: undefined } },
            'copy row finished',
          );
          this.opts.onOutcome?.(row, outcome);
          return;
        } catch (err) {
          this.logger.warn(
            { err, queueId: claimed.id },
            'copy attempt interrupted; retrying it while this worker holds the row',
          );
        }
      }
      if (Date.now() >= giveUpAt || (!this.running && attempt > 0)) {
        // Let go: the lease returns the row to the queue, and the next attempt looks it up first.
        this.logger.error({ queueId: claimed.id }, 'copy row still failing; leaving it to the lease');
        return;
      }
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)));
      try {
        row = await readOwnRow(this.db, claimed.id, token);
        if (!row) return; // finished by the interrupted attempt, or taken over after the lease ran out
      } catch {
        row = null; // the database is still away
      }
    }
  }

  private async renew(): Promise<void> {
    if (this.inFlight.size === 0) return;
    try {
      await renewLeases(
        this.db,
        [...this.inFlight].map(([id, token]) => ({ id, token })),
        this.leaseMs,
      );
    } catch (err) {
      this.logger.warn({ err }, 'lease renewal failed');
    }
  }

  async housekeeping(): Promise<void> {
    try {
      const recovered = await recoverExpiredLeases(this.db);
      if (recovered.length > 0) {
        this.logger.warn(
          { rows: recovered.map((r) => r.id) },
          'returned rows with expired leases to the queue',
        );
        this.poke();
      }
      // Decisions of expired rows are written in the same statement (queue-claims.ts).
      await cancelExpired(this.db);
    } catch (err) {
      this.logger.error({ err }, 'queue housekeeping failed');
    }
    // Rows whose order outcome stayed unknown after their retries: look them up (one round at a
    // time per worker; rows are claimed with SKIP LOCKED, so workers never share one).
    if (this.running) {
      this.reconciling ??= reconcileUnknownOutcomes(this.deps, { limit: 5, reconcilerId: this.workerId })
        .then(({ actions }) => {
          if (actions.length > 0) this.logger.info({ actions }, 'reconciliation round');
        })
        .catch((err: unknown) => this.logger.error({ err }, 'reconciliation round failed'))
        .finally(() => {
          this.reconciling = undefined;
        });
    }
  }
}
