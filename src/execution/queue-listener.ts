// The worker's LISTEN connection on the queue channel, kept alive across database restarts.
//
// A NOTIFY is only delivered to a session that is LISTENing when it is sent. When PostgreSQL
// restarts (or the connection drops) the session is gone with its LISTEN; without a new one every
// later copy waits for the 1 s fallback poll (measured: the first copy of a fill went from ~150 ms
// to ~600 ms after the leader's order until the process restarted). So a lost connection is
// replaced, with a capped backoff, and `onRestored` runs once LISTEN is back: notifications sent
// while it was down are lost, so the worker must look at the queue at once.
import pg from 'pg';
import type { Logger } from '../observability/logger.ts';

export interface QueueListenerOptions {
  readonly databaseUrl: string;
  readonly channel: string;
  readonly logger: Logger;
  /** A notification arrived. */
  readonly onNotify: () => void;
  /** LISTEN was re-established after a loss (not on the first connect). */
  readonly onRestored: () => void;
  /** Backoff between reconnection attempts: doubles from min to max. Defaults 100 ms, 2 s. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

type State = 'idle' | 'connected' | 'reconnecting' | 'stopped';

export class QueueListener {
  private client: pg.Client | undefined;
  private state: State = 'idle';
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  /** Times LISTEN was re-established after a loss (diagnostics, tests). */
  restored = 0;

  constructor(private readonly opts: QueueListenerOptions) {}

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Connects and LISTENs; throws when the first connection fails (start-up should see it). */
  async start(): Promise<void> {
    await this.connect();
    this.state = 'connected';
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.opts.databaseUrl,
      application_name: 'polycopy-worker-listen',
    });
    client.on('notification', () => this.opts.onNotify());
    // 'error' and 'end' both mean the session (and its LISTEN) is gone; replace it once.
    const lost = (err?: unknown) => this.lost(client, err);
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.opts.channel)}`);
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (this.client !== client || this.state === 'stopped') return;
    this.client = undefined;
    this.state = 'reconnecting';
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.opts.logger.warn({ err }, 'worker LISTEN connection lost; polling continues until it is back');
    this.schedule();
  }

  private schedule(): void {
    const min = this.opts.minBackoffMs ?? 100;
    const max = this.opts.maxBackoffMs ?? 2_000;
    const delay = Math.min(max, min * 2 ** Math.min(this.attempt, 20));
    this.attempt += 1;
    this.timer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    this.timer = undefined;
    if (this.state !== 'reconnecting') return;
    try {
      await this.connect();
    } catch {
      if (this.state === 'reconnecting') this.schedule();
      return;
    }
    if (this.state !== 'reconnecting') {
      // stop() ran while connecting.
      await this.client?.end().catch(() => undefined);
      this.client = undefined;
      return;
    }
    this.state = 'connected';
    this.attempt = 0;
    this.restored += 1;
    this.opts.logger.info({ restored: this.restored }, 'worker LISTEN connection restored');
    this.opts.onRestored();
  }
}
