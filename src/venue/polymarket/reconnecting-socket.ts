// The websocket lifecycle both Polymarket streams share (docs/polymarket-api.md §6): connect, send
// the subscription on every (re)connect, heartbeat with a text ping, reconnect with jittered
// exponential backoff, and a watchdog. The watchdog exists because these streams are known to go
// silent while the socket stays open (shared/docs/architecture.md, "Detect"): TCP never notices,
// so we treat "no frame for too long" as a dead connection and reconnect ourselves.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';

export type StreamState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface ReconnectingSocketOptions {
  readonly url: string;
  /** Frames to send right after each connect (the subscription). */
  readonly subscribeFrames: () => readonly string[];
  /** The heartbeat text: "PING" on the CLOB channels, "ping" on RTDS (§6). */
  readonly pingText: string;
  readonly pingIntervalMs: number;
  /**
   * Reconnect when no frame at all (data or pong) has arrived for this long. Must exceed the ping
   * interval; a healthy server answers every ping.
   */
  readonly staleAfterMs: number;
  /**
   * Reconnect when no *data* frame has arrived for this long, even if pongs keep coming. Only for
   * feeds that are never legitimately quiet (the RTDS firehose); omit for per-market channels.
   */
  readonly dataSilenceMs?: number;
  /**
   * Reconnect when a fresh connection has delivered no data frame this long after subscribing,
   * for channels that answer every subscription (the market channel sends a book per token). A
   * subscription lost while the server was silent would otherwise leave a connection whose pongs
   * keep it looking alive while it carries nothing. `expectsData` says whether the current
   * subscription is one that gets an answer (e.g. it names at least one token).
   */
  readonly firstDataTimeoutMs?: number;
  readonly expectsData?: () => boolean;
  /** Frames that are heartbeat replies, not data. */
  readonly isHeartbeat: (text: string) => boolean;
  readonly backoff?: BackoffOptions;
  readonly now?: () => number;
  /** For tests: how to open a socket. */
  readonly createSocket?: (url: string) => WebSocket;
}

interface SocketEvents {
  message: [text: string];
  state: [state: StreamState];
  /** A connection was replaced because the watchdog or an error fired (for metrics/logs). */
  reconnect: [reason: string, attempt: number];
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 30_000 };

export class ReconnectingSocket extends EventEmitter<SocketEvents> {
  private ws: WebSocket | null = null;
  private stateValue: StreamState = 'connecting';
  private attempt = 0;
  private pingTimer: NodeJS.Timeout | null = null;
  private watchdogTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastFrame = 0;
  private lastData = 0;
  private connectedAt = 0;
  private reconnects = 0;
  private readonly now: () => number;
  private readonly backoff: BackoffOptions;

  constructor(private readonly options: ReconnectingSocketOptions) {
    super();
    if (options.staleAfterMs <= options.pingIntervalMs) {
      throw new RangeError('staleAfterMs must exceed pingIntervalMs');
    }
    this.now = options.now ?? Date.now;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  get state(): StreamState {
    return this.stateValue;
  }

  /** Epoch ms of the last data frame (heartbeat replies excluded), or null before the first. */
  get lastMessageAt(): number | null {
    return this.lastData === 0 ? null : this.lastData;
  }

  /** How many times the connection has been replaced. */
  get reconnectCount(): number {
    return this.reconnects;
  }

  start(): void {
    if (this.ws || this.stateValue === 'closed') return;
    this.open();
  }

  /** Sends a frame if connected; returns false otherwise (the next connect re-subscribes). */
  send(text: string): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(text);
    return true;
  }

  close(): Promise<void> {
    if (this.stateValue === 'closed') return Promise.resolve();
    this.setState('closed');
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => resolve();
      ws.once('close', done);
      // A server that ignores the close handshake must not hold us: terminate after a grace.
      const grace = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1_000);
      grace.unref();
      try {
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000);
      } catch {
        resolve();
      }
    });
  }

  private setState(state: StreamState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }

  private open(): void {
    const ws = (this.options.createSocket ?? ((url: string) => new WebSocket(url)))(this.options.url);
    this.ws = ws;
    // The watchdog runs from the connect attempt on, so a handshake that hangs is replaced too.
    this.connectedAt = this.now();
    this.lastFrame = this.connectedAt;
    this.startTimers();
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.connectedAt = this.now();
      this.lastFrame = this.connectedAt;
      this.setState('connected');
      for (const frame of this.options.subscribeFrames()) ws.send(frame);
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (this.ws !== ws) return;
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      const at = this.now();
      this.lastFrame = at;
      if (this.options.isHeartbeat(text)) return;
      this.lastData = at;
      // A connection that delivered data is healthy: the next failure starts backoff afresh.
      this.attempt = 0;
      this.emit('message', text);
    });
    ws.on('error', () => {
      // 'close' follows every 'error'; reconnecting happens there. Errors may carry URLs with
      // nothing secret, but we keep them out of logs anyway: the state change is the signal.
    });
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleReconnect('closed by peer');
    });
  }

  private startTimers(): void {
    this.clearTimers();
    this.pingTimer = setInterval(() => this.send(this.options.pingText), this.options.pingIntervalMs);
    this.pingTimer.unref();
    const { staleAfterMs, dataSilenceMs } = this.options;
    const { firstDataTimeoutMs } = this.options;
    const shortest = Math.min(
      staleAfterMs,
      dataSilenceMs ?? staleAfterMs,
      firstDataTimeoutMs ?? staleAfterMs,
    );
    const period = Math.max(50, Math.floor(shortest / 4));
    this.watchdogTimer = setInterval(() => this.watchdog(), period);
    this.watchdogTimer.unref();
  }

  private watchdog(): void {
    const now = this.now();
    if (now - this.lastFrame > this.options.staleAfterMs) {
      this.replace('no frames (watchdog)');
      return;
    }
    const firstData = this.options.firstDataTimeoutMs;
    if (
      firstData !== undefined &&
      this.stateValue === 'connected' &&
      this.lastData < this.connectedAt &&
      now - this.connectedAt > firstData &&
      (this.options.expectsData?.() ?? true)
    ) {
      this.replace('no data after subscribing (watchdog)');
      return;
    }
    const silence = this.options.dataSilenceMs;
    if (silence !== undefined && now - Math.max(this.lastData, this.connectedAt) > silence) {
      this.replace('no data (watchdog)');
    }
  }

  /** Drops the current socket (without waiting for a close handshake) and reconnects. */
  private replace(reason: string): void {
    const ws = this.ws;
    this.ws = null;
    ws?.terminate();
    this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string): void {
    this.clearTimers();
    if (this.stateValue === 'closed') return;
    this.setState('reconnecting');
    this.attempt += 1;
    this.reconnects += 1;
    this.emit('reconnect', reason, this.attempt);
    const cap = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (this.attempt - 1));
    // Equal jitter: at least half the cap, so a fleet reconnecting together spreads out but no
    // client hammers a recovering server.
    const delay = Math.floor(cap / 2 + Math.random() * (cap / 2));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stateValue === 'closed') return;
      this.setState('connecting');
      this.open();
    }, delay);
    this.retryTimer.unref();
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pingTimer = null;
    this.watchdogTimer = null;
    this.retryTimer = null;
  }
}
