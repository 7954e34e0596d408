// Trading rules per token (tick, minimum size, neg-risk, fee curve): public market facts, the same
// for every account. One cache per process, shared by the keyless market-data venue and every live
// venue the vault builds, so a venue built for one order (live-venue-factory.ts builds one per
// call and keeps no secrets around) signs with warm rules instead of reading the market again.
import type { Decimal } from '../../domain/money.ts';
import type { FeeTerms } from './order-fills.ts';
import type { TokenTradingRules } from './order-preparation.ts';

export interface CachedRules {
  readonly rules: TokenTradingRules;
  readonly fees: FeeTerms & { readonly rate: Decimal };
  /** When the rules were read (ms). */
  readonly at: number;
}

export class TradingRulesCache {
  private readonly entries = new Map<string, CachedRules>();

  /**
   * @param ttlMs how long rules are trusted before an order re-reads them (ticks change live near
   *   0 and 1; an order refused for its tick also drops the entry).
   * @param maxEntries bound on remembered tokens; the oldest entries are forgotten first.
   */
  constructor(
    readonly ttlMs = 60_000,
    private readonly maxEntries = 100_000,
  ) {}

  /** The rules if read less than ttlMs ago. */
  fresh(tokenId: string, nowMs: number): CachedRules | undefined {
    const hit = this.entries.get(tokenId);
    return hit && nowMs - hit.at < this.ttlMs ? hit : undefined;
  }

  /** The last rules read, whatever their age (book defaults, fee estimates). */
  get(tokenId: string): CachedRules | undefined {
    return this.entries.get(tokenId);
  }

  set(tokenId: string, entry: CachedRules): void {
    this.entries.delete(tokenId); // re-insert: Map order is age order
    this.entries.set(tokenId, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(tokenId: string): void {
    this.entries.delete(tokenId);
  }
}
