// The Polymarket-compatible simulator server: one process, one port.
//   /                 CLOB (public, L1 key management, L2 trading and account endpoints)
//   /gamma/...        Gamma API
//   /data-api/...     Data API v1
//   /ws/market|user|rtds  websockets
//   /rpc              the simulated Polygon JSON-RPC, HTTP and websocket (src/simulator/chain)
//   /sim/...          the simulator's control API
// The Simulation is advanced by a wall-clock timer at `speed` × real time (0 = frozen).
import Fastify, { type FastifyInstance } from 'fastify';
import { contractSet, type ContractSet } from '../../venue/polymarket/contracts.ts';
import { ChainRpcServer } from '../chain/rpc-server.ts';
import { SimChain, type SimChainOptions } from '../chain/sim-chain.ts';
import { hashHex } from '../engine/prng.ts';
import { Simulation, type SimulationConfig } from '../simulation.ts';
import { ApiKeyStore } from './api-keys.ts';
import { SimClock } from './clock.ts';
import { registerClobPublic } from './clob-public.ts';
import { registerClobTrading } from './clob-trading.ts';
import { FunderRegistry, MarketStats, type Endpoints, type ServerContext } from './context.ts';
import { registerControl } from './control.ts';
import { registerDataApi } from './data-api.ts';
import { Faults } from './faults.ts';
import { registerGamma } from './gamma.ts';
import { installBodyParsers, sendError, sendJson } from './http.ts';
import { OrderHasher } from './order-hash.ts';
import { OrderLedger } from './order-ledger.ts';
import { SignatureSampler } from './signature-sampling.ts';
import { StreamHub } from './streams.ts';
import { TradeStore } from './trade-store.ts';

export interface SimulatorServerOptions {
  /** 0 = an ephemeral port (tests). Default 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 1. */
  seed?: number;
  /** Simulated ms per wall ms; 0 (default) freezes time: only `/sim/advance` moves it. */
  speed?: number;
  /** Accept V1-signed orders (verified on the V1 exchange domain) instead of `order_version_mismatch`. */
  acceptV1?: boolean;
  /**
   * Simulated start time, epoch ms. Default: the wall clock at start (to the millisecond), so
   * simulated and real time agree at speed 1. The history is a function of (seed, config)
   * shifted by it.
   */
  startTime?: number;
  /**
   * Days of market history generated before `startTime` (trades, positions, leaderboard, closed
   * markets), served by the Data API and Gamma as if it had happened. Default 0 (tests); the CLI
   * and `polycopy start` use 30. Generating a month takes a few seconds (docs/simulator.md).
   */
  historyDays?: number;
  /** Overrides of the simulation (population, markets...). `seed`/`startTime` above win. */
  simulationConfig?: Partial<SimulationConfig>;
  /** Exchange addresses / chain id orders are signed for (default Polygon mainnet, chain 137). */
  contracts?: Partial<ContractSet>;
  /** Clock timer period, ms (default 50). */
  tickMs?: number;
  /** The simulated chain (block time, blocks kept). */
  chain?: SimChainOptions;
  /**
   * Verify the EIP-712 signature of 1 order in N (default 1: every order). For throughput runs
   * only (`src/simulator/server/signature-sampling.ts`); tests keep the default.
   */
  verifySample?: number;
}

export interface SimulatorServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  endpoints: Endpoints;
  sim: Simulation;
  app: FastifyInstance;
  ctx: ServerContext;
  hub: StreamHub;
  chain: SimChain;
  close(): Promise<void>;
}

function endpointsFor(base: string): Endpoints {
  const ws = base.replace(/^http/, 'ws');
  return {
    clob: base,
    gamma: `${base}/gamma`,
    data: `${base}/data-api`,
    ws: { base: `${ws}/ws`, market: `${ws}/ws/market`, user: `${ws}/ws/user`, rtds: `${ws}/ws/rtds` },
    chain: { http: `${base}/rpc`, ws: `${ws}/rpc`, chainId: 137 },
  };
}

