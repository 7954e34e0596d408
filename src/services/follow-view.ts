// The public shape of a copy relationship ("follow"): its settings under the request's names, its
// state (who paused it and why, the circuit breaker's count) and its running totals.
import type { Selectable } from 'kysely';
import type { CopyRelationshipsTable, PauseReason } from '../db/schema.ts';
import { settingsOfRow } from '../db/relationship-settings.ts';
import type { FollowSettingsValues } from '../domain/copy-settings.ts';

export interface FollowView extends FollowSettingsValues {
  id: string;
  traderWallet: string;
  mode: 'live' | 'paper';
  status: 'active' | 'paused' | 'stopped';
  /** Who paused a paused follow: the person, or the circuit breaker (with pauseDetail saying why). */
  pausedReason: PauseReason | null;
  pauseDetail: string | null;
  /** Failed copies in a row since the last executed one (the circuit breaker counts these). */
  consecutiveFailures: number;
  presetId: string | null;
  totalTradesCopied: number;
  totalInvestedUsd: string;
  totalPnlUsd: string;
  createdAt: string;
  updatedAt: string;
  pausedAt: string | null;
  stoppedAt: string | null;
  stopPositions: 'keep' | 'close' | null;
  lastTradeCopiedAt: string | null;
}

export function toFollowView(r: Selectable<CopyRelationshipsTable>): FollowView {
  return {
    id: r.id,
    traderWallet: r.trader_wallet_address,
    mode: r.mode,
    status: r.status,
    ...settingsOfRow(r),
    // A follow paused before the circuit breaker existed was paused by its person.
    pausedReason: r.status === 'paused' ? (r.pause_reason ?? 'user') : null,
    pauseDetail: r.status === 'paused' ? r.pause_detail : null,
    consecutiveFailures: r.consecutive_failures,
    presetId: r.preset_id,
    totalTradesCopied: r.total_trades_copied,
    totalInvestedUsd: r.total_invested_usd,
    totalPnlUsd: r.total_pnl_usd,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    pausedAt: r.paused_at?.toISOString() ?? null,
    stoppedAt: r.stopped_at?.toISOString() ?? null,
    stopPositions: r.stop_positions,
    lastTradeCopiedAt: r.last_trade_copied_at?.toISOString() ?? null,
  };
}
