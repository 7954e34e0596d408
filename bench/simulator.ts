// Simulator benchmarks, against a simulator in its own process (as deployed: `polycopy simulator`):
//  (a) signed orders accepted per second through HTTP, with L2 HMAC and EIP-712 signature
//      verification on every order: N orders pre-signed by a few wallets, posted with concurrency;
//  (b) RTDS fan-out: K websocket subscribers on the activity stream while the synthetic market runs
//      fast; messages delivered per second (and none lost), and delivery latency measured with
//      probe orders: from just before POST /order to the subscriber receiving its fill.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { WebSocket } from 'ws';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { buildL1Headers } from '../src/venue/polymarket/l1-auth.ts';
import { buildL2Headers, type ApiCredentials } from '../src/venue/polymarket/l2-auth.ts';
import { serializePostOrderBodyV2 } from '../src/venue/polymarket/order-body.ts';
import { createLimitOrderV2, createMarketOrderV2 } from '../src/venue/polymarket/order-signing.ts';

export interface SimulatorBenchOptions {
  orders?: number;
  wallets?: number;
  concurrency?: number;
  subscribers?: number;
  fanoutSeconds?: number;
  /** Simulated seconds per real second during the fan-out run. */
  speed?: number;
  probesPerSecond?: number;
}

export interface SimulatorBenchResult {
  orders: {
    n: number;
    wallets: number;
    concurrency: number;
    signSeconds: number;
    seconds: number;
    ordersPerSec: number;
    accepted: number;
    p50Ms: number;
    p99Ms: number;
  };
  fanout: {
    subscribers: number;
    seconds: number;
    speed: number;
    delivered: number;
    deliveredPerSec: number;
    perSubscriberPerSec: number;
    sentByServer: number;
    lost: number;
    probes: number;
    latencyP50Ms: number;
    latencyP99Ms: number;
  };
}

interface Wallet {
  account: PrivateKeyAccount;
  creds: ApiCredentials;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, i)] as number) * 100) / 100;
}

