// Fault injection for the simulated venue (`POST /sim/faults`). Decisions come from a seeded PRNG,
// so a given seed and request order give the same faults. HTTP faults apply to Polymarket's
// surface (CLOB, Gamma, Data API), never to `/sim/`.
import { z } from 'zod';
import { Prng, hashSeed } from '../engine/prng.ts';
import { ChainFaultPatchSchema, NO_CHAIN_FAULTS, type ChainFaultState } from '../chain/chain-faults.ts';

const rate = z.number().min(0).max(1);

export const FaultPatchSchema = z
  .object({
    /** Added latency before every faulted request is handled, ms. */
    latencyMs: z.number().int().min(0).max(60_000),
    /** Uniform extra latency in [0, jitter], ms. */
    latencyJitterMs: z.number().int().min(0).max(60_000),
    /** Probability that a request is answered 429 `Too Many Requests` (not processed). */
    rate429: rate,
    /** Probability of a 425 (matching engine restarting; not processed). */
    rate425: rate,
    /** Probability of a 5xx (not processed). */
    rate5xx: rate,
    /** Which 5xx status the 5xx faults use. */
    status5xx: z.union([z.literal(500), z.literal(502), z.literal(503)]),
    /** Probability that an accepted order's response is dropped (the connection is destroyed). */
    dropResponseRate: rate,
    /** The next N order placements are processed and accepted, then their responses dropped. */
    dropNextOrderResponses: z.number().int().min(0).max(1_000_000),
    /** Websockets stay open but nothing is sent on them (no events, no PONG). */
    silentStreams: z.boolean(),
    /** Path prefixes the HTTP faults apply to (default: every non-/sim path). */
    paths: z.array(z.string().startsWith('/')).max(100),
    /** Faults of the chain JSON-RPC (src/simulator/chain/chain-faults.ts); merged field by field. */
    chain: ChainFaultPatchSchema,
  })
  .partial()
  .strict();

export type FaultPatch = z.infer<typeof FaultPatchSchema>;

export interface FaultState {
  latencyMs: number;
  latencyJitterMs: number;
  rate429: number;
  rate425: number;
  rate5xx: number;
  status5xx: 500 | 502 | 503;
  dropResponseRate: number;
  dropNextOrderResponses: number;
  silentStreams: boolean;
  paths: string[];
  chain: ChainFaultState;
}

export const NO_FAULTS: Readonly<FaultState> = Object.freeze({
  latencyMs: 0,
  latencyJitterMs: 0,
  rate429: 0,
  rate425: 0,
  rate5xx: 0,
  status5xx: 500,
  dropResponseRate: 0,
  dropNextOrderResponses: 0,
  silentStreams: false,
  paths: [],
  chain: NO_CHAIN_FAULTS,
});

export type HttpFault =
  | { kind: 'none'; delayMs: number }
  | { kind: 'status'; delayMs: number; status: number; body: { error: string }; retryAfter?: string };

export class Faults {
  private state: FaultState = { ...NO_FAULTS, paths: [], chain: { ...NO_CHAIN_FAULTS } };
  private readonly rng: Prng;

  constructor(seed: number) {
    this.rng = new Prng(hashSeed(seed, 'faults'));
  }

  get current(): Readonly<FaultState> {
    return this.state;
  }

  /** Applies a partial update; `reset: true` semantics are the caller's (pass NO_FAULTS first). */
  update(patch: FaultPatch): FaultState {
    this.state = {
      ...this.state,
      ...patch,
      paths: patch.paths ?? this.state.paths,
      chain: { ...this.state.chain, ...patch.chain },
    };
    return this.state;
  }

  reset(): FaultState {
    this.state = { ...NO_FAULTS, paths: [], chain: { ...NO_CHAIN_FAULTS } };
    return this.state;
  }

  private applies(path: string): boolean {
    if (path.startsWith('/sim/') || path === '/sim') return false;
    // The chain RPC has faults of its own (`chain`).
    if (path === '/rpc' || path.startsWith('/rpc/')) return false;
    const p = this.state.paths;
    return p.length === 0 || p.some((prefix) => path.startsWith(prefix));
  }

  /** Decides the fault for one HTTP request (latency, and maybe an error status instead). */
  forRequest(path: string): HttpFault {
    if (!this.applies(path)) return { kind: 'none', delayMs: 0 };
    const s = this.state;
    const delayMs =
      s.latencyMs + (s.latencyJitterMs > 0 ? Math.floor(this.rng.next() * (s.latencyJitterMs + 1)) : 0);
    if (s.rate429 > 0 && this.rng.next() < s.rate429) {
      return { kind: 'status', delayMs, status: 429, body: { error: 'Too Many Requests' }, retryAfter: '1' };
    }
    if (s.rate425 > 0 && this.rng.next() < s.rate425) {
      return { kind: 'status', delayMs, status: 425, body: { error: 'matching engine is restarting' } };
    }
    if (s.rate5xx > 0 && this.rng.next() < s.rate5xx) {
      const status = s.status5xx;
      const error =
        status === 503
          ? 'Trading is currently disabled. Check polymarket.com for updates'
          : status === 502
            ? 'Bad Gateway'
            : 'Internal Server Error';
      return { kind: 'status', delayMs, status, body: { error } };
    }
    return { kind: 'none', delayMs };
  }

  /** Whether the response to an accepted order placement is to be dropped (consumes a count). */
  dropOrderResponse(path: string): boolean {
    if (!this.applies(path)) return false;
    const s = this.state;
    if (s.dropNextOrderResponses > 0) {
      s.dropNextOrderResponses--;
      return true;
    }
    return s.dropResponseRate > 0 && this.rng.next() < s.dropResponseRate;
  }

  /** Takes one pending chain reorg, if any (the chain calls it before mining a block). */
  takeChainReorg(): boolean {
    if (this.state.chain.reorgs <= 0) return false;
    this.state.chain = { ...this.state.chain, reorgs: this.state.chain.reorgs - 1 };
    return true;
  }

  /** The fault for one chain RPC request: none, a JSON-RPC error, or a rate limit. */
  forChainRequest(): 'none' | 'error' | 'rate_limited' {
    const c = this.state.chain;
    if (c.rateLimitRate > 0 && this.rng.next() < c.rateLimitRate) return 'rate_limited';
    if (c.errorRate > 0 && this.rng.next() < c.errorRate) return 'error';
    return 'none';
  }

  get silent(): boolean {
    return this.state.silentStreams;
  }
}
