// The CLOB market channel (docs/polymarket-api.md §6.1) as a Venue MarketStream: subscribe by
// token ids, turn `book` / `price_change` / `last_trade_price` / `tick_size_change` /
// `market_resolved` frames into MarketEvents, heartbeat with "PING", reconnect with backoff and
// re-subscribe (the server answers a subscription with a fresh `book` per token, which is the
// resynchronisation point the MarketStream contract promises), and watchdog silent connections.
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { Decimal } from '../../domain/money.ts';
import { normaliseSides } from '../../domain/order-book.ts';
import type { MarketEvent, MarketStream, OrderBook } from '../venue.ts';
import { bookSchema } from './clob-wire.ts';
import { EventQueue } from './event-queue.ts';
import { parseLosslessJson } from './lossless-json.ts';
import { ReconnectingSocket, type BackoffOptions, type StreamState } from './reconnecting-socket.ts';
import { decimalField, optionalDecimalField, optionalIntField, sideField } from './wire-fields.ts';

/** What a `book` frame may leave out and the stream must still report. */
export interface TokenRules {
  readonly tickSize: Decimal;
  readonly minOrderSize: Decimal;
  readonly negRisk: boolean;
}

export interface MarketStreamOptions {
  /** The market channel URL, e.g. wss://ws-subscriptions-clob.polymarket.com/ws/market. */
  readonly url: string;
  readonly tokenIds: readonly string[];
  /** Known rules per token, used when a `book` frame omits tick/min size/neg-risk. */
  readonly rules?: ReadonlyMap<string, TokenRules>;
  /** Heartbeat period (§6.1: every 10 s). */
  readonly pingIntervalMs?: number;
  /** No frame (not even PONG) for this long → reconnect. Default 2.5 × ping interval. */
  readonly staleAfterMs?: number;
  /**
   * No `book` answer this long after (re)subscribing → reconnect. Default: the stale timeout.
   * The server answers every subscription with a snapshot per token, so silence here means the
   * subscription was lost.
   */
  readonly snapshotTimeoutMs?: number;
  /** No data frame for this long → reconnect; off by default (quiet markets are normal). */
  readonly dataSilenceMs?: number;
  readonly backoff?: BackoffOptions;
  readonly now?: () => number;
}

interface MarketStreamEvents {
  event: [event: MarketEvent];
  state: [state: StreamState];
  reconnect: [reason: string, attempt: number];
}

// Doc defaults for when neither a frame nor the caller says otherwise: tick 0.01 and minimum size
// 5 shares are what most Polymarket markets use (§3.3).
const FALLBACK_RULES: TokenRules = {
  tickSize: new Decimal('0.01'),
  minOrderSize: new Decimal(5),
  negRisk: false,
};

const priceChangeItem = z.object({
  asset_id: z.string(),
  price: decimalField,
  size: decimalField,
  side: sideField,
  hash: z.string().optional(),
  best_bid: optionalDecimalField,
  best_ask: optionalDecimalField,
});

const priceChangeSchema = z.object({
  market: z.string(),
  timestamp: optionalIntField,
  price_changes: z.array(priceChangeItem).optional(),
  // The pre-2025-09 layout: one asset per frame, levels under `changes`.
  asset_id: z.string().optional(),
  changes: z.array(z.object({ price: decimalField, size: decimalField, side: sideField })).optional(),
});

const lastTradeSchema = z.object({
  market: z.string(),
  asset_id: z.string(),
  price: decimalField,
  size: decimalField,
  side: sideField,
  timestamp: optionalIntField,
});

const tickSizeChangeSchema = z.object({
  market: z.string(),
  asset_id: z.string(),
  old_tick_size: decimalField,
  new_tick_size: decimalField,
  timestamp: optionalIntField,
});

const marketResolvedSchema = z.object({
  market: z.string(),
  winning_asset_id: z.string().nullish(),
  timestamp: optionalIntField,
});

