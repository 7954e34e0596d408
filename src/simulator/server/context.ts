// State shared by the simulator server's route modules.
import { getAddress, type Address } from 'viem';
import { Decimal } from '../../domain/money.ts';
import type { ContractSet } from '../../venue/polymarket/contracts.ts';
import type { FillEvent, Simulation } from '../simulation.ts';
import { fromMicro } from '../engine/units.ts';
import type { ApiKeyStore } from './api-keys.ts';
import type { SimClock } from './clock.ts';
import type { Faults } from './faults.ts';
import type { OrderHasher } from './order-hash.ts';
import type { OrderLedger } from './order-ledger.ts';
import type { SignatureSampler } from './signature-sampling.ts';
import type { TradeStore } from './trade-store.ts';

export interface Endpoints {
  clob: string;
  gamma: string;
  data: string;
  ws: { base: string; market: string; user: string; rtds: string };
  /** The simulated Polygon JSON-RPC (src/simulator/chain): HTTP and websocket on one path. */
  chain: { http: string; ws: string; chainId: number };
}

/**
 * Which EOA controls a funder (proxy, Safe or deposit wallet). Production derives it by CREATE2;
 * the simulator binds a funder to the first signer that uses it (or `/sim/fund` with `signer`) and
 * refuses it to any other signer.
 */
export class FunderRegistry {
  private readonly owner = new Map<string, string>();
  private readonly latest = new Map<string, string>();

  /** Binds funder → signer, or reports a conflict. Synthetic wallets are never bindable. */
  bind(funder: string, signer: string): boolean {
    const f = funder.toLowerCase();
    const s = signer.toLowerCase();
    const cur = this.owner.get(f);
    if (cur !== undefined && cur !== s) return false;
    this.owner.set(f, s);
    this.latest.set(s, f);
    return true;
  }

  /** Every funder bound to a signer. */
  fundersOf(signer: string): string[] {
    const s = signer.toLowerCase();
    const out: string[] = [];
    for (const [f, o] of this.owner) if (o === s) out.push(f);
    return out;
  }

  ownerOf(funder: string): string | undefined {
    return this.owner.get(funder.toLowerCase());
  }

  /** The funder a signer used last (for `/balance-allowance` with signature_type 1–3). */
  funderOf(signer: string): Address | undefined {
    const f = this.latest.get(signer.toLowerCase());
    return f === undefined ? undefined : getAddress(f);
  }
}

/** Per-market pUSD volume (taker notional), accumulated from fills. */
export class MarketStats {
  private readonly volume = new Map<string, Decimal>();

  onFill(f: FillEvent): void {
    const v = this.volume.get(f.conditionId);
    this.volume.set(f.conditionId, v === undefined ? f.taker.usdcSize : v.plus(f.taker.usdcSize));
  }

  /** Volume traded before the server started (the generated history), in one pass. */
  seedFromHistory(sim: Simulation): void {
    for (const [idx, fills] of sim.history.byMarket) {
      const m = sim.markets()[idx];
      if (m === undefined) continue;
      let micro = 0;
      for (const f of fills) micro += f.taker.amountMicro;
      this.volume.set(m.conditionId, fromMicro(micro));
    }
  }

  volumeOf(conditionId: string): Decimal {
    return this.volume.get(conditionId) ?? new Decimal(0);
  }
}

export interface ServerContext {
  readonly sim: Simulation;
  readonly clock: SimClock;
  readonly keys: ApiKeyStore;
  readonly faults: Faults;
  readonly ledger: OrderLedger;
  readonly trades: TradeStore;
  readonly funders: FunderRegistry;
  readonly stats: MarketStats;
  readonly acceptV1: boolean;
  readonly contracts: ContractSet;
  readonly hasher: OrderHasher;
  /** Which orders' EIP-712 signatures are verified (every order unless `verifySample` > 1). */
  readonly signatures: SignatureSampler;
  /** The wallet `/sim/book` rests its orders from. */
  readonly bookMaker: string;
  /** Wall-clock seconds, the clock L1/L2 timestamps are checked against (and `/time`). */
  nowSec(): number;
  endpoints(hostHeader?: string): Endpoints;
}
