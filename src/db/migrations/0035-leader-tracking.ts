// Discovery and backfill of tracked traders (src/analytics/discovery.ts, backfill.ts;
// docs/analytics.md "Discovery and backfill"):
// - discovered_traders: which venue leaderboard lists (orderBy:timePeriod, e.g. PNL:WEEK) a wallet
//   was on when discovery last saw it, its best rank there, and when it was first and last seen.
//   Provenance for "why is this wallet tracked", and what a future un-tracking policy would read.
// - backfill_checkpoints: per wallet, where the next Data API /activity window starts (whole
//   seconds, inclusive). It moves forward in the same transaction that records a batch of fills, so
//   a backfill that crashes resumes exactly after the last committed batch.
// - idx_leader_fills_asset_time: a token's recorded prices over time, for the what-if backtest's
//   price observations (src/services/run-backtest.ts).
// - leader_fills.source gains 'backfill': fills recorded from history, never fanned out to
//   followers (a historical fill must never be copied), told apart from the live sources.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE discovered_traders (
      wallet_address  varchar(42) PRIMARY KEY REFERENCES traders (wallet_address) ON DELETE CASCADE ON UPDATE CASCADE,
      lists           text[] NOT NULL DEFAULT '{}',
      best_rank       integer,
      first_seen_at   timestamptz NOT NULL DEFAULT now(),
      last_seen_at    timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT discovered_traders_wallet_format CHECK (wallet_address ~ '^0x[0-9a-f]{40}$'),
      CONSTRAINT discovered_traders_rank_positive CHECK (best_rank IS NULL OR best_rank >= 1)
    );

    CREATE TABLE backfill_checkpoints (
      wallet_address  varchar(42) PRIMARY KEY REFERENCES traders (wallet_address) ON DELETE CASCADE ON UPDATE CASCADE,
      next_start_at   timestamptz NOT NULL,
      caught_up_to    timestamptz,
      fills_seen      bigint NOT NULL DEFAULT 0,
      fills_recorded  bigint NOT NULL DEFAULT 0,
      pages_fetched   bigint NOT NULL DEFAULT 0,
      last_run_at     timestamptz,
      last_error      text,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT backfill_checkpoints_counts_non_negative CHECK (
        fills_seen >= 0 AND fills_recorded >= 0 AND pages_fetched >= 0)
    );
    CREATE INDEX idx_backfill_checkpoints_last_run ON backfill_checkpoints (last_run_at NULLS FIRST);

    -- A token's recorded prices over time (the backtest's price observations and marks).
    CREATE INDEX idx_leader_fills_asset_time ON leader_fills (asset_id, filled_at);

    ALTER TABLE leader_fills DROP CONSTRAINT leader_fills_source_valid;
    ALTER TABLE leader_fills ADD CONSTRAINT leader_fills_source_valid
      CHECK (source IN ('rtds', 'data_api', 'chain', 'test', 'backfill'));
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    UPDATE leader_fills SET source = 'data_api' WHERE source = 'backfill';
    ALTER TABLE leader_fills DROP CONSTRAINT IF EXISTS leader_fills_source_valid;
    ALTER TABLE leader_fills ADD CONSTRAINT leader_fills_source_valid
      CHECK (source IN ('rtds', 'data_api', 'chain', 'test'));
    DROP INDEX IF EXISTS idx_leader_fills_asset_time;
    DROP TABLE IF EXISTS backfill_checkpoints;
    DROP TABLE IF EXISTS discovered_traders;
    `,
    )
    .execute(db);
}
