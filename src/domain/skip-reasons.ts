// Every reason a (leader fill, copy relationship) pair can end without an executed copy. Each pair
// must end with a recorded outcome (executed, failed with reason, skipped with reason), and these
// codes are what gets stored (trade_queue.error_message, trades.failure_reason) and shown to users,
// so they are stable snake_case identifiers: add new codes, never rename or reuse one. The message
// is the default wording for people; the code is the contract.
//
// `outcome` says which bucket a code normally lands in:
//   skipped  a rule decided not to copy (filters, sizing, limits, the user's own settings): nothing
//            was sent and nothing is wrong; the user may want to adjust settings.
//   failed   we tried to execute and could not (venue refusal, credentials, retries exhausted).
//   cancelled the queue row was withdrawn before it could run (expiry).

export type CopyOutcomeKind = 'skipped' | 'failed' | 'cancelled';

interface ReasonSpec {
  readonly outcome: CopyOutcomeKind;
  readonly message: string;
}

// `satisfies` keeps the literal keys (the union below) while checking every entry's shape.
const REASONS = {
  // ---- market filters (fan-out)
  market_excluded: { outcome: 'skipped', message: 'This market is in your excluded markets.' },
  market_not_allowed: { outcome: 'skipped', message: 'This market is not in your allowed markets.' },
  market_closed: { outcome: 'skipped', message: 'The market is closed or not accepting orders.' },
  category_excluded: {
    outcome: 'skipped',
    message: "The market's category is in your excluded categories.",
  },
  category_not_allowed: {
    outcome: 'skipped',
    message: "The market's category is not one of the categories you copy.",
  },

  // ---- buy / sell controls (the follow's own settings)
  buys_not_copied: { outcome: 'skipped', message: 'You chose not to copy buys from this trader.' },
  sells_not_copied: { outcome: 'skipped', message: 'You chose not to copy sells from this trader.' },
  price_above_max_buy: {
    outcome: 'skipped',
    message: 'The trader bought above your maximum buy price.',
  },
  price_below_min_sell: {
    outcome: 'skipped',
    message: 'The trader sold below your minimum sell price.',
  },
  leader_trade_below_minimum: {
    outcome: 'skipped',
    message: "The trader's trade was smaller than the smallest trade you react to.",
  },
  leader_trade_above_maximum: {
    outcome: 'skipped',
    message: "The trader's trade was larger than the largest trade you react to.",
  },

  // ---- sizing
  below_min_trade_size: {
    outcome: 'skipped',
    message: 'The copy would be smaller than your minimum trade size.',
  },
  below_venue_minimum: {
    outcome: 'skipped',
    message: "The copy would be smaller than Polymarket's minimum order size.",
  },
  per_trade_cap_below_minimum: {
    outcome: 'skipped',
    message: 'Your per-trade maximum for this trader is below the minimum trade size.',
  },
  user_trade_size_cap_below_minimum: {
    outcome: 'skipped',
    message: 'Your account maximum trade size is below the minimum trade size.',
  },
  relationship_exposure_cap_reached: {
    outcome: 'skipped',
    message: 'Your maximum total exposure to this trader has been reached.',
  },
  user_exposure_cap_reached: {
    outcome: 'skipped',
    message: 'Your account maximum total exposure has been reached.',
  },
  budget_exhausted: {
    outcome: 'skipped',
    message: 'Your budget for this trader is used up (money at work plus losses).',
  },
  balance_unknown: {
    outcome: 'skipped',
    message: 'Your balance is not known yet, so a copy sized from it cannot be computed.',
  },
  leader_portfolio_unknown: {
    outcome: 'skipped',
    message: "The trader's portfolio value is not known yet, so its weight cannot be computed.",
  },
  no_position_to_sell: {
    outcome: 'skipped',
    message: 'The trader sold, but you hold no shares bought copying this trader in this market.',
  },
  invalid_leader_fill: {
    outcome: 'skipped',
    message: "The trader's fill had an unusable price or size.",
  },

  // ---- gates (re-checked by the worker just before posting)
  kill_switch: { outcome: 'skipped', message: 'Copy trading is halted platform-wide.' },
  user_inactive: { outcome: 'skipped', message: 'Your account is inactive.' },
  relationship_paused: { outcome: 'skipped', message: 'You have paused copying this trader.' },
  relationship_stopped: { outcome: 'skipped', message: 'You have stopped copying this trader.' },
  daily_trade_limit_reached: {
    outcome: 'skipped',
    message: "Your plan's daily trade limit has been reached (rolling 24 hours).",
  },
  no_credentials: { outcome: 'skipped', message: 'No Polymarket API key is connected to your account.' },
  api_key_inactive: { outcome: 'skipped', message: 'Your Polymarket API key is revoked or suspended.' },
  api_key_expired: { outcome: 'skipped', message: 'Your Polymarket API key has expired.' },
  daily_spend_limit_reached: {
    outcome: 'skipped',
    message: "Your API key's daily spend limit would be exceeded.",
  },
  insufficient_balance: { outcome: 'skipped', message: 'Your balance is too low for this copy.' },

  // ---- pricing (slippage guard against the live book)
  slippage_exceeded: {
    outcome: 'skipped',
    message: "The order book has moved beyond your maximum slippage from the trader's price.",
  },
  // A late copy (retried, taken over after a crash, re-sent after reconciliation) is judged by price,
  // not by a clock: the book had moved beyond the follower's slippage from the leader's price by its
  // turn (src/domain/late-copy.ts).
  price_moved: {
    outcome: 'skipped',
    message:
      "The price moved beyond your maximum slippage from the trader's price before the copy's turn came.",
  },
  book_cannot_fill: {
    outcome: 'skipped',
    message: 'The order book does not hold enough liquidity to fill the copy.',
  },

  // ---- execution failures
  order_rejected: { outcome: 'failed', message: 'Polymarket rejected the order.' },
  venue_auth_failed: {
    outcome: 'failed',
    message: 'Polymarket refused your credentials; reconnect your API key.',
  },
  market_unavailable: { outcome: 'failed', message: 'The market or its order book could not be found.' },
  retries_exhausted: {
    outcome: 'failed',
    message: 'Polymarket was unavailable and the copy ran out of retries.',
  },

  // ---- queue lifecycle
  expired: {
    outcome: 'cancelled',
    message: 'The copy reached its maximum age (minutes) before it could be executed.',
  },
  emergency_stop: {
    outcome: 'cancelled',
    message: 'You used the emergency stop: copying is paused and pending copies were cancelled.',
  },
  cancelled_by_admin: {
    outcome: 'cancelled',
    message: 'An administrator cancelled this pending copy.',
  },
} as const satisfies Record<string, ReasonSpec>;

export type CopyOutcomeReason = keyof typeof REASONS;

/** Every code, in catalogue order (for API docs, dashboards and the stability test). */
export const COPY_OUTCOME_REASONS: readonly CopyOutcomeReason[] = Object.freeze(
  Object.keys(REASONS) as CopyOutcomeReason[],
);

export function isCopyOutcomeReason(value: string): value is CopyOutcomeReason {
  return Object.hasOwn(REASONS, value);
}

export function reasonMessage(reason: CopyOutcomeReason): string {
  return REASONS[reason].message;
}

export function reasonOutcome(reason: CopyOutcomeReason): CopyOutcomeKind {
  return REASONS[reason].outcome;
}

/** A decision not to copy, with the stored code and a detail line for logs and the activity feed. */
export interface Skip<R extends CopyOutcomeReason = CopyOutcomeReason> {
  readonly kind: 'skip';
  readonly reason: R;
  readonly detail: string;
}

export function skip<R extends CopyOutcomeReason>(reason: R, detail: string): Skip<R> {
  return { kind: 'skip', reason, detail };
}
