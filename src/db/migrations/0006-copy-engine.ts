// The copy engine's bookkeeping on top of the seed tables.
//
// - leader_fills: one row per leader fill, keyed by the fill key (see src/domain/fill-key.ts). It is
//   a plain (non-partitioned) table so the key alone can be unique: `trades` can only enforce
//   uniqueness together with entry_timestamp, and two sources may disagree on a fill's timestamp
//   precision. Inserting here ON CONFLICT DO NOTHING is what makes a second fan-out impossible.
// - copy_decisions: the outcome of every (leader fill, relationship) pair a user can read:
//   queued → executed | failed | skipped, with a stable reason code and a human detail.
// - trade_queue gains the columns execution needs (which fill, side, token, mode, lease, order
//   identity) and a unique (copy_relationship_id, source_fill_key) so one fill is queued at most once
//   per relationship.
// - trades gains the fill identity of leader fills and copies, the token and outcome label, side and
//   detection time, so positions can be attributed per relationship.
// - copy_positions: the open position per (relationship, token), kept in step with the open copy lots
//   in `trades` by the transaction that records each execution. Sizing, exposure caps and mirrored
//   sells read it with one index lookup instead of summing lots across every trades partition.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE leader_fills (
      fill_key               varchar(64) PRIMARY KEY,
      trader_wallet_address  varchar(42) NOT NULL,
      transaction_hash       varchar(66) NOT NULL,
      asset_id               varchar(100) NOT NULL,
      condition_id           varchar(100) NOT NULL,
      side                   varchar(4) NOT NULL,
      price                  numeric(20,10) NOT NULL,
      size                   numeric(20,6) NOT NULL,
      occurrence             integer NOT NULL,
      outcome                varchar(100),
      outcome_index          smallint,
      market_slug            varchar(300),
      event_slug             varchar(300),
      market_title           varchar(500),
      filled_at              timestamptz NOT NULL,
      detected_at            timestamptz NOT NULL DEFAULT now(),
      source                 varchar(20) NOT NULL,
      trade_id               bigint,
      followers_queued       integer NOT NULL DEFAULT 0,
      followers_skipped      integer NOT NULL DEFAULT 0,
      CONSTRAINT leader_fills_wallet_format CHECK (trader_wallet_address ~ '^0x[0-9a-f]{40}$'),
      CONSTRAINT leader_fills_side_valid CHECK (side IN ('BUY', 'SELL')),
      CONSTRAINT leader_fills_price_range CHECK (price >= 0 AND price <= 1),
      CONSTRAINT leader_fills_size_positive CHECK (size > 0),
      CONSTRAINT leader_fills_occurrence_non_negative CHECK (occurrence >= 0),
      CONSTRAINT leader_fills_source_valid CHECK (source IN ('rtds', 'data_api', 'chain', 'test'))
    );
    CREATE INDEX idx_leader_fills_wallet_time ON leader_fills (trader_wallet_address, filled_at DESC);
    CREATE INDEX idx_leader_fills_detected_at ON leader_fills (detected_at DESC);

    CREATE TABLE copy_decisions (
      id                     bigserial PRIMARY KEY,
      fill_key               varchar(64) NOT NULL REFERENCES leader_fills (fill_key) ON DELETE CASCADE,
      copy_relationship_id   bigint NOT NULL REFERENCES copy_relationships (id) ON DELETE CASCADE,
      user_id                bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      outcome                varchar(10) NOT NULL,
      reason                 varchar(60),
      detail                 text,
      queue_id               bigint,
      copy_trade_id          bigint,
      created_at             timestamptz NOT NULL DEFAULT now(),
      decided_at             timestamptz,
      CONSTRAINT copy_decisions_fill_relationship_unique UNIQUE (fill_key, copy_relationship_id),
      CONSTRAINT copy_decisions_outcome_valid CHECK (outcome IN ('queued', 'executed', 'failed', 'skipped')),
      CONSTRAINT copy_decisions_reason_when_not_executed CHECK (outcome IN ('queued', 'executed') OR reason IS NOT NULL)
    );
    CREATE INDEX idx_copy_decisions_user_time ON copy_decisions (user_id, created_at DESC);
    CREATE INDEX idx_copy_decisions_relationship ON copy_decisions (copy_relationship_id, created_at DESC);

    ALTER TABLE trade_queue
      ADD COLUMN source_fill_key   varchar(64) REFERENCES leader_fills (fill_key) ON DELETE SET NULL,
      ADD COLUMN side              varchar(4) NOT NULL DEFAULT 'BUY',
      ADD COLUMN asset_id          varchar(100),
      ADD COLUMN notional_usd      numeric(20,6),
      ADD COLUMN mode              varchar(10) NOT NULL DEFAULT 'paper',
      ADD COLUMN purpose           varchar(20) NOT NULL DEFAULT 'copy',
      ADD COLUMN lease_expires_at  timestamptz,
      ADD COLUMN signed_at         timestamptz,
      ADD COLUMN venue_order_id    varchar(100),
      ADD CONSTRAINT trade_queue_side_valid CHECK (side IN ('BUY', 'SELL')),
      ADD CONSTRAINT trade_queue_mode_valid CHECK (mode IN ('live', 'paper')),
      ADD CONSTRAINT trade_queue_purpose_valid CHECK (purpose IN ('copy', 'stop_loss', 'take_profit', 'close', 'resolution')),
      ADD CONSTRAINT trade_queue_processing_has_lease CHECK (status <> 'processing' OR lease_expires_at IS NOT NULL);
    CREATE UNIQUE INDEX uq_trade_queue_relationship_fill ON trade_queue (copy_relationship_id, source_fill_key)
      WHERE source_fill_key IS NOT NULL;
    CREATE INDEX idx_trade_queue_lease ON trade_queue (lease_expires_at) WHERE status = 'processing';

    ALTER TABLE trades
      ADD COLUMN fill_key          varchar(64),
      ADD COLUMN source_fill_key   varchar(64),
      ADD COLUMN asset_id          varchar(100),
      ADD COLUMN outcome           varchar(100),
      ADD COLUMN side              varchar(4),
      ADD COLUMN queue_id          bigint,
      ADD COLUMN detected_at       timestamptz,
      ADD CONSTRAINT trades_side_valid CHECK (side IS NULL OR side IN ('BUY', 'SELL'));
    CREATE INDEX idx_trades_relationship_asset ON trades (copy_relationship_id, asset_id)
      WHERE copy_relationship_id IS NOT NULL;
    CREATE INDEX idx_trades_source_fill_key ON trades (source_fill_key) WHERE source_fill_key IS NOT NULL;
    CREATE INDEX idx_trade_queue_user_status ON trade_queue (user_id, status, completed_at);

    CREATE TABLE copy_positions (
      copy_relationship_id  bigint NOT NULL REFERENCES copy_relationships (id) ON DELETE CASCADE,
      asset_id              varchar(100) NOT NULL,
      user_id               bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      condition_id          varchar(100) NOT NULL,
      shares                numeric(20,6) NOT NULL DEFAULT 0,
      cost_usd              numeric(20,6) NOT NULL DEFAULT 0,
      realized_pnl_usd      numeric(20,6) NOT NULL DEFAULT 0,
      opened_at             timestamptz NOT NULL DEFAULT now(),
      updated_at            timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (copy_relationship_id, asset_id),
      CONSTRAINT copy_positions_shares_non_negative CHECK (shares >= 0),
      CONSTRAINT copy_positions_cost_non_negative CHECK (cost_usd >= 0)
    );
    CREATE INDEX idx_copy_positions_user ON copy_positions (user_id) WHERE shares > 0;
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP TABLE IF EXISTS copy_positions;
    DROP INDEX IF EXISTS idx_trade_queue_user_status;
    DROP INDEX IF EXISTS idx_trades_source_fill_key;
    DROP INDEX IF EXISTS idx_trades_relationship_asset;
    ALTER TABLE trades
      DROP CONSTRAINT IF EXISTS trades_side_valid,
      DROP COLUMN IF EXISTS detected_at, DROP COLUMN IF EXISTS queue_id, DROP COLUMN IF EXISTS side,
      DROP COLUMN IF EXISTS outcome, DROP COLUMN IF EXISTS asset_id, DROP COLUMN IF EXISTS source_fill_key,
      DROP COLUMN IF EXISTS fill_key;
    DROP INDEX IF EXISTS idx_trade_queue_lease;
    DROP INDEX IF EXISTS uq_trade_queue_relationship_fill;
    ALTER TABLE trade_queue
      DROP CONSTRAINT IF EXISTS trade_queue_processing_has_lease,
      DROP CONSTRAINT IF EXISTS trade_queue_purpose_valid,
      DROP CONSTRAINT IF EXISTS trade_queue_mode_valid,
      DROP CONSTRAINT IF EXISTS trade_queue_side_valid,
      DROP COLUMN IF EXISTS venue_order_id, DROP COLUMN IF EXISTS signed_at, DROP COLUMN IF EXISTS lease_expires_at,
      DROP COLUMN IF EXISTS purpose, DROP COLUMN IF EXISTS mode, DROP COLUMN IF EXISTS notional_usd,
      DROP COLUMN IF EXISTS asset_id, DROP COLUMN IF EXISTS side, DROP COLUMN IF EXISTS source_fill_key;
    DROP TABLE IF EXISTS copy_decisions;
    DROP TABLE IF EXISTS leader_fills;
    `,
    )
    .execute(db);
}
