// The RTDS `activity` trades stream (docs/polymarket-api.md §6.3): the fastest public view of other
// wallets' fills, and the copy engine's primary leader-fill source. It is a firehose with no
// per-user filter, so wallets are filtered here on `proxyWallet`. It is undocumented upstream and
// known to go quiet while the socket stays open, hence the data-silence watchdog; gaps are closed
// by the Data API backfill elsewhere, not here. No de-duplication happens here either: several
// identical-looking fills in one transaction are distinct fills (the ingest keys them by
// occurrence), so the stream reports exactly what arrives.
//
// Backpressure: fills wait for an async-iterating consumer in a bounded buffer (maxBufferedFills;
// buffering starts when an iterator is first requested, so a stream read only through 'fill'
// listeners holds nothing). When the consumer falls behind and the buffer is full, a new fill is
// not kept — dropping the oldest would be no better: either way a fill is lost — and the stream
// marks a gap instead: 'overflow' when it starts, and 'gap' (how many fills, which wallets, their
// time span) once the consumer has caught up, so the detector re-polls the Data API over exactly
// that stretch. Each fill carries its connection number, because occurrence numbering is scoped to
// one connection and a buffered fill may be read after the socket has reconnected.
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Decimal } from '../../domain/money.ts';
import type { Side } from '../venue.ts';
import { EventQueue } from './event-queue.ts';
import { parseLosslessJson } from './lossless-json.ts';
import { ReconnectingSocket, type BackoffOptions, type StreamState } from './reconnecting-socket.ts';
import { decimalField, intField, optionalIntField, sideField, textField } from './wire-fields.ts';

/** A fill as the stream delivers it: with the connection (1, 2, …) it arrived on. */
export interface StreamedFill extends LeaderFill {
  readonly connection: number;
}

/** Fills a slow consumer lost while the buffer was full: one stretch, closed by a Data API poll. */
export interface StreamGap {
  readonly dropped: number;
  /** The wallets whose fills were dropped (lower-case). */
  readonly wallets: ReadonlySet<string>;
  /** Epoch ms of the earliest and latest dropped fill (their own timestamps). */
  readonly earliestFillAtMs: number;
  readonly latestFillAtMs: number;
  /** Epoch ms when the first fill was dropped and when the consumer caught up. */
  readonly startedAtMs: number;
  readonly endedAtMs: number;
}

export const DEFAULT_MAX_BUFFERED_FILLS = 10_000;

/** One fill of one wallet, as RTDS reports it. */
export interface LeaderFill {
  readonly transactionHash: string;
  /** The proxy wallet (funder) that traded, lower-case. */
  readonly wallet: string;
  readonly asset: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal;
  /** Epoch seconds, as the payload gives it. */
  readonly timestamp: number;
  readonly conditionId: string;
  readonly slug: string;
  readonly eventSlug: string;
  readonly title: string;
  readonly outcome: string;
  readonly outcomeIndex: number | null;
  readonly name: string;
  readonly pseudonym: string;
  /** The RTDS message type it came from: "trades" or "orders_matched". */
  readonly messageType: string;
  /** Envelope timestamp, epoch ms (when RTDS sent it): for detection-latency metrics. */
  readonly receivedAtMs: number;
}

export type RtdsActivityType = 'trades' | 'orders_matched';

export interface RtdsStreamOptions {
  /** e.g. wss://ws-live-data.polymarket.com */
  readonly url: string;
  /** Default "trades" (taker and makers; "orders_matched" gives one row per taker, §6.3). */
  readonly type?: RtdsActivityType;
  /** RTDS's own filter, a string: e.g. JSON.stringify({event_slug: "..."}) (§6.3). */
  readonly filters?: string;
  /** Emit only these wallets' fills (case-insensitive); omit for every fill. */
  readonly wallets?: Iterable<string>;
  /** Heartbeat period (§6.3: the client sends "ping" every 5 s). */
  readonly pingIntervalMs?: number;
  /** No frame at all for this long → reconnect. Default 3 × ping interval. */
  readonly staleAfterMs?: number;
  /** No data for this long → reconnect (the firehose is never quiet for long). Default 60 s. */
  readonly dataSilenceMs?: number;
  readonly backoff?: BackoffOptions;
  readonly now?: () => number;
  /** Fills held for a slow async-iterating consumer before a gap is marked. Default 10,000. */
  readonly maxBufferedFills?: number;
}

interface RtdsEvents {
  fill: [fill: StreamedFill];
  state: [state: StreamState];
  reconnect: [reason: string, attempt: number];
  /** The buffer is full: fills are being dropped until the consumer catches up. */
  overflow: [buffered: number];
  /** The consumer caught up after fills were dropped: re-read this stretch from the Data API. */
  gap: [gap: StreamGap];
}

const envelopeSchema = z.object({
  topic: z.string(),
  type: z.string(),
  timestamp: optionalIntField,
  payload: z.unknown(),
});

export const rtdsTradePayloadSchema = z.object({
  transactionHash: z.string(),
  proxyWallet: z.string(),
  asset: z.string(),
  side: sideField,
  price: decimalField,
  size: decimalField,
  timestamp: intField,
  conditionId: textField,
  slug: textField,
  eventSlug: textField,
  title: textField,
  outcome: textField,
  outcomeIndex: optionalIntField,
  name: textField,
  pseudonym: textField,
});

