// Leader tracking and analytics: discovery, backfill, copyability, marks, metrics, categories.
import type { ColumnType, Generated } from 'kysely';
import type { Numeric, NumericDefault, Timestamp, TimestampDefault } from './columns.ts';

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
