// The simulator for the analytics tests, in-process over loopback: a frozen clock (only the test
// moves it), a test-sized population, the public market data and Data API clients the platform
// uses, and leader wallets the test controls (they trade on the simulator's CLOB against books the
// test sets, so every fill's price, size and transaction are known).
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { createLogger } from '../../../src/observability/logger.ts';
import { startSimulatorServer, type SimulatorServer } from '../../../src/simulator/server/index.ts';
import type { SimulationConfig } from '../../../src/simulator/simulation.ts';
import {
  hostsFromSimulatorEndpoints,
  PolymarketVenue,
  type PolymarketHosts,
} from '../../../src/venue/polymarket/polymarket-venue.ts';
import { SignatureType } from '../../../src/venue/polymarket/order-struct.ts';

export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export const DAY_MS = 86_400_000;

/** The population of test/unit/simulator/simulation.test.ts: small enough to simulate days fast. */
export const SMALL_POPULATION: Partial<SimulationConfig> = {
  binaryMarkets: 10,
  negRiskEvents: 1,
  outcomesPerEvent: [3, 4],
  marketMakers: 3,
  makersPerMarket: 2,
  requoteMeanMs: 15 * 60_000,
  traders: { informed: 20, noise: 30, whale: 3, flipper: 8, 'multi-fill': 6 },
  walkIntervalMs: 5 * 60_000,
};

export interface SimMarketSummary {
  conditionId: string;
  slug: string;
  negRisk: boolean;
  tickSize: string;
  minOrderSize: string;
  feeRateBps: number;
  closed: boolean;
  tokens: { tokenId: string; outcome: string }[];
}

export class AnalyticsSim {
  private constructor(
    readonly server: SimulatorServer,
    readonly hosts: PolymarketHosts & { rtds: string },
    readonly marketData: PolymarketVenue,
  ) {}

  static async start(opts: {
    seed: number;
    startTime: number;
    simulationConfig?: Partial<SimulationConfig>;
    /** Days simulated before startTime, before the server serves (Simulation.runHistory). */
    historyDays?: number;
  }): Promise<AnalyticsSim> {
    const server = await startSimulatorServer({
      port: 0,
      seed: opts.seed,
      speed: 0,
      startTime: opts.startTime,
      ...(opts.historyDays !== undefined ? { historyDays: opts.historyDays } : {}),
      ...(opts.simulationConfig ? { simulationConfig: opts.simulationConfig } : {}),
    });
    const endpoints = (await (await fetch(`${server.url}/sim/endpoints`)).json()) as Parameters<
      typeof hostsFromSimulatorEndpoints
    >[0] & { ws: { rtds: string } };
    const hosts = { ...hostsFromSimulatorEndpoints(endpoints), rtds: endpoints.ws.rtds };
    return new AnalyticsSim(server, hosts, PolymarketVenue.marketData({ hosts, chainId: 137 }));
  }

  get dataApi() {
    return this.marketData.data;
  }

  async control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.server.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  async now(): Promise<number> {
    return (await this.control<{ now: number }>('GET', '/sim/clock')).now;
  }

  async advance(ms: number): Promise<number> {
    return (await this.control<{ now: number }>('POST', '/sim/advance', { ms })).now;
  }

  /** Moves simulated time up to the wall clock (fills then carry current timestamps). */
  async syncClock(): Promise<void> {
    const behind = Date.now() - (await this.now());
    if (behind > 0) await this.advance(behind);
  }

  async binaryMarkets(): Promise<SimMarketSummary[]> {
    const markets = await this.control<SimMarketSummary[]>('GET', '/sim/markets?active=true');
    return markets.filter((m) => !m.negRisk && !m.closed && m.tickSize === '0.01' && m.tokens.length === 2);
  }

  async fund(address: string, pusd: string): Promise<void> {
    await this.control('POST', '/sim/fund', { address, pusd });
  }

  /** Replaces the token's book: levels as [price, size]; repeated levels are separate orders. */
  async setBook(tokenId: string, bids: [string, string][], asks: [string, string][]): Promise<void> {
    const level = ([price, size]: [string, string]) => ({ price, size });
    await this.control('POST', '/sim/book', { tokenId, bids: bids.map(level), asks: asks.map(level) });
  }

  async resolve(tokenId: string): Promise<void> {
    await this.control('POST', '/sim/resolve', { tokenId });
  }

  async traders(): Promise<{ address: string; style: string; name: string; pseudonym: string }[]> {
    return this.control('GET', '/sim/traders');
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

export interface Leader {
  address: string;
  signer: PrivateKeyAccount;
  venue: PolymarketVenue;
}

export async function newLeader(sim: AnalyticsSim, pusd = '100000'): Promise<Leader> {
  const signer = privateKeyToAccount(generatePrivateKey());
  const creds = await PolymarketVenue.createOrDeriveCredentials({
    clobHost: sim.hosts.clob,
    chainId: 137,
    signer,
  });
  const venue = new PolymarketVenue({
    hosts: sim.hosts,
    chainId: 137,
    credentials: creds,
    signer,
    signatureType: SignatureType.EOA,
  });
  await sim.fund(signer.address, pusd);
  return { address: signer.address.toLowerCase(), signer, venue };
}

/** The leader takes liquidity (FOK BUY spending `amount` pUSD / FOK SELL of `size` shares). */
export { leaderBuy as buy, leaderSell as sell } from '../engine/engine-harness.ts';

/** Polls until `check` holds. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
