// Kysely table types, split by area under schema/ and re-exported here so every import of
// '../db/schema.ts' stays as it was. NUMERIC and BIGINT columns arrive from `pg` as strings
// (exact; never parsed into floats), timestamps as Date.
import type {
  AdminAuditLogTable,
  AuthOneTimeTokensTable,
  AuthRecoveryCodesTable,
  AuthRefreshTokensTable,
  AuthSessionsTable,
  AuthSiweNoncesTable,
  AuthStreamTicketsTable,
  AuthTotpStateTable,
  CredentialAuditLogTable,
} from './schema/account-tables.ts';
import type {
  BackfillCheckpointsTable,
  DiscoveredTradersTable,
  MarketCategoriesTable,
  TokenMarksTable,
  TraderCopyabilityTable,
  TraderMetricsTable,
} from './schema/analytics-tables.ts';
import type {
  ActiveCopyRelationshipsView,
  ChainCheckpointsTable,
  CopyDecisionsTable,
  CopyPositionsTable,
  IngestCheckpointsTable,
  IngestFeedStateTable,
  LeaderFillSightingsTable,
  LeaderFillsTable,
  PaperCashTable,
  PaperFillsTable,
  PaperOrdersTable,
  PlatformControlsTable,
  PositionEventsTable,
  TradeQueueTable,
  TradesTable,
  UserPortfolioView,
} from './schema/engine-tables.ts';
import type {
  CopyPresetsTable,
  CopyRelationshipsTable,
  LiveBalancesTable,
  OpenPositionCopiesTable,
  PolymarketApiKeysTable,
  TraderPortfolioValuesTable,
  TradersTable,
  UsersTable,
} from './schema/seed-tables.ts';
import type {
  DemoAccountTable,
  JobRunsTable,
  NotificationOutboxTable,
  NotificationPreferencesTable,
  TelegramBotInfoTable,
  TelegramChatsTable,
  TelegramLinkCodesTable,
  TelegramLinkFailuresTable,
  TelegramPendingActionsTable,
  TelegramProcessedUpdatesTable,
} from './schema/telegram-job-tables.ts';

export type * from './schema/columns.ts';
export type * from './schema/seed-tables.ts';
export type * from './schema/engine-tables.ts';
export type * from './schema/account-tables.ts';
export type * from './schema/analytics-tables.ts';
export type * from './schema/telegram-job-tables.ts';

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
