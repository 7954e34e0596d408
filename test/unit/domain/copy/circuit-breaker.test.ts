import { describe, expect, it } from 'vitest';
import {
  breakerPauseDetail,
  breakerTrips,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
} from '../../../../src/domain/circuit-breaker.ts';
import { NEW_FOLLOW_DEFAULTS } from '../../../../src/domain/copy-settings.ts';

describe('circuit breaker rules', () => {
  it('trips at the limit, not before; null never trips', () => {
    expect(breakerTrips(4, 5)).toBe(false);
    expect(breakerTrips(5, 5)).toBe(true);
    expect(breakerTrips(6, 5)).toBe(true);
    expect(breakerTrips(1, 1)).toBe(true);
    expect(breakerTrips(1000, null)).toBe(false);
  });

  it('defaults to five, as commercial copy bots do, for a new follow', () => {
    expect(DEFAULT_MAX_CONSECUTIVE_FAILURES).toBe(5);
    expect(NEW_FOLLOW_DEFAULTS.maxConsecutiveFailures).toBe(DEFAULT_MAX_CONSECUTIVE_FAILURES);
  });

  it('says why, with the last failure, in words a person can act on', () => {
    expect(breakerPauseDetail(5, 'order_rejected', 'invalid tick')).toBe(
      'Copying paused itself after 5 failed copies in a row. The last one: Polymarket rejected the order ' +
        '(invalid tick). Resume the follow to copy again.',
    );
  });
});
