// trader_copyability: what copying each leader actually delivered on this platform, and whether
// the leader's style can be copied at all (src/analytics/copyability.ts; docs/analytics.md
// "Copyability"). One row per trader, rewritten by one set-based statement on a schedule, so the
// leaderboard and the profile read figures without aggregating decisions per request. A side
// table rather than columns on the seed's `traders`.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE trader_copyability (
      wallet_address             varchar(42) PRIMARY KEY REFERENCES traders (wallet_address) ON DELETE CASCADE ON UPDATE CASCADE,
      executed                   integer NOT NULL DEFAULT 0,
      failed_execution           integer NOT NULL DEFAULT 0,
      not_counted                integer NOT NULL DEFAULT 0,
      pending                    integer NOT NULL DEFAULT 0,
      fill_rate                  numeric(7,6),
      slippage_samples           integer NOT NULL DEFAULT 0,
      median_slippage_bps        numeric(12,2),
      latency_samples            integer NOT NULL DEFAULT 0,
      latency_p50_ms             integer,
      latency_p90_ms             integer,
      copied_positions           integer NOT NULL DEFAULT 0,
      follower_cost_usd          numeric(20,6) NOT NULL DEFAULT 0,
      follower_pnl_usd           numeric(20,6) NOT NULL DEFAULT 0,
      leader_cost_usd            numeric(20,6) NOT NULL DEFAULT 0,
      leader_pnl_usd             numeric(20,6) NOT NULL DEFAULT 0,
      follower_return            numeric(14,6),
      leader_return              numeric(14,6),
      round_trips                integer NOT NULL DEFAULT 0,
      median_round_trip_seconds  numeric(14,1),
      buy_fills                  integer NOT NULL DEFAULT 0,
      usual_proportionality      numeric(8,6) NOT NULL,
      below_minimum_share        numeric(7,6),
      too_fast                   boolean NOT NULL DEFAULT false,
      too_small                  boolean NOT NULL DEFAULT false,
      copyable                   boolean NOT NULL DEFAULT true,
      computed_at                timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT trader_copyability_counts_non_negative CHECK (
        executed >= 0 AND failed_execution >= 0 AND not_counted >= 0 AND pending >= 0
        AND slippage_samples >= 0 AND latency_samples >= 0 AND copied_positions >= 0
        AND round_trips >= 0 AND buy_fills >= 0),
      CONSTRAINT trader_copyability_rates_range CHECK (
        (fill_rate IS NULL OR (fill_rate >= 0 AND fill_rate <= 1))
        AND (below_minimum_share IS NULL OR (below_minimum_share >= 0 AND below_minimum_share <= 1))),
      CONSTRAINT trader_copyability_copyable_consistent CHECK (copyable = NOT (too_fast OR too_small))
    );
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS trader_copyability;`).execute(db);
}
