// Which venue executes a queue row. "Paper or live" is decided here, once (house rule 2): paper rows
// get a PaperVenue over public market data with the user's paper ledger in PostgreSQL; live rows get
// the user's live adapter, built from credentials decrypted only for the call (wired by the vault).
import type { Db } from '../db/client.ts';
import type { Decimal } from '../domain/money.ts';
import { CachedMarketData, type MarketDataCacheOptions } from '../venue/cached-market-data.ts';
import { PaperVenue } from '../venue/paper/paper-venue.ts';
import { PgPaperLedgerStore } from '../venue/paper/pg-ledger-store.ts';
import type { MarketDataSource, Venue } from '../venue/venue.ts';

export interface VenueRequest {
  readonly userId: string;
  readonly mode: 'live' | 'paper';
  /** The API key the live order is placed with (live mode). */
  readonly apiKeyId: string | null;
}

export interface VenueProvider {
  /** Public market data (books, markets) used to price copies. */
  readonly marketData: MarketDataSource;
  venueFor(request: VenueRequest): Promise<Venue>;
}

/** Builds live venues from stored credentials; supplied by the vault once credentials exist. */
export type LiveVenueFactory = (userId: string, apiKeyId: string) => Promise<Venue>;

export interface VenueProviderOptions {
  readonly paperStartingBalance: Decimal;
  readonly live?: LiveVenueFactory;
  readonly now?: () => number;
  /**
   * Reuse markets and books read for pricing for a short time (src/venue/cached-market-data.ts).
   * Paper fills still read the source directly.
   */
  readonly pricingCache?: MarketDataCacheOptions;
}

export class DefaultVenueProvider implements VenueProvider {
  /** What the executor prices with: the source, or a short-lived cache over it. */
  readonly marketData: MarketDataSource;

  constructor(
    private readonly db: Db,
    private readonly source: MarketDataSource,
    private readonly opts: VenueProviderOptions,
  ) {
    this.marketData = opts.pricingCache ? new CachedMarketData(source, opts.pricingCache) : source;
  }

  async venueFor(request: VenueRequest): Promise<Venue> {
    if (request.mode === 'paper') {
      // A PaperVenue is cheap: its state lives in PostgreSQL, so one per call is correct across
      // workers and restarts.
      return new PaperVenue({
        source: this.source,
        store: new PgPaperLedgerStore(this.db, request.userId),
        initialCollateral: this.opts.paperStartingBalance,
        ...(this.opts.now ? { now: this.opts.now } : {}),
      });
    }
    if (!this.opts.live) throw new Error('live trading is not configured on this worker');
    if (!request.apiKeyId) throw new Error('live row without an API key');
    return this.opts.live(request.userId, request.apiKeyId);
  }
}
