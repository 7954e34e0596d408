// One LISTEN connection per API process on the user-events channel (publish.ts), fanning each
// notification out to this process's subscribers of that user (the SSE streams of
// routes/event-routes.ts). Every API process runs its own hub, so an event published by any process
// (worker, scheduler, another API) reaches the user's streams wherever they are connected.
//
// The connection is dedicated (not from the pool: a pooled client cannot hold a LISTEN). When it
// drops, the hub reconnects with backoff; events committed while it was down are not replayed
// (live updates are a convenience, the API reads are the record — clients refetch on reconnect).
import pg from 'pg';
import type { Logger } from '../observability/logger.ts';
import { decodeUserEvent, USER_EVENTS_CHANNEL, type UserEventMessage } from './publish.ts';

export type UserEventListener = (event: UserEventMessage) => void;

export interface UserEventHubOptions {
  databaseUrl: string;
  logger: Logger;
  /** First reconnect delay; doubles up to 30 s. */
  reconnectMs?: number;
}

export class UserEventHub {
  private client: pg.Client | undefined;
  private readonly subscribers = new Map<string, Set<UserEventListener>>();
  private readonly everyUser = new Set<UserEventListener>();
  private readonly closeHandlers = new Set<() => void>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelay: number;
  private closed = false;
  private listening = false;
  /** Notifications received on the channel since start (every user's). */
  received = 0;
  /**
   * Counts the LISTENs established: a reader that cached something while the count was n knows it
   * may have missed events when the count has moved on (notifications sent while the connection was
   * down are not replayed).
   */
  listenEpoch = 0;

  constructor(private readonly opts: UserEventHubOptions) {
    this.reconnectDelay = opts.reconnectMs ?? 1000;
  }

  /** Connects and LISTENs; resolves once notifications will be received. */
  async start(): Promise<void> {
    await this.connect();
  }

  get isListening(): boolean {
    return this.listening;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.opts.databaseUrl,
      application_name: 'polycopy-events-listen',
    });
    this.client = client;
    client.on('notification', (n) => {
      if (n.channel === USER_EVENTS_CHANNEL) this.dispatch(n.payload);
    });
    client.on('error', (err) => {
      this.opts.logger.warn({ err: err.message }, 'user-events LISTEN connection error');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${USER_EVENTS_CHANNEL}`);
    } catch (err) {
      this.lost(client);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listening = true;
    this.listenEpoch += 1;
    this.reconnectDelay = this.opts.reconnectMs ?? 1000;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.listening = false;
    void client.end().catch(() => undefined);
    if (this.closed || this.reconnectTimer) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, 30_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closed) return;
      this.connect().then(
        () => this.opts.logger.info('user-events LISTEN connection restored'),
        (err: unknown) =>
          this.opts.logger.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'user-events LISTEN reconnect failed',
          ),
      );
    }, delay);
  }

  private dispatch(payload: string | undefined): void {
    this.received += 1;
    const event = decodeUserEvent(payload);
    if (!event) {
      this.opts.logger.warn('ignored a malformed user-events notification');
      return;
    }
    const listeners = [...this.everyUser, ...(this.subscribers.get(event.userId) ?? [])];
    for (const fn of listeners) {
      try {
        fn(event);
      } catch (err) {
        this.opts.logger.warn({ err }, 'user-events subscriber failed');
      }
    }
  }

  /** Calls `fn` with each of `userId`'s events; returns the unsubscribe function. */
  subscribe(userId: string, fn: UserEventListener): () => void {
    let set = this.subscribers.get(userId);
    if (!set) this.subscribers.set(userId, (set = new Set()));
    set.add(fn);
    return () => {
      const s = this.subscribers.get(userId);
      if (!s) return;
      s.delete(fn);
      if (s.size === 0) this.subscribers.delete(userId);
    };
  }

  /** Calls `fn` with every user's events (cache invalidation); returns the unsubscribe function. */
  subscribeAll(fn: UserEventListener): () => void {
    this.everyUser.add(fn);
    return () => this.everyUser.delete(fn);
  }

  /** How many subscriptions `userId` has in this process (all users when omitted). */
  subscriberCount(userId?: string): number {
    if (userId !== undefined) return this.subscribers.get(userId)?.size ?? 0;
    let n = 0;
    for (const s of this.subscribers.values()) n += s.size;
    return n;
  }

  /** `fn` runs when the hub closes (streams end themselves so the HTTP server can close). */
  onClose(fn: () => void): () => void {
    this.closeHandlers.add(fn);
    return () => this.closeHandlers.delete(fn);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listening = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const fn of [...this.closeHandlers]) {
      try {
        fn();
      } catch {
        // a stream that cannot end cleanly is destroyed by the server anyway
      }
    }
    this.closeHandlers.clear();
    this.subscribers.clear();
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }
}
