// The seed's tables of people, keys, traders and follows (with the copy settings added to them),
// and what balance-based sizing reads.
import type { ColumnType, Generated } from 'kysely';
import type { CopyMode, StopPositions, UserRole } from './account-tables.ts';
import type {
  ApiKeyStatus,
  BigId,
  BigIntRef,
  Numeric,
  NumericDefault,
  RelationshipStatus,
  SubscriptionTier,
  Timestamp,
  TimestampDefault,
} from './columns.ts';

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
  role: ColumnType<UserRole, UserRole | undefined, UserRole>; // added by 0020-accounts-and-sessions
  failed_login_attempts: Generated<number>; // added by 0020-accounts-and-sessions
  locked_until: Timestamp | null; // added by 0020-accounts-and-sessions
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
  wrapped_data_key: Buffer | null; // added by 0021-credentials-vault
  master_key_id: string | null; // added by 0021-credentials-vault
  key_hint: string | null; // added by 0021-credentials-vault
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
  mode: ColumnType<CopyMode, CopyMode | undefined, CopyMode>; // added by 0022-follow-mode
  stopped_at: Timestamp | null; // added by 0022-follow-mode
  stop_positions: StopPositions | null; // added by 0022-follow-mode
  // added by 0090-copy-settings (src/domain/copy-settings.ts says what each one means)
  sizing_mode: ColumnType<SizingModeColumn, SizingModeColumn | undefined, SizingModeColumn>;
  fixed_amount_usd: string | null;
  balance_percent: string | null;
  balance_source: ColumnType<'cash' | 'equity', 'cash' | 'equity' | undefined, 'cash' | 'equity'>;
  copy_buys: ColumnType<boolean, boolean | undefined, boolean>;
  copy_sells: ColumnType<boolean, boolean | undefined, boolean>;
  buy_slippage_percent: string | null;
  sell_slippage_percent: string | null;
  max_buy_price: string | null;
  min_sell_price: string | null;
  min_leader_trade_usd: string | null;
  max_leader_trade_usd: string | null;
  categories: string[] | null;
  excluded_categories: string[] | null;
  budget_usd: string | null;
  max_consecutive_failures: ColumnType<number | null, number | null | undefined, number | null>;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  pause_reason: PauseReason | null;
  pause_detail: string | null;
  copy_open_positions: ColumnType<boolean, boolean | undefined, boolean>;
  preset_id: ColumnType<
    string | null,
    string | number | bigint | null | undefined,
    string | number | bigint | null
  >;
}

export type SizingModeColumn = 'proportional' | 'fixed_usd' | 'balance_percent' | 'portfolio_weight';
export type PauseReason = 'user' | 'circuit_breaker';

export interface CopyPresetsTable {
  id: BigId;
  user_id: BigIntRef;
  name: string;
  /** The API's setting names and wire values (ColumnType: pg returns jsonb parsed). */
  settings: ColumnType<Record<string, unknown>, string, string>;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface OpenPositionCopiesTable {
  decision_id: BigIntRef;
  copy_relationship_id: BigIntRef;
  trader_wallet_address: string;
  asset_id: string;
  condition_id: string;
  market_slug: string | null;
  event_slug: string | null;
  market_title: string | null;
  outcome: string | null;
  leader_size: Numeric;
  leader_avg_price: string | null;
  price: string | null;
  observed_at: Timestamp;
}

export interface LiveBalancesTable {
  user_id: BigIntRef;
  cash_usd: Numeric;
  observed_at: Timestamp;
}

export interface TraderPortfolioValuesTable {
  trader_wallet_address: string;
  value_usd: Numeric;
  observed_at: Timestamp;
}
