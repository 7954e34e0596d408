import { describe, expect, it } from 'vitest';
import { dec } from '../../../../src/domain/money.ts';
import {
  DAY_MS,
  checkGates,
  dailyTradeWindowStart,
  effectiveDailySpent,
  spendWindowExpired,
  type ApiKeyState,
  type GateState,
} from '../../../../src/domain/execution-gates.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const HOUR = 60 * 60 * 1000;

const key = (over: Partial<ApiKeyState> = {}): ApiKeyState => ({
  status: 'active',
  expiresAt: null,
  dailySpendLimitUsd: dec('1000'),
  dailySpentUsd: dec('100'),
  lastResetAt: ago(HOUR),
  ...over,
});

// Everything passes: free tier, 3 of 10 trades, $100 of $1000 spent, room under every cap.
function state(over: Partial<GateState> = {}): GateState {
  return {
    mode: 'live',
    killSwitch: false,
    side: 'BUY',
    user: {
      isActive: true,
      limits: {
        subscriptionTier: 'free',
        maxFollowedTraders: 3,
        maxDailyTrades: 10,
        maxTradeSizeUsd: dec('100'),
        maxTotalExposureUsd: dec('500'),
      },
      exposureUsd: dec('100'),
      availableBalanceUsd: dec('200'),
    },
    relationship: { status: 'active', maxTotalExposureUsd: dec('500'), exposureUsd: dec('50') },
    tradesInWindow: 3,
    apiKey: key(),
    order: { notionalUsd: dec('20'), costUsd: dec('20.5') },
    ...over,
  };
}

const reason = (s: GateState, now = NOW) => {
  const r = checkGates(s, now);
  return r.ok ? 'ok' : r.reason;
};

