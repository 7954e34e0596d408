// The simulator's Polygon JSON-RPC: blocks every 2 s of simulated time, OrderFilled / OrdersMatched
// logs that decode with the contracts' ABI and say exactly what the Data API says about the same
// fills, websocket subscriptions, and the chain faults.
import { createPublicClient, http, webSocket, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorServer } from '../../../src/simulator/server/index.ts';
import { decodeOrderFilled, ORDER_FILLED_V2, TOPIC0 } from '../../../src/venue/polymarket/exchange-events.ts';
import { legsOf } from '../../../src/ingest/chain/chain-legs.ts';
import { json, post, startSmall } from './harness.ts';

let s: SimulatorServer;
const rpc = (body: unknown) => post<Record<string, unknown>>(`${s.url}/rpc`, body);
const waitFor = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeAll(async () => {
  s = await startSmall();
});
afterAll(async () => {
  await s?.close();
});

describe('simulated chain JSON-RPC', () => {
  it('is listed in /sim/endpoints and answers eth_chainId 137', async () => {
    const ep = (
      await json<{ chain: { http: string; ws: string; chainId: number } }>(`${s.url}/sim/endpoints`)
    ).body;
    expect(ep.chain).toEqual({
      http: `${s.url}/rpc`,
      ws: `${s.url.replace('http', 'ws')}/rpc`,
      chainId: 137,
    });
    const client = createPublicClient({ transport: http(ep.chain.http) });
    expect(await client.getChainId()).toBe(137);
  });

  it('mines a block every 2 s of simulated time', async () => {
    const client = createPublicClient({ transport: http(`${s.url}/rpc`), cacheTime: 0 });
    const before = await client.getBlockNumber();
    await post(`${s.url}/sim/advance`, { ms: 10_000 });
    await waitFor(() => BigInt(s.chain.head.number) >= before + 5n);
    const after = await client.getBlockNumber();
    expect(after - before).toBe(5n);
    const b = await client.getBlock({ blockNumber: after });
    const parent = await client.getBlock({ blockNumber: after - 1n });
    expect(b.parentHash).toBe(parent.hash);
    expect(b.timestamp - parent.timestamp).toBe(2n);
  });

  it('logs every fill as the contracts do, agreeing with the Data API fill by fill', async () => {
    const client = createPublicClient({ transport: http(`${s.url}/rpc`), cacheTime: 0 });
    const from = BigInt(s.chain.head.number) + 1n;
    await post(`${s.url}/sim/advance`, { ms: 20 * 60_000 });
    await waitFor(() => BigInt(s.chain.head.number) >= from + 599n);
    const to = BigInt(s.chain.head.number);
    const logs = await client.request({
      method: 'eth_getLogs',
      params: [{ fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}` }],
    });
    const filled = logs.filter((l) => l.topics[0] === TOPIC0.orderFilledV2);
    const matched = logs.filter((l) => l.topics[0] === TOPIC0.ordersMatchedV2);
    expect(filled.length).toBeGreaterThan(20);
    const txs = new Set(filled.map((l) => l.transactionHash));
    expect(matched.length).toBe(txs.size);
    const decoded = filled.map((l) =>
      decodeOrderFilled({ ...l, blockNumber: BigInt(l.blockNumber!), logIndex: Number(l.logIndex) }),
    );
    expect(decoded.every((d) => d !== null)).toBe(true);
    // Every fill of every wallet, as the chain says (taker aggregates split into legs) ...
    const all = decoded.map((d) => d!);
    const { legs, unsplit } = legsOf(all, all);
    expect(unsplit).toEqual([]);
    const chainSide = legs
      .map((l) => `${l.txHash} ${l.wallet} ${l.assetId} ${l.side} ${l.price.toFixed()} ${l.size.toFixed()}`)
      .sort();
    // ... and as the Data API says, over the same transactions.
    const wallets = [...new Set(legs.map((l) => l.wallet))];
    const api: string[] = [];
    for (const w of wallets) {
      const rows = (
        await json<Array<Record<string, unknown>>>(
          `${s.url}/data-api/trades?user=${w}&takerOnly=false&limit=10000`,
        )
      ).body;
      for (const r of rows)
        if (txs.has(String(r.transactionHash) as Hex))
          api.push(
            `${String(r.transactionHash)} ${String(r.proxyWallet).toLowerCase()} ${String(r.asset)} ${String(r.side)} ${String(r.price)} ${String(r.size)}`,
          );
    }
    expect(chainSide).toEqual(api.sort());
  });

  it('filters eth_getLogs on indexed topics, by block hash too', async () => {
    const head = s.chain.head;
    const block = [...Array(600).keys()]
      .map((i) => s.chain.block(head.number - i))
      .find((b) => b && b.logs.length > 0)!;
    const log = block.logs[0]!;
    const maker = log.topics[2]!;
    const client = createPublicClient({ transport: http(`${s.url}/rpc`), cacheTime: 0 });
    const byHash = await client.request({
      method: 'eth_getLogs',
      params: [{ blockHash: block.hash, topics: [TOPIC0.orderFilledV2, null, [maker]] }],
    });
    expect(byHash.length).toBe(
      block.logs.filter((l) => l.topics[0] === TOPIC0.orderFilledV2 && l.topics[2] === maker).length,
    );
    expect(byHash.every((l) => l.topics[2] === maker && l.blockHash === block.hash)).toBe(true);
  });

  it('refuses bad requests with JSON-RPC errors', async () => {
    expect(
      (await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [] })).body.error,
    ).toEqual({
      code: -32601,
      message: 'the method eth_sendRawTransaction does not exist/is not available',
    });
    const wide = await rpc({
      jsonrpc: '2.0',
      id: 2,
      method: 'eth_getLogs',
      params: [{ fromBlock: '0x0', toBlock: 'latest' }],
    });
    expect((wide.body.error as { code: number }).code).toBe(-32005);
    const bad = await rpc({ jsonrpc: '2.0', id: 3, method: 'eth_getLogs', params: [{ topics: 'x' }] });
    expect(bad.body.error).toEqual({ code: -32602, message: 'invalid topics filter' });
  });

  it('streams newHeads and logs over the websocket, and a reorg re-sends the tip removed', async () => {
    const client = createPublicClient({
      transport: webSocket(`${s.url.replace('http', 'ws')}/rpc`, { reconnect: false, key: 'reorg-test' }),
    });
    const heads: bigint[] = [];
    const logs: Array<{
      removed: boolean;
      blockHash: string | null;
      transactionHash: string | null;
      logIndex: number | null;
    }> = [];
    const unwatchHeads = client.watchBlocks({ onBlock: (b) => heads.push(b.number), poll: false });
    const unwatchLogs = client.watchEvent({
      event: ORDER_FILLED_V2,
      onLogs: (ls) => logs.push(...(ls as never[])),
      poll: false,
    });
    // Subscriptions are set up asynchronously: mine until the first head arrives.
    for (let i = 0; i < 100 && heads.length === 0; i++) {
      await post(`${s.url}/sim/advance`, { ms: 2_000 });
      await new Promise((r) => setTimeout(r, 50));
    }
    await post(`${s.url}/sim/advance`, { ms: 10 * 60_000 });
    await waitFor(() => heads.length >= 300 && logs.length > 0).catch(() => {
      throw new Error(`heads ${heads.length} logs ${logs.length}`);
    });
    // A reorg of a tip that holds fills.
    const fillsIn = (b: { logs: readonly { topics: readonly string[] }[] }) =>
      b.logs.filter((l) => l.topics[0] === TOPIC0.orderFilledV2).length;
    for (let i = 0; i < 500 && fillsIn(s.chain.head) === 0; i++) {
      const n = s.chain.head.number;
      await post(`${s.url}/sim/advance`, { ms: 2_000 });
      await waitFor(() => s.chain.head.number > n);
    }
    const tip = s.chain.head;
    const tipLogs = fillsIn(tip);
    expect(tipLogs).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    await post(`${s.url}/sim/faults`, { chain: { reorgs: 1 } });
    const seen = logs.length;
    await post(`${s.url}/sim/advance`, { ms: 2_000 });
    await waitFor(() => s.chain.head.number === tip.number + 1);
    await new Promise((r) => setTimeout(r, 200));
    const after = logs.slice(seen);
    const removed = after.filter((l) => l.removed);
    expect(removed.length).toBe(tipLogs);
    expect(removed.every((l) => l.blockHash === tip.hash)).toBe(true);
    const replacement = s.chain.block(tip.number)!;
    expect(replacement.hash).not.toBe(tip.hash);
    expect(after.filter((l) => !l.removed && l.blockHash === replacement.hash).length).toBe(tipLogs);
    unwatchHeads();
    unwatchLogs();
  });

  it('drops and refuses chain sockets while socketDown, HTTP still answering; errors and rate limits on demand', async () => {
    const ws = new (await import('ws')).WebSocket(`${s.url.replace('http', 'ws')}/rpc`);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise((r) => ws.once('close', r));
    await post(`${s.url}/sim/faults`, { chain: { socketDown: true } });
    await closed;
    const again = new (await import('ws')).WebSocket(`${s.url.replace('http', 'ws')}/rpc`);
    const refused = await new Promise((r) => {
      again.once('open', () => r('open'));
      again.once('error', () => r('refused'));
    });
    expect(refused).toBe('refused');
    expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' })).body.result).toBe('0x89');
    await post(`${s.url}/sim/faults`, { chain: { socketDown: false, errorRate: 1 } });
    expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' })).body.error).toEqual({
      code: -32603,
      message: 'internal error',
    });
    await post(`${s.url}/sim/faults`, { chain: { errorRate: 0, rateLimitRate: 1 } });
    const limited = await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' });
    expect(limited.status).toBe(429);
    expect((limited.body.error as { code: number }).code).toBe(-32005);
    await post(`${s.url}/sim/faults`, { reset: true });
    expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' })).body.result).toBe('0x89');
  });

  it('stalls mining while stall is on, then mines the missed blocks', async () => {
    const n = s.chain.head.number;
    await post(`${s.url}/sim/faults`, { chain: { stall: true } });
    await post(`${s.url}/sim/advance`, { ms: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    expect(s.chain.head.number).toBe(n);
    await post(`${s.url}/sim/faults`, { chain: { stall: false } });
    await waitFor(() => s.chain.head.number === n + 5);
  });
});
