// The snapshots balance-based sizing reads (docs/copy-engine.md "Copy settings"), bound to their
// collaborators once: the leaders' portfolio values (Data API /value) and the live accounts'
// balances (the exchange, with each user's credentials). The scheduler runs `run` on an interval
// (SIZING_SNAPSHOT_INTERVAL_MS); a follow created or edited into a balance-based mode calls
// `refreshFor` so its first copy does not wait for the next run.
import type { Db } from '../db/client.ts';
import { refreshLiveBalances, type LiveBalancesReport } from '../execution/live-balances.ts';
import type { VenueProvider } from '../execution/venue-provider.ts';
import {
  refreshLeaderPortfolioValues,
  type LeaderValuesReport,
  type PortfolioValueSource,
} from './leader-portfolio-values.ts';

export interface SizingSnapshotJobs {
  readonly intervalMs: number;
  run(): Promise<{ leaders: LeaderValuesReport; balances: LiveBalancesReport | null }>;
  /** One follow's leader and account, now (best effort: failures leave the snapshots to age). */
  refreshFor(follow: { readonly userId: string; readonly traderWallet: string }): Promise<void>;
}

export function sizingSnapshotJobs(deps: {
  readonly db: Db;
  readonly dataApi: PortfolioValueSource;
  /** Live venues from stored credentials; without them live balances are not read. */
  readonly venues?: Pick<VenueProvider, 'venueFor'>;
  readonly intervalMs: number;
  readonly now?: () => Date;
}): SizingSnapshotJobs {
  const { db, dataApi, venues } = deps;
  const clock = deps.now ? { now: deps.now } : {};
  return {
    intervalMs: deps.intervalMs,
    run: async () => ({
      leaders: await refreshLeaderPortfolioValues({ db, source: dataApi, ...clock }),
      balances: venues ? await refreshLiveBalances({ db, venues, ...clock }) : null,
    }),
    refreshFor: async (f) => {
      await refreshLeaderPortfolioValues({ db, source: dataApi, wallets: [f.traderWallet], ...clock });
      if (venues) await refreshLiveBalances({ db, venues, userIds: [f.userId], minAgeMs: 0, ...clock });
    },
  };
}
