// The copy settings traders expect (issue 17). Every setting is read by decideCopy()
// (src/domain/decide-copy.ts); docs/copy-engine.md "Copy settings" explains each with an example.
//
// - copy_presets: named setting templates a user saves and applies to new follows. `settings` holds
//   the API's names and wire values (decimal strings), validated by the same schema as a follow.
// - copy_relationships gains the settings (sizing mode and its amount, buy/sell controls, side
//   slippage, price band, leader trade size bounds, categories, budget), the circuit breaker
//   (max_consecutive_failures, null = never; consecutive_failures; pause_reason / pause_detail say who
//   paused a follow and why), what the follow was created with (copy_open_positions, preset_id).
// - copy_decisions: a decision is about a leader fill (fill_key) or, for the positions a leader
//   already held when the follow started, about an open position (source 'open_position', no fill;
//   what was read is in open_position_copies).
// - live_balances: the last collateral balance read from a live account, for sizing from a balance
//   (paper balances come from the paper ledger itself).
// - trader_portfolio_values: a leader's portfolio value (Data API /value), for portfolio-weight sizing.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE copy_presets (
      id          bigserial PRIMARY KEY,
      user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name        varchar(60) NOT NULL,
      settings    jsonb NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT copy_presets_name_not_blank CHECK (btrim(name) <> ''),
      CONSTRAINT copy_presets_settings_object CHECK (jsonb_typeof(settings) = 'object')
    );
    -- One name per user, whatever its casing (updated_at is set by the preset service: the seed's
    -- updated_at trigger stays on the seed's four tables).
    CREATE UNIQUE INDEX uq_copy_presets_user_name ON copy_presets (user_id, lower(name));

    ALTER TABLE copy_relationships
      ADD COLUMN sizing_mode varchar(20) NOT NULL DEFAULT 'proportional',
      ADD COLUMN fixed_amount_usd numeric(12,2),
      ADD COLUMN balance_percent numeric(5,2),
      ADD COLUMN balance_source varchar(10) NOT NULL DEFAULT 'cash',
      ADD COLUMN copy_buys boolean NOT NULL DEFAULT true,
      ADD COLUMN copy_sells boolean NOT NULL DEFAULT true,
      ADD COLUMN buy_slippage_percent numeric(5,2),
      ADD COLUMN sell_slippage_percent numeric(5,2),
      ADD COLUMN max_buy_price numeric(6,4),
      ADD COLUMN min_sell_price numeric(6,4),
      ADD COLUMN min_leader_trade_usd numeric(12,2),
      ADD COLUMN max_leader_trade_usd numeric(12,2),
      ADD COLUMN categories text[],
      ADD COLUMN excluded_categories text[],
      ADD COLUMN budget_usd numeric(12,2),
      ADD COLUMN max_consecutive_failures integer DEFAULT 5,
      ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0,
      ADD COLUMN pause_reason varchar(20),
      ADD COLUMN pause_detail text,
      ADD COLUMN copy_open_positions boolean NOT NULL DEFAULT false,
      ADD COLUMN preset_id bigint REFERENCES copy_presets (id) ON DELETE SET NULL,
      ADD CONSTRAINT copy_rel_sizing_mode_valid
        CHECK (sizing_mode IN ('proportional', 'fixed_usd', 'balance_percent', 'portfolio_weight')),
      ADD CONSTRAINT copy_rel_fixed_amount_set CHECK (sizing_mode <> 'fixed_usd' OR fixed_amount_usd IS NOT NULL),
      ADD CONSTRAINT copy_rel_balance_percent_set
        CHECK (sizing_mode <> 'balance_percent' OR balance_percent IS NOT NULL),
      ADD CONSTRAINT copy_rel_fixed_amount_positive CHECK (fixed_amount_usd IS NULL OR fixed_amount_usd > 0),
      ADD CONSTRAINT copy_rel_balance_percent_range
        CHECK (balance_percent IS NULL OR (balance_percent > 0 AND balance_percent <= 100)),
      ADD CONSTRAINT copy_rel_balance_source_valid CHECK (balance_source IN ('cash', 'equity')),
      ADD CONSTRAINT copy_rel_copies_something CHECK (copy_buys OR copy_sells),
      ADD CONSTRAINT copy_rel_side_slippage_range CHECK (
        (buy_slippage_percent IS NULL OR buy_slippage_percent BETWEEN 0 AND 100)
        AND (sell_slippage_percent IS NULL OR sell_slippage_percent BETWEEN 0 AND 100)),
      ADD CONSTRAINT copy_rel_price_band_range CHECK (
        (max_buy_price IS NULL OR (max_buy_price > 0 AND max_buy_price <= 1))
        AND (min_sell_price IS NULL OR (min_sell_price >= 0 AND min_sell_price < 1))),
      ADD CONSTRAINT copy_rel_leader_trade_bounds CHECK (
        (min_leader_trade_usd IS NULL OR min_leader_trade_usd >= 0)
        AND (max_leader_trade_usd IS NULL OR max_leader_trade_usd > 0)
        AND (min_leader_trade_usd IS NULL OR max_leader_trade_usd IS NULL
             OR min_leader_trade_usd <= max_leader_trade_usd)),
      ADD CONSTRAINT copy_rel_budget_positive CHECK (budget_usd IS NULL OR budget_usd > 0),
      ADD CONSTRAINT copy_rel_max_failures_range
        CHECK (max_consecutive_failures IS NULL OR max_consecutive_failures BETWEEN 1 AND 100),
      ADD CONSTRAINT copy_rel_failures_non_negative CHECK (consecutive_failures >= 0),
      ADD CONSTRAINT copy_rel_pause_reason_valid
        CHECK (pause_reason IS NULL OR pause_reason IN ('user', 'circuit_breaker'));

    ALTER TABLE copy_decisions
      ALTER COLUMN fill_key DROP NOT NULL,
      ADD COLUMN source varchar(20) NOT NULL DEFAULT 'fill',
      ADD CONSTRAINT copy_decisions_source_valid CHECK (source IN ('fill', 'open_position')),
      ADD CONSTRAINT copy_decisions_fill_key_iff_fill CHECK ((source = 'fill') = (fill_key IS NOT NULL));

    CREATE TABLE open_position_copies (
      decision_id            bigint PRIMARY KEY REFERENCES copy_decisions (id) ON DELETE CASCADE,
      copy_relationship_id   bigint NOT NULL REFERENCES copy_relationships (id) ON DELETE CASCADE,
      trader_wallet_address  varchar(42) NOT NULL,
      asset_id               varchar(100) NOT NULL,
      condition_id           varchar(100) NOT NULL,
      market_slug            varchar(300),
      event_slug             varchar(300),
      market_title           varchar(500),
      outcome                varchar(100),
      leader_size            numeric(20,6) NOT NULL,
      leader_avg_price       numeric(20,10),
      price                  numeric(20,10),
      observed_at            timestamptz NOT NULL,
      CONSTRAINT open_position_copies_size_positive CHECK (leader_size > 0)
    );
    CREATE INDEX idx_open_position_copies_relationship ON open_position_copies (copy_relationship_id);

    CREATE TABLE live_balances (
      user_id      bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      cash_usd     numeric(20,6) NOT NULL,
      observed_at  timestamptz NOT NULL
    );

    CREATE TABLE trader_portfolio_values (
      trader_wallet_address  varchar(42) PRIMARY KEY REFERENCES traders (wallet_address) ON DELETE CASCADE,
      value_usd              numeric(20,6) NOT NULL,
      observed_at            timestamptz NOT NULL,
      CONSTRAINT trader_portfolio_values_non_negative CHECK (value_usd >= 0)
    );
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP TABLE IF EXISTS trader_portfolio_values;
    DROP TABLE IF EXISTS live_balances;
    DROP TABLE IF EXISTS open_position_copies;
    -- Decisions about open positions have no fill: they cannot exist under the older schema.
    DELETE FROM copy_decisions WHERE fill_key IS NULL;
    ALTER TABLE copy_decisions
      DROP CONSTRAINT IF EXISTS copy_decisions_fill_key_iff_fill,
      DROP CONSTRAINT IF EXISTS copy_decisions_source_valid,
      DROP COLUMN IF EXISTS source,
      ALTER COLUMN fill_key SET NOT NULL;
    ALTER TABLE copy_relationships
      DROP CONSTRAINT IF EXISTS copy_rel_pause_reason_valid,
      DROP CONSTRAINT IF EXISTS copy_rel_failures_non_negative,
      DROP CONSTRAINT IF EXISTS copy_rel_max_failures_range,
      DROP CONSTRAINT IF EXISTS copy_rel_budget_positive,
      DROP CONSTRAINT IF EXISTS copy_rel_leader_trade_bounds,
      DROP CONSTRAINT IF EXISTS copy_rel_price_band_range,
      DROP CONSTRAINT IF EXISTS copy_rel_side_slippage_range,
      DROP CONSTRAINT IF EXISTS copy_rel_copies_something,
      DROP CONSTRAINT IF EXISTS copy_rel_balance_source_valid,
      DROP CONSTRAINT IF EXISTS copy_rel_balance_percent_range,
      DROP CONSTRAINT IF EXISTS copy_rel_fixed_amount_positive,
      DROP CONSTRAINT IF EXISTS copy_rel_balance_percent_set,
      DROP CONSTRAINT IF EXISTS copy_rel_fixed_amount_set,
      DROP CONSTRAINT IF EXISTS copy_rel_sizing_mode_valid,
      DROP COLUMN IF EXISTS preset_id,
      DROP COLUMN IF EXISTS copy_open_positions,
      DROP COLUMN IF EXISTS pause_detail,
      DROP COLUMN IF EXISTS pause_reason,
      DROP COLUMN IF EXISTS consecutive_failures,
      DROP COLUMN IF EXISTS max_consecutive_failures,
      DROP COLUMN IF EXISTS budget_usd,
      DROP COLUMN IF EXISTS excluded_categories,
      DROP COLUMN IF EXISTS categories,
      DROP COLUMN IF EXISTS max_leader_trade_usd,
      DROP COLUMN IF EXISTS min_leader_trade_usd,
      DROP COLUMN IF EXISTS min_sell_price,
      DROP COLUMN IF EXISTS max_buy_price,
      DROP COLUMN IF EXISTS sell_slippage_percent,
      DROP COLUMN IF EXISTS buy_slippage_percent,
      DROP COLUMN IF EXISTS copy_sells,
      DROP COLUMN IF EXISTS copy_buys,
      DROP COLUMN IF EXISTS balance_source,
      DROP COLUMN IF EXISTS balance_percent,
      DROP COLUMN IF EXISTS fixed_amount_usd,
      DROP COLUMN IF EXISTS sizing_mode;
    DROP TABLE IF EXISTS copy_presets;
    `,
    )
    .execute(db);
}
