// A market's categories (politics, sports, crypto…) from the tags the venue gives it, and a follow's
// category filter over them. The categories are the ten Polymarket's own leaderboard is cut by
// (Data API `/v1/leaderboard?category=`), so a user who found a leader on "Politics" can copy only
// that leader's politics. Markets carry free-form tags (the CLOB's `tags` strings, Gamma's
// `tags[].label` / `slug`: "Politics", "Elections", "NBA", "pop-culture"…); each known tag names one
// category, unknown tags name none, and a market may be in several ("Fed rate decision" is both
// economics and finance).
//
// The filter mirrors the market lists (market-filter.ts): an excluded category wins over an allowed
// one (an exclusion is a user saying "never"); an empty or null allow list copies every category;
// with an allow list, a market with no known category is not copied — the user asked for named
// categories and this market is in none of them.

export const MARKET_CATEGORIES = [
  'politics',
  'sports',
  'esports',
  'crypto',
  'culture',
  'mentions',
  'weather',
  'economics',
  'tech',
  'finance',
] as const;
export type MarketCategory = (typeof MARKET_CATEGORIES)[number];

export const isMarketCategory = (v: string): v is MarketCategory =>
  (MARKET_CATEGORIES as readonly string[]).includes(v);

// Tag (normalised: lowercase, runs of anything but letters and digits → '-') → category. The
// category's own name is always a tag of it.
const ALIASES: Readonly<Record<MarketCategory, readonly string[]>> = {
  politics: [
    'elections',
    'us-elections',
    'global-elections',
    'us-politics',
    'world-politics',
    'geopolitics',
    'world',
    'congress',
    'courts',
  ],
  sports: [
    'sport',
    'nba',
    'nfl',
    'mlb',
    'nhl',
    'soccer',
    'football',
    'basketball',
    'baseball',
    'hockey',
    'tennis',
    'golf',
    'f1',
    'formula-1',
    'ufc',
    'mma',
    'boxing',
    'cricket',
    'olympics',
    'ncaa',
  ],
  esports: ['e-sports', 'league-of-legends', 'counter-strike', 'cs2', 'dota-2', 'valorant'],
  crypto: ['cryptocurrency', 'bitcoin', 'btc', 'ethereum', 'eth', 'solana', 'xrp', 'crypto-prices', 'defi'],
  culture: [
    'pop-culture',
    'entertainment',
    'movies',
    'music',
    'celebrities',
    'tv',
    'awards',
    'oscars',
    'gaming',
  ],
  mentions: ['mention-markets'],
  weather: ['climate', 'climate-science', 'hurricanes', 'temperature'],
  economics: [
    'economy',
    'fed',
    'fed-rates',
    'inflation',
    'interest-rates',
    'macro',
    'jobs',
    'gdp',
    'recession',
  ],
  tech: ['technology', 'ai', 'science', 'big-tech', 'space', 'openai'],
  finance: ['business', 'stocks', 'earnings', 'ipos', 'ipo', 'equities', 'commodities', 'forex'],
};

const TAG_TO_CATEGORY: ReadonlyMap<string, MarketCategory> = new Map(
  MARKET_CATEGORIES.flatMap((c) => [c, ...ALIASES[c]].map((tag) => [tag, c] as const)),
);

export function normaliseTag(tag: string): string {
  return tag
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The categories a market's tags name, in catalogue order (no duplicates). */
export function categoriesOfTags(tags: readonly string[] | null | undefined): MarketCategory[] {
  const found = new Set<MarketCategory>();
  for (const tag of tags ?? []) {
    const c = TAG_TO_CATEGORY.get(normaliseTag(tag));
    if (c) found.add(c);
  }
  return MARKET_CATEGORIES.filter((c) => found.has(c));
}

export type CategoryFilterResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'category_excluded' | 'category_not_allowed';
      readonly detail: string;
    };

export interface CategoryFilter {
  check(marketCategories: readonly MarketCategory[]): CategoryFilterResult;
}

/** Builds a filter once per follow; entries that are not categories are ignored (the API refuses them). */
export function compileCategoryFilter(
  allowed: readonly string[] | null | undefined,
  excluded: readonly string[] | null | undefined,
): CategoryFilter {
  const allow = new Set((allowed ?? []).map(normaliseTag).filter(isMarketCategory));
  const exclude = new Set((excluded ?? []).map(normaliseTag).filter(isMarketCategory));
  return {
    check(marketCategories) {
      const hit = marketCategories.find((c) => exclude.has(c));
      if (hit) return { ok: false, reason: 'category_excluded', detail: `the market is in ${hit}` };
      if (allow.size > 0 && !marketCategories.some((c) => allow.has(c))) {
        const inWhat = marketCategories.length > 0 ? marketCategories.join(', ') : 'no known category';
        return {
          ok: false,
          reason: 'category_not_allowed',
          detail: `the market is in ${inWhat}; you copy ${[...allow].join(', ')}`,
        };
      }
      return { ok: true };
    },
  };
}