/**
 * Maps one decoded frame object to MarketEvents. Exported for fixture tests; `rules` is read for
 * defaults and updated from book/tick frames.
 */
export function mapMarketFrame(frame: unknown, rules: Map<string, TokenRules>, nowMs: number): MarketEvent[] {
  if (!frame || typeof frame !== 'object') return [];
  switch ((frame as { event_type?: unknown }).event_type) {
    case 'book':
      return bookEvents(frame, rules, nowMs);
    case 'price_change':
      return priceChangeEvents(frame, nowMs);
    case 'last_trade_price':
      return lastTradeEvents(frame, nowMs);
    case 'tick_size_change':
      return tickSizeEvents(frame, rules, nowMs);
    case 'market_resolved':
      return marketResolvedEvents(frame, nowMs);
    default:
      // best_bid_ask, new_market and future types: not part of the Venue's event vocabulary.
      return [];
  }
}

/** A full book; its tick size, minimum and neg-risk flag update the token's rules. */
function bookEvents(frame: object, rules: Map<string, TokenRules>, nowMs: number): MarketEvent[] {
  const parsed = bookSchema.safeParse(frame);
  if (!parsed.success) return [];
  const b = parsed.data;
  const known = rules.get(b.asset_id) ?? FALLBACK_RULES;
  const tokenRules: TokenRules = {
    tickSize: b.tick_size ?? known.tickSize,
    minOrderSize: b.min_order_size ?? known.minOrderSize,
    negRisk: b.neg_risk ?? known.negRisk,
  };
  rules.set(b.asset_id, tokenRules);
  const sides = normaliseSides({ bids: b.bids, asks: b.asks });
  const book: OrderBook = {
    tokenId: b.asset_id,
    conditionId: b.market,
    bids: sides.bids,
    asks: sides.asks,
    tickSize: tokenRules.tickSize,
    minOrderSize: tokenRules.minOrderSize,
    negRisk: tokenRules.negRisk,
    timestampMs: b.timestamp ?? nowMs,
    hash: b.hash === '' ? null : b.hash,
    lastTradePrice: b.last_trade_price,
  };
  return [{ type: 'book', book }];
}

/** Price changes: the current shape (price_changes, with best bid/ask) or the older one (changes). */
function priceChangeEvents(frame: object, nowMs: number): MarketEvent[] {
  const parsed = priceChangeSchema.safeParse(frame);
  if (!parsed.success) return [];
  const p = parsed.data;
  const timestampMs = p.timestamp ?? nowMs;
  if (p.price_changes) {
    return p.price_changes.map((c) => ({
      type: 'price_change' as const,
      tokenId: c.asset_id,
      conditionId: p.market,
      side: c.side,
      price: c.price,
      size: c.size,
      bestBid: c.best_bid,
      bestAsk: c.best_ask,
      timestampMs,
    }));
  }
  const assetId = p.asset_id;
  if (assetId === undefined) return [];
  return (p.changes ?? []).map((c) => ({
    type: 'price_change' as const,
    tokenId: assetId,
    conditionId: p.market,
    side: c.side,
    price: c.price,
    size: c.size,
    bestBid: null,
    bestAsk: null,
    timestampMs,
  }));
}

function lastTradeEvents(frame: object, nowMs: number): MarketEvent[] {
  const parsed = lastTradeSchema.safeParse(frame);
  if (!parsed.success) return [];
  const t = parsed.data;
  return [
    {
      type: 'last_trade',
      tokenId: t.asset_id,
      conditionId: t.market,
      side: t.side,
      price: t.price,
      size: t.size,
      timestampMs: t.timestamp ?? nowMs,
    },
  ];
}

