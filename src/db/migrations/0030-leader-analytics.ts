// Leader analytics (src/analytics/, docs/analytics.md "Metrics"):
// - token_marks: the price the metrics mark each outcome token at. Refreshed by the scheduler's
//   analytics job from the venue (batched midpoints; market resolution when a token has no
//   midpoint) for the tokens in which tracked traders hold open positions, so the recompute itself
//   is pure SQL over tables. `open_holders` is written by the recompute (how many traders hold the
//   token now): it is the list the next refresh prices. A resolved token is final: it keeps its
//   payout (1, 0, or 0.5 for a void market) and the time this platform first saw the resolution,
//   which is when the metrics settle positions still held in it.
// - trader_metrics: what the recompute knows about a trader beyond the seed's `traders` columns —
//   the capital base every percentage is over, active days, days on the equity curve, open and
//   break-even positions, whether the trader meets the minimum sample and is ranked. One row per
//   trader, rewritten by every recompute (a side table rather than new columns on a seed table).
// - analytics_trader_staging / analytics_holder_staging: a recompute runs in shards (traders split by
//   id, one connection each, in parallel); each shard leaves its per-trader results and held tokens
//   here and one final transaction ranks and writes them.
// - idx_trades_copy_leader: copy trades by leader with their entry value, so follower figures
//   (total_copied_volume_usd) are an index-only scan instead of a pass over every trade.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE token_marks (
      asset_id      varchar(100) PRIMARY KEY,
      condition_id  varchar(100),
      price         numeric(20,10),
      priced_at     timestamptz,
      resolved      boolean NOT NULL DEFAULT false,
      payout        numeric(20,10),
      resolved_at   timestamptz,
      checked_at    timestamptz,
      open_holders  integer NOT NULL DEFAULT 0,
      updated_at    timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT token_marks_price_range CHECK (price IS NULL OR (price >= 0 AND price <= 1)),
      CONSTRAINT token_marks_payout_range CHECK (payout IS NULL OR (payout >= 0 AND payout <= 1)),
      CONSTRAINT token_marks_resolved_has_payout CHECK (
        NOT resolved OR (payout IS NOT NULL AND resolved_at IS NOT NULL)),
      CONSTRAINT token_marks_open_holders_non_negative CHECK (open_holders >= 0)
    );
    CREATE INDEX idx_token_marks_to_refresh ON token_marks (asset_id) WHERE open_holders > 0 AND NOT resolved;

    CREATE TABLE trader_metrics (
      wallet_address     varchar(42) PRIMARY KEY REFERENCES traders (wallet_address) ON DELETE CASCADE ON UPDATE CASCADE,
      capital_base_usd   numeric(20,6) NOT NULL DEFAULT 0,
      active_days        integer NOT NULL DEFAULT 0,
      equity_days        integer NOT NULL DEFAULT 0,
      open_positions     integer NOT NULL DEFAULT 0,
      breakeven_trades   integer NOT NULL DEFAULT 0,
      fills              integer NOT NULL DEFAULT 0,
      meets_sample       boolean NOT NULL DEFAULT false,
      ranked             boolean NOT NULL DEFAULT false,
      computed_at        timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT trader_metrics_counts_non_negative CHECK (
        capital_base_usd >= 0 AND active_days >= 0 AND equity_days >= 0 AND open_positions >= 0
        AND breakeven_trades >= 0 AND fills >= 0)
    );

    -- What each shard of a recompute hands to the step that writes \`traders\` (one transaction for all
    -- shards' results). Unlogged: a crash loses only a run in progress; rows of a run that never
    -- finished are deleted by a later run.
    CREATE UNLOGGED TABLE analytics_trader_staging (
      run_id          uuid NOT NULL,
      trader_id       bigint NOT NULL,
      volume          numeric NOT NULL,
      fills           bigint NOT NULL,
      first_ts        timestamptz NOT NULL,
      last_ts         timestamptz NOT NULL,
      active_days     bigint NOT NULL,
      equity_days     bigint NOT NULL,
      pnl             numeric NOT NULL,
      pnl7            numeric NOT NULL,
      capital_base    numeric NOT NULL,
      max_drawdown    numeric,
      sharpe          numeric,
      volatility      numeric,
      open_positions  bigint NOT NULL,
      closed          bigint NOT NULL,
      wins            bigint NOT NULL,
      losses          bigint NOT NULL,
      avg_cost        numeric,
      avg_hours       numeric,
      created_at      timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (run_id, trader_id)
    );
    CREATE UNLOGGED TABLE analytics_holder_staging (
      run_id      uuid NOT NULL,
      shard       integer NOT NULL,
      asset_id    varchar(100) NOT NULL,
      holders     integer NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (run_id, shard, asset_id)
    );

    CREATE INDEX idx_trades_copy_leader ON trades (trader_wallet_address) INCLUDE (entry_value_usd)
      WHERE is_copy_trade;
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP INDEX IF EXISTS idx_trades_copy_leader;
    DROP TABLE IF EXISTS analytics_holder_staging;
    DROP TABLE IF EXISTS analytics_trader_staging;
    DROP TABLE IF EXISTS trader_metrics;
    DROP TABLE IF EXISTS token_marks;
    `,
    )
    .execute(db);
}
