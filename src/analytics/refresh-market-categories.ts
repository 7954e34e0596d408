// Fills market_categories — each market's categories (politics, sports…) from the venue's tags, the
// same mapping a follow's category filter uses (src/domain/market-categories.ts) — for the markets
// leaders traded that have no row yet, at most `maxLookups` markets per run (one getMarket call
// each: the venue's rate limits). The recompute then gives each trader the categories holding a
// fifth of its volume (trader_metrics.categories), which the leaderboard's category filter reads.
// A market the venue does not know, or whose tags name no category, is stored with none and asked
// about again after `recheckAfterMs` (tags can be added later); a categorised market is final.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { categoriesOfTags } from '../domain/market-categories.ts';
import type { MarketDataSource } from '../venue/venue.ts';

export interface RefreshCategoriesOptions {
  readonly now?: () => Date;
  /** Market lookups per run: default 200. */
  readonly maxLookups?: number;
  /** A market stored without a category is asked about again after this long: default 1 day. */
  readonly recheckAfterMs?: number;
}

export interface CategoriesReport {
  readonly lookups: number;
  /** Markets stored with at least one category by this run. */
  readonly categorised: number;
}

export async function refreshMarketCategories(
  deps: { readonly db: Db; readonly marketData: Pick<MarketDataSource, 'getMarket'> },
  opts: RefreshCategoriesOptions = {},
): Promise<CategoriesReport> {
  const now = (opts.now ?? (() => new Date()))();
  const recheckBefore = new Date(now.getTime() - (opts.recheckAfterMs ?? 86_400_000));
  const { rows } = await sql<{ market_id: string }>`
    SELECT DISTINCT t.market_id FROM trades t
     WHERE NOT t.is_copy_trade
       AND NOT EXISTS (SELECT 1 FROM market_categories mc WHERE mc.condition_id = t.market_id
                          AND (cardinality(mc.categories) > 0 OR mc.checked_at >= ${recheckBefore}::timestamptz))
     ORDER BY t.market_id
     LIMIT ${opts.maxLookups ?? 200}`.execute(deps.db);
  let categorised = 0;
  for (const { market_id: conditionId } of rows) {
    const market = await deps.marketData.getMarket(conditionId);
    const categories = categoriesOfTags(market?.tags);
    if (categories.length > 0) categorised += 1;
    await deps.db
      .insertInto('market_categories')
      .values({ condition_id: conditionId, categories, checked_at: now })
      .onConflict((oc) => oc.column('condition_id').doUpdateSet({ categories, checked_at: now }))
      .execute();
  }
  return { lookups: rows.length, categorised };
}
