// What "copy open positions at follow" reads, over the venue's public market data: the leader's
// positions from the Data API (/positions, largest current value first), each token's market and
// the books, in one batched read.
import { Decimal } from '../domain/money.ts';
import type { OpenPositionsSource } from '../services/copy-open-positions.ts';
import type { DataApiClient } from '../venue/polymarket/data-api-client.ts';
import type { MarketDataSource } from '../venue/venue.ts';

export function openPositionsSource(
  marketData: Pick<MarketDataSource, 'getMarketByToken' | 'getOrderBooks'> & {
    readonly data: Pick<DataApiClient, 'getPositions'>;
  },
): OpenPositionsSource {
  return {
    async positions(wallet, limit) {
      const rows = await marketData.data.getPositions({
        user: wallet,
        limit,
        sortBy: 'CURRENT',
        sortDirection: 'DESC',
      });
      return rows.map((p) => ({
        assetId: p.asset,
        conditionId: p.conditionId,
        size: p.size,
        avgPrice: p.avgPrice,
        currentValueUsd: p.currentValue ?? (p.curPrice ? p.size.times(p.curPrice) : new Decimal(0)),
        redeemable: p.redeemable ?? false,
        title: p.title || null,
        marketSlug: p.slug || null,
        eventSlug: p.eventSlug || null,
        outcome: p.outcome || null,
        outcomeIndex: p.outcomeIndex ?? null,
      }));
    },
    market: (tokenId) => marketData.getMarketByToken(tokenId),
    books: (tokenIds) => marketData.getOrderBooks(tokenIds),
  };
}
