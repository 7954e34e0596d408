// What the leaderboard's window and category filters read (docs/analytics.md "Windows and
// categories", docs/api.md GET /leaderboard):
// - trader_metrics gains the realized-plus-marked P&L of the last 30 and 90 days (and as a percentage
//   of the capital base), written by every recompute like pnl_7d, and `categories`: the market
//   categories holding at least a fifth of the trader's recorded volume.
// - market_categories: each market's categories from the venue's tags (src/domain/market-categories.ts),
//   looked up once per market by the analytics job (src/analytics/refresh-market-categories.ts); a
//   market stored with no category (unknown to the venue, or tags naming none) is asked again a day later.
// - analytics_trader_staging carries the new per-shard figures to the recompute's final step.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE trader_metrics
      ADD COLUMN pnl_30d numeric(20,6) NOT NULL DEFAULT 0,
      ADD COLUMN pnl_30d_percent numeric(10,4) NOT NULL DEFAULT 0,
      ADD COLUMN pnl_90d numeric(20,6) NOT NULL DEFAULT 0,
      ADD COLUMN pnl_90d_percent numeric(10,4) NOT NULL DEFAULT 0,
      ADD COLUMN categories varchar(20)[] NOT NULL DEFAULT '{}';
    CREATE INDEX idx_trader_metrics_categories ON trader_metrics USING gin (categories);

    CREATE TABLE market_categories (
      condition_id  varchar(100) PRIMARY KEY,
      categories    varchar(20)[] NOT NULL,
      checked_at    timestamptz NOT NULL DEFAULT now()
    );

    ALTER TABLE analytics_trader_staging
      ADD COLUMN pnl30 numeric NOT NULL DEFAULT 0,
      ADD COLUMN pnl90 numeric NOT NULL DEFAULT 0,
      ADD COLUMN categories varchar(20)[] NOT NULL DEFAULT '{}';
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE analytics_trader_staging DROP COLUMN IF EXISTS pnl30, DROP COLUMN IF EXISTS pnl90,
      DROP COLUMN IF EXISTS categories;
    DROP TABLE IF EXISTS market_categories;
    DROP INDEX IF EXISTS idx_trader_metrics_categories;
    ALTER TABLE trader_metrics DROP COLUMN IF EXISTS pnl_30d, DROP COLUMN IF EXISTS pnl_30d_percent,
      DROP COLUMN IF EXISTS pnl_90d, DROP COLUMN IF EXISTS pnl_90d_percent, DROP COLUMN IF EXISTS categories;
    `,
    )
    .execute(db);
}
