// Kysely table types for the seed's six tables and two views. NUMERIC and BIGINT columns arrive
// from `pg` as strings (exact; never parsed into floats), timestamps as Date.
import type { ColumnType, Generated } from 'kysely';
import type { NotificationKind, NotificationLevel } from '../domain/notifications/notification-kinds.ts';
import type { QueueStage } from '../domain/queue-stage.ts';
export type { NotificationKind, NotificationLevel };

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
  // Added by 0006-copy-engine.
  fill_key: string | null;
  source_fill_key: string | null;
  asset_id: string | null;
  outcome: string | null;
  side: 'BUY' | 'SELL' | null;
  queue_id: string | null;
  detected_at: Timestamp | null;
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
  // Added by 0006-copy-engine.
  source_fill_key: string | null;
  side: ColumnType<'BUY' | 'SELL', 'BUY' | 'SELL' | undefined, 'BUY' | 'SELL'>;
  asset_id: string | null;
  notional_usd: string | null;
  mode: ColumnType<CopyMode, CopyMode | undefined, CopyMode>;
  purpose: ColumnType<QueuePurpose, QueuePurpose | undefined, QueuePurpose>;
  lease_expires_at: Timestamp | null;
  signed_at: Timestamp | null;
  venue_order_id: string | null;
  // Added by 0008-execution-controls.
  limit_price: string | null;
  order_size: string | null;
  order_amount: string | null;
  reserved_spend_usd: string | null;
  api_key_id: string | null;
  // Added by 0011-reconciliation.
  reconcile_attempts: Generated<number>;
  reconcile_after: Timestamp | null;
  // Added by 0060-engine-scale: hash of (fill, relationship), the claim order within a priority.
  claim_rank: ColumnType<number, never, never>;
  // Added by 0110-queue-stage: who owns the row's outcome (src/domain/queue-stage.ts).
  stage: ColumnType<QueueStage, QueueStage | undefined, QueueStage>;
}

export interface IngestCheckpointsTable {
  source: string;
  wallet_address: string;
  last_fill_at: Timestamp;
  updated_at: TimestampDefault;
}

export interface PlatformControlsTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  kill_switch: Generated<boolean>;
  kill_switch_reason: string | null;
  updated_at: TimestampDefault;
  updated_by: string | null;
}

export type QueuePurpose = 'copy' | 'stop_loss' | 'take_profit' | 'close' | 'resolution';
export type DecisionOutcome = 'queued' | 'executed' | 'failed' | 'skipped';
export type FillSource = 'rtds' | 'data_api' | 'chain' | 'test' | 'backfill'; // backfill: 0035-leader-tracking

export interface LeaderFillsTable {
  fill_key: string;
  trader_wallet_address: string;
  transaction_hash: string;
  asset_id: string;
  condition_id: string;
  side: 'BUY' | 'SELL';
  price: Numeric;
  size: Numeric;
  occurrence: number;
  outcome: string | null;
  outcome_index: number | null;
  market_slug: string | null;
  event_slug: string | null;
  market_title: string | null;
  filled_at: Timestamp;
  detected_at: TimestampDefault;
  source: FillSource;
  trade_id: string | null;
  followers_queued: Generated<number>;
  followers_skipped: Generated<number>;
  block_number: ColumnType<string | null, string | number | null | undefined, string | number | null>; // 0100
  log_index: ColumnType<number | null, number | null | undefined, number | null>; // 0100
  reorged_at: ColumnType<Date | null, Date | null | undefined, Date | null>; // 0100
  /** The leg whose decisions cover this one (legs of one order copied together; 0120). */
  copied_with_fill_key: ColumnType<string | null, string | null | undefined, string | null>;
}

