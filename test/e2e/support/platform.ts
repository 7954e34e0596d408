// The whole platform for the browser tests: `startPlatform` (API serving web/dist, the copy worker,
// the leader-fill detector and the in-process simulator) on a fresh database cloned from the
// migrated template. The scheduler role is left out so the leaderboard figures the test seeds are
// not recomputed under it. A "leader" is a wallet the test controls on the simulator's CLOB.
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startPlatform, type RunningPlatform } from '../../../src/app/platform.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import {
  hostsFromSimulatorEndpoints,
  PolymarketVenue,
  type PolymarketHosts,
} from '../../../src/venue/polymarket/polymarket-venue.ts';
import { SignatureType } from '../../../src/venue/polymarket/order-struct.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { freePort } from '../../support/free-port.ts';

export interface E2EPlatform {
  url: string;
  sim: string;
  hosts: PolymarketHosts;
  t: TestDatabase;
  platform: RunningPlatform;
  stop(): Promise<void>;
}

export async function startE2EPlatform(env: Record<string, string> = {}): Promise<E2EPlatform> {
  const t = await createTestDatabase();
  // The refresh cookie is honoured only from PUBLIC_URL's origin: the port is known up front.
  const port = await freePort();
  const config = loadConfig({
    DATABASE_URL: t.url,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SIMULATOR_PORT: '0',
    SIMULATOR_HISTORY_DAYS: '0',
    // Frozen simulated time: only the test's leader trades, so every copy is known in advance.
    SIMULATOR_SPEED: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ROLES: 'api,ingest,worker',
    REDIS_URL: '',
    // One browser signs in and refreshes many times from one address.
    RATE_LIMIT_AUTH_PER_IP: '1000',
    RATE_LIMIT_PER_IP: '10000',
    RATE_LIMIT_PER_USER: '10000',
    ...env,
  });
  const platform = await startPlatform(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  const sim = platform.simulatorUrl!;
  const endpoints = (await (await fetch(`${sim}/sim/endpoints`)).json()) as Parameters<
    typeof hostsFromSimulatorEndpoints
  >[0];
  return {
    url: platform.url,
    sim,
    hosts: hostsFromSimulatorEndpoints(endpoints),
    t,
    platform,
    stop: async () => {
      await platform.stop('test');
      await t.drop();
    },
  };
}

async function control<T>(sim: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface Leader {
  address: string;
  venue: PolymarketVenue;
}

/** A funded wallet with CLOB credentials on the platform's simulator. */
export async function newLeader(p: E2EPlatform): Promise<Leader> {
  const signer = privateKeyToAccount(generatePrivateKey());
  const credentials = await PolymarketVenue.createOrDeriveCredentials({
    clobHost: p.hosts.clob,
    chainId: 137,
    signer,
  });
  const venue = new PolymarketVenue({
    hosts: p.hosts,
    chainId: 137,
    credentials,
    signer,
    signatureType: SignatureType.EOA,
  });
  await control(p.sim, 'POST', '/sim/fund', { address: signer.address, pusd: '10000' });
  return { address: signer.address.toLowerCase(), venue };
}

interface SimMarket {
  conditionId: string;
  negRisk: boolean;
  closed: boolean;
  tickSize: string;
  question?: string;
  tokens: { tokenId: string; outcome: string }[];
}

/** A binary market with a deep book set by the test: asks at 0.50, bids at 0.48. */
export async function preparedMarket(p: E2EPlatform): Promise<{ conditionId: string; tokenId: string }> {
  const markets = await control<SimMarket[]>(p.sim, 'GET', '/sim/markets?active=true');
  const m = markets.find((x) => !x.negRisk && !x.closed && x.tickSize === '0.01' && x.tokens.length === 2);
  if (!m) throw new Error('the simulator has no suitable market');
  const tokenId = m.tokens[0]!.tokenId;
  const level = (price: string, size: string) => ({ price, size });
  await control(p.sim, 'POST', '/sim/book', {
    tokenId,
    bids: [level('0.48', '5000')],
    asks: [level('0.50', '5000'), level('0.51', '5000')],
  });
  return { conditionId: m.conditionId, tokenId };
}

/** The leader buys `amount` pUSD of the token (a FOK taking the asks), at the wall clock's time. */
export async function leaderBuys(
  p: E2EPlatform,
  leader: Leader,
  tokenId: string,
  amount: string,
): Promise<void> {
  const { now } = await control<{ now: number }>(p.sim, 'GET', '/sim/clock');
  const behind = Date.now() - now;
  if (behind > 0) await control(p.sim, 'POST', '/sim/advance', { ms: behind });
  const r = await leader.venue.placeOrder({
    clientOrderId: `e2e-leader-${Date.now()}`,
    tokenId,
    side: 'BUY',
    orderType: 'FOK',
    price: new Decimal('0.55'),
    amount: new Decimal(amount),
    signedAtMs: Date.now(),
  });
  if (!r.filledSize.gt(0)) throw new Error(`the leader's BUY did not fill: ${r.status}`);
}

/** Leaderboard rows: traders with their figures, as the analytics job would have written them. */
export async function seedTraders(
  p: E2EPlatform,
  rows: Array<{
    wallet: string;
    name: string;
    pnl7d: string;
    totalPnl: string;
    trades: number;
    winRate: string;
    followers?: number;
    /** trader_metrics: the 30-day P&L and the market categories (the leaderboard's filters). */
    pnl30d?: string;
    categories?: string[];
  }>,
): Promise<void> {
  await p.t.db
    .insertInto('traders')
    .values(
      rows.map((r) => ({
        wallet_address: r.wallet,
        display_name: r.name,
        pnl_7d: r.pnl7d,
        pnl_7d_percent: new Decimal(r.pnl7d).div(10).toFixed(4),
        total_pnl: r.totalPnl,
        total_pnl_percent: new Decimal(r.totalPnl).div(10).toFixed(4),
        total_volume_usd: new Decimal(r.trades).times(50).toFixed(2),
        total_trades: r.trades,
        win_rate: r.winRate,
        sharpe_ratio: '1.2500',
        max_drawdown: '8.5000',
        follower_count: r.followers ?? 0,
        is_active: true,
        last_trade_at: new Date(),
      })),
    )
    .onConflict((oc) =>
      oc.column('wallet_address').doUpdateSet({ display_name: (eb) => eb.ref('excluded.display_name') }),
    )
    .execute();
  const metrics = rows.filter((r) => r.pnl30d !== undefined || r.categories !== undefined);
  if (metrics.length === 0) return;
  await p.t.db
    .insertInto('trader_metrics')
    .values(
      metrics.map((r) => ({
        wallet_address: r.wallet,
        pnl_30d: r.pnl30d ?? '0',
        pnl_30d_percent: new Decimal(r.pnl30d ?? '0').div(10).toFixed(4),
        categories: r.categories ?? [],
      })),
    )
    .execute();
}