async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [resolve('bin/polycopy.mjs'), 'simulator', '--port', '0', '--speed', '0', '--seed', '1'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((ok, fail) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line !== undefined) ok((JSON.parse(line) as { simulator: string }).simulator);
    });
    child.once('exit', (code) => fail(new Error(`simulator exited with ${code}`)));
  });
  return { child, url };
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  const text = await r.text();
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${url} → ${r.status} ${text}`);
  return JSON.parse(text) as T;
}

const postJson = <T>(url: string, body: unknown): Promise<T> =>
  call<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function wallet(url: string, i: number): Promise<Wallet> {
  const account = privateKeyToAccount(`0x${(0xbe7c0000n + BigInt(i)).toString(16).padStart(64, '0')}`);
  const h = await buildL1Headers({ signer: account });
  const k = await call<{ apiKey: string; secret: string; passphrase: string }>(`${url}/auth/api-key`, {
    method: 'POST',
    headers: { ...h },
  });
  await postJson(`${url}/sim/fund`, { address: account.address, pusd: '1000000' });
  return { account, creds: { key: k.apiKey, secret: k.secret, passphrase: k.passphrase } };
}

async function postSigned(url: string, w: Wallet, body: string): Promise<{ ok: boolean; ms: number }> {
  const headers = buildL2Headers({
    address: w.account.address,
    credentials: w.creds,
    method: 'POST',
    requestPath: '/order',
    body,
  });
  const t0 = performance.now();
  const r = await fetch(`${url}/order`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
  const res = (await r.json()) as { success?: boolean };
  return { ok: r.ok && res.success === true, ms: performance.now() - t0 };
}

interface MarketRow {
  conditionId: string;
  negRisk: boolean;
  tickSize: string;
  tokens: { tokenId: string }[];
}

export async function benchSimulator(opts: SimulatorBenchOptions = {}): Promise<SimulatorBenchResult> {
  const n = opts.orders ?? 3000;
  const nWallets = opts.wallets ?? 6;
  const concurrency = opts.concurrency ?? 32;
  const k = opts.subscribers ?? 50;
  const fanoutSeconds = opts.fanoutSeconds ?? 8;
  const speed = opts.speed ?? 600;
  const probeRate = opts.probesPerSecond ?? 10;

  const { child, url } = await startChild();
  try {
    const markets = await call<MarketRow[]>(`${url}/sim/markets?active=true`);
    const m = markets.find((x) => x.tickSize === '0.01' && !x.negRisk);
    if (m === undefined) throw new Error('no cent-tick binary market');
    const token = (m.tokens[0] as { tokenId: string }).tokenId;
    await postJson(`${url}/sim/book`, { tokenId: token, bids: [], asks: [{ price: '0.9', size: '1000' }] });
    const wallets = await Promise.all(Array.from({ length: nWallets }, (_, i) => wallet(url, i)));

    // ---- (a) pre-sign, then post with concurrency
    const s0 = performance.now();
    const bodies: { w: Wallet; body: string }[] = [];
    for (let i = 0; i < n; i++) {
      const w = wallets[i % nWallets] as Wallet;
      const order = await createLimitOrderV2({
        signer: w.account,
        tokenId: token,
        side: 'BUY',
        price: `0.${String(1 + (i % 20)).padStart(2, '0')}`,
        size: '5',
        tickSize: '0.01',
        negRisk: false,
      });
      bodies.push({ w, body: serializePostOrderBodyV2(order, { owner: w.creds.key, orderType: 'GTC' }) });
    }
    const signSeconds = (performance.now() - s0) / 1000;
    const lat: number[] = [];
    let accepted = 0;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const i = next++;
          if (i >= bodies.length) return;
          const b = bodies[i] as { w: Wallet; body: string };
          const r = await postSigned(url, b.w, b.body);
          lat.push(r.ms);
          if (r.ok) accepted++;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    lat.sort((a, b) => a - b);

    // ---- (b) RTDS fan-out while the market runs at `speed`
    const probe = wallets[0] as Wallet;
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let delivered = 0;
    let fills = 0;
    const socks = await Promise.all(
      Array.from(
        { length: k },
        (_, idx) =>
          new Promise<WebSocket>((ok, fail) => {
            const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/rtds`);
            ws.once('open', () => {
              ws.send(
                JSON.stringify({
                  action: 'subscribe',
                  subscriptions: [{ topic: 'activity', type: 'trades' }],
                }),
              );
              ok(ws);
            });
            ws.once('error', fail);
            const probeAddr = probe.account.address.toLowerCase();
            ws.on('message', (d) => {
              const text = String(d);
              if (!text.startsWith('{')) return;
              delivered++;
              if (idx === 0) fills++;
              if (text.includes(probeAddr)) {
                const msg = JSON.parse(text) as { payload: { transactionHash: string; proxyWallet: string } };
                const t = sentAt.get(msg.payload.transactionHash);
                if (t !== undefined && msg.payload.proxyWallet === probeAddr)
                  latencies.push(performance.now() - t);
              }
            });
          }),
      ),
    );
    const before = await call<{ rtdsSent: number }>(`${url}/sim/streams`);
    await postJson(`${url}/sim/speed`, { speed });
    const fStart = performance.now();
    let probes = 0;
    const probeTimer = setInterval(() => {
      void (async () => {
        const o = await createMarketOrderV2({
          signer: probe.account,
          tokenId: token,
          side: 'BUY',
          amount: '2',
          price: '0.99',
          tickSize: '0.01',
          negRisk: false,
        });
        const body = serializePostOrderBodyV2(o, { owner: probe.creds.key, orderType: 'FAK' });
        const headers = buildL2Headers({
          address: probe.account.address,
          credentials: probe.creds,
          method: 'POST',
          requestPath: '/order',
          body,
        });
        const t = performance.now();
        const r = await fetch(`${url}/order`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        });
        const res = (await r.json()) as { transactionsHashes?: string[] };
        const tx = res.transactionsHashes?.[0];
        if (tx !== undefined) {
          sentAt.set(tx, t);
          probes++;
        }
      })();
    }, 1000 / probeRate);
    await new Promise((r) => setTimeout(r, fanoutSeconds * 1000));
    clearInterval(probeTimer);
    await postJson(`${url}/sim/speed`, { speed: 0 });
    await new Promise((r) => setTimeout(r, 500));
    const fSeconds = (performance.now() - fStart) / 1000;
    const after = await call<{ rtdsSent: number }>(`${url}/sim/streams`);
    for (const ws of socks) ws.close();
    latencies.sort((a, b) => a - b);
    const sent = after.rtdsSent - before.rtdsSent;

    return {
      orders: {
        n,
        wallets: nWallets,
        concurrency,
        signSeconds: Math.round(signSeconds * 100) / 100,
        seconds: Math.round(seconds * 100) / 100,
        ordersPerSec: Math.round(n / seconds),
        accepted,
        p50Ms: pct(lat, 50),
        p99Ms: pct(lat, 99),
      },
      fanout: {
        subscribers: k,
        seconds: Math.round(fSeconds * 100) / 100,
        speed,
        delivered,
        deliveredPerSec: Math.round(delivered / fSeconds),
        perSubscriberPerSec: Math.round(fills / fSeconds),
        sentByServer: sent,
        lost: sent - delivered,
        probes,
        latencyP50Ms: pct(latencies, 50),
        latencyP99Ms: pct(latencies, 99),
      },
    };
  } finally {
    child.kill('SIGTERM');
  }
}

export const machine = (): { cpus: number; cpu: string; node: string } => ({
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? '',
  node: process.version,
});
