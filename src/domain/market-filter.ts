// A relationship's allowed_markets / excluded_markets (text[]) filter. Users paste whatever they see:
// a condition id from an API, a market slug from a market URL, or an event slug to cover every
// market of an event ("us-election-2028" and all its outcomes), so one entry may name any of the
// three. Condition ids are hex and compared lowercased (checksummed or not, the id is the same);
// slugs are compared case-insensitively after trimming because URLs and copy-paste vary the case.
// Excluded wins over allowed: an exclusion is a user saying "never", the stronger statement.
// An empty or null allowed list means every market (the column default is null).

const CONDITION_ID = /^0x[0-9a-f]{64}$/;

export interface MarketRef {
  /** CTF condition id, 0x + 64 hex. */
  readonly conditionId: string;
  readonly marketSlug?: string | null;
  readonly eventSlug?: string | null;
}

export type MarketFilterResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'market_excluded' | 'market_not_allowed';
      readonly detail: string;
    };

export interface MarketFilter {
  check(market: MarketRef): MarketFilterResult;
}

interface EntrySet {
  readonly ids: ReadonlySet<string>;
  readonly slugs: ReadonlySet<string>;
  readonly size: number;
}

function normalise(entries: readonly string[] | null | undefined): EntrySet {
  const ids = new Set<string>();
  const slugs = new Set<string>();
  for (const raw of entries ?? []) {
    const entry = raw.trim().toLowerCase();
    // Blank entries come from sloppy form input; they name nothing.
    if (entry === '') continue;
    if (CONDITION_ID.test(entry)) ids.add(entry);
    else slugs.add(entry);
  }
  return { ids, slugs, size: ids.size + slugs.size };
}

function matchOf(set: EntrySet, market: MarketRef): string | null {
  const id = market.conditionId.trim().toLowerCase();
  if (set.ids.has(id)) return `condition id ${id}`;
  const marketSlug = market.marketSlug?.trim().toLowerCase();
  if (marketSlug && set.slugs.has(marketSlug)) return `market slug ${marketSlug}`;
  const eventSlug = market.eventSlug?.trim().toLowerCase();
  if (eventSlug && set.slugs.has(eventSlug)) return `event slug ${eventSlug}`;
  return null;
}

/**
 * Builds a filter once per relationship (fan-out checks the same lists against many fills).
 */
export function compileMarketFilter(
  allowed: readonly string[] | null | undefined,
  excluded: readonly string[] | null | undefined,
): MarketFilter {
  const allow = normalise(allowed);
  const exclude = normalise(excluded);
  return {
    check(market: MarketRef): MarketFilterResult {
      const excludedBy = matchOf(exclude, market);
      if (excludedBy !== null) {
        return { ok: false, reason: 'market_excluded', detail: `excluded by ${excludedBy}` };
      }
      if (allow.size > 0 && matchOf(allow, market) === null) {
        return {
          ok: false,
          reason: 'market_not_allowed',
          detail: `market ${market.conditionId} matches none of ${allow.size} allowed entries`,
        };
      }
      return { ok: true };
    },
  };
}

/** One-off check; prefer compileMarketFilter when checking many markets against the same lists. */
export function checkMarketFilter(
  market: MarketRef,
  allowed: readonly string[] | null | undefined,
  excluded: readonly string[] | null | undefined,
): MarketFilterResult {
  return compileMarketFilter(allowed, excluded).check(market);
}
