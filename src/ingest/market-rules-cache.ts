// Tick size, minimum order size and categories per token, for deciding copies at fan-out time.
// Looked up once per token from the venue's public market data and cached: ingest must not make a
// network round trip per fill. Tick sizes can change (tick_size_change); entries expire so a change
// is picked up.
import { categoriesOfTags, type MarketCategory } from '../domain/market-categories.ts';
import type { MarketRules } from '../domain/order-rules.ts';
import type { MarketDataSource } from '../venue/venue.ts';

/** What the fan-out needs to know about a fill's market. */
export interface FillMarketRules extends MarketRules {
  /** From the market's tags (a follow's category filter); empty when the venue gives none. */
  readonly categories: readonly MarketCategory[];
  /**
   * Which market and outcome the token is: the chain feed's logs name only the token, while the
   * other feeds' payloads carry these labels themselves.
   */
  readonly market?: {
    readonly conditionId: string;
    readonly title: string;
    readonly slug: string | null;
    readonly outcome: string;
    readonly outcomeIndex: number;
  };
}

export class MarketRulesCache {
  private readonly cache = new Map<string, { rules: FillMarketRules; at: number }>();

  constructor(
    private readonly source: Pick<MarketDataSource, 'getMarketByToken'>,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(tokenId: string): Promise<FillMarketRules | null> {
    const hit = this.cache.get(tokenId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.rules;
    const market = await this.source.getMarketByToken(tokenId);
    if (!market) return null;
    const outcomeIndex = market.tokens.findIndex((t) => t.tokenId === tokenId);
    const rules: FillMarketRules = {
      tickSize: market.tickSize,
      minOrderSize: market.minOrderSize,
      categories: categoriesOfTags(market.tags),
      market: {
        conditionId: market.conditionId,
        title: market.question,
        slug: market.slug,
        outcome: market.tokens[outcomeIndex]?.outcome ?? '',
        outcomeIndex: Math.max(0, outcomeIndex),
      },
    };
    this.cache.set(tokenId, { rules, at: this.now() });
    return rules;
  }
}
