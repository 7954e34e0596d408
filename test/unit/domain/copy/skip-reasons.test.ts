import { describe, expect, it } from 'vitest';
import {
  COPY_OUTCOME_REASONS,
  isCopyOutcomeReason,
  reasonMessage,
  reasonOutcome,
  skip,
} from '../../../../src/domain/skip-reasons.ts';

describe('copy outcome reasons', () => {
  it('keeps every stored code (renaming or removing one orphans rows already in the database)', () => {
    const required = [
      'market_excluded',
      'market_not_allowed',
      'market_closed',
      'below_min_trade_size',
      'below_venue_minimum',
      'per_trade_cap_below_minimum',
      'user_trade_size_cap_below_minimum',
      'relationship_exposure_cap_reached',
      'user_exposure_cap_reached',
      'no_position_to_sell',
      'invalid_leader_fill',
      'kill_switch',
      'user_inactive',
      'relationship_paused',
      'relationship_stopped',
      'daily_trade_limit_reached',
      'no_credentials',
      'api_key_inactive',
      'api_key_expired',
      'daily_spend_limit_reached',
      'insufficient_balance',
      'slippage_exceeded',
      'book_cannot_fill',
      'order_rejected',
      'venue_auth_failed',
      'market_unavailable',
      'retries_exhausted',
      'expired',
      'emergency_stop',
    ];
    for (const code of required) expect(COPY_OUTCOME_REASONS).toContain(code);
  });

  it('uses stable snake_case codes with a message and an outcome each', () => {
    expect(new Set(COPY_OUTCOME_REASONS).size).toBe(COPY_OUTCOME_REASONS.length);
    for (const code of COPY_OUTCOME_REASONS) {
      expect(code).toMatch(/^[a-z]+(?:_[a-z]+)*$/);
      // Fits comfortably in any varchar the queue or trades table might use.
      expect(code.length).toBeLessThanOrEqual(40);
      expect(reasonMessage(code).length).toBeGreaterThan(10);
      expect(['skipped', 'failed', 'cancelled']).toContain(reasonOutcome(code));
    }
  });

  it('classifies rules as skips, venue trouble as failures and expiry as a cancellation', () => {
    expect(reasonOutcome('market_excluded')).toBe('skipped');
    expect(reasonOutcome('slippage_exceeded')).toBe('skipped');
    expect(reasonOutcome('order_rejected')).toBe('failed');
    expect(reasonOutcome('retries_exhausted')).toBe('failed');
    expect(reasonOutcome('expired')).toBe('cancelled');
  });

  it('recognises stored strings', () => {
    expect(isCopyOutcomeReason('kill_switch')).toBe(true);
    expect(isCopyOutcomeReason('Kill_Switch')).toBe(false);
    expect(isCopyOutcomeReason('toString')).toBe(false);
    expect(isCopyOutcomeReason('')).toBe(false);
  });

  it('builds a skip value', () => {
    expect(skip('market_closed', 'resolved')).toEqual({
      kind: 'skip',
      reason: 'market_closed',
      detail: 'resolved',
    });
  });
});
