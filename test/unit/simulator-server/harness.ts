// Shared set-up for the simulator server tests: a small deterministic simulation behind a real
// HTTP server on loopback, wallets, API keys, and signed orders posted the way a client does.
import { WebSocket } from 'ws';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { Address } from 'viem';
import {
  startSimulatorServer,
  type SimulatorServer,
  type SimulatorServerOptions,
} from '../../../src/simulator/server/index.ts';
import { buildL1Headers } from '../../../src/venue/polymarket/l1-auth.ts';
import {
  buildL2Headers,
  type ApiCredentials,
  type HttpMethod,
} from '../../../src/venue/polymarket/l2-auth.ts';
import { serializePostOrderBodyV2, type OrderType } from '../../../src/venue/polymarket/order-body.ts';
import { createLimitOrderV2, createMarketOrderV2 } from '../../../src/venue/polymarket/order-signing.ts';
import type { TickSize } from '../../../src/venue/polymarket/order-amounts.ts';
import type { SimulationConfig } from '../../../src/simulator/simulation.ts';
import type { SignedOrderV2 } from '../../../src/venue/polymarket/order-struct.ts';

export const SMALL: Partial<SimulationConfig> = {
  binaryMarkets: 6,
  negRiskEvents: 1,
  outcomesPerEvent: [3, 3],
  marketMakers: 3,
  makersPerMarket: 2,
  requoteMeanMs: 10 * 60_000,
  traders: { informed: 10, noise: 20, whale: 2, flipper: 6, 'multi-fill': 4 },
  walkIntervalMs: 5 * 60_000,
};

export async function startSmall(extra: SimulatorServerOptions = {}): Promise<SimulatorServer> {
  return startSimulatorServer({
    port: 0,
    seed: 11,
    speed: 0,
    simulationConfig: SMALL,
    ...extra,
  });
}

export interface SimMarketSummary {
  conditionId: string;
  negRisk: boolean;
  tickSize: string;
  minOrderSize: string;
  feeRateBps: number;
  slug: string;
  eventSlug: string;
  closed: boolean;
  tokens: { tokenId: string; outcome: string; bestBid: string | null; bestAsk: string | null }[];
}

