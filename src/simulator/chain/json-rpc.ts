// The JSON-RPC methods of the simulated Polygon node (Ethereum JSON-RPC shapes: hex quantities,
// lower-case hashes). Subscriptions are the websocket's (rpc-server.ts); this file answers calls.
import type { Hex } from 'viem';
import type { ChainBlock, ChainLog, SimChain } from './sim-chain.ts';

export const POLYGON_CHAIN_ID = 137;
/** Widest eth_getLogs block range served, as real providers cap it. */
export const MAX_LOG_RANGE = 2_000;

export interface RpcRequest {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

export type RpcResponse =
  | { jsonrpc: '2.0'; id: unknown; result: unknown }
  | { jsonrpc: '2.0'; id: unknown; error: { code: number; message: string } };

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const hex = (n: number | bigint): Hex => `0x${n.toString(16)}`;
const HASH = /^0x[0-9a-fA-F]{64}$/;

export function logView(l: ChainLog) {
  return {
    address: l.address.toLowerCase(),
    topics: l.topics,
    data: l.data,
    blockNumber: hex(l.blockNumber),
    blockHash: l.blockHash,
    transactionHash: l.transactionHash,
    transactionIndex: hex(l.transactionIndex),
    logIndex: hex(l.logIndex),
    removed: l.removed,
  };
}

const ZERO8 = '0x0000000000000000';
const EMPTY_ROOT = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421';
const BLOOM = `0x${'0'.repeat(512)}`;

export function blockView(b: ChainBlock) {
  return {
    number: hex(b.number),
    hash: b.hash,
    parentHash: b.parentHash,
    timestamp: hex(b.timestamp),
    nonce: ZERO8,
    sha3Uncles: '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347',
    logsBloom: BLOOM,
    transactionsRoot: EMPTY_ROOT,
    stateRoot: EMPTY_ROOT,
    receiptsRoot: EMPTY_ROOT,
    miner: '0x0000000000000000000000000000000000000000',
    difficulty: '0x0',
    totalDifficulty: '0x0',
    extraData: '0x',
    size: hex(1000 + b.logs.length * 200),
    gasLimit: hex(30_000_000),
    gasUsed: hex(21_000 * b.transactions.length),
    baseFeePerGas: hex(30_000_000_000),
    mixHash: EMPTY_ROOT,
    transactions: b.transactions,
    uncles: [],
  };
}

/** Resolves a block tag or hex number to a block number within the chain. */
function blockNumberOf(chain: SimChain, tag: unknown, fallback: number): number {
  if (tag === undefined || tag === null) return fallback;
  if (tag === 'latest' || tag === 'safe' || tag === 'finalized' || tag === 'pending')
    return chain.head.number;
  if (tag === 'earliest') return chain.oldest;
  if (typeof tag === 'string' && /^0x[0-9a-fA-F]+$/.test(tag)) return Number.parseInt(tag, 16);
  throw new RpcError(-32602, `invalid block tag: ${String(tag)}`);
}

/** A topic filter position: null (any), one value, or a list of alternatives. */
type TopicFilter = null | string | readonly (string | null)[];

export interface LogFilter {
  readonly addresses: ReadonlySet<string> | null;
  readonly topics: readonly TopicFilter[];
}

export function parseLogFilter(raw: Record<string, unknown>): LogFilter {
  const a = raw.address;
  let addresses: Set<string> | null = null;
  if (typeof a === 'string') addresses = new Set([a.toLowerCase()]);
  else if (Array.isArray(a)) addresses = new Set(a.map((x) => String(x).toLowerCase()));
  else if (a !== undefined && a !== null) throw new RpcError(-32602, 'invalid address filter');
  const t = raw.topics ?? [];
  if (!Array.isArray(t) || t.length > 4) throw new RpcError(-32602, 'invalid topics filter');
  const topics = t.map((x: unknown): TopicFilter => {
    if (x === null) return null;
    if (typeof x === 'string') return x.toLowerCase();
    if (Array.isArray(x)) return x.map((y) => (y === null ? null : String(y).toLowerCase()));
    throw new RpcError(-32602, 'invalid topics filter');
  });
  return { addresses, topics };
}

export function matches(f: LogFilter, l: ChainLog): boolean {
  if (f.addresses && !f.addresses.has(l.address.toLowerCase())) return false;
  for (let i = 0; i < f.topics.length; i++) {
    const want = f.topics[i];
    if (want === null || want === undefined) continue;
    const got = l.topics[i]?.toLowerCase();
    if (got === undefined) return false;
    if (typeof want === 'string' ? want !== got : !want.some((w) => w === null || w === got)) return false;
  }
  return true;
}

function getLogs(chain: SimChain, raw: Record<string, unknown>) {
  const filter = parseLogFilter(raw);
  let blocks: ChainBlock[];
  if (raw.blockHash !== undefined) {
    if (typeof raw.blockHash !== 'string' || !HASH.test(raw.blockHash))
      throw new RpcError(-32602, 'invalid block hash');
    const b = chain.blockByHash(raw.blockHash);
    if (!b) throw new RpcError(-32000, 'unknown block');
    blocks = [b];
  } else {
    const head = chain.head.number;
    const from = blockNumberOf(chain, raw.fromBlock, head);
    const to = blockNumberOf(chain, raw.toBlock, head);
    if (to < from) return [];
    if (to - from + 1 > MAX_LOG_RANGE)
      throw new RpcError(-32005, `block range too large: at most ${MAX_LOG_RANGE} blocks per eth_getLogs`);
    if (from < chain.oldest) throw new RpcError(-32000, `block ${from} is pruned; oldest is ${chain.oldest}`);
    blocks = [];
    for (let n = from; n <= Math.min(to, head); n++) {
      const b = chain.block(n);
      if (b) blocks.push(b);
    }
  }
  return blocks.flatMap((b) => b.logs.filter((l) => matches(filter, l)).map(logView));
}

const params = (p: unknown): unknown[] => (Array.isArray(p) ? p : []);

/** Answers one call (not eth_subscribe / eth_unsubscribe, which need a socket). */
export function call(chain: SimChain, method: string, p: unknown): unknown {
  const args = params(p);
  switch (method) {
    case 'eth_chainId':
      return hex(POLYGON_CHAIN_ID);
    case 'net_version':
      return String(POLYGON_CHAIN_ID);
    case 'web3_clientVersion':
      return 'polycopy-simulator/1.0';
    case 'eth_blockNumber':
      return hex(chain.head.number);
    case 'eth_getBlockByNumber': {
      const b = chain.block(blockNumberOf(chain, args[0], chain.head.number));
      return b ? blockView(b) : null;
    }
    case 'eth_getBlockByHash': {
      const b = typeof args[0] === 'string' ? chain.blockByHash(args[0]) : undefined;
      return b ? blockView(b) : null;
    }
    case 'eth_getLogs': {
      const f = args[0];
      if (typeof f !== 'object' || f === null)
        throw new RpcError(-32602, 'eth_getLogs needs a filter object');
      return getLogs(chain, f as Record<string, unknown>);
    }
    default:
      throw new RpcError(-32601, `the method ${method} does not exist/is not available`);
  }
}

export function respond(id: unknown, fn: () => unknown): RpcResponse {
  try {
    return { jsonrpc: '2.0', id: id ?? null, result: fn() };
  } catch (err) {
    if (err instanceof RpcError)
      return { jsonrpc: '2.0', id: id ?? null, error: { code: err.code, message: err.message } };
    return { jsonrpc: '2.0', id: id ?? null, error: { code: -32603, message: 'internal error' } };
  }
}
