// The chain feed: OrderFilled logs of the Polymarket exchanges over a Polygon websocket RPC, filtered
// on the watched wallets as order makers (which catches every fill of theirs in both roles, §7.3),
// caught up with eth_getLogs over HTTP from a block checkpoint after every (re)connect, restart or
// change of the watched set. Built on viem's transports (eth_subscribe, eth_getLogs); the socket's
// own reconnect is off because reconnecting here is what triggers the catch-up.
//
// Occurrence numbering (fill-key.ts) is scoped to one block (so to whole transactions), live or
// caught up: a block mined again after a reorg has a new hash, so its logs number from 0 again and
// get the keys they had. A taker's aggregate log is split into legs with the counterparty logs of
// its block (chain-legs.ts), read at once.
import { createPublicClient, http, webSocket, type Address, type Hex, type PublicClient } from 'viem';
import { OccurrenceCounter } from '../../domain/fill-key.ts';
import type { Logger } from '../../observability/logger.ts';
import {
  decodeOrderFilled,
  TOPIC0,
  type OrderFilled,
  type RawLog,
} from '../../venue/polymarket/exchange-events.ts';
import { aggregateLeg, isTakerAggregate, legsOf, type ChainLeg } from './chain-legs.ts';
import { catchUpSpan, rangeRefused, rpcErrorSummary } from './refused-ranges.ts';

export interface ChainFeedOptions {
  readonly wsUrl: string;
  /** For catch-up and counterparty reads (default: the websocket's URL with http). */
  readonly httpUrl?: string;
  /** Every exchange whose OrderFilled counts (V1, V2, neg-risk V2, ExchangeV3). */
  readonly exchanges: readonly Address[];
  readonly logger: Logger;
  readonly loadCheckpoint: () => Promise<bigint | null>;
  readonly saveCheckpoint: (block: bigint) => Promise<void>;
  /** Legs with their occurrence index, in log order; `blockTime` in epoch ms. */
  readonly onLegs: (
    legs: ReadonlyArray<ChainLeg & { occurrence: number }>,
    blockTimeMs: number,
  ) => Promise<void>;
  /** Logs a reorg removed. */
  readonly onRemoved: (logs: readonly OrderFilled[]) => Promise<void>;
  /** Blocks a first start (no checkpoint) reads back; default 30 (~1 min). */
  readonly initialLookbackBlocks?: number;
  /** The furthest back a catch-up reaches; older gaps are the Data API's. Default 1800 (~1 h). */
  readonly maxCatchUpBlocks?: number;
  /** Blocks per eth_getLogs call; default 500. */
  readonly logsRange?: number;
  /** No new head for this long means a stalled provider: reconnect. Default 15 s. */
  readonly headTimeoutMs?: number;
  readonly reconnectDelayMs?: number;
}

export interface ChainFeedState {
  readonly connected: boolean;
  /** Epoch ms of the last head or log received. */
  readonly lastMessageAt: number | null;
  readonly head: bigint | null;
  /** Epoch ms of the head block's timestamp. */
  readonly headTimeMs: number | null;
  /** Epoch ms since when the socket has been down or still connecting; null while connected. */
  readonly downSince: number | null;
  readonly reconnects: number;
  readonly catchUps: number;
}

const FILLED_TOPICS: Hex[] = [TOPIC0.orderFilledV1, TOPIC0.orderFilledV2];
const pad32 = (a: string): Hex => `0x${a.slice(2).toLowerCase().padStart(64, '0')}`;
const hexToBig = (v: unknown): bigint | null =>
  typeof v === 'string' ? BigInt(v) : typeof v === 'bigint' ? v : null;

/** A log as JSON-RPC sends it (hex quantities) to the shape the decoder reads. */
export function rawLog(l: Record<string, unknown>): RawLog {
  return {
    address: String(l.address),
    topics: (l.topics as Hex[]) ?? [],
    data: l.data as Hex,
    blockNumber: hexToBig(l.blockNumber),
    blockHash: (l.blockHash as string | null) ?? null,
    transactionHash: (l.transactionHash as string | null) ?? null,
    logIndex: l.logIndex == null ? null : Number(l.logIndex),
    removed: l.removed === true,
  };
}

