// The RTDS `activity` trades stream (docs/polymarket-api.md §6.3): the fastest public view of other
// wallets' fills, and the copy engine's primary leader-fill source. It is a firehose with no
// per-user filter, so wallets are filtered here on `proxyWallet`. It is undocumented upstream and
// known to go quiet while the socket stays open, hence the data-silence watchdog; gaps are closed
// by the Data API backfill elsewhere, not here. No de-duplication happens here either: several
// identical-looking fills in one transaction are distinct fills (the ingest keys them by
// occurrence), so the stream reports exactly what arrives.
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Decimal } from '../../domain/money.ts';
import type { Side } from '../venue.ts';
import { EventQueue } from './event-queue.ts';
import { parseLosslessJson } from './lossless-json.ts';
import { ReconnectingSocket, type BackoffOptions, type StreamState } from './reconnecting-socket.ts';
import { decimalField, intField, optionalIntField, sideField, textField } from './wire-fields.ts';

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
}

interface RtdsEvents {
  fill: [fill: LeaderFill];
  state: [state: StreamState];
  reconnect: [reason: string, attempt: number];
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

export class RtdsActivityStream extends EventEmitter<RtdsEvents> implements AsyncIterable<LeaderFill> {
  private readonly socket: ReconnectingSocket;
  private readonly queue = new EventQueue<LeaderFill>();
  private wallets: Set<string> | null;
  private readonly now: () => number;

  constructor(options: RtdsStreamOptions) {
    super();
    this.now = options.now ?? Date.now;
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
    this.socket.on('state', (state) => this.emit('state', state));
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

  /** Replaces the wallet filter (null = every wallet). Takes effect for the next frame. */
  setWallets(wallets: Iterable<string> | null): void {
    this.wallets = wallets ? new Set([...wallets].map((w) => w.toLowerCase())) : null;
  }

  private onText(text: string): void {
    for (const fill of decodeRtdsFrame(text, this.now())) {
      if (this.wallets && !this.wallets.has(fill.wallet)) continue;
      this.emit('fill', fill);
      this.queue.push(fill);
    }
  }

  async close(): Promise<void> {
    this.queue.end();
    await this.socket.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<LeaderFill> {
    return {
      next: () => this.queue.next(),
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
