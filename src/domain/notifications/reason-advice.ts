// What a person can do about each reason a copy was not made: the second half of "why?". The
// reason's own wording (skip-reasons.ts) says what happened; this says what to do next, in the
// words of the bot's commands. Unknown or future codes get no advice rather than a wrong one.
import { isCopyOutcomeReason, type CopyOutcomeReason } from '../skip-reasons.ts';

// A full Record, so a new reason code does not compile until it has advice.
const ADVICE: Record<CopyOutcomeReason, string> = {
  market_excluded: 'Remove the market from your excluded list on the web if you want these.',
  market_not_allowed: 'Add the market to your allowed list, or clear the list, on the web.',
  market_closed: 'Nothing to do: the market no longer trades.',
  category_excluded: 'Remove the category from your excluded categories on the web if you want these.',
  category_not_allowed: 'Add the category to the categories you copy, or clear the list, on the web.',
  buys_not_copied: 'Turn on copying buys for this trader in /settings if you want them.',
  sells_not_copied: 'Turn on copying sells for this trader in /settings if you want them.',
  price_above_max_buy: 'Raise the maximum buy price in /settings if you accept dearer entries.',
  price_below_min_sell: 'Lower the minimum sell price in /settings if you accept cheaper exits.',
  leader_trade_below_minimum: "Lower the smallest trader's trade you react to in /settings.",
  leader_trade_above_maximum: "Raise the largest trader's trade you react to in /settings.",
  budget_exhausted: 'Raise the budget for this trader in /settings, or wait for positions to close.',
  balance_unknown: 'Nothing to do: copying resumes once your balance has been read.',
  leader_portfolio_unknown: "Nothing to do: copying resumes once the trader's portfolio has been read.",
  below_min_trade_size: 'Lower the minimum trade or raise the copy % in /settings.',
  below_venue_minimum: "Raise the copy % in /settings so copies reach Polymarket's minimum order.",
  per_trade_cap_below_minimum: 'Raise the max per trade in /settings.',
  user_trade_size_cap_below_minimum: 'Your plan caps the trade size; upgrade to copy larger trades.',
  relationship_exposure_cap_reached: 'Raise the max exposure in /settings, or wait for positions to close.',
  user_exposure_cap_reached: "Your plan's exposure cap is reached: close positions or upgrade.",
  no_position_to_sell: 'Nothing to do: you hold none of what the trader sold.',
  invalid_leader_fill: 'Nothing to do.',
  kill_switch: 'Copying resumes when the operator lifts the halt; nothing to do.',
  user_inactive: 'Contact support: your account is disabled.',
  relationship_paused: 'Use /resume to copy again.',
  relationship_stopped: 'Use /follow to copy this trader again.',
  daily_trade_limit_reached: 'Wait for the 24-hour window to roll, or upgrade your plan.',
  no_credentials: 'Connect your Polymarket API key on the web, or switch the follow to paper.',
  api_key_inactive: 'Reconnect your Polymarket API key on the web.',
  api_key_expired: 'Connect a fresh Polymarket API key on the web.',
  daily_spend_limit_reached: "Raise your API key's daily spend limit on the web, or wait until tomorrow.",
  insufficient_balance: 'Deposit or lower the size (copy % or max per trade in /settings).',
  slippage_exceeded: 'Raise the max slippage in /settings if you accept worse prices.',
  price_moved:
    'Nothing to do: the market moved away before your copy could follow. Raise the max slippage in /settings to follow further.',
  book_cannot_fill: 'Nothing to do: the market was too thin at that moment.',
  order_rejected: 'Check the market on Polymarket; if it keeps happening, lower the size.',
  venue_auth_failed: 'Reconnect your Polymarket API key on the web.',
  market_unavailable: 'Nothing to do unless it repeats.',
  retries_exhausted: 'Nothing to do: Polymarket was unavailable. Copying continues with the next trade.',
  expired: 'Nothing to do: the copy came too late to be worth placing.',
  emergency_stop: 'Use /resume to copy again.',
  cancelled_by_admin: 'Contact support if you did not expect this.',
};

export function reasonAdvice(reason: string | null | undefined): string | null {
  if (!reason || !isCopyOutcomeReason(reason)) return null;
  return ADVICE[reason] ?? null;
}
