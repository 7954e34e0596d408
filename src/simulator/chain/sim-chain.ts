// The simulator's chain: every simulated fill lands, one transaction per taker match, in a block
// mined every `blockMs` of simulated time (Polygon: ~2 s), with the exchange contracts' logs
// (fill-logs.ts). Blocks are kept for `keepBlocks` so eth_getLogs can serve catch-up. Faults
// (chain-faults.ts) stall mining or reorg the tip. Listeners get each block's logs as mined, and
// removed logs on a reorg, for the websocket subscriptions (rpc-server.ts).
import { keccak256, toHex, type Address, type Hex } from 'viem';
import type { ContractSet } from '../../venue/polymarket/contracts.ts';
import type { FillEvent, Simulation } from '../simulation.ts';
import type { Faults } from '../server/faults.ts';
import { fillLogs, type PendingLog } from './fill-logs.ts';

export interface ChainLog {
  readonly address: Address;
  readonly topics: readonly Hex[];
  readonly data: Hex;
  readonly blockNumber: number;
  readonly blockHash: Hex;
  readonly transactionHash: Hex;
  readonly transactionIndex: number;
  readonly logIndex: number;
  readonly removed: boolean;
}

export interface ChainBlock {
  readonly number: number;
  readonly hash: Hex;
  readonly parentHash: Hex;
  /** Epoch seconds. */
  readonly timestamp: number;
  readonly transactions: readonly Hex[];
  readonly logs: readonly ChainLog[];
}

export interface ChainListener {
  onBlock(block: ChainBlock): void;
  /** The tip's logs, re-sent with removed: true, before its replacement is announced. */
  onRemoved(logs: readonly ChainLog[]): void;
}

export interface SimChainOptions {
  readonly blockMs?: number;
  readonly keepBlocks?: number;
  /** Number of the block at the simulation's start time (default: blockNumberAt that time). */
  readonly firstBlock?: number;
  /** Wall ms between checks for blocks due (the simulated clock may jump). */
  readonly pollMs?: number;
}

/** Polygon's first block (2020-05-30), from which the simulated chain counts its blocks. */
const CHAIN_EPOCH_MS = Date.UTC(2020, 4, 30);

/**
 * The block a chain with `blockMs` blocks since CHAIN_EPOCH_MS is at, at time `t`. A simulator
 * started again later continues the numbering, as a real chain does: numbered from a constant, a
 * restart reissued the previous run's block numbers and hashes, and a platform's checkpoint from
 * the earlier run stood ahead of the new head.
 */
export function blockNumberAt(t: number, blockMs: number): number {
  return Math.max(1, Math.floor((t - CHAIN_EPOCH_MS) / blockMs));
}

