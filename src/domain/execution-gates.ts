// The checks a worker re-runs immediately before posting a copy order. The fan-out already applied
// filters and sizing, but seconds or minutes may have passed: the user may have paused, spent, or
// filled up their exposure through another copy. Gates answer with the FIRST failing reason, in
// this order (the most fundamental and least transient first, so a user is told the reason that
// actually needs their attention — an inactive account, not a low balance):
//
//   1. kill_switch                  platform-wide halt beats everything
//   2. user_inactive
//   3. relationship_stopped / relationship_paused        (copies only, see below)
//   4. daily_trade_limit_reached    tier quota            (BUY copies only; live copies: see tiers.ts)
//   5. no_credentials / api_key_inactive / api_key_expired   (live mode only)
//   6. daily_spend_limit_reached    the API key's 24 h spend (live mode, BUY only)
//   7. relationship_exposure_cap_reached, user_exposure_cap_reached (BUY only)
//   8. insufficient_balance         most volatile, so last (BUY only)
//
// Sells are exempt from 4, 6, 7 and 8: those limit new risk, and refusing an exit would leave the
// follower holding what the leader dumped. Risk exits (stop-loss / take-profit closes) also skip 3:
// pausing copying a trader does not switch off protection on positions already held.
//
// Daily trade window: a ROLLING 24 hours (trades with entry time in (now − 24 h, now]), not the UTC
// day. A calendar day lets a user fire the whole quota at 23:59 and again at 00:00 (twice the limit
// within two minutes) and means "midnight" in a time zone most users are not in; a rolling window
// has neither problem, matches the API key's 24 h spend window, and is one index range scan on
// trades (copying_user_id, entry_timestamp DESC). The count must include copies in flight
// (processing queue rows), or concurrent workers could together exceed the limit.
import type { Decimal } from './money.ts';
import { ZERO } from './money.ts';
import type { Side } from './order-book.ts';
import type { CopyOutcomeReason } from './skip-reasons.ts';
import type { UserLimitSettings } from './tiers.ts';
import { effectiveUserLimits } from './tiers.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

export type ExecutionMode = 'paper' | 'live';
export type RelationshipStatus = 'active' | 'paused' | 'stopped';
export type ApiKeyStatus = 'active' | 'revoked' | 'suspended' | 'expired';

export interface ApiKeyState {
  readonly status: ApiKeyStatus;
  readonly expiresAt: Date | null;
  readonly dailySpendLimitUsd: Decimal;
  readonly dailySpentUsd: Decimal;
  readonly lastResetAt: Date;
}

export interface GateState {
  readonly mode: ExecutionMode;
  readonly killSwitch: boolean;
  readonly side: Side;
  /** 'risk_exit' for stop-loss / take-profit closes; default 'copy'. */
  readonly purpose?: 'copy' | 'risk_exit';
  readonly user: {
    readonly isActive: boolean;
    readonly limits: UserLimitSettings;
    /** Open exposure across the user's relationships, at cost. */
    readonly exposureUsd: Decimal;
    /**
     * Collateral available to spend now (the paper balance), or null when the venue itself enforces
     * it (live mode: the exchange refuses an order it cannot fund, which the executor records as
     * insufficient_balance — reading the balance first would cost a rate-limited request per order
     * to save at most one refused request).
     */
    readonly availableBalanceUsd: Decimal | null;
  };
  readonly relationship: {
    readonly status: RelationshipStatus;
    readonly maxTotalExposureUsd: Decimal;
    readonly exposureUsd: Decimal;
  };
  /**
   * The user's copy trades in the rolling window (dailyTradeWindowStart), executed or in flight,
   * in this copy's mode: paper copies never use up the live quota.
   */
  readonly tradesInWindow: number;
  /** The primary API key; null when none is connected. Ignored in paper mode. */
  readonly apiKey: ApiKeyState | null;
  readonly order: {
    /** Shares × worst acceptable price: what the order adds to exposure. */
    readonly notionalUsd: Decimal;
    /** notionalUsd plus expected fees: what it may take from balance and spend limit. */
    readonly costUsd: Decimal;
  };
}

