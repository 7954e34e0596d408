// Moved to the one market cache module (src/venue/market-cache.ts); kept so the executor's import
// (src/execution/venue-provider.ts, owned elsewhere) still resolves.
export { CachedMarketData, type MarketDataCacheOptions } from './market-cache.ts';
