// Starts the simulator server in-process and builds a PolymarketVenue against it the way a real
// deployment would: hosts from /sim/endpoints, API credentials from an L1 create/derive, funds
// through the control API. Each `newAccount()` is a fresh random key, so accounts start empty.
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { Decimal } from '../../../../src/domain/money.ts';
import { startSimulatorServer, type SimulatorServer } from '../../../../src/simulator/server/index.ts';
import {
  PolymarketVenue,
  hostsFromSimulatorEndpoints,
  type PolymarketCredentials,
  type PolymarketHosts,
  type PolymarketVenueOptions,
} from '../../../../src/venue/polymarket/polymarket-venue.ts';
import { SignatureType } from '../../../../src/venue/polymarket/order-struct.ts';
import type { ContractLevel } from '../../../contract/venue-contract.ts';

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

export interface SimAccount {
  signer: PrivateKeyAccount;
  credentials: PolymarketCredentials;
  venue: PolymarketVenue;
}

export class SimHarness {
  private constructor(
    readonly server: SimulatorServer,
    readonly hosts: PolymarketHosts,
  ) {}

  static async start(options: { seed?: number } = {}): Promise<SimHarness> {
    const server = await startSimulatorServer({ port: 0, seed: options.seed ?? 7, speed: 0 });
    const endpoints = (await (await fetch(`${server.url}/sim/endpoints`)).json()) as Parameters<
      typeof hostsFromSimulatorEndpoints
    >[0];
    return new SimHarness(server, hostsFromSimulatorEndpoints(endpoints));
  }

  get url(): string {
    return this.server.url;
  }

  async control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** A binary, non-neg-risk market on a cent tick with a 5-share minimum (the contract's needs). */
  async binaryMarket(index = 0): Promise<SimMarketSummary> {
    const markets = await this.control<SimMarketSummary[]>('GET', '/sim/markets?active=true');
    const fit = markets.filter(
      (m) =>
        !m.negRisk && !m.closed && m.tickSize === '0.01' && m.minOrderSize === '5' && m.tokens.length === 2,
    );
    const m = fit[index];
    if (!m) throw new Error('the simulator has no suitable binary market');
    return m;
  }

  async newAccount(overrides: Partial<PolymarketVenueOptions> = {}): Promise<SimAccount> {
    const signer = privateKeyToAccount(generatePrivateKey());
    const credentials = await PolymarketVenue.createOrDeriveCredentials({
      clobHost: this.hosts.clob,
      chainId: 137,
      signer,
    });
    const venue = new PolymarketVenue({
      hosts: this.hosts,
      chainId: 137,
      credentials,
      signer,
      signatureType: SignatureType.EOA,
      ...overrides,
    });
    return { signer, credentials, venue };
  }

  async fund(address: string, pusd: Decimal): Promise<void> {
    await this.control('POST', '/sim/fund', { address, pusd: pusd.toFixed() });
  }

  async setBook(
    tokenId: string,
    book: { bids: readonly ContractLevel[]; asks: readonly ContractLevel[] },
  ): Promise<void> {
    const level = ([price, size]: ContractLevel) => ({ price, size });
    await this.control('POST', '/sim/book', {
      tokenId,
      bids: book.bids.map(level),
      asks: book.asks.map(level),
    });
  }

  async faults(patch: Record<string, unknown>): Promise<void> {
    await this.control('POST', '/sim/faults', patch);
  }

  async ledger(
    apiKey: string,
  ): Promise<{ orderHash: string; accepted: boolean; responseDropped: boolean }[]> {
    return this.control('GET', `/sim/ledger?apiKey=${encodeURIComponent(apiKey)}`);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