export type GateResult =
  { readonly ok: true } | { readonly ok: false; readonly reason: CopyOutcomeReason; readonly detail: string };

/** Start (exclusive) of the rolling daily trade window ending at `now`. */
export function dailyTradeWindowStart(now: Date): Date {
  return new Date(now.getTime() - DAY_MS);
}

/** True once a full 24 h has passed since the last reset: exactly 24 h counts as passed. */
export function spendWindowExpired(lastResetAt: Date, now: Date): boolean {
  return now.getTime() - lastResetAt.getTime() >= DAY_MS;
}

/**
 * The API key's spend that still counts: the stored daily_spent_usd, or zero once 24 h have passed
 * since last_reset_at (the row is rewritten lazily by the reservation that notices).
 */
export function effectiveDailySpent(spent: Decimal, lastResetAt: Date, now: Date): Decimal {
  return spendWindowExpired(lastResetAt, now) ? ZERO : spent;
}

const pass: GateResult = { ok: true };
function fail(reason: CopyOutcomeReason, detail: string): GateResult {
  return { ok: false, reason, detail };
}

function apiKeyGate(key: ApiKeyState | null, now: Date): GateResult {
  if (key === null) return fail('no_credentials', 'no API key connected');
  if (key.status === 'expired') return fail('api_key_expired', 'API key status is expired');
  if (key.status !== 'active') return fail('api_key_inactive', `API key status is ${key.status}`);
  if (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime()) {
    return fail('api_key_expired', `API key expired at ${key.expiresAt.toISOString()}`);
  }
  return pass;
}

export function checkGates(state: GateState, now: Date): GateResult {
  const buying = state.side === 'BUY';
  const purpose = state.purpose ?? 'copy';
  const { user, relationship: rel, order } = state;

  if (state.killSwitch) return fail('kill_switch', 'copy trading is halted');
  if (!user.isActive) return fail('user_inactive', 'user is inactive');

  if (purpose === 'copy') {
    if (rel.status === 'stopped') return fail('relationship_stopped', 'relationship is stopped');
    if (rel.status === 'paused') return fail('relationship_paused', 'relationship is paused');
  }

  const limits = effectiveUserLimits(user.limits, state.mode);
  if (buying && state.tradesInWindow >= limits.maxDailyTrades) {
    return fail(
      'daily_trade_limit_reached',
      `${state.tradesInWindow} trades in the last 24 h, limit ${limits.maxDailyTrades}`,
    );
  }

  if (state.mode === 'live') {
    const keyGate = apiKeyGate(state.apiKey, now);
    if (!keyGate.ok) return keyGate;
    const key = state.apiKey as ApiKeyState;
    if (buying) {
      const spent = effectiveDailySpent(key.dailySpentUsd, key.lastResetAt, now);
      if (spent.plus(order.costUsd).gt(key.dailySpendLimitUsd)) {
        return fail(
          'daily_spend_limit_reached',
          `spent $${spent.toFixed()} + $${order.costUsd.toFixed()} > limit $${key.dailySpendLimitUsd.toFixed()}`,
        );
      }
    }
  }

  if (buying) {
    if (rel.exposureUsd.plus(order.notionalUsd).gt(rel.maxTotalExposureUsd)) {
      return fail(
        'relationship_exposure_cap_reached',
        `$${rel.exposureUsd.toFixed()} + $${order.notionalUsd.toFixed()} > $${rel.maxTotalExposureUsd.toFixed()}`,
      );
    }
    if (user.exposureUsd.plus(order.notionalUsd).gt(limits.maxTotalExposureUsd)) {
      return fail(
        'user_exposure_cap_reached',
        `$${user.exposureUsd.toFixed()} + $${order.notionalUsd.toFixed()} > $${limits.maxTotalExposureUsd.toFixed()}`,
      );
    }
    if (user.availableBalanceUsd !== null && order.costUsd.gt(user.availableBalanceUsd)) {
      return fail(
        'insufficient_balance',
        `needs $${order.costUsd.toFixed()}, available $${user.availableBalanceUsd.toFixed()}`,
      );
    }
  }
  return pass;
}
