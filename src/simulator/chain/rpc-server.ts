// The simulated Polygon node on the simulator's port: JSON-RPC over HTTP (`POST /rpc`, single or
// batch) and over a websocket (`/rpc`), with eth_subscribe for `newHeads` and `logs`. Faults come
// from `/sim/faults` `chain` (chain-faults.ts).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import type { Faults } from '../server/faults.ts';
import {
  blockView,
  call,
  hex,
  logView,
  matches,
  parseLogFilter,
  respond,
  RpcError,
  type LogFilter,
  type RpcRequest,
  type RpcResponse,
} from './json-rpc.ts';
import type { ChainBlock, ChainLog, SimChain } from './sim-chain.ts';

export const RPC_PATH = '/rpc';

type Subscription = { kind: 'newHeads' } | { kind: 'logs'; filter: LogFilter };

interface Conn {
  ws: WebSocket;
  subs: Map<string, Subscription>;
}

export interface ChainRpcStats {
  sockets: number;
  requests: number;
  notifications: number;
}

export class ChainRpcServer {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly conns = new Set<Conn>();
  private readonly unlisten: () => void;
  private readonly watchdog: NodeJS.Timeout;
  private subSeq = 0;
  private requests = 0;
  private notifications = 0;

  constructor(
    private readonly chain: SimChain,
    private readonly faults: Faults,
  ) {
    this.unlisten = chain.listen({
      onBlock: (b) => this.onBlock(b),
      onRemoved: (logs) => this.sendLogs(logs),
    });
    // A dropped socket is dropped at once, whatever it is doing.
    this.watchdog = setInterval(() => this.dropSocketsIfDown(), 50);
    this.watchdog.unref();
  }

  /**
   * Closes every socket while the fault is on. Also called before anything is sent: the watchdog
   * alone left a window (up to its period, longer on a loaded machine) in which a block mined just
   * after the fault was set still went out over the "dropped" socket.
   */
  private dropSocketsIfDown(): boolean {
    if (!this.faults.current.chain.socketDown) return false;
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
    return true;
  }

  stats(): ChainRpcStats {
    return { sockets: this.conns.size, requests: this.requests, notifications: this.notifications };
  }

  register(app: FastifyInstance): void {
    app.post(RPC_PATH, async (req, reply) => {
      const body = req.body as RpcRequest | RpcRequest[] | undefined;
      const fault = this.faults.forChainRequest();
      if (fault === 'rate_limited') {
        return reply
          .code(429)
          .header('content-type', 'application/json')
          .send({ jsonrpc: '2.0', id: null, error: { code: -32005, message: 'rate limit exceeded' } });
      }
      const answer = (r: RpcRequest) => this.answer(r, fault);
      const out = Array.isArray(body) ? body.map(answer) : answer(body ?? {});
      return reply.code(200).header('content-type', 'application/json').send(out);
    });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if ((req.url ?? '').split('?')[0] !== RPC_PATH) return false;
    if (this.faults.current.chain.socketDown) {
      socket.destroy();
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c: Conn = { ws, subs: new Map() };
      this.conns.add(c);
      ws.on('message', (data) => this.onMessage(c, String(data)));
      ws.on('close', () => this.conns.delete(c));
      ws.on('error', () => ws.terminate());
    });
    return true;
  }

  close(): void {
    clearInterval(this.watchdog);
    this.unlisten();
    for (const c of this.conns) c.ws.terminate();
    this.wss.close();
  }

  private answer(r: RpcRequest, fault: 'none' | 'error' | 'rate_limited'): RpcResponse {
    this.requests += 1;
    if (fault === 'error')
      return { jsonrpc: '2.0', id: r.id ?? null, error: { code: -32603, message: 'internal error' } };
    if (fault === 'rate_limited')
      return { jsonrpc: '2.0', id: r.id ?? null, error: { code: -32005, message: 'rate limit exceeded' } };
    if (typeof r.method !== 'string')
      return { jsonrpc: '2.0', id: r.id ?? null, error: { code: -32600, message: 'invalid request' } };
    const method = r.method;
    return respond(r.id, () => call(this.chain, method, r.params));
  }

  private onMessage(c: Conn, text: string): void {
    if (this.dropSocketsIfDown()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      c.ws.send(
        JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }),
      );
      return;
    }
    const one = (r: RpcRequest): RpcResponse => {
      const fault = this.faults.forChainRequest();
      if (fault !== 'none' || (r.method !== 'eth_subscribe' && r.method !== 'eth_unsubscribe'))
        return this.answer(r, fault);
      this.requests += 1;
      return respond(r.id, () =>
        r.method === 'eth_subscribe' ? this.subscribe(c, r.params) : this.unsubscribe(c, r.params),
      );
    };
    const out = Array.isArray(parsed) ? parsed.map((r) => one(r as RpcRequest)) : one(parsed as RpcRequest);
    c.ws.send(JSON.stringify(out));
  }

  private subscribe(c: Conn, p: unknown): string {
    const args = Array.isArray(p) ? p : [];
    const id = hex(BigInt(++this.subSeq) * 0x1000003n);
    if (args[0] === 'newHeads') c.subs.set(id, { kind: 'newHeads' });
    else if (args[0] === 'logs') {
      const f = args[1];
      c.subs.set(id, {
        kind: 'logs',
        filter: parseLogFilter(typeof f === 'object' && f !== null ? (f as Record<string, unknown>) : {}),
      });
    } else throw new RpcError(-32602, `unsupported subscription: ${String(args[0])}`);
    return id;
  }

  private unsubscribe(c: Conn, p: unknown): boolean {
    const id = Array.isArray(p) ? p[0] : undefined;
    return typeof id === 'string' && c.subs.delete(id);
  }

  private onBlock(b: ChainBlock): void {
    if (this.dropSocketsIfDown() || this.conns.size === 0) return;
    const { transactions: _t, ...header } = blockView(b);
    for (const c of this.conns)
      for (const [id, s] of c.subs) if (s.kind === 'newHeads') this.notify(c, id, header);
    this.sendLogs(b.logs);
  }

  private sendLogs(logs: readonly ChainLog[]): void {
    if (this.dropSocketsIfDown() || this.conns.size === 0 || logs.length === 0) return;
    for (const c of this.conns)
      for (const [id, s] of c.subs) {
        if (s.kind !== 'logs') continue;
        for (const l of logs) if (matches(s.filter, l)) this.notify(c, id, logView(l));
      }
  }

  private notify(c: Conn, subscription: string, result: unknown): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    this.notifications += 1;
    c.ws.send(
      JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result } }),
    );
  }
}
