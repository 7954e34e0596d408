// The portfolio value of every leader someone follows with portfolio-weight sizing, from the venue's
// Data API (/value: the wallet's positions at their current price), kept in trader_portfolio_values
// for the fan-out (src/ingest/sizing-inputs.ts). A copy sized from a value older than
// SNAPSHOT_MAX_AGE_MS.leaderValue is skipped as leader_portfolio_unknown instead of guessed.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { toWire, ZERO, type Decimal } from '../domain/money.ts';

/** The one Data API call this needs (DataApiClient satisfies it). */
export interface PortfolioValueSource {
  getValue(user: string): Promise<{ value: Decimal } | null>;
}

export interface LeaderValuesReport {
  leaders: number;
  refreshed: number;
  failed: number;
}

/** The leaders followed (active or paused) with portfolio-weight sizing, or just `wallets`. */
async function leadersToRead(db: Db, wallets?: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ wallet: string }>`
    SELECT DISTINCT trader_wallet_address AS wallet FROM copy_relationships
     WHERE status IN ('active', 'paused') AND sizing_mode = 'portfolio_weight'
       ${wallets ? sql`AND trader_wallet_address = ANY (${wallets.map((w) => w.toLowerCase())}::varchar[])` : sql``}
     ORDER BY 1`.execute(db);
  return rows.map((r) => r.wallet);
}

export async function refreshLeaderPortfolioValues(deps: {
  readonly db: Db;
  readonly source: PortfolioValueSource;
  readonly now?: () => Date;
  /** Only these leaders (a new follow); default: every leader that needs it. */
  readonly wallets?: readonly string[];
}): Promise<LeaderValuesReport> {
  const leaders = await leadersToRead(deps.db, deps.wallets);
  let refreshed = 0;
  let failed = 0;
  let next = 0;
  // A few reads at once: the Data API's general budget is shared with everything else.
  const lane = async () => {
    while (next < leaders.length) {
      const wallet = leaders[next++]!;
      try {
        // The Data API answers [] for a wallet that holds nothing: its portfolio is worth 0.
        const v = await deps.source.getValue(wallet);
        const observedAt = deps.now?.() ?? new Date();
        await sql`
          INSERT INTO trader_portfolio_values (trader_wallet_address, value_usd, observed_at)
          VALUES (${wallet}, ${toWire(v ? v.value : ZERO)}::numeric, ${observedAt})
          ON CONFLICT (trader_wallet_address) DO UPDATE
             SET value_usd = EXCLUDED.value_usd, observed_at = EXCLUDED.observed_at
           WHERE trader_portfolio_values.observed_at <= EXCLUDED.observed_at`.execute(deps.db);
        refreshed += 1;
      } catch {
        // Left as it was: an old value ages out and the fan-out says so.
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, leaders.length) }, lane));
  return { leaders: leaders.length, refreshed, failed };
}
