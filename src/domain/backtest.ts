// The what-if backtest: "had I copied this leader with these settings over the last N days". Pure:
// the caller passes the leader's recorded fills, price observations, token outcomes and the user's
// limits; nothing here reads a clock or a database.
//
// Every decision goes through the code the engine runs, in the engine's order:
//   fan-out (ingest/record-fill.ts)   decideCopy() — THE decision the live fan-out makes: filters,
//                                     categories, buy/sell controls, price band, leader size bounds,
//                                     the sizing mode and every cap (src/domain/decide-copy.ts)
//   worker (execution/execute-claim)  market closed → pricing (priceCopyOrder within the decision's
//                                     slippage limit, BUYs re-priced as a pUSD amount) → gates
//                                     (checkGates in paper mode: daily trades, exposure caps, balance)
// so a skip here carries the reason code the engine would have recorded.
//
// What the backtest feeds decideCopy() in place of the engine's reads: the hypothetical account's
// cash and equity (cash + positions at the last price seen) at the fill, and — for portfolio-weight
// sizing — the leader's portfolio as its recorded positions at the last prices seen (the engine
// reads the venue's Data API /value, which has no history; positions the leader opened before its
// first recorded fill are not in it). Fills are judged as if seen on time (no copy TTL).
//
// What replaces the order book is the slippage model: the copy executes at the leader's price moved
// against the follower by
//     s (bps) = fixedBps + impactBpsPer1000Usd × (copy notional at the leader's price) / 1000
//     BUY  price = leader price × (1 + s / 10 000)      SELL  price = leader price × (1 − s / 10 000)
// presented to priceCopyOrder as a one-level book at that price, deep enough for any copy. When
// that price is beyond the follower's slippage limit the copy is skipped as slippage_exceeded, as
// the engine would skip it. Fees are not modelled apart: fold them into fixedBps.
//
// Positions are lots, closed oldest first with closePosition (as record-execution.ts does), at
// cost for the exposure caps. Stop-loss / take-profit (riskTrigger, as the scheduler uses) are
// checked at every price seen for the token (the leader's fills and the observations), and close
// everything at that price moved by the model. A token that resolves settles at its payout at the
// time the platform saw the resolution; fills in it after that are skipped as market_closed.
//
// The account is hypothetical: it starts with `startingBalanceUsd`, holds nothing else, and copies
// only this leader (its exposure is this relationship's). The daily trade limit counts this
// backtest's BUY copies in the 24 hours before each fill, as the gate counts executed BUYs.
import { BacktestAccount, usd } from './backtest-account.ts';
import type {
  BacktestFill,
  BacktestInput,
  BacktestResult,
  EquityPoint,
  PriceObservation,
} from './backtest-types.ts';
import { DAY_MS } from './execution-gates.ts';
import { ZERO } from './money.ts';

export type * from './backtest-types.ts';
export { copySettingsOf } from './backtest-types.ts';
export { modelPrice } from './backtest-account.ts';

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

type Event =
  | { readonly at: number; readonly order: 0; readonly kind: 'price'; readonly o: PriceObservation }
  | { readonly at: number; readonly order: 1; readonly kind: 'fill'; readonly f: BacktestFill }
  | { readonly at: number; readonly order: 2; readonly kind: 'resolve'; readonly assetId: string };

export function runBacktest(input: BacktestInput): BacktestResult {
  const fromMs = input.from.getTime();
  const toMs = input.to.getTime();
  if (toMs < fromMs) throw new RangeError('backtest window ends before it starts');
  const account = new BacktestAccount(input);
  const curve: EquityPoint[] = [];
  let nextDayEnd = dayStart(fromMs) + DAY_MS;
  const snapshot = (atMs: number, final: boolean) => {
    const positions = account.positionsValue(final);
    curve.push({
      date: utcDay(Math.min(atMs, toMs) - (final ? 0 : 1)),
      equityUsd: usd(account.cash.plus(positions)),
      cashUsd: usd(account.cash),
      positionsValueUsd: usd(positions),
    });
  };
  for (const e of replayEvents(input)) {
    while (e.at >= nextDayEnd && nextDayEnd <= toMs) {
      snapshot(nextDayEnd, false);
      nextDayEnd += DAY_MS;
    }
    if (e.kind === 'price') account.onPrice(e.o);
    else if (e.kind === 'resolve') account.settle(e.assetId, new Date(e.at));
    else account.onFill(e.f);
  }
  while (nextDayEnd <= toMs) {
    snapshot(nextDayEnd, false);
    nextDayEnd += DAY_MS;
  }
  snapshot(toMs, true);
  return result(input, account, curve);
}

/** Prices seen, leader fills and resolutions in the window, in time order. */
function replayEvents(input: BacktestInput): Event[] {
  const fromMs = input.from.getTime();
  const toMs = input.to.getTime();
  const events: Event[] = [
    ...input.observations
      .filter((o) => o.at.getTime() >= fromMs && o.at.getTime() <= toMs)
      .map((o) => ({ at: o.at.getTime(), order: 0 as const, kind: 'price' as const, o })),
    ...input.fills.map((f) => ({ at: f.filledAt.getTime(), order: 1 as const, kind: 'fill' as const, f })),
    ...[...input.tokens]
      .filter(([, t]) => t.resolvedAt !== null && t.resolvedAt.getTime() <= toMs)
      .map(([assetId, t]) => ({
        at: Math.max(t.resolvedAt!.getTime(), fromMs),
        order: 2 as const,
        kind: 'resolve' as const,
        assetId,
      })),
  ];
  // Stable: equal times keep price → fill → resolution, and the caller's order among fills.
  return events.sort((a, b) => a.at - b.at || a.order - b.order);
}

function result(input: BacktestInput, account: BacktestAccount, curve: EquityPoint[]): BacktestResult {
  const s = input.settings;
  const openPositions = account.openPositions();
  const openValue = openPositions.reduce((a, p) => a.plus(p.valueUsd), ZERO);
  const openCost = openPositions.reduce((a, p) => a.plus(p.costUsd), ZERO);
  const endingEquity = usd(account.cash.plus(openValue));
  return {
    startingBalanceUsd: s.startingBalanceUsd,
    endingEquityUsd: endingEquity,
    pnlUsd: endingEquity.minus(s.startingBalanceUsd),
    realizedPnlUsd: usd(account.realized),
    unrealizedPnlUsd: usd(openValue.minus(openCost)),
    fillsReplayed: input.fills.length,
    copies: { buys: account.buys, sells: account.sells },
    exits: account.exits,
    skips: account.skips,
    skipList: account.skipList,
    trades: account.trades,
    equityCurve: curve,
    openPositions,
  };
}