export class SimChain {
  readonly blockMs: number;
  private readonly keep: number;
  private readonly blocks: ChainBlock[] = [];
  private readonly byNumber = new Map<number, ChainBlock>();
  private readonly pending = new Map<string, FillEvent[]>();
  private readonly listeners = new Set<ChainListener>();
  private readonly genesisTime: number;
  private readonly genesisNumber: number;
  private nextDue: number;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: () => void;
  private reorgSeq = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly contracts: ContractSet,
    private readonly faults: Faults,
    opts: SimChainOptions = {},
  ) {
    this.blockMs = opts.blockMs ?? 2_000;
    this.keep = opts.keepBlocks ?? 43_200;
    this.genesisTime = sim.now;
    this.genesisNumber = opts.firstBlock ?? blockNumberAt(this.genesisTime, this.blockMs);
    this.nextDue = this.genesisTime + this.blockMs;
    this.pushBlock(this.makeBlock(this.genesisNumber, ZERO_HASH, this.genesisTime, []));
    // The one hook into the simulation: a fill joins its transaction, mined in the next block.
    this.unsubscribe = sim.onFill((f) => this.onFill(f));
    this.timer = setInterval(() => this.mineDue(), opts.pollMs ?? 50);
    this.timer.unref();
  }

  get head(): ChainBlock {
    return this.blocks[this.blocks.length - 1]!;
  }

  block(n: number): ChainBlock | undefined {
    return this.byNumber.get(n);
  }

  blockByHash(hash: string): ChainBlock | undefined {
    const h = hash.toLowerCase();
    for (let i = this.blocks.length - 1; i >= 0; i--) if (this.blocks[i]!.hash === h) return this.blocks[i];
    return undefined;
  }

  /** The oldest block still kept (older ones are forgotten, as a pruned node would). */
  get oldest(): number {
    return this.blocks[0]!.number;
  }

  listen(l: ChainListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe();
    this.listeners.clear();
  }

  private onFill(f: FillEvent): void {
    // Fills from before the chain started (generated history) are not on this chain.
    if (f.timestamp < this.genesisTime) return;
    let tx = this.pending.get(f.transactionHash);
    if (tx === undefined) this.pending.set(f.transactionHash, (tx = []));
    tx.push(f);
  }

  /** Mines every block whose time has come (several after a jump of the clock or a stall). */
  mineDue(): void {
    if (this.faults.current.chain.stall) return;
    while (this.nextDue <= this.sim.now) {
      const at = this.nextDue;
      this.nextDue += this.blockMs;
      if (this.faults.takeChainReorg()) this.reorgTip();
      this.mine(at);
    }
  }

  private mine(at: number): void {
    const txs: FillEvent[][] = [];
    for (const [hash, fills] of this.pending) {
      if ((fills[0]?.timestamp ?? Infinity) > at) continue;
      txs.push(fills);
      this.pending.delete(hash);
    }
    const parent = this.head;
    const block = this.makeBlock(parent.number + 1, parent.hash, at, txs);
    this.pushBlock(block);
    for (const l of this.listeners) l.onBlock(block);
  }

  /** A one-block reorg: the tip's logs are removed, and the same transactions mined in a new block. */
  private reorgTip(): void {
    const tip = this.head;
    if (tip.number === this.genesisNumber) return;
    const removed = tip.logs.map((l) => ({ ...l, removed: true }));
    for (const l of this.listeners) l.onRemoved(removed);
    this.blocks.pop();
    this.byNumber.delete(tip.number);
    this.reorgSeq += 1;
    const parent = this.head;
    const replacement = this.rebuild(tip, parent.hash);
    this.pushBlock(replacement);
    for (const l of this.listeners) l.onBlock(replacement);
  }

  private rebuild(old: ChainBlock, parentHash: Hex): ChainBlock {
    const hash = blockHash(old.number, parentHash, this.reorgSeq);
    return {
      ...old,
      hash,
      parentHash,
      logs: old.logs.map((l) => ({ ...l, blockHash: hash })),
    };
  }

  private makeBlock(number: number, parentHash: Hex, at: number, txs: readonly FillEvent[][]): ChainBlock {
    const hash = blockHash(number, parentHash, this.reorgSeq);
    const logs: ChainLog[] = [];
    const transactions: Hex[] = [];
    for (const fills of txs) {
      const first = fills[0]!;
      const txHash = first.transactionHash.toLowerCase() as Hex;
      const transactionIndex = transactions.length;
      transactions.push(txHash);
      for (const p of fillLogs(this.exchangeOf(first), fills))
        logs.push(placed(p, number, hash, txHash, transactionIndex, logs.length));
    }
    return { number, hash, parentHash, timestamp: Math.floor(at / 1000), transactions, logs };
  }

  private exchangeOf(f: FillEvent): Address {
    const negRisk = this.sim.marketByCondition(f.conditionId)?.event.negRisk ?? false;
    return negRisk ? this.contracts.negRiskExchangeV2 : this.contracts.exchangeV2;
  }

  private pushBlock(b: ChainBlock): void {
    this.blocks.push(b);
    this.byNumber.set(b.number, b);
    while (this.blocks.length > this.keep) this.byNumber.delete(this.blocks.shift()!.number);
  }
}

const ZERO_HASH = `0x${'0'.repeat(64)}` as Hex;

function blockHash(number: number, parentHash: Hex, salt: number): Hex {
  return keccak256(toHex(`polycopy-sim-block:${number}:${parentHash}:${salt}`));
}

function placed(
  p: PendingLog,
  blockNumber: number,
  blockHash: Hex,
  txHash: Hex,
  txIndex: number,
  logIndex: number,
): ChainLog {
  return {
    address: p.address,
    topics: p.topics,
    data: p.data,
    blockNumber,
    blockHash,
    transactionHash: txHash,
    transactionIndex: txIndex,
    logIndex,
    removed: false,
  };
}