/** When each feed first brought a fill (0100-chain-detection). */
export interface LeaderFillSightingsTable {
  fill_key: string;
  feed: FillSource;
  seen_at: Timestamp;
  block_number: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  log_index: ColumnType<number | null, number | null | undefined, number | null>;
  removed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** The chain feed's recorded-through block (0100-chain-detection). */
export interface ChainCheckpointsTable {
  chain_id: number;
  block_number: ColumnType<string, string | number, string | number>;
  updated_at: TimestampDefault;
}

/** Each detection feed's health as the active detector last saw it (0100-chain-detection). */
export interface IngestFeedStateTable {
  feed: string;
  configured: boolean;
  connected: boolean;
  degraded: ColumnType<boolean, boolean | undefined, boolean>;
  last_message_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  lag_ms: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  head_block: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  detail: string | null;
  updated_at: TimestampDefault;
}

export interface CopyPositionsTable {
  copy_relationship_id: BigIntRef;
  asset_id: string;
  user_id: BigIntRef;
  condition_id: string;
  shares: NumericDefault;
  cost_usd: NumericDefault;
  realized_pnl_usd: NumericDefault;
  opened_at: TimestampDefault;
  updated_at: TimestampDefault;
}

export interface CopyDecisionsTable {
  id: BigId;
  /** Null for a decision about a leader's open position (source 'open_position', 0090). */
  fill_key: string | null;
  source: ColumnType<'fill' | 'open_position', 'fill' | 'open_position' | undefined, never>; // added by 0090
  copy_relationship_id: BigIntRef;
  user_id: BigIntRef;
  outcome: DecisionOutcome;
  reason: string | null;
  detail: string | null;
  queue_id: string | null;
  copy_trade_id: string | null;
  created_at: TimestampDefault;
  decided_at: Timestamp | null;
}

export interface PaperOrdersTable {
  account_id: BigIntRef;
  client_order_id: string;
  venue_order_id: string;
  request_fingerprint: string;
  token_id: string;
  condition_id: string;
  side: 'BUY' | 'SELL';
  order_type: 'GTC' | 'GTD' | 'FOK' | 'FAK';
  price: Numeric;
  requested_size: string | null;
  requested_amount: string | null;
  expires_at: ColumnType<string | null, number | string | null, number | string | null>;
  status: 'live' | 'matched' | 'canceled';
  cancel_reason: string | null;
  resting_size: Numeric;
  last_book_ts_ms: ColumnType<string | null, number | string | null, number | string | null>;
  created_at_ms: ColumnType<string, number | string, number | string>;
  updated_at_ms: ColumnType<string, number | string, number | string>;
}

export interface PaperFillsTable {
  account_id: BigIntRef;
  fill_id: string;
  venue_order_id: string;
  client_order_id: string;
  token_id: string;
  side: 'BUY' | 'SELL';
  price: Numeric;
  size: Numeric;
  notional: Numeric;
  fee: Numeric;
  liquidity: 'taker' | 'maker';
  at_ms: ColumnType<string, number | string, number | string>;
}

export interface PaperCashTable {
  account_id: BigIntRef;
  entry_id: string;
  amount: Numeric;
  memo: string;
  at_ms: ColumnType<string, number | string, number | string>;
}

export type PositionEventKind = 'stop_loss' | 'take_profit' | 'close' | 'resolution' | 'emergency_stop';

/** Added by 0010-positions. */
export interface PositionEventsTable {
  id: BigId;
  user_id: BigIntRef;
  copy_relationship_id: ColumnType<string | null, string | number | bigint | null | undefined, never>;
  asset_id: string | null;
  kind: PositionEventKind;
  detail: string | null;
  queue_id: ColumnType<string | null, string | number | bigint | null | undefined, never>;
  created_at: TimestampDefault;
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
  /** Positions of fewer than one share (0115, src/domain/dust.ts): not in open_positions or exposure. */
  dust_positions: number;
}

// --- Platform API (issue 6): migrations 0020-0022 ---

export type UserRole = 'user' | 'admin';
export type CopyMode = 'live' | 'paper';
export type StopPositions = 'keep' | 'close';
export type SessionRevokedReason =
  'logout' | 'revoked_by_user' | 'refresh_token_reuse' | 'password_reset' | 'admin';
export type OneTimeTokenPurpose = 'email_verification' | 'password_reset';
export type CredentialAuditAction =
  'create' | 'verify_failed' | 'use' | 'update' | 'revoke' | 'rotate_master_key' | 'rewrap';
export type AuditActor = 'user' | 'admin' | 'system' | 'cli';

export interface AuthSessionsTable {
  id: ColumnType<string, string | undefined, never>;
  user_id: BigIntRef;
  created_at: TimestampDefault;
  last_used_at: TimestampDefault;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_reason: SessionRevokedReason | null;
  user_agent: string | null;
  ip: string | null;
}

export interface AuthRefreshTokensTable {
  id: BigId;
  session_id: string;
  token_hash: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface AuthOneTimeTokensTable {
  id: BigId;
  user_id: BigIntRef;
  purpose: OneTimeTokenPurpose;
  token_hash: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

// 0023-two-factor
export interface AuthRecoveryCodesTable {
  id: BigId;
  user_id: BigIntRef;
  code_hash: string;
  created_at: TimestampDefault;
  used_at: Timestamp | null;
}

export interface AuthTotpStateTable {
  user_id: BigIntRef;
  /** The last accepted TOTP time step (bigint as string). */
  last_used_step: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  updated_at: TimestampDefault;
}

// 0050-event-stream-tickets
export interface AuthStreamTicketsTable {
  ticket_hash: string;
  user_id: BigIntRef;
  session_id: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface AuthSiweNoncesTable {
  nonce: string;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface CredentialAuditLogTable {
  id: BigId;
  user_id: ColumnType<string | null, string | null | undefined, never>;
  api_key_id: ColumnType<string | null, string | null | undefined, never>;
  action: CredentialAuditAction;
  actor: AuditActor;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  ip: string | null;
  created_at: TimestampDefault;
}

// 0024-admin-audit
export type AdminAuditAction =
  | 'user_activate'
  | 'user_deactivate'
  | 'user_role'
  | 'user_tier'
  | 'kill_switch'
  | 'queue_cancel'
  | 'queue_requeue'
  | 'user_create' // 0082
  | 'queue_settle'; // 0082

export interface AdminAuditLogTable {
  id: BigId;
  /** Null for an action taken from the command line (0082); `actor` names the operator then. */
  actor_user_id: ColumnType<string | null, string | null | undefined, never>;
  actor: ColumnType<string | null, string | null | undefined, never>; // 0082
  action: AdminAuditAction;
  target_user_id: ColumnType<string | null, string | null | undefined, never>;
  target_queue_id: ColumnType<string | null, string | null | undefined, never>;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  ip: string | null;
  created_at: TimestampDefault;
}

// 0035-leader-tracking
export interface DiscoveredTradersTable {
  wallet_address: string;
  lists: string[];
  best_rank: number | null;
  first_seen_at: TimestampDefault;
  last_seen_at: TimestampDefault;
}

export interface BackfillCheckpointsTable {
  wallet_address: string;
  next_start_at: Timestamp;
  caught_up_to: Timestamp | null;
  fills_seen: ColumnType<string, string | number | undefined, string | number>;
  fills_recorded: ColumnType<string, string | number | undefined, string | number>;
  pages_fetched: ColumnType<string, string | number | undefined, string | number>;
  last_run_at: Timestamp | null;
  last_error: string | null;
  created_at: TimestampDefault;
  updated_at: TimestampDefault;
}

// 0036-copyability
export interface TraderCopyabilityTable {
  wallet_address: string;
  executed: Generated<number>;
  failed_execution: Generated<number>;
  not_counted: Generated<number>;
  pending: Generated<number>;
  fill_rate: string | null;
  slippage_samples: Generated<number>;
  median_slippage_bps: string | null;
  latency_samples: Generated<number>;
  latency_p50_ms: number | null;
  latency_p90_ms: number | null;
  copied_positions: Generated<number>;
  follower_cost_usd: NumericDefault;
  follower_pnl_usd: NumericDefault;
  leader_cost_usd: NumericDefault;
  leader_pnl_usd: NumericDefault;
  follower_return: string | null;
  leader_return: string | null;
  round_trips: Generated<number>;
  median_round_trip_seconds: string | null;
  buy_fills: Generated<number>;
  usual_proportionality: Numeric;
  below_minimum_share: string | null;
  too_fast: Generated<boolean>;
  too_small: Generated<boolean>;
  copyable: Generated<boolean>;
  computed_at: TimestampDefault;
}

// 0030-leader-analytics
export interface TokenMarksTable {
  asset_id: string;
  condition_id: string | null;
  price: string | null;
  priced_at: Timestamp | null;
  resolved: Generated<boolean>;
  payout: string | null;
  resolved_at: Timestamp | null;
  checked_at: Timestamp | null;
  open_holders: Generated<number>;
  updated_at: TimestampDefault;
}

export interface TraderMetricsTable {
  wallet_address: string;
  capital_base_usd: NumericDefault;
  active_days: Generated<number>;
  equity_days: Generated<number>;
  open_positions: Generated<number>;
  breakeven_trades: Generated<number>;
  fills: Generated<number>;
  meets_sample: Generated<boolean>;
  ranked: Generated<boolean>;
  computed_at: TimestampDefault;
  // 0110
  pnl_30d: NumericDefault;
  pnl_30d_percent: NumericDefault;
  pnl_90d: NumericDefault;
  pnl_90d_percent: NumericDefault;
  categories: Generated<string[]>;
}

// 0112-leaderboard-filters
export interface MarketCategoriesTable {
  condition_id: string;
  categories: string[];
  checked_at: TimestampDefault;
}

// 0070-telegram
// NotificationKind / NotificationLevel: from the domain (imported at the top).
export type OutboxStatus = 'pending' | 'claimed' | 'sending' | 'sent' | 'dropped' | 'unconfirmed';

export interface TelegramChatsTable {
  user_id: BigIntRef;
  chat_id: BigIntRef;
  username: string | null;
  started_at: TimestampDefault;
  blocked_at: Timestamp | null;
  updated_at: TimestampDefault;
}

export interface TelegramLinkCodesTable {
  code_hash: Buffer;
  user_id: BigIntRef;
  created_at: TimestampDefault;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface TelegramLinkFailuresTable {
  chat_id: BigIntRef;
  failed_at: TimestampDefault;
}

export interface NotificationPreferencesTable {
  user_id: BigIntRef;
  kind: NotificationKind;
  level: NotificationLevel;
  updated_at: TimestampDefault;
}

export interface NotificationOutboxTable {
  id: BigId;
  user_id: BigIntRef;
  kind: NotificationKind;
  payload: ColumnType<Record<string, unknown>, string, string>;
  dedup_key: string | null;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: Generated<number>;
  not_before: TimestampDefault;
  claim_token: string | null;
  claimed_until: Timestamp | null;
  created_at: TimestampDefault;
  sent_at: Timestamp | null;
  last_error: string | null;
}

export interface TelegramPendingActionsTable {
  chat_id: BigIntRef;
  user_id: BigIntRef;
  action: ColumnType<Record<string, unknown>, string, string>;
  expires_at: Timestamp;
}

export interface TelegramProcessedUpdatesTable {
  bot_id: BigIntRef;
  update_id: BigIntRef;
  processed_at: TimestampDefault;
}

export interface TelegramBotInfoTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  bot_id: BigIntRef;
  username: string;
  updated_at: TimestampDefault;
}

export type JobRunReason = 'schedule' | 'start' | 'catch-up' | 'trigger' | 'warm-up';
export type JobRunOutcome = 'running' | 'succeeded' | 'failed' | 'abandoned';

/** 0080: one row per run of a periodic job (src/jobs/). */
export interface JobRunsTable {
  id: BigId;
  job: string;
  reason: JobRunReason;
  runner: string;
  started_at: TimestampDefault;
  finished_at: Timestamp | null;
  outcome: ColumnType<JobRunOutcome, JobRunOutcome | undefined, JobRunOutcome>;
  error: string | null;
  summary: ColumnType<Record<string, unknown> | null, string | null, string | null>;
}

/** 0045: the one demo account (src/services/demo-account.ts). */
export interface DemoAccountTable {
  singleton: Generated<boolean>;
  user_id: BigIntRef;
  created_at: Generated<Date>;
  follows_set_at: Date | null;
  followed: Generated<string[]>;
}

export interface Database {
  users: UsersTable;
  polymarket_api_keys: PolymarketApiKeysTable;
  traders: TradersTable;
  copy_relationships: CopyRelationshipsTable;
  trades: TradesTable;
  trade_queue: TradeQueueTable;
  leader_fills: LeaderFillsTable;
  leader_fill_sightings: LeaderFillSightingsTable; // 0100
  chain_checkpoints: ChainCheckpointsTable; // 0100
  ingest_feed_state: IngestFeedStateTable; // 0100
  copy_decisions: CopyDecisionsTable;
  copy_positions: CopyPositionsTable;
  copy_presets: CopyPresetsTable; // 0090
  open_position_copies: OpenPositionCopiesTable; // 0090
  live_balances: LiveBalancesTable; // 0090
  trader_portfolio_values: TraderPortfolioValuesTable; // 0090
  paper_orders: PaperOrdersTable;
  paper_fills: PaperFillsTable;
  paper_cash: PaperCashTable;
  platform_controls: PlatformControlsTable;
  ingest_checkpoints: IngestCheckpointsTable;
  position_events: PositionEventsTable;
  v_active_copy_relationships: ActiveCopyRelationshipsView;
  v_user_portfolio: UserPortfolioView;
  auth_sessions: AuthSessionsTable;
  auth_refresh_tokens: AuthRefreshTokensTable;
  auth_one_time_tokens: AuthOneTimeTokensTable;
  auth_recovery_codes: AuthRecoveryCodesTable;
  auth_totp_state: AuthTotpStateTable;
  auth_siwe_nonces: AuthSiweNoncesTable;
  auth_stream_tickets: AuthStreamTicketsTable;
  credential_audit_log: CredentialAuditLogTable;
  admin_audit_log: AdminAuditLogTable;
  discovered_traders: DiscoveredTradersTable;
  backfill_checkpoints: BackfillCheckpointsTable;
  trader_copyability: TraderCopyabilityTable;
  token_marks: TokenMarksTable;
  trader_metrics: TraderMetricsTable;
  market_categories: MarketCategoriesTable;
  telegram_chats: TelegramChatsTable;
  telegram_link_codes: TelegramLinkCodesTable;
  telegram_link_failures: TelegramLinkFailuresTable;
  notification_preferences: NotificationPreferencesTable;
  notification_outbox: NotificationOutboxTable;
  telegram_pending_actions: TelegramPendingActionsTable;
  telegram_processed_updates: TelegramProcessedUpdatesTable;
  telegram_bot_info: TelegramBotInfoTable;
  job_runs: JobRunsTable; // 0080
  demo_account: DemoAccountTable;
}
