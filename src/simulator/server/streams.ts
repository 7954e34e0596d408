// Websockets on the simulator's port (docs/polymarket-api.md §6):
//   /ws/market — CLOB market channel: `book` snapshots on subscribe and after trades,
//                `price_change` level deltas, `last_trade_price`, and with custom features
//                `best_bid_ask`, `new_market`, `market_resolved`. Text PING → PONG.
//   /ws/user   — CLOB user channel: `order` and `trade` events of one API key.
//   /ws/rtds   — RTDS `activity` topic: `trades` (every leg of every fill: taker and maker) and
//                `orders_matched` (one per taker match), optionally filtered by event/market slug.
// Simulation events are queued as they happen and flushed once per turn of the event loop, so a
// burst of fills inside one `advanceTo` costs one book snapshot per touched token, and each
// payload is serialised once whatever the number of subscribers.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Decimal } from '../../domain/money.ts';
import type { FillEvent, LegEvent, MarketResolvedEvent, OrderUpdateEvent } from '../simulation.ts';
import type { SimEvent } from '../model/catalog.ts';
import { bookView, type BookView } from './clob-public.ts';
import type { ServerContext } from './context.ts';
import { tradeView, type TradeRecord } from './trade-store.ts';
import { wireJson } from './wire-json.ts';

/** A slow consumer with this much unsent data is disconnected rather than buffered forever. */
const MAX_BUFFERED = 32 * 1024 * 1024;

interface MarketConn {
  ws: WebSocket;
  assets: Set<string>;
  custom: boolean;
}

interface UserConn {
  ws: WebSocket;
  apiKey: string | null;
  /** Condition ids; empty = all. */
  markets: Set<string>;
}

interface RtdsSub {
  topic: string;
  type: string;
  eventSlug?: string;
  marketSlug?: string;
}

interface RtdsConn {
  ws: WebSocket;
  id: string;
  subs: RtdsSub[];
}

type Levels = Map<string, string>;

export interface StreamStats {
  market: number;
  user: number;
  rtds: number;
  /** RTDS activity messages sent (one per subscriber per payload). */
  rtdsSent: number;
}