describe('checkGates', () => {
  it('passes a healthy copy', () => {
    expect(checkGates(state(), NOW)).toEqual({ ok: true });
  });

  it('reports the first failure in the documented order', () => {
    // Start with every gate failing, then fix them one at a time.
    let s = state({
      killSwitch: true,
      user: { ...state().user, isActive: false, exposureUsd: dec('500'), availableBalanceUsd: dec('0') },
      relationship: { status: 'stopped', maxTotalExposureUsd: dec('500'), exposureUsd: dec('500') },
      tradesInWindow: 10,
      apiKey: key({ status: 'revoked', dailySpentUsd: dec('1000') }),
    });
    const seen: string[] = [];
    const fixes: Array<(s: GateState) => GateState> = [
      (x) => ({ ...x, killSwitch: false }),
      (x) => ({ ...x, user: { ...x.user, isActive: true } }),
      (x) => ({ ...x, relationship: { ...x.relationship, status: 'active' } }),
      (x) => ({ ...x, tradesInWindow: 9 }),
      (x) => ({ ...x, apiKey: key({ dailySpentUsd: dec('1000') }) }),
      (x) => ({ ...x, apiKey: key() }),
      (x) => ({ ...x, relationship: { ...x.relationship, exposureUsd: dec('0') } }),
      (x) => ({ ...x, user: { ...x.user, exposureUsd: dec('0') } }),
      (x) => ({ ...x, user: { ...x.user, availableBalanceUsd: dec('20.5') } }),
    ];
    seen.push(reason(s));
    for (const fix of fixes) {
      s = fix(s);
      seen.push(reason(s));
    }
    expect(seen).toEqual([
      'kill_switch',
      'user_inactive',
      'relationship_stopped',
      'daily_trade_limit_reached',
      'api_key_inactive',
      'daily_spend_limit_reached',
      'relationship_exposure_cap_reached',
      'user_exposure_cap_reached',
      'insufficient_balance',
      'ok',
    ]);
  });

  it('refuses paused and stopped relationships', () => {
    expect(reason(state({ relationship: { ...state().relationship, status: 'paused' } }))).toBe(
      'relationship_paused',
    );
    expect(reason(state({ relationship: { ...state().relationship, status: 'stopped' } }))).toBe(
      'relationship_stopped',
    );
  });

  it("counts daily trades against the tighter of the tier's and the user's limit", () => {
    expect(reason(state({ tradesInWindow: 9 }))).toBe('ok');
    expect(reason(state({ tradesInWindow: 10 }))).toBe('daily_trade_limit_reached');
    const pro = { ...state().user.limits, subscriptionTier: 'pro' as const, maxDailyTrades: 200 };
    expect(reason(state({ tradesInWindow: 150, user: { ...state().user, limits: pro } }))).toBe('ok');
    // A downgrade bites at once, even while the user row still says 200.
    const downgraded = { ...pro, subscriptionTier: 'free' as const };
    expect(reason(state({ tradesInWindow: 150, user: { ...state().user, limits: downgraded } }))).toBe(
      'daily_trade_limit_reached',
    );
  });

  it('does not hold paper copies to the live quota; a cap the user set below it still holds', () => {
    expect(reason(state({ mode: 'paper', tradesInWindow: 10 }))).toBe('ok');
    expect(reason(state({ mode: 'paper', tradesInWindow: 5_000 }))).toBe('ok');
    expect(reason(state({ mode: 'live', tradesInWindow: 10 }))).toBe('daily_trade_limit_reached');
    const own = { ...state().user.limits, maxDailyTrades: 4 };
    const capped = (n: number) =>
      state({ mode: 'paper', tradesInWindow: n, user: { ...state().user, limits: own } });
    expect(reason(capped(3))).toBe('ok');
    expect(reason(capped(4))).toBe('daily_trade_limit_reached');
    // The other gates still apply to paper copies.
    expect(
      reason(
        state({
          mode: 'paper',
          tradesInWindow: 50,
          relationship: { ...state().relationship, exposureUsd: dec('490') },
        }),
      ),
    ).toBe('relationship_exposure_cap_reached');
  });

  it('defines the daily trade window as the rolling 24 hours before now', () => {
    expect(dailyTradeWindowStart(NOW).toISOString()).toBe('2026-02-28T12:00:00.000Z');
  });

  it('checks credentials in live mode: missing, revoked, suspended, expired by status or by date', () => {
    expect(reason(state({ apiKey: null }))).toBe('no_credentials');
    expect(reason(state({ apiKey: key({ status: 'revoked' }) }))).toBe('api_key_inactive');
    expect(reason(state({ apiKey: key({ status: 'suspended' }) }))).toBe('api_key_inactive');
    expect(reason(state({ apiKey: key({ status: 'expired' }) }))).toBe('api_key_expired');
    expect(reason(state({ apiKey: key({ expiresAt: NOW }) }))).toBe('api_key_expired');
    expect(reason(state({ apiKey: key({ expiresAt: new Date(NOW.getTime() + 1) }) }))).toBe('ok');
  });

  it('needs no credentials and no spend limit in paper mode', () => {
    expect(reason(state({ mode: 'paper', apiKey: null }))).toBe('ok');
    expect(
      reason(state({ mode: 'paper', apiKey: key({ status: 'revoked', dailySpentUsd: dec('1000') }) })),
    ).toBe('ok');
  });

  it('allows spend up to the limit exactly, not a cent over', () => {
    expect(reason(state({ apiKey: key({ dailySpentUsd: dec('979.5') }) }))).toBe('ok'); // 979.5 + 20.5 = 1000
    expect(reason(state({ apiKey: key({ dailySpentUsd: dec('979.51') }) }))).toBe(
      'daily_spend_limit_reached',
    );
  });

  it('resets the daily spend exactly 24 h after last_reset_at (injected clock)', () => {
    const spent = key({ dailySpentUsd: dec('1000') });
    const atBoundary = { ...spent, lastResetAt: ago(DAY_MS) };
    const justBefore = { ...spent, lastResetAt: ago(DAY_MS - 1) };
    expect(reason(state({ apiKey: justBefore }))).toBe('daily_spend_limit_reached');
    expect(reason(state({ apiKey: atBoundary }))).toBe('ok');
    expect(effectiveDailySpent(dec('1000'), ago(DAY_MS - 1), NOW).toFixed()).toBe('1000');
    expect(effectiveDailySpent(dec('1000'), ago(DAY_MS), NOW).toFixed()).toBe('0');
    expect(effectiveDailySpent(dec('1000'), ago(DAY_MS + 1), NOW).toFixed()).toBe('0');
    expect(spendWindowExpired(new Date(NOW.getTime() + HOUR), NOW)).toBe(false); // clock skew: not reset
  });

  it('allows exposure up to each cap exactly', () => {
    const rel = state().relationship;
    expect(reason(state({ relationship: { ...rel, exposureUsd: dec('480') } }))).toBe('ok');
    expect(reason(state({ relationship: { ...rel, exposureUsd: dec('480.01') } }))).toBe(
      'relationship_exposure_cap_reached',
    );
    expect(reason(state({ user: { ...state().user, exposureUsd: dec('480') } }))).toBe('ok');
    expect(reason(state({ user: { ...state().user, exposureUsd: dec('480.01') } }))).toBe(
      'user_exposure_cap_reached',
    );
  });

  it('requires the balance to cover the cost including fees', () => {
    expect(reason(state({ user: { ...state().user, availableBalanceUsd: dec('20.5') } }))).toBe('ok');
    expect(reason(state({ user: { ...state().user, availableBalanceUsd: dec('20.49') } }))).toBe(
      'insufficient_balance',
    );
  });

  it('leaves the balance to the venue when it is not known here (live mode)', () => {
    expect(reason(state({ user: { ...state().user, availableBalanceUsd: null } }))).toBe('ok');
  });

  it('never blocks a sell on buy-side limits, but still on halts, accounts, relationships, keys', () => {
    const exhausted = state({
      side: 'SELL',
      tradesInWindow: 50,
      user: { ...state().user, exposureUsd: dec('9999'), availableBalanceUsd: dec('0') },
      relationship: { status: 'active', maxTotalExposureUsd: dec('500'), exposureUsd: dec('9999') },
      apiKey: key({ dailySpentUsd: dec('1000') }),
    });
    expect(reason(exhausted)).toBe('ok');
    expect(reason({ ...exhausted, killSwitch: true })).toBe('kill_switch');
    expect(reason({ ...exhausted, user: { ...exhausted.user, isActive: false } })).toBe('user_inactive');
    expect(reason({ ...exhausted, relationship: { ...exhausted.relationship, status: 'paused' } })).toBe(
      'relationship_paused',
    );
    expect(reason({ ...exhausted, apiKey: key({ status: 'revoked' }) })).toBe('api_key_inactive');
  });

  it('lets stop-loss / take-profit exits through a paused or stopped relationship, not a kill switch', () => {
    const exit = state({ side: 'SELL', purpose: 'risk_exit' });
    expect(reason({ ...exit, relationship: { ...exit.relationship, status: 'paused' } })).toBe('ok');
    expect(reason({ ...exit, relationship: { ...exit.relationship, status: 'stopped' } })).toBe('ok');
    expect(reason({ ...exit, killSwitch: true })).toBe('kill_switch');
  });
});