export async function json<T = unknown>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T }> {
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export async function post<T = unknown>(url: string, body: unknown): Promise<{ status: number; body: T }> {
  return json<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function markets(s: SimulatorServer): Promise<SimMarketSummary[]> {
  return (await json<SimMarketSummary[]>(`${s.url}/sim/markets?active=true`)).body;
}

/** An active market with the given tick and neg-risk flag (fails loudly if the seed has none). */
export async function pickMarket(
  s: SimulatorServer,
  tick: string,
  negRisk: boolean,
): Promise<SimMarketSummary> {
  const m = (await markets(s)).find((x) => x.tickSize === tick && x.negRisk === negRisk && !x.closed);
  if (m === undefined)
    throw new Error(`no ${negRisk ? 'neg-risk ' : ''}market with tick ${tick} for this seed`);
  return m;
}

/** Sets a token's whole book (all other resting orders cancelled). */
export async function setBook(
  s: SimulatorServer,
  tokenId: string,
  bids: [string, string][],
  asks: [string, string][],
): Promise<void> {
  const r = await post(`${s.url}/sim/book`, {
    tokenId,
    bids: bids.map(([price, size]) => ({ price, size })),
    asks: asks.map(([price, size]) => ({ price, size })),
  });
  if (r.status !== 200) throw new Error(`set book failed: ${JSON.stringify(r.body)}`);
}

export async function fund(s: SimulatorServer, address: string, pusd: string): Promise<void> {
  const r = await post(`${s.url}/sim/fund`, { address, pusd });
  if (r.status !== 200) throw new Error(`fund failed: ${JSON.stringify(r.body)}`);
}

let keyCounter = 1;
/** A fresh wallet (distinct deterministic keys per call). */
export function newAccount(): PrivateKeyAccount {
  const n = keyCounter++;
  return privateKeyToAccount(`0x${(0x5eed0000n + BigInt(n)).toString(16).padStart(64, '0')}`);
}

export interface Trader {
  account: PrivateKeyAccount;
  creds: ApiCredentials;
}

export async function createKey(s: SimulatorServer, account: PrivateKeyAccount, nonce = 0n): Promise<Trader> {
  const headers = await buildL1Headers({ signer: account, nonce });
  const r = await json<{ apiKey: string; secret: string; passphrase: string }>(`${s.url}/auth/api-key`, {
    method: 'POST',
    headers: { ...headers },
  });
  if (r.status !== 200) throw new Error(`create key failed: ${JSON.stringify(r.body)}`);
  return { account, creds: { key: r.body.apiKey, secret: r.body.secret, passphrase: r.body.passphrase } };
}

export async function l2<T = unknown>(
  s: SimulatorServer,
  t: Trader,
  method: HttpMethod,
  path: string,
  body?: string,
): Promise<{ status: number; body: T }> {
  const headers = buildL2Headers({
    address: t.account.address,
    credentials: t.creds,
    method,
    requestPath: path,
    ...(body !== undefined ? { body } : {}),
  });
  return json<T>(`${s.url}${path}`, {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    ...(body !== undefined ? { body } : {}),
  });
}

export interface OrderSpec {
  tokenId: string;
  side: 'BUY' | 'SELL';
  price: string;
  size: string;
  tickSize: TickSize;
  negRisk: boolean;
  maker?: Address;
  signatureType?: 0 | 1 | 2 | 3;
}

export async function limitOrder(t: Trader, o: OrderSpec): Promise<SignedOrderV2> {
  return createLimitOrderV2({
    signer: t.account,
    tokenId: o.tokenId,
    side: o.side,
    price: o.price,
    size: o.size,
    tickSize: o.tickSize,
    negRisk: o.negRisk,
    ...(o.maker !== undefined ? { maker: o.maker } : {}),
    ...(o.signatureType !== undefined ? { signatureType: o.signatureType } : {}),
  });
}

export async function marketOrder(
  t: Trader,
  o: {
    tokenId: string;
    side: 'BUY' | 'SELL';
    amount: string;
    price: string;
    tickSize: TickSize;
    negRisk: boolean;
  },
): Promise<SignedOrderV2> {
  return createMarketOrderV2({ signer: t.account, ...o });
}

export interface OrderResponse {
  success?: boolean;
  errorMsg?: string;
  orderID?: string;
  status?: string;
  makingAmount?: string;
  takingAmount?: string;
  tradeIDs?: string[];
  transactionsHashes?: string[];
  error?: string;
}

export async function postOrder(
  s: SimulatorServer,
  t: Trader,
  order: SignedOrderV2,
  orderType: OrderType = 'GTC',
  extra: { postOnly?: boolean; owner?: string } = {},
): Promise<{ status: number; body: OrderResponse }> {
  const body = serializePostOrderBodyV2(order, {
    owner: extra.owner ?? t.creds.key,
    orderType,
    ...(extra.postOnly !== undefined ? { postOnly: extra.postOnly } : {}),
  });
  return l2<OrderResponse>(s, t, 'POST', '/order', body);
}

/** A websocket client that records every text frame. */
export class WsClient {
  readonly frames: string[] = [];
  private waiters: { pred: (f: string) => boolean; resolve: (f: string) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const f = String(d);
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(f)) return true;
        w.resolve(f);
        return false;
      });
    });
  }

  static async open(url: string): Promise<WsClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new WsClient(ws);
  }

  send(v: unknown): void {
    this.ws.send(typeof v === 'string' ? v : JSON.stringify(v));
  }

  /** Resolves with the first frame (already received or future) matching `pred`. */
  waitFor(pred: (f: string) => boolean, timeoutMs = 3000): Promise<string> {
    const seen = this.frames.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; frames: ${this.frames.slice(-5).join('\n')}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  parsed(): unknown[] {
    return this.frames
      .filter((f) => f.startsWith('{') || f.startsWith('['))
      .map((f) => JSON.parse(f) as unknown);
  }

  close(): void {
    this.ws.close();
  }
}

/** Polls until `pred` holds (or throws after `timeoutMs`). */
export async function waitUntil(pred: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Round-trips a heartbeat: every message sent before it has been processed by the server. */
export async function synced(c: WsClient, ping = 'PING', pong = 'PONG'): Promise<void> {
  const before = c.frames.filter((f) => f === pong).length;
  c.send(ping);
  await waitUntil(() => c.frames.filter((f) => f === pong).length > before);
}

export const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));
