// Tick size and minimum order size per token, for sizing at fan-out time. Looked up once per token
// from the venue's public market data and cached: ingest must not make a network round trip per
// fill. Tick sizes can change (tick_size_change); entries expire so a change is picked up.
import type { MarketRules } from '../domain/order-rules.ts';
import type { MarketDataSource } from '../venue/venue.ts';

export class MarketRulesCache {
  private readonly cache = new Map<string, { rules: MarketRules; at: number }>();

  constructor(
    private readonly source: Pick<MarketDataSource, 'getMarketByToken'>,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(tokenId: string): Promise<MarketRules | null> {
    const hit = this.cache.get(tokenId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.rules;
    const market = await this.source.getMarketByToken(tokenId);
    if (!market) return null;
    const rules = { tickSize: market.tickSize, minOrderSize: market.minOrderSize };
    this.cache.set(tokenId, { rules, at: this.now() });
    return rules;
  }
}
