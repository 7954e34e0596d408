// Kysely table types for the seed's six tables and two views. NUMERIC and BIGINT columns arrive
// from `pg` as strings (exact; never parsed into floats), timestamps as Date.
import type { ColumnType, Generated } from 'kysely';

/** NUMERIC: read as an exact string; written as a string (or a Decimal's toFixed()). */
export type Numeric = ColumnType<string, string, string>;
export type NumericDefault = ColumnType<string, string | undefined, string>;
/** BIGINT / BIGSERIAL ids: strings, so ids above 2^53 stay exact. */
export type BigId = ColumnType<string, string | undefined, never>;
export type BigIntRef = ColumnType<string, string | number | bigint, string | number | bigint>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type TimestampDefault = ColumnType<Date, Date | string | undefined, Date | string>;

export type SubscriptionTier = 'free' | 'basic' | 'pro' | 'premium';
export type ApiKeyStatus = 'active' | 'revoked' | 'suspended' | 'expired';
export type RelationshipStatus = 'active' | 'paused' | 'stopped';
export type TradeStatus = 'pending' | 'open' | 'closed' | 'cancelled' | 'failed';
export type QueueStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled';
export type Position = 'YES' | 'NO' | 'LONG' | 'SHORT';

export interface UsersTable {
  id: BigId;
  email: string | null;
  wallet_address: string | null;
  telegram_id: ColumnType<
    string | null,
    string | number | bigint | null | undefined,
    string | number | bigint | null
  >;
  username: string | null;
  password_hash: string | null;
  subscription_tier: ColumnType<SubscriptionTier, SubscriptionTier | undefined, SubscriptionTier>;
  max_followed_traders: Generated<number>;
  max_daily_trades: Generated<number>;
  max_trade_size_usd: NumericDefault;
  max_total_exposure_usd: NumericDefault;
  balance_usd: NumericDefault;
  total_spent_usd: NumericDefault;
  total_earned_usd: NumericDefault;
  is_active: Generated<boolean>;
  is_verified: Generated<boolean>;
  two_factor_enabled: Generated<boolean>;
  two_factor_secret: Buffer | null;
  email_notifications: Generated<boolean>;
  telegram_notifications: Generated<boolean>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
  last_login_at: Timestamp | null;
}

export interface PolymarketApiKeysTable {
  id: BigId;
  user_id: BigIntRef;
  encrypted_api_key: Buffer;
  encrypted_api_secret: Buffer;
  encrypted_api_passphrase: Buffer | null;
  encrypted_private_key: Buffer | null;
  signature_type: number | null;
  funder_address: string | null;
  key_name: string | null;
  key_hash: string;
  daily_spend_limit_usd: NumericDefault;
  daily_spent_usd: NumericDefault;
  last_reset_at: TimestampDefault;
  total_trades_executed: Generated<number>;
  total_volume_usd: NumericDefault;
  status: ColumnType<ApiKeyStatus, ApiKeyStatus | undefined, ApiKeyStatus>;
  is_primary: Generated<boolean>;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
  expires_at: Timestamp | null;
}

export interface TradersTable {
  id: BigId;
  wallet_address: string;
  display_name: string | null;
  bio: string | null;
  avatar_url: string | null;
  pnl_7d: NumericDefault;
  pnl_7d_percent: NumericDefault;
  total_pnl: NumericDefault;
  total_pnl_percent: NumericDefault;
  total_volume_usd: NumericDefault;
  total_trades: Generated<number>;
  winning_trades: Generated<number>;
  losing_trades: Generated<number>;
  win_rate: NumericDefault;
  avg_trade_size_usd: NumericDefault;
  avg_holding_time_hours: NumericDefault;
  sharpe_ratio: string | null;
  max_drawdown: string | null;
  volatility: string | null;
  follower_count: Generated<number>;
  total_copied_volume_usd: NumericDefault;
  rank_7d: number | null;
  rank_all_time: number | null;
  rank_volume: number | null;
  is_verified: Generated<boolean>;
  is_featured: Generated<boolean>;
  is_active: Generated<boolean>;
  first_trade_at: Timestamp | null;
  last_trade_at: Timestamp | null;
  last_updated_at: TimestampDefault;
  created_at: TimestampDefault;
}

