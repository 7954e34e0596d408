import { describe, expect, it } from 'vitest';
import {
  checkMarketFilter,
  compileMarketFilter,
  type MarketRef,
} from '../../../../src/domain/market-filter.ts';

const ID = '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1';
const OTHER_ID = '0x' + '9'.repeat(64);
const market: MarketRef = { conditionId: ID, marketSlug: 'will-x-happen', eventSlug: 'x-event' };
const other: MarketRef = { conditionId: OTHER_ID, marketSlug: 'will-y-happen', eventSlug: 'y-event' };

const verdict = (m: MarketRef, allowed: string[] | null, excluded: string[] | null) => {
  const r = checkMarketFilter(m, allowed, excluded);
  return r.ok ? 'ok' : r.reason;
};

describe('market filter', () => {
  it('allows every market when the allowed list is null or empty', () => {
    expect(verdict(market, null, null)).toBe('ok');
    expect(verdict(market, [], [])).toBe('ok');
    expect(verdict(market, ['  ', ''], null)).toBe('ok');
  });

  it('allows by condition id, market slug or event slug', () => {
    expect(verdict(market, [ID], null)).toBe('ok');
    expect(verdict(market, ['will-x-happen'], null)).toBe('ok');
    expect(verdict(market, ['x-event'], null)).toBe('ok');
    expect(verdict(other, [ID, 'will-x-happen', 'x-event'], null)).toBe('market_not_allowed');
  });

  it('excludes by condition id, market slug or event slug', () => {
    expect(verdict(market, null, [ID])).toBe('market_excluded');
    expect(verdict(market, null, ['will-x-happen'])).toBe('market_excluded');
    expect(verdict(market, null, ['x-event'])).toBe('market_excluded');
    expect(verdict(other, null, [ID, 'will-x-happen', 'x-event'])).toBe('ok');
  });

  it('lets an exclusion win over an allowance of the same market', () => {
    expect(verdict(market, ['x-event'], ['will-x-happen'])).toBe('market_excluded');
    expect(verdict(market, [ID], [ID])).toBe('market_excluded');
  });

  it('compares slugs case-insensitively and ids as lowercased hex', () => {
    expect(verdict(market, [' Will-X-Happen '], null)).toBe('ok');
    expect(verdict({ ...market, eventSlug: 'X-Event' }, ['x-event'], null)).toBe('ok');
    expect(verdict(market, [ID.toUpperCase().replace('0X', '0x')], null)).toBe('ok');
    expect(verdict({ ...market, conditionId: ID.toUpperCase().replace('0X', '0x') }, [ID], null)).toBe('ok');
  });

  it('matches ids exactly: a prefix of a condition id is not that id', () => {
    expect(verdict(market, [ID.slice(0, 40)], null)).toBe('market_not_allowed');
    expect(verdict(market, ['will-x'], null)).toBe('market_not_allowed');
  });

  it('does not treat a missing slug as matching anything', () => {
    const bare: MarketRef = { conditionId: ID, marketSlug: null, eventSlug: null };
    expect(verdict(bare, ['will-x-happen', 'x-event'], null)).toBe('market_not_allowed');
    expect(verdict(bare, [ID], ['x-event'])).toBe('ok');
  });

  it('says what matched', () => {
    const r = compileMarketFilter(null, ['X-EVENT']).check(market);
    expect(r).toEqual({ ok: false, reason: 'market_excluded', detail: 'excluded by event slug x-event' });
  });
});
