// Stop-loss and take-profit: after each mark, every (relationship, token) position of a relationship
// with stop_loss_percent or take_profit_percent set (active or paused: pausing copying does not
// switch off protection) is checked with riskTrigger on its entry value vs its marked value. A
// position past its threshold gets ONE closing SELL of every share it holds: purpose 'stop_loss' /
// 'take_profit', priority 1, target price = the current midpoint, the relationship's mode and max
// slippage. Positions with an exit already pending or in flight are left alone (also enforced by
// the partial unique index, so two schedulers racing still queue one).
//
// The same pass closes what relationships stopped with stop_positions = 'close' still hold
// (purpose 'close'), the choice the user made when they stopped following.
import type { Db } from '../db/client.ts';
import { withTransaction } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import { riskTrigger } from '../domain/pnl.ts';
import type { MarketDataSource } from '../venue/venue.ts';
import { exitFor, openPositions, queueExits, type ExitRequest, type QueuedExit } from './exits.ts';

export interface RiskExitDeps {
  readonly db: Db;
  readonly marketData: MarketDataSource;
  readonly now?: () => Date;
}

const pct = (v: string | null) => (v === null ? null : new Decimal(v));

export async function runRiskExits(
  deps: RiskExitDeps,
  /** Midpoints from the mark that just ran; tokens missing here are fetched. */
  midpoints: ReadonlyMap<string, Decimal> = new Map(),
): Promise<QueuedExit[]> {
  const now = deps.now ?? (() => new Date());
  const candidates = await openPositions(deps.db, { withRiskLimits: true, withoutOpenExit: true });
  const triggered: Array<{ p: (typeof candidates)[number]; kind: 'stop_loss' | 'take_profit' }> = [];
  for (const p of candidates) {
    const kind = riskTrigger({
      entryValueUsd: new Decimal(p.entry_value_usd),
      currentValueUsd: new Decimal(p.current_value_usd),
      stopLossPercent: pct(p.stop_loss_percent),
      takeProfitPercent: pct(p.take_profit_percent),
    });
    if (kind) triggered.push({ p, kind });
  }
  const toClose = await openPositions(deps.db, { stoppedToClose: true, withoutOpenExit: true });
  if (triggered.length === 0 && toClose.length === 0) return [];

  const prices = new Map(midpoints);
  const missing = [
    ...new Set([...triggered.map((t) => t.p.asset_id), ...toClose.map((p) => p.asset_id)]),
  ].filter((token) => !prices.has(token));
  if (missing.length > 0) for (const [k, v] of await deps.marketData.getMidpoints(missing)) prices.set(k, v);

  const exits: ExitRequest[] = [];
  for (const { p, kind } of triggered) {
    const entry = new Decimal(p.entry_value_usd);
    const current = new Decimal(p.current_value_usd);
    const change = current.minus(entry).div(entry).times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    const limit =
      kind === 'stop_loss' ? `stop-loss ${p.stop_loss_percent}%` : `take-profit ${p.take_profit_percent}%`;
    const target = prices.get(p.asset_id) ?? new Decimal(p.mark_price);
    exits.push(
      exitFor(
        p,
        kind,
        target,
        `${limit} reached: value $${current.toFixed(2)} vs entry $${entry.toFixed(2)} (${change.toFixed(2)}%); ` +
          `selling ${new Decimal(p.shares).toFixed()} shares near ${target.toFixed()}`,
      ),
    );
  }
  for (const p of toClose) {
    const target = prices.get(p.asset_id) ?? new Decimal(p.mark_price);
    exits.push(
      exitFor(
        p,
        'close',
        target,
        `relationship stopped with "close positions": selling ${new Decimal(p.shares).toFixed()} shares near ${target.toFixed()}`,
      ),
    );
  }
  return withTransaction(deps.db, (tx) => queueExits(tx, exits, now()));
}
