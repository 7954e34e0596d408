// A market's tags reach the Market (the CLOB's `tags` strings, Gamma's `tags[].label/slug`), and a
// follow's category filter reads them as categories. Shapes as in docs/polymarket-api.md §2.3, §3.1.
import { describe, expect, it } from 'vitest';
import { categoriesOfTags } from '../../../../src/domain/market-categories.ts';
import { clobMarketInfoSchema, clobMarketSchema } from '../../../../src/venue/polymarket/clob-wire.ts';
import { gammaMarketSchema } from '../../../../src/venue/polymarket/gamma-client.ts';
import { parseLosslessJson } from '../../../../src/venue/polymarket/lossless-json.ts';
import { marketFromClob, marketFromGamma } from '../../../../src/venue/polymarket/market-mapping.ts';

const CID = `0x${'5f'.repeat(32)}`;
const wire = (text: string) => parseLosslessJson(text);

describe('market tags', () => {
  it('CLOB: the full market object carries tags; odd shapes are ignored, not fatal', () => {
    const info = clobMarketInfoSchema.parse(wire(`{"c":"${CID}","t":[{"t":"1","o":"Yes"}],"mts":0.01}`));
    const full = clobMarketSchema.parse(
      wire(
        `{"condition_id":"${CID}","tokens":[{"token_id":"1","outcome":"Yes"}],"tags":["Politics","Elections",7]}`,
      ),
    );
    const m = marketFromClob(info, full);
    expect(m.tags).toEqual(['Politics', 'Elections']);
    expect(categoriesOfTags(m.tags)).toEqual(['politics']);
    const odd = clobMarketSchema.parse(wire(`{"condition_id":"${CID}","tokens":[],"tags":"sports"}`));
    expect(odd.tags).toEqual([]);
    expect(marketFromClob(info, null).tags).toEqual([]);
  });

  it('Gamma: tag objects give their label and slug', () => {
    const g = gammaMarketSchema.parse(
      wire(`{"conditionId":"${CID}","clobTokenIds":"[\\"1\\",\\"2\\"]","outcomes":"[\\"Yes\\",\\"No\\"]",
        "tags":[{"id":"596","label":"Culture","slug":"pop-culture"},{"id":"1","label":"Sports","slug":"sports"},null]}`),
    );
    const m = marketFromGamma(g);
    expect(m?.tags).toEqual(['Culture', 'pop-culture', 'Sports', 'sports']);
    expect(categoriesOfTags(m?.tags)).toEqual(['sports', 'culture']);
  });
});
