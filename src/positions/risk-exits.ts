// Stop-loss and take-profit: after each mark, every (relationship, token) position of a relationship
// with stop_loss_percent or take_profit_percent set (active or paused: pausing copying does not
// switch off protection) is checked with riskTrigger on its entry value vs its marked value. A
// position past its threshold gets ONE closing SELL of every share it holds: purpose 'stop_loss' /
// 'take_profit', priority 1, the relationship's mode, priced as below. Positions with an exit
// already pending, in flight or of unknown outcome (awaiting reconciliation) are left alone (the
// first two also enforced by the partial unique index, so two schedulers racing still queue one).
//
// The same pass closes what relationships stopped with stop_positions = 'close' still hold
// (purpose 'close'), the choice the user made when they stopped following.
//
// Pricing (src/domain/exit-pricing.ts): an exit's target is the best bid of the book as read now
// (one getOrderBooks call for the tokens that need an exit) and its tolerance is the exit's own
// (EXIT_SLIPPAGE_PERCENT, default 5 %), so the executor limits the sell at best bid × (1 − 5 %) and
// a stop sells into the book that exists even when the spread is wide. A book with no bids, or only
// a stub bid more than 50 % under the midpoint, keeps the midpoint as the target: the executor then
// refuses the sell with a reason, and the next mark tries again.
import type { Db } from '../db/client.ts';
import { withTransaction } from '../db/client.ts';
import { DEFAULT_EXIT_SLIPPAGE_PERCENT, exitReference } from '../domain/exit-pricing.ts';
import { Decimal } from '../domain/money.ts';
import { midpoint } from '../domain/order-book.ts';
import { riskTrigger } from '../domain/pnl.ts';
import type { MarketDataSource, OrderBook } from '../venue/venue.ts';
import { exitFor, openPositions, queueExits, type ExitRequest, type QueuedExit } from './exits.ts';

export interface RiskExitDeps {
  readonly db: Db;
  readonly marketData: MarketDataSource;
  readonly now?: () => Date;
  /** How far below the best bid an exit may sell, percent (EXIT_SLIPPAGE_PERCENT; default 5). */
  readonly exitSlippagePercent?: Decimal;
}

/** The exit's target from the book, and a note for the event's detail when there is no sane bid. */
function exitTarget(
  book: OrderBook | undefined,
  fallback: Decimal,
): { readonly target: Decimal; readonly note: string } {
  if (!book) return { target: fallback, note: ` (no book: limited against ${fallback.toFixed()})` };
  const ref = exitReference(book);
  if (ref.ok) return { target: ref.price, note: ` at the best bid ${ref.price.toFixed()}` };
  return { target: fallback, note: ` near ${fallback.toFixed()}; not sellable now: ${ref.detail}` };
}

const pct = (v: string | null) => (v === null ? null : new Decimal(v));

export async function runRiskExits(
  deps: RiskExitDeps,
  /** Midpoints from the mark that just ran (the target when a book has no sane bid). */
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

  const tokens = [...new Set([...triggered.map((t) => t.p.asset_id), ...toClose.map((p) => p.asset_id)])];
  const books = await deps.marketData.getOrderBooks(tokens);
  // Where the book has no sane bid: the mark's midpoint, the book's own, or the latest mark.
  const fallback = (p: { asset_id: string; mark_price: string }) => {
    const book = books.get(p.asset_id);
    return midpoints.get(p.asset_id) ?? (book ? midpoint(book) : null) ?? new Decimal(p.mark_price);
  };
  const slippage = deps.exitSlippagePercent ?? DEFAULT_EXIT_SLIPPAGE_PERCENT;

  const exits: ExitRequest[] = [];
  for (const { p, kind } of triggered) {
    const entry = new Decimal(p.entry_value_usd);
    const current = new Decimal(p.current_value_usd);
    const change = current.minus(entry).div(entry).times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    const limit =
      kind === 'stop_loss' ? `stop-loss ${p.stop_loss_percent}%` : `take-profit ${p.take_profit_percent}%`;
    const { target, note } = exitTarget(books.get(p.asset_id), fallback(p));
    exits.push(
      exitFor(
        p,
        kind,
        target,
        `${limit} reached: value $${current.toFixed(2)} vs entry $${entry.toFixed(2)} (${change.toFixed(2)}%); ` +
          `selling ${new Decimal(p.shares).toFixed()} shares${note}`,
        slippage,
      ),
    );
  }
  for (const p of toClose) {
    const { target, note } = exitTarget(books.get(p.asset_id), fallback(p));
    exits.push(
      exitFor(
        p,
        'close',
        target,
        `relationship stopped with "close positions": selling ${new Decimal(p.shares).toFixed()} shares${note}`,
        slippage,
      ),
    );
  }
  return withTransaction(deps.db, (tx) => queueExits(tx, exits, now()));
}