function tickSizeEvents(frame: object, rules: Map<string, TokenRules>, nowMs: number): MarketEvent[] {
  const parsed = tickSizeChangeSchema.safeParse(frame);
  if (!parsed.success) return [];
  const t = parsed.data;
  const known = rules.get(t.asset_id) ?? FALLBACK_RULES;
  rules.set(t.asset_id, { ...known, tickSize: t.new_tick_size });
  return [
    {
      type: 'tick_size_change',
      tokenId: t.asset_id,
      conditionId: t.market,
      oldTickSize: t.old_tick_size,
      newTickSize: t.new_tick_size,
      timestampMs: t.timestamp ?? nowMs,
    },
  ];
}

function marketResolvedEvents(frame: object, nowMs: number): MarketEvent[] {
  const parsed = marketResolvedSchema.safeParse(frame);
  if (!parsed.success) return [];
  const r = parsed.data;
  return [
    {
      type: 'market_resolved',
      conditionId: r.market,
      winningTokenId: r.winning_asset_id ?? null,
      timestampMs: r.timestamp ?? nowMs,
    },
  ];
}

/** Decodes a text frame: one event object, or an array of them (initial dumps, §6.1). */
export function decodeMarketFrames(text: string): unknown[] {
  let decoded: unknown;
  try {
    decoded = parseLosslessJson(text);
  } catch {
    return [];
  }
  return Array.isArray(decoded) ? decoded : [decoded];
}

export class PolymarketMarketStream extends EventEmitter<MarketStreamEvents> implements MarketStream {
  private readonly socket: ReconnectingSocket;
  private readonly queue = new EventQueue<MarketEvent>();
  private readonly tokens: Set<string>;
  private readonly rules: Map<string, TokenRules>;
  private readonly now: () => number;

  constructor(options: MarketStreamOptions) {
    super();
    this.tokens = new Set(options.tokenIds);
    this.rules = new Map(options.rules ?? []);
    this.now = options.now ?? Date.now;
    const ping = options.pingIntervalMs ?? 10_000;
    const stale = options.staleAfterMs ?? Math.round(ping * 2.5);
    this.socket = new ReconnectingSocket({
      url: options.url,
      subscribeFrames: () => [
        JSON.stringify({
          assets_ids: [...this.tokens],
          type: 'market',
          custom_feature_enabled: true,
          initial_dump: true,
        }),
      ],
      pingText: 'PING',
      pingIntervalMs: ping,
      staleAfterMs: stale,
      dataSilenceMs: options.dataSilenceMs,
      firstDataTimeoutMs: options.snapshotTimeoutMs ?? stale,
      expectsData: () => this.tokens.size > 0,
      isHeartbeat: (text) => text === 'PONG' || text === '',
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

  get lastMessageAt(): number | null {
    return this.socket.lastMessageAt;
  }

  get reconnectCount(): number {
    return this.socket.reconnectCount;
  }

  /** Adds tokens; they get a `book` snapshot from the server. */
  subscribe(tokenIds: readonly string[]): void {
    const added = tokenIds.filter((t) => !this.tokens.has(t));
    for (const t of added) this.tokens.add(t);
    if (added.length > 0) {
      this.socket.send(
        JSON.stringify({ assets_ids: added, operation: 'subscribe', custom_feature_enabled: true }),
      );
    }
  }

  unsubscribe(tokenIds: readonly string[]): void {
    const removed = tokenIds.filter((t) => this.tokens.delete(t));
    if (removed.length > 0) {
      this.socket.send(JSON.stringify({ assets_ids: removed, operation: 'unsubscribe' }));
    }
  }

  private onText(text: string): void {
    const nowMs = this.now();
    for (const frame of decodeMarketFrames(text)) {
      for (const event of mapMarketFrame(frame, this.rules, nowMs)) {
        // The server may still send a token we just unsubscribed from; consumers asked for ours only.
        if ('tokenId' in event && !this.tokens.has(event.tokenId)) continue;
        if (event.type === 'book' && !this.tokens.has(event.book.tokenId)) continue;
        this.emit('event', event);
        this.queue.push(event);
      }
    }
  }

  async close(): Promise<void> {
    this.queue.end();
    await this.socket.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<MarketEvent> {
    return {
      next: () => this.queue.next(),
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
