import { describe, expect, it } from 'vitest';
import {
  categoriesOfTags,
  compileCategoryFilter,
  MARKET_CATEGORIES,
  normaliseTag,
} from '../../../../src/domain/market-categories.ts';

describe('market categories', () => {
  it("reads the venue's tags: CLOB strings, Gamma labels and slugs, any casing", () => {
    expect(categoriesOfTags(['POLITICS'])).toEqual(['politics']);
    expect(categoriesOfTags(['Pop Culture', 'Economy'])).toEqual(['culture', 'economics']);
    expect(categoriesOfTags(['pop-culture'])).toEqual(['culture']);
    expect(categoriesOfTags(['NBA', 'Sports', 'Basketball'])).toEqual(['sports']);
    expect(categoriesOfTags(['Fed', 'Stocks'])).toEqual(['economics', 'finance']);
    expect(categoriesOfTags(['Something new', ''])).toEqual([]);
    expect(categoriesOfTags(null)).toEqual([]);
    expect(normaliseTag('  U.S. Politics ')).toBe('u-s-politics');
  });

  it('every category names itself', () => {
    for (const c of MARKET_CATEGORIES) expect(categoriesOfTags([c.toUpperCase()])).toEqual([c]);
  });

  it('filters like the market lists: exclusions win, an empty allow list allows all', () => {
    const all = compileCategoryFilter(null, []);
    expect(all.check([])).toEqual({ ok: true });
    expect(all.check(['sports'])).toEqual({ ok: true });
    const politics = compileCategoryFilter(['Politics'], ['sports']);
    expect(politics.check(['politics'])).toEqual({ ok: true });
    expect(politics.check(['politics', 'sports'])).toMatchObject({ ok: false, reason: 'category_excluded' });
    expect(politics.check(['crypto'])).toMatchObject({ ok: false, reason: 'category_not_allowed' });
    expect(politics.check([])).toMatchObject({ ok: false, reason: 'category_not_allowed' });
  });
});