export async function startSimulatorServer(options: SimulatorServerOptions = {}): Promise<SimulatorServer> {
  const seed = options.seed ?? options.simulationConfig?.seed ?? 1;
  const speed = options.speed ?? 0;
  const host = options.host ?? '127.0.0.1';
  // The wall clock when the simulated clock starts: at speed 1 simulated time is wall time from
  // here on, however long the history below takes to generate (the clock catches up).
  const wallStart = Date.now();
  const startTime = options.startTime ?? options.simulationConfig?.startTime ?? wallStart;
  const historyMs = Math.round((options.historyDays ?? 0) * 86_400_000);
  const sim = new Simulation({ ...options.simulationConfig, seed, startTime, historyMs });
  sim.runHistory();
  const clock = new SimClock(sim, speed, options.tickMs ?? 50, Date.now, wallStart);
  const keys = new ApiKeyStore(seed);
  const contracts = contractSet(options.contracts);
  const trades = new TradeStore(sim, (owner) => keys.get(owner) !== undefined);
  const stats = new MarketStats();
  stats.seedFromHistory(sim);
  sim.onFill((f) => {
    stats.onFill(f);
    trades.onFill(f);
  });

  let baseUrl = '';
  const ctx: ServerContext = {
    sim,
    clock,
    keys,
    faults: new Faults(seed),
    ledger: new OrderLedger(),
    trades,
    funders: new FunderRegistry(),
    stats,
    acceptV1: options.acceptV1 ?? false,
    contracts,
    hasher: new OrderHasher(contracts),
    signatures: new SignatureSampler(options.verifySample ?? 1),
    bookMaker: `0x${hashHex(seed, 1, 0x626f6f6b, 20)}`,
    nowSec: () => Math.floor(Date.now() / 1000),
    endpoints: (hostHeader) => endpointsFor(hostHeader ? `http://${hostHeader}` : baseUrl),
  };

  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024, forceCloseConnections: true });
  installBodyParsers(app);
  app.setNotFoundHandler((_req, reply) => sendError(reply, 404, 'not found'));
  app.setErrorHandler((err: { statusCode?: number; message?: string }, _req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500;
    return sendError(reply, status, status === 500 ? 'Internal Server Error' : (err.message ?? 'error'));
  });
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const fault = ctx.faults.forRequest(path);
    if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.kind === 'status') {
      if (fault.retryAfter !== undefined) reply.header('Retry-After', fault.retryAfter);
      sendJson(reply, fault.status, fault.body);
      return reply;
    }
    // Catch up with the wall clock before answering, so reads see the current simulated time.
    clock.tick();
    return undefined;
  });

  const hub = new StreamHub(ctx);
  const chain = new SimChain(sim, contracts, ctx.faults, options.chain);
  const rpc = new ChainRpcServer(chain, ctx.faults);
  rpc.register(app);
  registerClobPublic(app, ctx);
  const trading = registerClobTrading(app, ctx);
  registerGamma(app, ctx);
  registerDataApi(app, ctx);
  registerControl(app, ctx, hub);

  app.server.on('upgrade', (req, socket, head) => {
    if (!rpc.handleUpgrade(req, socket, head) && !hub.handleUpgrade(req, socket, head)) socket.destroy();
  });

  await app.listen({ port: options.port ?? 8080, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : (options.port ?? 8080);
  const publicHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${publicHost}:${port}`;
  clock.start();

  let closed = false;
  return {
    url: baseUrl,
    endpoints: endpointsFor(baseUrl),
    sim,
    app,
    ctx,
    hub,
    chain,
    async close() {
      if (closed) return;
      closed = true;
      clock.stop();
      trading.close();
      hub.close();
      rpc.close();
      chain.close();
      await app.close();
    },
  };
}