export interface CopyRelationshipsTable {
  id: BigId;
  user_id: BigIntRef;
  trader_wallet_address: string;
  proportionality_factor: NumericDefault;
  max_investment_per_trade_usd: NumericDefault;
  max_total_exposure_usd: NumericDefault;
  min_trade_size_usd: ColumnType<string | null, string | null | undefined, string | null>;
  max_slippage_percent: NumericDefault;
  stop_loss_percent: string | null;
  take_profit_percent: string | null;
  allowed_markets: string[] | null;
  excluded_markets: string[] | null;
  status: ColumnType<RelationshipStatus, RelationshipStatus | undefined, RelationshipStatus>;
  total_trades_copied: Generated<number>;
  total_invested_usd: NumericDefault;
  total_pnl_usd: NumericDefault;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
  paused_at: Timestamp | null;
  last_trade_copied_at: Timestamp | null;
}

export interface TradesTable {
  id: BigId;
  original_tx_hash: string | null;
  copy_tx_hash: string | null;
  trader_wallet_address: string;
  copying_user_id: ColumnType<string | null, string | number | bigint | null | undefined, string | null>;
  copy_relationship_id: ColumnType<string | null, string | number | bigint | null | undefined, string | null>;
  is_copy_trade: Generated<boolean>;
  trade_type: ColumnType<string, string | undefined, string>;
  market_id: string;
  market_name: string | null;
  market_question: string | null;
  position: Position;
  entry_price: Numeric;
  exit_price: string | null;
  quantity: Numeric;
  entry_value_usd: Numeric;
  exit_value_usd: string | null;
  fees_usd: NumericDefault;
  gas_fee_usd: NumericDefault;
  realized_pnl_usd: string | null;
  realized_pnl_percent: string | null;
  unrealized_pnl_usd: string | null;
  current_value_usd: string | null;
  status: ColumnType<TradeStatus, TradeStatus | undefined, TradeStatus>;
  failure_reason: string | null;
  slippage_percent: string | null;
  execution_time_ms: number | null;
  created_at: TimestampDefault;
  entry_timestamp: Timestamp;
  exit_timestamp: Timestamp | null;
  updated_at: TimestampDefault;
}

export interface TradeQueueTable {
  id: BigId;
  user_id: BigIntRef;
  copy_relationship_id: BigIntRef;
  trader_wallet_address: string;
  original_tx_hash: string | null;
  market_id: string;
  position: Position;
  quantity: Numeric;
  target_price: string | null;
  max_slippage_percent: NumericDefault;
  priority: Generated<number>;
  retry_count: Generated<number>;
  max_retries: Generated<number>;
  status: ColumnType<QueueStatus, QueueStatus | undefined, QueueStatus>;
  error_message: string | null;
  celery_task_id: string | null;
  created_at: TimestampDefault;
  scheduled_for: Timestamp | null;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  expires_at: Timestamp | null;
}

export interface ActiveCopyRelationshipsView {
  user_id: string;
  user_email: string | null;
  user_wallet: string | null;
  trader_wallet_address: string;
  trader_name: string | null;
  trader_win_rate: string;
  trader_pnl_7d: string;
  proportionality_factor: string;
  max_investment_per_trade_usd: string;
  total_trades_copied: number;
  total_pnl_usd: string;
  created_at: Date;
  copy_relationship_id: string;
}

export interface UserPortfolioView {
  user_id: string;
  email: string | null;
  subscription_tier: SubscriptionTier;
  balance_usd: string;
  traders_following: number;
  open_positions: number;
  total_exposure_usd: string;
  total_realized_pnl: string;
  total_unrealized_pnl: string;
}

export interface Database {
  users: UsersTable;
  polymarket_api_keys: PolymarketApiKeysTable;
  traders: TradersTable;
  copy_relationships: CopyRelationshipsTable;
  trades: TradesTable;
  trade_queue: TradeQueueTable;
  v_active_copy_relationships: ActiveCopyRelationshipsView;
  v_user_portfolio: UserPortfolioView;
}
