// The public shape of a copy relationship ("follow"): its settings under the request's names, its
// state and its running totals.
import type { Selectable } from 'kysely';
import type { CopyRelationshipsTable } from '../db/schema.ts';

export interface FollowView {
  id: string;
  traderWallet: string;
  mode: 'live' | 'paper';
  status: 'active' | 'paused' | 'stopped';
  proportionalityFactor: string;
  maxInvestmentPerTradeUsd: string;
  maxTotalExposureUsd: string;
  minTradeSizeUsd: string | null;
  maxSlippagePercent: string;
  stopLossPercent: string | null;
  takeProfitPercent: string | null;
  allowedMarkets: string[] | null;
  excludedMarkets: string[] | null;
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
    proportionalityFactor: r.proportionality_factor,
    maxInvestmentPerTradeUsd: r.max_investment_per_trade_usd,
    maxTotalExposureUsd: r.max_total_exposure_usd,
    minTradeSizeUsd: r.min_trade_size_usd,
    maxSlippagePercent: r.max_slippage_percent,
    stopLossPercent: r.stop_loss_percent,
    takeProfitPercent: r.take_profit_percent,
    allowedMarkets: r.allowed_markets,
    excludedMarkets: r.excluded_markets,
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