export class ChainFeed {
  private ws: PublicClient | undefined;
  private readonly http: PublicClient;
  private wallets: string[] = [];
  private running = false;
  private connection = 0;
  /** Live occurrence counters by block hash (the newest few blocks). */
  private readonly counters = new Map<string, OccurrenceCounter>();
  private unsubscribeLogs: (() => Promise<unknown>) | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private catchingUp: Promise<void> | undefined;
  private catchUpAgain = false;
  /** A catch-up failure was logged and no pass has succeeded since (log once, then on recovery). */
  private catchUpFailing = false;
  private readonly inFlight = new Set<Promise<void>>();
  private recordedThrough: bigint | null = null;
  private live = false;
  private readonly blockTimes = new Map<string, number>();
  state: ChainFeedState = {
    connected: false,
    lastMessageAt: null,
    head: null,
    headTimeMs: null,
    downSince: null,
    reconnects: 0,
    catchUps: 0,
  };

  constructor(private readonly opts: ChainFeedOptions) {
    this.http = createPublicClient({
      transport: http(opts.httpUrl ?? opts.wsUrl.replace(/^ws/, 'http'), { retryCount: 3 }),
    });
  }

  async start(wallets: Iterable<string>): Promise<void> {
    this.running = true;
    this.wallets = [...wallets].map((w) => w.toLowerCase()).sort();
    this.state = { ...this.state, downSince: Date.now() };
    this.recordedThrough = await this.opts.loadCheckpoint();
    await this.connect();
    this.watchdog = setInterval(() => this.checkHead(), 1_000);
    this.watchdog.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.watchdog);
    clearTimeout(this.reconnectTimer);
    await this.disconnect();
    await this.catchingUp?.catch(() => undefined);
    await Promise.all(this.inFlight);
  }

  /** Keeps the log filter on the watched wallets; the gap while resubscribing is caught up. */
  async setWallets(wallets: Iterable<string>): Promise<void> {
    const next = [...wallets].map((w) => w.toLowerCase()).sort();
    if (next.join() === this.wallets.join()) return;
    this.wallets = next;
    if (!this.state.connected || !this.ws) return;
    await this.unsubscribeLogs?.().catch(() => undefined);
    await this.subscribeLogs(this.ws, this.connection);
    this.catchUp();
  }

  private async connect(): Promise<void> {
    const connection = ++this.connection;
    this.counters.clear();
    this.live = false;
    try {
      // A key per connection: viem caches sockets by URL and options.
      const ws = createPublicClient({
        transport: webSocket(this.opts.wsUrl, {
          reconnect: false,
          keepAlive: { interval: 15_000 },
          key: `chain-${connection}`,
        }),
      }) as PublicClient;
      this.ws = ws;
      const transport = ws.transport as unknown as WsTransport;
      await transport.subscribe({
        params: ['newHeads'],
        onData: (d) => this.onHead(d.result as Record<string, unknown>, connection),
        onError: (err) => this.lost(connection, err),
      });
      await this.subscribeLogs(ws, connection);
      this.state = { ...this.state, connected: true, downSince: null, lastMessageAt: Date.now() };
      this.opts.logger.info({ connection }, 'chain feed connected');
      this.catchUp();
    } catch (err) {
      this.lost(connection, err);
    }
  }

  private async subscribeLogs(ws: PublicClient, connection: number): Promise<void> {
    this.unsubscribeLogs = undefined;
    // An empty list of makers would match every fill on a real node: no subscription then.
    if (this.wallets.length === 0) return;
    const transport = ws.transport as unknown as WsTransport;
    const sub = await transport.subscribe({
      params: [
        'logs',
        { address: this.opts.exchanges, topics: [FILLED_TOPICS, null, this.wallets.map(pad32)] },
      ],
      onData: (d) => this.onLiveLog(d.result as Record<string, unknown>, connection),
      onError: (err) => this.lost(connection, err),
    });
    this.unsubscribeLogs = () => sub.unsubscribe();
  }

  private lost(connection: number, err: unknown): void {
    if (connection !== this.connection || !this.running) return;
    if (this.reconnectTimer) return;
    this.state = {
      ...this.state,
      connected: false,
      downSince: this.state.downSince ?? Date.now(),
      reconnects: this.state.reconnects + 1,
    };
    this.opts.logger.warn(
      { err: (err as Error)?.message ?? String(err) },
      'chain feed lost its socket; reconnecting, then catching up with eth_getLogs',
    );
    void this.disconnect();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.running) void this.connect();
    }, this.opts.reconnectDelayMs ?? 1_000);
  }

  private async disconnect(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    this.unsubscribeLogs = undefined;
    this.state = { ...this.state, connected: false };
    if (!ws) return;
    try {
      const client = await (ws.transport as unknown as WsTransport).getRpcClient();
      client.close();
    } catch {
      // already gone
    }
  }

  private checkHead(): void {
    const last = this.state.lastMessageAt;
    if (!this.state.connected || last === null) return;
    if (Date.now() - last > (this.opts.headTimeoutMs ?? 15_000))
      this.lost(this.connection, new Error('no new block: provider stalled'));
  }

  private onHead(h: Record<string, unknown>, connection: number): void {
    if (connection !== this.connection) return;
    const number = hexToBig(h.number);
    const ts = hexToBig(h.timestamp);
    if (number === null || ts === null) return;
    this.state = { ...this.state, head: number, headTimeMs: Number(ts) * 1000, lastMessageAt: Date.now() };
    this.blockTimes.set(String(h.hash), Number(ts) * 1000);
    if (this.blockTimes.size > 200) this.blockTimes.delete(this.blockTimes.keys().next().value!);
    // Two blocks of margin: a node may send a block's logs after its head.
    if (this.live) void this.checkpoint(number - 2n);
  }

  private async checkpoint(block: bigint): Promise<void> {
    if (this.recordedThrough !== null && block <= this.recordedThrough) return;
    await Promise.all(this.inFlight);
    this.recordedThrough = block;
    await this.opts
      .saveCheckpoint(block)
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'saving the chain checkpoint failed'));
  }

  private onLiveLog(l: Record<string, unknown>, connection: number): void {
    if (connection !== this.connection) return;
    this.state = { ...this.state, lastMessageAt: Date.now() };
    const decoded = decodeOrderFilled(rawLog(l));
    if (!decoded) return;
    const p = this.handleLive(decoded).catch((err: unknown) =>
      this.opts.logger.error({ err, tx: decoded.txHash }, 'recording a chain fill failed'),
    );
    const tracked: Promise<void> = p.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async handleLive(f: OrderFilled): Promise<void> {
    if (f.removed) return this.opts.onRemoved([f]);
    const counterparties = isTakerAggregate(f) ? await this.counterpartiesOf(f) : [];
    let counter = this.counters.get(f.blockHash);
    if (!counter) {
      this.counters.set(f.blockHash, (counter = new OccurrenceCounter()));
      if (this.counters.size > 64) this.counters.delete(this.counters.keys().next().value!);
    }
    await this.emit([f], counterparties, counter);
  }

  /** The maker orders a taker order of a watched wallet hit: logs of its block naming it as taker. */
  private async counterpartiesOf(f: OrderFilled): Promise<OrderFilled[]> {
    try {
      const logs = await this.http.request({
        method: 'eth_getLogs',
        params: [
          {
            blockHash: f.blockHash as Hex,
            address: [...this.opts.exchanges],
            topics: [FILLED_TOPICS, null, null, pad32(f.maker)],
          },
        ],
      });
      return decodeAll(logs as unknown as Record<string, unknown>[]).filter((c) => c.txHash === f.txHash);
    } catch (err) {
      this.opts.logger.warn(
        { err, tx: f.txHash },
        'reading the counterparties of a taker fill failed; recording it whole',
      );
      return [];
    }
  }

  private async emit(
    own: OrderFilled[],
    counterparties: OrderFilled[],
    counter: OccurrenceCounter,
  ): Promise<void> {
    const { legs, unsplit } = legsOf(own, counterparties);
    const all = [...legs, ...unsplit.map(aggregateLeg)];
    if (all.length === 0) return;
    const numbered = all.map((l) => ({ ...l, occurrence: counter.next(l) }));
    const time = this.blockTimes.get(all[0]!.blockHash) ?? (await this.blockTime(all[0]!.blockNumber));
    await this.opts.onLegs(numbered, time);
  }

  private async blockTime(n: bigint): Promise<number> {
    try {
      const b = await this.http.getBlock({ blockNumber: n });
      this.blockTimes.set(b.hash, Number(b.timestamp) * 1000);
      return Number(b.timestamp) * 1000;
    } catch {
      return Date.now();
    }
  }

  /** Catch-up from the checkpoint to the head; a request while one runs schedules one more pass. */
  catchUp(): void {
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return;
    }
    this.catchingUp = (async () => {
      do {
        this.catchUpAgain = false;
        try {
          await this.catchUpOnce();
          this.live = true;
          if (this.catchUpFailing) this.opts.logger.info('chain catch-up recovered');
          this.catchUpFailing = false;
        } catch (err) {
          // Said once per outage, in a line (a viem error's message repeats the whole request,
          // every watched wallet's topic: kilobytes a second while the node keeps failing).
          if (!this.catchUpFailing)
            this.opts.logger.warn(
              { err: rpcErrorSummary(err) },
              'chain catch-up failed; retrying every second',
            );
          this.catchUpFailing = true;
          await new Promise((r) => setTimeout(r, 1_000));
          this.catchUpAgain = this.running;
        }
      } while (this.catchUpAgain && this.running);
    })().finally(() => (this.catchingUp = undefined));
  }

  private async catchUpOnce(): Promise<void> {
    const head = await this.http.getBlockNumber({ cacheTime: 0 });
    const floor = head - BigInt(this.opts.maxCatchUpBlocks ?? 1_800);
    let from =
      this.recordedThrough === null
        ? head - BigInt(this.opts.initialLookbackBlocks ?? 30)
        : this.recordedThrough + 1n;
    if (from < floor) {
      this.opts.logger.warn(
        { from: from.toString(), head: head.toString() },
        'chain checkpoint too old: catching up the last maxCatchUpBlocks only (the Data API poll covers the rest)',
      );
      from = floor;
    }
    const step = BigInt(this.opts.logsRange ?? 500);
    const refused: Array<[bigint, bigint]> = [];
    for (let start = from; start <= head && this.running; start += step) {
      const end = start + step - 1n < head ? start + step - 1n : head;
      await catchUpSpan(start, end, refused, {
        read: (f, t) => this.catchUpRange(f, t),
        serves: (n) => this.serves(n),
      });
      await this.checkpoint(end);
    }
    if (refused.length > 0)
      this.opts.logger.warn(
        {
          blocks: refused.reduce((n, [a, b]) => n + Number(b - a + 1n), 0),
          from: refused[0]![0].toString(),
          to: refused.at(-1)![1].toString(),
        },
        'the chain node refused to serve these blocks (pruned, or before its history): skipped; the Data API poll covers their fills',
      );
    this.state = { ...this.state, catchUps: this.state.catchUps + 1 };
  }

  /** Whether the node answers eth_getLogs for this one block (other failures propagate). */
  private async serves(block: bigint): Promise<boolean> {
    const at = `0x${block.toString(16)}` as Hex;
    try {
      await this.http.request({
        method: 'eth_getLogs',
        params: [{ fromBlock: at, toBlock: at, address: [...this.opts.exchanges], topics: [FILLED_TOPICS] }],
      });
      return true;
    } catch (err) {
      if (rangeRefused(err)) return false;
      throw err;
    }
  }

  private async catchUpRange(from: bigint, to: bigint): Promise<void> {
    if (this.wallets.length === 0) return;
    const makers = this.wallets.map(pad32);
    const range = {
      fromBlock: `0x${from.toString(16)}` as Hex,
      toBlock: `0x${to.toString(16)}` as Hex,
      address: [...this.opts.exchanges],
    };
    const [own, counter] = await Promise.all([
      this.http.request({
        method: 'eth_getLogs',
        params: [{ ...range, topics: [FILLED_TOPICS, null, makers] }],
      }),
      this.http.request({
        method: 'eth_getLogs',
        params: [{ ...range, topics: [FILLED_TOPICS, null, null, makers] }],
      }),
    ]);
    const ownLogs = decodeAll(own as unknown as Record<string, unknown>[]).filter((l) => !l.removed);
    const counterLogs = decodeAll(counter as unknown as Record<string, unknown>[]);
    // One numbering scope per block (whole transactions), block by block in order.
    const byBlock = new Map<string, OrderFilled[]>();
    for (const l of ownLogs) {
      const list = byBlock.get(l.blockHash) ?? [];
      list.push(l);
      byBlock.set(l.blockHash, list);
    }
    for (const logs of byBlock.values())
      await this.emit(
        logs,
        counterLogs.filter((c) => c.blockHash === logs[0]!.blockHash),
        new OccurrenceCounter(),
      );
  }
}

function decodeAll(logs: Record<string, unknown>[]): OrderFilled[] {
  return logs.map((l) => decodeOrderFilled(rawLog(l))).filter((l): l is OrderFilled => l !== null);
}

/** The subscription surface of viem's webSocket transport. */
interface WsTransport {
  subscribe(args: {
    params: unknown[];
    onData: (data: { subscription: string; result: unknown }) => void;
    onError?: (err: unknown) => void;
  }): Promise<{ unsubscribe: () => Promise<unknown> }>;
  getRpcClient(): Promise<{ close(): void }>;
}
