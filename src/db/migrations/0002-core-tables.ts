// users, polymarket_api_keys, traders, copy_relationships, trade_queue: column by column as in
// shared/docs/schema-columns.md. Deliberate differences from the seed:
//  - every timestamp is timestamptz;
//  - polymarket_api_keys gains encrypted_api_passphrase, signature_type, funder_address, key_name and
//    expires_at (Polymarket's L2 auth needs the passphrase; V2 signing needs the signature type
//    and funder);
//  - users.two_factor_secret is bytea: it holds ciphertext, never the TOTP seed itself;
//  - users must carry at least one identity (email, wallet or Telegram id);
//  - the seed's "lookup" indexes on unique columns (key_hash, celery_task_id) ARE the unique
//    indexes, under the seed's names, instead of a second copy of the same index;
//  - trade_queue.celery_task_id keeps its name but holds the executing worker's claim token.
import { sql, type Kysely } from 'kysely';

const WALLET = `'^0x[0-9a-fA-F]{40}$'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE users (
      id                      bigserial PRIMARY KEY,
      email                   varchar(255) UNIQUE,
      wallet_address          varchar(42) UNIQUE,
      telegram_id             bigint UNIQUE,
      username                varchar(100),
      password_hash           varchar(255),
      subscription_tier       varchar(20) NOT NULL DEFAULT 'free',
      max_followed_traders    integer NOT NULL DEFAULT 3,
      max_daily_trades        integer NOT NULL DEFAULT 10,
      max_trade_size_usd      numeric(12,2) NOT NULL DEFAULT 100,
      max_total_exposure_usd  numeric(12,2) NOT NULL DEFAULT 500,
      balance_usd             numeric(20,6) NOT NULL DEFAULT 0,
      total_spent_usd         numeric(20,6) NOT NULL DEFAULT 0,
      total_earned_usd        numeric(20,6) NOT NULL DEFAULT 0,
      is_active               boolean NOT NULL DEFAULT true,
      is_verified             boolean NOT NULL DEFAULT false,
      two_factor_enabled      boolean NOT NULL DEFAULT false,
      two_factor_secret       bytea,
      email_notifications     boolean NOT NULL DEFAULT true,
      telegram_notifications  boolean NOT NULL DEFAULT true,
      created_at              timestamptz NOT NULL DEFAULT now(),
      updated_at              timestamptz NOT NULL DEFAULT now(),
      last_login_at           timestamptz,
      CONSTRAINT users_email_format CHECK (
        email IS NULL OR email ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$'),
      CONSTRAINT users_wallet_format CHECK (wallet_address IS NULL OR wallet_address ~ ${WALLET}),
      CONSTRAINT users_balance_non_negative CHECK (balance_usd >= 0),
      CONSTRAINT users_subscription_tier_valid CHECK (subscription_tier IN ('free', 'basic', 'pro', 'premium')),
      CONSTRAINT users_identity_present CHECK (
        email IS NOT NULL OR wallet_address IS NOT NULL OR telegram_id IS NOT NULL),
      CONSTRAINT users_limits_valid CHECK (
        max_followed_traders >= 0 AND max_daily_trades >= 0
        AND max_trade_size_usd >= 0 AND max_total_exposure_usd >= 0),
      CONSTRAINT users_totals_non_negative CHECK (total_spent_usd >= 0 AND total_earned_usd >= 0)
    );
    CREATE INDEX idx_users_email ON users (email) WHERE email IS NOT NULL;
    CREATE INDEX idx_users_wallet ON users (wallet_address);
    CREATE INDEX idx_users_tier ON users (subscription_tier);
    CREATE INDEX idx_users_created_at ON users (created_at DESC);
    CREATE TRIGGER update_users_updated_at BEFORE UPDATE ON users
      FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

    CREATE TABLE polymarket_api_keys (
      id                        bigserial PRIMARY KEY,
      user_id                   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      encrypted_api_key         bytea NOT NULL,
      encrypted_api_secret      bytea NOT NULL,
      encrypted_api_passphrase  bytea,
      encrypted_private_key     bytea,
      signature_type            smallint,
      funder_address            varchar(42),
      key_name                  varchar(100),
      key_hash                  varchar(64) NOT NULL,
      daily_spend_limit_usd     numeric(12,2) NOT NULL DEFAULT 1000,
      daily_spent_usd           numeric(12,2) NOT NULL DEFAULT 0,
      last_reset_at             timestamptz NOT NULL DEFAULT now(),
      total_trades_executed     integer NOT NULL DEFAULT 0,
      total_volume_usd          numeric(20,6) NOT NULL DEFAULT 0,
      status                    varchar(20) NOT NULL DEFAULT 'active',
      is_primary                boolean NOT NULL DEFAULT false,
      last_used_at              timestamptz,
      revoked_at                timestamptz,
      revoked_reason            text,
      created_at                timestamptz NOT NULL DEFAULT now(),
      updated_at                timestamptz NOT NULL DEFAULT now(),
      expires_at                timestamptz,
      CONSTRAINT api_keys_signature_type_valid CHECK (signature_type IS NULL OR signature_type IN (0, 1, 2, 3)),
      CONSTRAINT api_keys_funder_format CHECK (funder_address IS NULL OR funder_address ~ ${WALLET}),
      CONSTRAINT api_keys_key_hash_format CHECK (key_hash ~ '^[0-9a-f]{64}$'),
      CONSTRAINT api_keys_spend_limit_non_negative CHECK (daily_spend_limit_usd >= 0),
      CONSTRAINT api_keys_spent_within_limit CHECK (daily_spent_usd >= 0 AND daily_spent_usd <= daily_spend_limit_usd),
      CONSTRAINT api_keys_totals_non_negative CHECK (total_trades_executed >= 0 AND total_volume_usd >= 0),
      CONSTRAINT api_keys_status_valid CHECK (status IN ('active', 'revoked', 'suspended', 'expired'))
    );
    CREATE INDEX idx_api_keys_user_id ON polymarket_api_keys (user_id);
    CREATE INDEX idx_api_keys_status ON polymarket_api_keys (status, user_id) WHERE status = 'active';
    CREATE UNIQUE INDEX idx_api_keys_key_hash ON polymarket_api_keys (key_hash);
    CREATE UNIQUE INDEX uq_api_keys_one_primary_per_user ON polymarket_api_keys (user_id, is_primary)
      WHERE is_primary = true;
    CREATE TRIGGER update_polymarket_api_keys_updated_at BEFORE UPDATE ON polymarket_api_keys
      FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

    CREATE TABLE traders (
      id                       bigserial PRIMARY KEY,
      wallet_address           varchar(42) NOT NULL UNIQUE,
      display_name             varchar(100),
      bio                      text,
      avatar_url               varchar(500),
      pnl_7d                   numeric(20,6) NOT NULL DEFAULT 0,
      pnl_7d_percent           numeric(10,4) NOT NULL DEFAULT 0,
      total_pnl                numeric(20,6) NOT NULL DEFAULT 0,
      total_pnl_percent        numeric(10,4) NOT NULL DEFAULT 0,
      total_volume_usd         numeric(20,6) NOT NULL DEFAULT 0,
      total_trades             integer NOT NULL DEFAULT 0,
      winning_trades           integer NOT NULL DEFAULT 0,
      losing_trades            integer NOT NULL DEFAULT 0,
      win_rate                 numeric(5,2) NOT NULL DEFAULT 0,
      avg_trade_size_usd       numeric(12,2) NOT NULL DEFAULT 0,
      avg_holding_time_hours   numeric(10,2) NOT NULL DEFAULT 0,
      sharpe_ratio             numeric(10,4),
      max_drawdown             numeric(10,4),
      volatility               numeric(10,4),
      follower_count           integer NOT NULL DEFAULT 0,
      total_copied_volume_usd  numeric(20,6) NOT NULL DEFAULT 0,
      rank_7d                  integer,
      rank_all_time            integer,
      rank_volume              integer,
      is_verified              boolean NOT NULL DEFAULT false,
      is_featured              boolean NOT NULL DEFAULT false,
      is_active                boolean NOT NULL DEFAULT true,
      first_trade_at           timestamptz,
      last_trade_at            timestamptz,
      last_updated_at          timestamptz NOT NULL DEFAULT now(),
      created_at               timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT traders_wallet_format CHECK (wallet_address ~ ${WALLET}),
      CONSTRAINT traders_win_rate_range CHECK (win_rate >= 0 AND win_rate <= 100),
      CONSTRAINT traders_follower_count_non_negative CHECK (follower_count >= 0),
      CONSTRAINT traders_counts_non_negative CHECK (
        total_trades >= 0 AND winning_trades >= 0 AND losing_trades >= 0
        AND winning_trades + losing_trades <= total_trades),
      CONSTRAINT traders_ranks_positive CHECK (
        (rank_7d IS NULL OR rank_7d >= 1) AND (rank_all_time IS NULL OR rank_all_time >= 1)
        AND (rank_volume IS NULL OR rank_volume >= 1)),
      CONSTRAINT traders_volumes_non_negative CHECK (total_volume_usd >= 0 AND total_copied_volume_usd >= 0)
    );
    CREATE INDEX idx_traders_rank_7d ON traders (rank_7d) WHERE rank_7d IS NOT NULL;
    CREATE INDEX idx_traders_pnl_7d ON traders (pnl_7d DESC);
    CREATE INDEX idx_traders_win_rate ON traders (win_rate DESC);
    CREATE INDEX idx_traders_follower_count ON traders (follower_count DESC);

    CREATE TABLE copy_relationships (
      id                            bigserial PRIMARY KEY,
      user_id                       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      trader_wallet_address         varchar(42) NOT NULL REFERENCES traders (wallet_address),
      proportionality_factor        numeric(8,6) NOT NULL DEFAULT 0.01,
      max_investment_per_trade_usd  numeric(12,2) NOT NULL DEFAULT 100,
      max_total_exposure_usd        numeric(12,2) NOT NULL DEFAULT 500,
      min_trade_size_usd            numeric(12,2) DEFAULT 5,
      max_slippage_percent          numeric(5,2) NOT NULL DEFAULT 1,
      stop_loss_percent             numeric(5,2),
      take_profit_percent           numeric(5,2),
      allowed_markets               text[],
      excluded_markets              text[],
      status                        varchar(20) NOT NULL DEFAULT 'active',
      total_trades_copied           integer NOT NULL DEFAULT 0,
      total_invested_usd            numeric(20,6) NOT NULL DEFAULT 0,
      total_pnl_usd                 numeric(20,6) NOT NULL DEFAULT 0,
      created_at                    timestamptz NOT NULL DEFAULT now(),
      updated_at                    timestamptz NOT NULL DEFAULT now(),
      paused_at                     timestamptz,
      last_trade_copied_at          timestamptz,
      CONSTRAINT copy_rel_user_trader_unique UNIQUE (user_id, trader_wallet_address),
      CONSTRAINT copy_rel_proportionality_range CHECK (proportionality_factor > 0 AND proportionality_factor <= 10),
      CONSTRAINT copy_rel_max_investment_positive CHECK (max_investment_per_trade_usd > 0),
      CONSTRAINT copy_rel_max_exposure_positive CHECK (max_total_exposure_usd > 0),
      CONSTRAINT copy_rel_min_trade_size_non_negative CHECK (min_trade_size_usd IS NULL OR min_trade_size_usd >= 0),
      CONSTRAINT copy_rel_slippage_range CHECK (max_slippage_percent >= 0 AND max_slippage_percent <= 100),
      CONSTRAINT copy_rel_stop_loss_range CHECK (
        stop_loss_percent IS NULL OR (stop_loss_percent > 0 AND stop_loss_percent <= 100)),
      CONSTRAINT copy_rel_take_profit_range CHECK (take_profit_percent IS NULL OR take_profit_percent > 0),
      CONSTRAINT copy_rel_status_valid CHECK (status IN ('active', 'paused', 'stopped')),
      CONSTRAINT copy_rel_counters_non_negative CHECK (total_trades_copied >= 0 AND total_invested_usd >= 0)
    );
    CREATE INDEX idx_copy_rel_user_id ON copy_relationships (user_id);
    CREATE INDEX idx_copy_rel_trader_wallet ON copy_relationships (trader_wallet_address);
    CREATE INDEX idx_copy_rel_status ON copy_relationships (trader_wallet_address, status) WHERE status = 'active';
    CREATE INDEX idx_copy_rel_user_status ON copy_relationships (user_id, status);
    CREATE TRIGGER update_copy_relationships_updated_at BEFORE UPDATE ON copy_relationships
      FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

    CREATE TABLE trade_queue (
      id                     bigserial PRIMARY KEY,
      user_id                bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      copy_relationship_id   bigint NOT NULL REFERENCES copy_relationships (id) ON DELETE CASCADE,
      trader_wallet_address  varchar(42) NOT NULL,
      original_tx_hash       varchar(66),
      market_id              varchar(100) NOT NULL,
      position               varchar(10) NOT NULL,
      quantity               numeric(20,6) NOT NULL,
      target_price           numeric(20,10),
      max_slippage_percent   numeric(5,2) NOT NULL DEFAULT 1,
      priority               integer NOT NULL DEFAULT 5,
      retry_count            integer NOT NULL DEFAULT 0,
      max_retries            integer NOT NULL DEFAULT 3,
      status                 varchar(20) NOT NULL DEFAULT 'pending',
      error_message          text,
      celery_task_id         varchar(255),
      created_at             timestamptz NOT NULL DEFAULT now(),
      scheduled_for          timestamptz,
      started_at             timestamptz,
      completed_at           timestamptz,
      expires_at             timestamptz,
      CONSTRAINT trade_queue_wallet_format CHECK (trader_wallet_address ~ ${WALLET}),
      CONSTRAINT trade_queue_position_valid CHECK (position IN ('YES', 'NO', 'LONG', 'SHORT')),
      CONSTRAINT trade_queue_quantity_positive CHECK (quantity > 0),
      CONSTRAINT trade_queue_target_price_non_negative CHECK (target_price IS NULL OR target_price >= 0),
      CONSTRAINT trade_queue_slippage_range CHECK (max_slippage_percent >= 0 AND max_slippage_percent <= 100),
      CONSTRAINT trade_queue_priority_range CHECK (priority BETWEEN 1 AND 10),
      CONSTRAINT trade_queue_retries_valid CHECK (retry_count >= 0 AND max_retries >= 0),
      CONSTRAINT trade_queue_status_valid CHECK (
        status IN ('pending', 'processing', 'completed', 'failed', 'cancelled'))
    );
    CREATE INDEX idx_trade_queue_status_priority ON trade_queue (status, priority, created_at)
      WHERE status IN ('pending', 'processing');
    CREATE UNIQUE INDEX idx_trade_queue_celery_task ON trade_queue (celery_task_id);
    CREATE INDEX idx_trade_queue_expires_at ON trade_queue (expires_at);
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP TABLE IF EXISTS trade_queue;
    DROP TABLE IF EXISTS copy_relationships;
    DROP TABLE IF EXISTS traders;
    DROP TABLE IF EXISTS polymarket_api_keys;
    DROP TABLE IF EXISTS users;
    `,
    )
    .execute(db);
}
