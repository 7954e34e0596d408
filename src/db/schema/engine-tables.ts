// The copy engine's tables: trades, the queue, leader fills and their sightings, decisions,
// positions, the paper ledger, the platform's controls; the seed's two views.
import type { ColumnType, Generated } from 'kysely';
import type { QueueStage } from '../../domain/queue-stage.ts';
import type { CopyMode } from './account-tables.ts';
import type {
  BigId,
  BigIntRef,
  Numeric,
  NumericDefault,
  Position,
  QueueStatus,
  SubscriptionTier,
  Timestamp,
  TimestampDefault,
  TradeStatus,
} from './columns.ts';

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
