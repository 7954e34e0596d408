// `polycopy worker`: claims trade_queue rows and executes them. Woken by LISTEN/NOTIFY the moment
// ingest commits a fan-out; polls every second as the seed's fallback (a lost notification, or rows
// whose retry time came). Any number of workers may run on any machines.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import type { Db } from '../db/client.ts';
import type { Logger } from '../observability/logger.ts';
import { executeClaim, type ExecutionOutcome, type ExecutorDeps } from './execute-claim.ts';
import {
  cancelExpired,
  claimBatch,
  QUEUE_CHANNEL,
  recoverExpiredLeases,
  renewLeases,
  type QueueRow,
} from './queue-claims.ts';
import { reconcileUnknownOutcomes } from './reconcile.ts';

export interface WorkerOptions {
  readonly databaseUrl: string;
  readonly workerId?: string;
  /** Rows claimed per round. */
  readonly batchSize?: number;
  /** Rows executed at once. */
  readonly concurrency?: number;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  /** How often this worker returns expired leases and cancels expired rows. */
  readonly housekeepingMs?: number;
  readonly onOutcome?: (row: QueueRow, outcome: ExecutionOutcome) => void;
}

export class CopyWorker {
  readonly workerId: string;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly housekeepingMs: number;
  private listener: pg.Client | undefined;
  private running = false;
  private wake: (() => void) | undefined;
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
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.pollMs = opts.pollMs ?? 1_000;
    this.housekeepingMs = opts.housekeepingMs ?? 5_000;
  }

  private get db(): Db {
    return this.deps.db;
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.listener = new pg.Client({
      connectionString: this.opts.databaseUrl,
      application_name: 'polycopy-worker-listen',
    });
    this.listener.on('notification', () => this.wake?.());
    this.listener.on('error', (err) =>
      this.logger.warn({ err }, 'worker LISTEN connection error; polling continues'),
    );
    await this.listener.connect();
    await this.listener.query(`LISTEN ${QUEUE_CHANNEL}`);
    this.timers.push(setInterval(() => void this.housekeeping(), this.housekeepingMs));
    this.timers.push(setInterval(() => void this.renew(), Math.max(1_000, Math.floor(this.leaseMs / 3))));
    this.loopDone = this.loop();
    this.logger.info({ workerId: this.workerId }, 'copy worker started');
  }

  /** Stops claiming, lets in-flight rows finish, and releases the connection. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.loopDone;
    await this.reconciling;
    await this.listener?.end().catch(() => undefined);
    this.logger.info({ workerId: this.workerId }, 'copy worker stopped');
  }

  private async loop(): Promise<void> {
    while (this.running) {
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
          const outcome = await executeClaim(this.deps, row);
          this.logger.debug(
            { queueId: row.id, outcome: { ...outcome, order: undefined } },
            'copy row finished',
          );
          this.opts.onOutcome?.(row, outcome);
        } catch (err) {
          // The row stays processing; its lease expires and another attempt looks the order up.
          this.logger.error(
            { err, queueId: row.id },
            'copy execution crashed; the lease will return the row',
          );
        } finally {
          this.inFlight.delete(row.id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, rows.length) }, lane));
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
        this.wake?.();
      }
      const expired = await cancelExpired(this.db);
      if (expired.length > 0) {
        await this.db
          .updateTable('copy_decisions')
          .set({
            outcome: 'skipped',
            reason: 'expired',
            detail: 'the copy was not executed before it expired',
            decided_at: new Date(),
          })
          .where(
            'queue_id',
            'in',
            expired.map((r) => r.id),
          )
          .where('outcome', '=', 'queued')
          .execute();
      }
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