export class StreamHub {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly market = new Set<MarketConn>();
  private readonly user = new Set<UserConn>();
  private readonly rtds = new Set<RtdsConn>();
  private readonly assetSubs = new Map<string, Set<MarketConn>>();
  private readonly lastSent = new Map<string, { bids: Levels; asks: Levels }>();
  private readonly dirtyTokens = new Set<string>();
  private readonly tradedTokens = new Set<string>();
  private lastTrades: Record<string, unknown>[] = [];
  private fills: FillEvent[] = [];
  private orderEvents: OrderUpdateEvent[] = [];
  private resolved: MarketResolvedEvent[] = [];
  private created: SimEvent[] = [];
  private flushScheduled = false;
  private connSeq = 0;
  private rtdsSent = 0;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly ctx: ServerContext) {
    const sim = ctx.sim;
    this.unsubscribe.push(
      sim.onBookChange((token) => {
        if (!this.assetSubs.has(token)) return;
        this.dirtyTokens.add(token);
        this.schedule();
      }),
      sim.onFill((f) => {
        this.fills.push(f);
        this.schedule();
      }),
      sim.onOrderUpdate((e) => {
        if (this.user.size === 0) return;
        this.orderEvents.push(e);
        this.schedule();
      }),
      sim.onMarketResolved((e) => {
        this.resolved.push(e);
        this.schedule();
      }),
      sim.onMarketCreated((e) => {
        this.created.push(e);
        this.schedule();
      }),
    );
  }

  stats(): StreamStats {
    return { market: this.market.size, user: this.user.size, rtds: this.rtds.size, rtdsSent: this.rtdsSent };
  }

  /** Routes an HTTP upgrade; returns false when the path is not one of ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    const kind =
      path === '/ws/market' ? 'market' : path === '/ws/user' ? 'user' : path === '/ws/rtds' ? 'rtds' : null;
    if (kind === null) return false;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(kind, ws));
    return true;
  }

  close(): void {
    for (const u of this.unsubscribe) u();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  // ------------------------------------------------------------------ connections

  private send(ws: WebSocket, data: string): void {
    if (this.ctx.faults.silent || ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      ws.terminate();
      return;
    }
    ws.send(data);
  }

  private attach(kind: 'market' | 'user' | 'rtds', ws: WebSocket): void {
    if (kind === 'market') {
      const c: MarketConn = { ws, assets: new Set(), custom: false };
      this.market.add(c);
      ws.on('message', (data) => this.onMarketMessage(c, String(data)));
      ws.on('close', () => {
        this.market.delete(c);
        for (const a of c.assets) this.assetSubs.get(a)?.delete(c);
      });
    } else if (kind === 'user') {
      const c: UserConn = { ws, apiKey: null, markets: new Set() };
      this.user.add(c);
      ws.on('message', (data) => this.onUserMessage(c, String(data)));
      ws.on('close', () => this.user.delete(c));
    } else {
      const c: RtdsConn = { ws, id: `sim-${++this.connSeq}`, subs: [] };
      this.rtds.add(c);
      ws.on('message', (data) => this.onRtdsMessage(c, String(data)));
      ws.on('close', () => this.rtds.delete(c));
    }
    ws.on('error', () => ws.terminate());
  }

  private heartbeat(ws: WebSocket, text: string): boolean {
    const t = text.trim();
    if (t === 'PING') this.send(ws, 'PONG');
    else if (t === 'ping') this.send(ws, 'pong');
    else return false;
    return true;
  }

  private onMarketMessage(c: MarketConn, text: string): void {
    if (this.heartbeat(c.ws, text)) return;
    let msg: {
      assets_ids?: unknown;
      operation?: unknown;
      custom_feature_enabled?: unknown;
      initial_dump?: unknown;
    };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg.custom_feature_enabled === 'boolean') c.custom = msg.custom_feature_enabled;
    const ids = Array.isArray(msg.assets_ids)
      ? msg.assets_ids.filter((x): x is string => typeof x === 'string')
      : [];
    if (msg.operation === 'unsubscribe') {
      for (const a of ids) {
        c.assets.delete(a);
        this.assetSubs.get(a)?.delete(c);
      }
      return;
    }
    const fresh: BookView[] = [];
    for (const a of ids) {
      if (this.ctx.sim.marketByToken(a) === undefined || c.assets.has(a)) continue;
      c.assets.add(a);
      let set = this.assetSubs.get(a);
      if (set === undefined) {
        set = new Set();
        this.assetSubs.set(a, set);
      }
      set.add(c);
      const book = bookView(this.ctx, a);
      if (!this.lastSent.has(a)) this.lastSent.set(a, levelsOf(book));
      fresh.push(book);
    }
    if (fresh.length > 0 && msg.initial_dump !== false) {
      // The initial dump arrives as one array of book events, as production sends it.
      this.send(c.ws, wireJson(fresh.map((b) => ({ event_type: 'book', ...b }))));
    }
  }

  private onUserMessage(c: UserConn, text: string): void {
    if (this.heartbeat(c.ws, text)) return;
    let msg: {
      auth?: { apiKey?: unknown; secret?: unknown; passphrase?: unknown };
      markets?: unknown;
      operation?: unknown;
    };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    const markets = Array.isArray(msg.markets)
      ? msg.markets.filter((x): x is string => typeof x === 'string')
      : [];
    if (c.apiKey === null) {
      const a = msg.auth;
      const rec = typeof a?.apiKey === 'string' ? this.ctx.keys.get(a.apiKey) : undefined;
      if (rec === undefined || a?.secret !== rec.secret || a?.passphrase !== rec.passphrase) {
        c.ws.close(1008, 'Unauthorized/Invalid api key');
        return;
      }
      c.apiKey = rec.key;
      for (const m of markets) c.markets.add(m);
      return;
    }
    if (msg.operation === 'unsubscribe') for (const m of markets) c.markets.delete(m);
    else for (const m of markets) c.markets.add(m);
  }

  private onRtdsMessage(c: RtdsConn, text: string): void {
    if (this.heartbeat(c.ws, text)) return;
    let msg: { action?: unknown; subscriptions?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    const subs = Array.isArray(msg.subscriptions) ? msg.subscriptions : [];
    const parsed: RtdsSub[] = [];
    for (const s of subs as { topic?: unknown; type?: unknown; filters?: unknown }[]) {
      if (typeof s?.topic !== 'string') continue;
      const sub: RtdsSub = { topic: s.topic, type: typeof s.type === 'string' ? s.type : '*' };
      if (typeof s.filters === 'string' && s.filters.trim() !== '') {
        try {
          const f = JSON.parse(s.filters) as { event_slug?: unknown; market_slug?: unknown };
          if (typeof f.event_slug === 'string') sub.eventSlug = f.event_slug;
          if (typeof f.market_slug === 'string') sub.marketSlug = f.market_slug;
        } catch {
          // an unparseable filter matches nothing rather than everything
          sub.eventSlug = '\u0000';
        }
      }
      parsed.push(sub);
    }
    if (msg.action === 'unsubscribe') {
      c.subs = c.subs.filter((x) => !parsed.some((p) => p.topic === x.topic && p.type === x.type));
    } else if (msg.action === 'subscribe') {
      c.subs.push(...parsed);
    }
  }

  // ------------------------------------------------------------------ flushing

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Sends everything queued since the last flush. */
  flush(): void {
    const fills = this.fills;
    this.fills = [];
    const orders = this.orderEvents;
    this.orderEvents = [];
    for (const f of fills) this.onFillQueued(f);
    this.flushRtds(fills);
    this.flushBooks();
    this.flushUser(orders);
    this.flushLifecycle();
  }

  private onFillQueued(f: FillEvent): void {
    for (const leg of [f.taker, f.maker]) {
      if (!this.assetSubs.has(leg.asset)) continue;
      this.tradedTokens.add(leg.asset);
      this.dirtyTokens.add(leg.asset);
      if (leg === f.taker || f.maker.asset !== f.taker.asset) {
        this.lastTrades.push({
          event_type: 'last_trade_price',
          market: f.conditionId,
          asset_id: leg.asset,
          price: leg.price.toFixed(),
          size: f.size.toFixed(),
          side: f.taker.side === leg.side ? f.taker.side : leg.side,
          fee_rate_bps: String(this.ctx.sim.marketByCondition(f.conditionId)?.feeRateBps ?? 0),
          timestamp: String(f.timestamp),
          transaction_hash: f.transactionHash,
        });
      }
    }
  }

  private flushBooks(): void {
    const now = String(this.ctx.sim.now);
    for (const ev of this.lastTrades) {
      const data = wireJson(ev);
      for (const c of this.assetSubs.get(ev.asset_id as string) ?? []) this.send(c.ws, data);
    }
    this.lastTrades = [];
    for (const token of this.dirtyTokens) {
      const subs = this.assetSubs.get(token);
      if (subs === undefined || subs.size === 0) continue;
      const book = bookView(this.ctx, token);
      const next = levelsOf(book);
      const prev = this.lastSent.get(token) ?? { bids: new Map(), asks: new Map() };
      this.lastSent.set(token, next);
      const bestBid = book.bids[book.bids.length - 1]?.price ?? '0';
      const bestAsk = book.asks[book.asks.length - 1]?.price ?? '0';
      if (this.tradedTokens.has(token)) {
        const data = wireJson({ event_type: 'book', ...book });
        for (const c of subs) this.send(c.ws, data);
      } else {
        const changes: Record<string, string>[] = [];
        for (const [side, a, b] of [
          ['BUY', prev.bids, next.bids],
          ['SELL', prev.asks, next.asks],
        ] as const) {
          for (const [price, size] of b) {
            if (a.get(price) !== size)
              changes.push(change(token, price, size, side, book.hash, bestBid, bestAsk));
          }
          for (const price of a.keys()) {
            if (!b.has(price)) changes.push(change(token, price, '0', side, book.hash, bestBid, bestAsk));
          }
        }
        if (changes.length > 0) {
          const data = wireJson({
            event_type: 'price_change',
            market: book.market,
            timestamp: now,
            price_changes: changes,
          });
          for (const c of subs) this.send(c.ws, data);
        }
      }
      const bba = wireJson({
        event_type: 'best_bid_ask',
        market: book.market,
        asset_id: token,
        best_bid: bestBid,
        best_ask: bestAsk,
        spread: book.bids.length > 0 && book.asks.length > 0 ? spreadOf(bestBid, bestAsk) : '',
        timestamp: now,
      });
      for (const c of subs) if (c.custom) this.send(c.ws, bba);
    }
    this.dirtyTokens.clear();
    this.tradedTokens.clear();
  }

  private flushRtds(fills: FillEvent[]): void {
    if (this.rtds.size === 0 || fills.length === 0) return;
    const byTrade = new Map<string, FillEvent[]>();
    for (const f of fills) {
      const list = byTrade.get(f.tradeId);
      if (list === undefined) byTrade.set(f.tradeId, [f]);
      else list.push(f);
    }
    const conns = [...this.rtds].filter((c) => c.subs.some((s) => s.topic === 'activity'));
    if (conns.length === 0) return;
    for (const f of fills) {
      for (const leg of [f.taker, f.maker]) this.publishActivity(conns, 'trades', f, leg, f.size, leg.price);
    }
    for (const list of byTrade.values()) {
      const first = list[0] as FillEvent;
      let size = first.size;
      let notional = first.taker.usdcSize;
      for (let i = 1; i < list.length; i++) {
        size = size.plus((list[i] as FillEvent).size);
        notional = notional.plus((list[i] as FillEvent).taker.usdcSize);
      }
      const price = notional.div(size).toDecimalPlaces(6);
      this.publishActivity(conns, 'orders_matched', first, first.taker, size, price);
    }
  }

  private publishActivity(
    conns: RtdsConn[],
    type: 'trades' | 'orders_matched',
    f: FillEvent,
    leg: LegEvent,
    size: Decimal,
    price: Decimal,
  ): void {
    const targets = conns.filter((c) =>
      c.subs.some(
        (s) =>
          s.topic === 'activity' &&
          (s.type === '*' || s.type === type) &&
          (s.eventSlug === undefined || s.eventSlug === f.eventSlug) &&
          (s.marketSlug === undefined || s.marketSlug === f.slug),
      ),
    );
    if (targets.length === 0) return;
    const w = this.ctx.sim.wallet(leg.wallet);
    const payload = wireJson({
      asset: leg.asset,
      bio: '',
      conditionId: f.conditionId,
      eventSlug: f.eventSlug,
      icon: f.icon,
      name: w?.name ?? '',
      outcome: leg.outcome,
      outcomeIndex: leg.outcomeIndex,
      price,
      profileImage: '',
      proxyWallet: leg.wallet,
      pseudonym: w?.pseudonym ?? '',
      side: leg.side,
      size,
      slug: f.slug,
      timestamp: Math.floor(f.timestamp / 1000),
      title: f.title,
      transactionHash: f.transactionHash,
    });
    const head = `{"topic":"activity","type":"${type}","timestamp":${f.timestamp},"payload":${payload},"connection_id":"`;
    for (const c of targets) {
      this.send(c.ws, `${head}${c.id}"}`);
      this.rtdsSent++;
    }
  }

  private flushUser(orders: OrderUpdateEvent[]): void {
    const trades = this.ctx.trades.drain();
    if (this.user.size === 0) return;
    const now = this.ctx.sim.now;
    for (const e of orders) {
      const o = e.order;
      const status = o.status.startsWith('CANCELED') ? 'CANCELED' : o.status;
      const data = wireJson({
        event_type: 'order',
        id: o.id,
        owner: o.owner,
        market: o.market,
        asset_id: o.asset_id,
        side: o.side,
        order_owner: o.owner,
        original_size: o.original_size,
        size_matched: o.size_matched,
        price: o.price,
        associate_trades: o.associate_trades,
        outcome: o.outcome,
        type: e.kind,
        created_at: String(o.created_at),
        expiration: o.expiration,
        order_type: o.order_type,
        status,
        maker_address: o.maker_address,
        timestamp: String(now),
      });
      for (const c of this.user) {
        if (c.apiKey === o.owner && (c.markets.size === 0 || c.markets.has(o.market))) this.send(c.ws, data);
      }
    }
    for (const t of trades) this.sendTrade(t, now);
  }

  private sendTrade(t: TradeRecord, now: number): void {
    const keys = new Set([t.takerKey, ...t.makerKeys].filter((k) => k !== ''));
    for (const c of this.user) {
      if (c.apiKey === null || !keys.has(c.apiKey)) continue;
      if (c.markets.size > 0 && !c.markets.has(t.market)) continue;
      // The trade's lifecycle, reported at once: the simulator settles instantly.
      for (const status of ['MATCHED', 'MINED', 'CONFIRMED']) {
        const v = tradeView(t, c.apiKey, status);
        this.send(
          c.ws,
          wireJson({ event_type: 'trade', ...v, trade_owner: c.apiKey, timestamp: String(now) }),
        );
      }
    }
  }

  private flushLifecycle(): void {
    const resolved = this.resolved;
    this.resolved = [];
    const created = this.created;
    this.created = [];
    for (const e of resolved) {
      const data = wireJson({
        event_type: 'market_resolved',
        id: e.market.id,
        question: e.market.question,
        market: e.conditionId,
        slug: e.market.slug,
        assets_ids: e.market.clobTokenIds,
        outcomes: e.market.outcomes,
        winning_asset_id: e.winningAssetId,
        winning_outcome: e.winningOutcome,
        timestamp: String(e.timestamp),
      });
      const targets = new Set<MarketConn>();
      for (const a of e.market.clobTokenIds) for (const c of this.assetSubs.get(a) ?? []) targets.add(c);
      for (const c of targets) if (c.custom) this.send(c.ws, data);
    }
    for (const ev of created) {
      for (const m of ev.markets) {
        const data = wireJson({
          event_type: 'new_market',
          id: m.id,
          question: m.question,
          market: m.conditionId,
          slug: m.slug,
          description: m.description,
          assets_ids: m.clobTokenIds,
          outcomes: m.outcomes,
          event_message: { id: ev.id, slug: ev.slug, title: ev.title },
          timestamp: String(this.ctx.sim.now),
        });
        for (const c of this.market) if (c.custom) this.send(c.ws, data);
      }
    }
  }
}

function levelsOf(b: BookView): { bids: Levels; asks: Levels } {
  return {
    bids: new Map(b.bids.map((l) => [l.price, l.size])),
    asks: new Map(b.asks.map((l) => [l.price, l.size])),
  };
}

function change(
  asset: string,
  price: string,
  size: string,
  side: 'BUY' | 'SELL',
  hash: string,
  bestBid: string,
  bestAsk: string,
): Record<string, string> {
  return { asset_id: asset, price, size, side, hash, best_bid: bestBid, best_ask: bestAsk };
}

function spreadOf(bid: string, ask: string): string {
  // Prices have at most 4 decimals: integer arithmetic on 1e4 units is exact.
  const units = (s: string): bigint => {
    const [i, f = ''] = s.split('.');
    return BigInt(i as string) * 10_000n + BigInt((f + '0000').slice(0, 4));
  };
  const d = units(ask) - units(bid);
  const neg = d < 0n;
  const a = neg ? -d : d;
  const frac = (a % 10_000n).toString().padStart(4, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${a / 10_000n}${frac === '' ? '' : `.${frac}`}`;
}
