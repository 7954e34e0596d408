// The rules behind the copyability figures (src/analytics/copyability.ts computes them in SQL;
// docs/analytics.md "Copyability" works them out by hand).
//
// Fill rate = executed / (executed + copies that failed AT EXECUTION). What counts against a leader
// is what happened between deciding to copy and the copy filling — the book moved past the
// follower's slippage limit or could not fill, the venue refused or was unreachable, the copy
// expired in the queue, the market closed first. Everything that is the follower's own choice or
// circumstance — filters, sizing and minimums, caps and daily limits, balance, credentials, pauses,
// the kill switch — says nothing about how copyable the leader is and is not counted at all.
// Copies still queued are undecided and not counted either.
//
// Every reason code is classified here, as a Record over the whole union: adding a code to
// skip-reasons.ts without deciding its bucket does not compile.
import { Decimal } from './money.ts';
import { MIN_MARKETABLE_NOTIONAL } from './order-rules.ts';
import type { CopyOutcomeReason } from './skip-reasons.ts';

export type FillRateClass = 'against' | 'not_counted';

export const FILL_RATE_CLASS: Readonly<Record<CopyOutcomeReason, FillRateClass>> = Object.freeze({
  // execution outcomes: count against the leader
  slippage_exceeded: 'against',
  // a late copy whose book had moved beyond the follower's slippage: an execution outcome
  price_moved: 'against',
  book_cannot_fill: 'against',
  order_rejected: 'against',
  market_unavailable: 'against',
  retries_exhausted: 'against',
  expired: 'against',
  market_closed: 'against',
  // the follower's settings, limits and circumstances: not counted
  market_excluded: 'not_counted',
  market_not_allowed: 'not_counted',
  category_excluded: 'not_counted',
  category_not_allowed: 'not_counted',
  buys_not_copied: 'not_counted',
  sells_not_copied: 'not_counted',
  price_above_max_buy: 'not_counted',
  price_below_min_sell: 'not_counted',
  leader_trade_below_minimum: 'not_counted',
  leader_trade_above_maximum: 'not_counted',
  budget_exhausted: 'not_counted',
  balance_unknown: 'not_counted',
  leader_portfolio_unknown: 'not_counted',
  below_min_trade_size: 'not_counted',
  below_venue_minimum: 'not_counted',
  per_trade_cap_below_minimum: 'not_counted',
  user_trade_size_cap_below_minimum: 'not_counted',
  relationship_exposure_cap_reached: 'not_counted',
  user_exposure_cap_reached: 'not_counted',
  no_position_to_sell: 'not_counted',
  invalid_leader_fill: 'not_counted',
  kill_switch: 'not_counted',
  user_inactive: 'not_counted',
  relationship_paused: 'not_counted',
  relationship_stopped: 'not_counted',
  daily_trade_limit_reached: 'not_counted',
  no_credentials: 'not_counted',
  api_key_inactive: 'not_counted',
  api_key_expired: 'not_counted',
  daily_spend_limit_reached: 'not_counted',
  insufficient_balance: 'not_counted',
  venue_auth_failed: 'not_counted',
  emergency_stop: 'not_counted',
  cancelled_by_admin: 'not_counted',
});

/** Reason codes that count against the fill rate. */
export const FILL_RATE_AGAINST: readonly CopyOutcomeReason[] = Object.freeze(
  (Object.keys(FILL_RATE_CLASS) as CopyOutcomeReason[]).filter((r) => FILL_RATE_CLASS[r] === 'against'),
);

// "Too fast to follow": the leader's round trips — a SELL of a token measured from the leader's most
// recent BUY of the same token — have a median under five minutes, over at least five round trips
// in the style window. A copy reaches the venue seconds after the leader's fill at best; a style
// that captures moves lasting a few minutes hands followers the entry after the move and the exit
// after the reversal.
export const TOO_FAST_MEDIAN_SECONDS = 300;
export const TOO_FAST_MIN_ROUND_TRIPS = 5;

// "Too small to copy": at the platform's usual proportionality (the median proportionality factor
// of all active and paused relationships, or the column default 0.01 when there are none), at least
// half of the leader's BUY fills in the style window would make a copy under Polymarket's $1 minimum
// for a marketable order, over at least five BUY fills.
export const TOO_SMALL_SHARE = new Decimal('0.5');
export const TOO_SMALL_MIN_BUY_FILLS = 5;
export const DEFAULT_PROPORTIONALITY = new Decimal('0.01');
export const VENUE_MINIMUM_USD = MIN_MARKETABLE_NOTIONAL;

/** The style flags look at the leader's recorded fills of the last 90 days. */
export const STYLE_WINDOW_DAYS = 90;