/** Decodes one RTDS text frame into fills (none for other topics, pings or malformed frames). */
export function decodeRtdsFrame(text: string, nowMs: number): LeaderFill[] {
  if (text.trim() === '') return [];
  let decoded: unknown;
  try {
    decoded = parseLosslessJson(text);
  } catch {
    return [];
  }
  const frames = Array.isArray(decoded) ? decoded : [decoded];
  const out: LeaderFill[] = [];
  for (const frame of frames) {
    const env = envelopeSchema.safeParse(frame);
    if (!env.success || env.data.topic !== 'activity') continue;
    if (env.data.type !== 'trades' && env.data.type !== 'orders_matched') continue;
    const p = rtdsTradePayloadSchema.safeParse(env.data.payload);
    if (!p.success) continue;
    const d = p.data;
    out.push({
      transactionHash: d.transactionHash,
      wallet: d.proxyWallet.toLowerCase(),
      asset: d.asset,
      side: d.side,
      price: d.price,
      size: d.size,
      timestamp: d.timestamp,
      conditionId: d.conditionId,
      slug: d.slug,
      eventSlug: d.eventSlug,
      title: d.title,
      outcome: d.outcome,
      outcomeIndex: d.outcomeIndex,
      name: d.name,
      pseudonym: d.pseudonym,
      messageType: env.data.type,
      receivedAtMs: env.data.timestamp ?? nowMs,
    });
  }
  return out;
}

export class RtdsActivityStream extends EventEmitter<RtdsEvents> implements AsyncIterable<StreamedFill> {
  private readonly socket: ReconnectingSocket;
  private readonly queue: EventQueue<StreamedFill>;
  private wallets: Set<string> | null;
  private readonly now: () => number;
  private iterating = false;
  private connection = 0;
  private openGap: {
    dropped: number;
    wallets: Set<string>;
    earliest: number;
    latest: number;
    startedAtMs: number;
  } | null = null;
  private droppedTotal = 0;
  private gapsTotal = 0;

  constructor(options: RtdsStreamOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.queue = new EventQueue({ capacity: options.maxBufferedFills ?? DEFAULT_MAX_BUFFERED_FILLS });
    this.wallets = options.wallets ? new Set([...options.wallets].map((w) => w.toLowerCase())) : null;
    const ping = options.pingIntervalMs ?? 5_000;
    const subscription: Record<string, string> = { topic: 'activity', type: options.type ?? 'trades' };
    if (options.filters !== undefined) subscription.filters = options.filters;
    this.socket = new ReconnectingSocket({
      url: options.url,
      subscribeFrames: () => [JSON.stringify({ action: 'subscribe', subscriptions: [subscription] })],
      pingText: 'ping',
      pingIntervalMs: ping,
      staleAfterMs: options.staleAfterMs ?? ping * 3,
      dataSilenceMs: options.dataSilenceMs ?? 60_000,
      isHeartbeat: (text) => {
        const t = text.trim().toLowerCase();
        return t === 'pong' || t === 'ping' || t === '';
      },
      backoff: options.backoff,
      now: this.now,
    });
    this.socket.on('message', (text) => this.onText(text));
    this.socket.on('state', (state) => {
      if (state === 'connected') this.connection += 1;
      this.emit('state', state);
    });
    this.socket.on('reconnect', (reason, attempt) => this.emit('reconnect', reason, attempt));
    this.socket.start();
  }

  get state(): StreamState {
    return this.socket.state;
  }

  /** Epoch ms of the last data frame (any wallet's), or null: the health check's signal. */
  get lastMessageAt(): number | null {
    return this.socket.lastMessageAt;
  }

  get reconnectCount(): number {
    return this.socket.reconnectCount;
  }

  /** Fills held for the iterating consumer right now. */
  get buffered(): number {
    return this.queue.size;
  }

  /** Fills dropped because the consumer was behind, and gaps closed, since the stream opened. */
  get droppedFills(): number {
    return this.droppedTotal;
  }

  get gapCount(): number {
    return this.gapsTotal;
  }

  /** Replaces the wallet filter (null = every wallet). Takes effect for the next frame. */
  setWallets(wallets: Iterable<string> | null): void {
    this.wallets = wallets ? new Set([...wallets].map((w) => w.toLowerCase())) : null;
  }

  private onText(text: string): void {
    for (const decoded of decodeRtdsFrame(text, this.now())) {
      if (this.wallets && !this.wallets.has(decoded.wallet)) continue;
      const fill: StreamedFill = { ...decoded, connection: this.connection };
      this.emit('fill', fill);
      if (this.iterating && !this.queue.push(fill)) this.dropped(fill);
    }
  }

  private dropped(fill: StreamedFill): void {
    this.droppedTotal += 1;
    const at = fill.timestamp * 1000;
    if (!this.openGap) {
      this.openGap = { dropped: 0, wallets: new Set(), earliest: at, latest: at, startedAtMs: this.now() };
      this.emit('overflow', this.queue.size);
    }
    const g = this.openGap;
    g.dropped += 1;
    g.wallets.add(fill.wallet);
    g.earliest = Math.min(g.earliest, at);
    g.latest = Math.max(g.latest, at);
  }

  /** Reports the open gap, if any: the consumer caught up, or the stream is closing. */
  private closeGap(): void {
    const g = this.openGap;
    if (!g) return;
    this.openGap = null;
    this.gapsTotal += 1;
    this.emit('gap', {
      dropped: g.dropped,
      wallets: g.wallets,
      earliestFillAtMs: g.earliest,
      latestFillAtMs: g.latest,
      startedAtMs: g.startedAtMs,
      endedAtMs: this.now(),
    });
  }

  private async next(): Promise<IteratorResult<StreamedFill>> {
    const r = await this.queue.next();
    if (this.openGap && this.queue.size === 0) this.closeGap();
    return r;
  }

  async close(): Promise<void> {
    this.queue.end();
    this.closeGap();
    await this.socket.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamedFill> {
    this.iterating = true;
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
