// Sampled signature verification, for throughput runs only (issue 14, item 10). Verifying an
// order's EIP-712 signature (secp256k1 recovery, ~3 ms of CPU) is most of what the simulator spends
// on `POST /order`; on a machine it shares with the engine, that cost is charged to the engine's
// benchmark. `--verify-sample N` (SIMULATOR_VERIFY_SAMPLE) verifies 1 order in N; the default, 1,
// verifies every order, and the tests always run with it. Everything else about an order (L2 HMAC,
// owner = API key, signer = the key's address, tick, size, balance, duplicates) is checked on every
// order in every mode, so a sampled-out order can only differ by carrying a bad signature.
import type { Hex } from 'viem';

export class SignatureSampler {
  private verifiedCount = 0;
  private skippedCount = 0;

  constructor(readonly oneIn = 1) {
    if (!Number.isSafeInteger(oneIn) || oneIn < 1)
      throw new RangeError('verifySample must be an integer ≥ 1');
  }

  /**
   * Whether this order's signature is verified. Chosen by the order hash (a keccak digest, so
   * uniform): which orders are checked cannot be steered by the client's timing, and the same order
   * posted twice gets the same answer. `always` (deposit-wallet orders, whose owner only the
   * verification reveals) is verified in every mode.
   */
  sampledIn(orderHash: Hex, always = false): boolean {
    const verify = always || this.oneIn === 1 || Number.parseInt(orderHash.slice(-12), 16) % this.oneIn === 0;
    if (verify) this.verifiedCount += 1;
    else this.skippedCount += 1;
    return verify;
  }

  /** The mode and what it did, for `/sim/verification` and the benchmarks' reports. */
  stats(): { verifySample: number; mode: string; verified: number; skipped: number } {
    return {
      verifySample: this.oneIn,
      mode: this.oneIn === 1 ? 'every order' : `1 in ${this.oneIn}`,
      verified: this.verifiedCount,
      skipped: this.skippedCount,
    };
  }
}
