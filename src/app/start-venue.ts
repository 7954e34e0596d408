// Where the platform's market data and orders go: real Polymarket when configured, otherwise the
// built-in simulator started in this process (so `npm start` on a fresh machine has live-looking
// markets and traders with no setup).
import type { Config } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import { startSimulatorServer } from '../simulator/server/server.ts';
import {
  hostsFromSimulatorEndpoints,
  PolymarketVenue,
  type PolymarketHosts,
} from '../venue/polymarket/polymarket-venue.ts';
import { TradingRulesCache } from '../venue/market-cache.ts';
import { RateLimiter } from '../venue/rate-limits.ts';

export interface VenueRuntime {
  readonly kind: 'polymarket' | 'simulator';
  readonly hosts: PolymarketHosts & { readonly rtds: string };
  readonly chainId: number;
  /** Keyless venue for public market data (paper fills, pricing, rules). */
  readonly marketData: PolymarketVenue;
  /** Shared pacing for every Polymarket client of this process. */
  readonly limiter: RateLimiter;
  /** Trading rules (public) shared by the market-data venue and every live venue of this process. */
  readonly rulesCache: TradingRulesCache;
  /** The simulator's control URL when it runs in this process. */
  readonly simulatorUrl: string | null;
  /** A Polygon JSON-RPC for the chain feed: POLYGON_WS_URL, or the built-in simulator's chain. */
  readonly chainRpc: { readonly wsUrl: string; readonly httpUrl: string | null } | null;
  stop(): Promise<void>;
}

export async function startVenue(config: Config, logger: Logger): Promise<VenueRuntime> {
  const limiter = new RateLimiter();
  const rulesCache = new TradingRulesCache();
  if (config.venue.kind === 'polymarket') {
    const hosts = config.venue.hosts;
    logger.info({ clob: hosts.clob }, 'venue: Polymarket');
    return {
      kind: 'polymarket',
      hosts,
      chainId: config.venue.chainId,
      marketData: PolymarketVenue.marketData({ hosts, chainId: config.venue.chainId, limiter, rulesCache }),
      limiter,
      rulesCache,
      simulatorUrl: null,
      chainRpc:
        config.engine.polygonWsUrl && config.engine.chainFeed === 'auto'
          ? { wsUrl: config.engine.polygonWsUrl, httpUrl: config.engine.polygonHttpUrl }
          : null,
      stop: async () => undefined,
    };
  }
  const sim = await startSimulatorServer({
    host: config.venue.host,
    port: config.venue.port,
    seed: config.venue.seed,
    speed: config.venue.speed,
    // A month of trades, positions and a leaderboard behind it, so discovery finds traders at once.
    historyDays: config.venue.historyDays,
    verifySample: config.venue.verifySample,
  });
  const base = hostsFromSimulatorEndpoints(sim.endpoints);
  const hosts = { ...base, rtds: sim.endpoints.ws.rtds };
  logger.info(
    {
      url: sim.url,
      seed: config.venue.seed,
      speed: config.venue.speed,
      historyDays: config.venue.historyDays,
      verifySample: config.venue.verifySample,
    },
    'venue: built-in simulator',
  );
  return {
    kind: 'simulator',
    hosts,
    chainId: 137,
    // The simulator does not rate-limit unless told to (/sim/faults); pacing stays on regardless.
    marketData: PolymarketVenue.marketData({ hosts, chainId: 137, limiter, rulesCache }),
    limiter,
    rulesCache,
    simulatorUrl: sim.url,
    chainRpc:
      config.engine.chainFeed === 'off'
        ? null
        : config.engine.polygonWsUrl
          ? { wsUrl: config.engine.polygonWsUrl, httpUrl: config.engine.polygonHttpUrl }
          : { wsUrl: sim.endpoints.chain.ws, httpUrl: sim.endpoints.chain.http },
    stop: () => sim.close(),
  };
}
