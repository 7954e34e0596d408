import { describe, expect, it } from 'vitest';
import { pollStart } from '../../../src/domain/poll-window.ts';

const MIN = 60_000;
const NOW = Date.parse('2026-11-25T10:30:00Z');
const at = (hhmm: string) => Date.parse(`2026-11-25T${hhmm}:00Z`);
const base = {
  now: NOW,
  overlapMs: 2 * MIN,
  initialLookbackMs: MIN,
  maxLookbackMs: 60 * MIN,
  gapFromMs: null,
};

describe('pollStart', () => {
  it('resumes from the checkpoint minus the overlap', () => {
    expect(pollStart({ ...base, checkpointMs: at('10:00') })).toBe(at('09:58'));
  });

  it('never reaches further back than the max lookback, however old the checkpoint', () => {
    expect(pollStart({ ...base, checkpointMs: at('07:00') })).toBe(at('09:30'));
    expect(pollStart({ ...base, checkpointMs: at('07:00'), maxLookbackMs: 24 * 60 * MIN })).toBe(at('06:58'));
  });

  it('starts a wallet with no checkpoint at the configured initial lookback', () => {
    expect(pollStart({ ...base, checkpointMs: null })).toBe(at('10:29'));
    expect(pollStart({ ...base, checkpointMs: null, initialLookbackMs: 10 * MIN })).toBe(at('10:20'));
    expect(pollStart({ ...base, checkpointMs: null, initialLookbackMs: 0 })).toBe(NOW);
    // Still bounded by the max lookback.
    expect(pollStart({ ...base, checkpointMs: null, initialLookbackMs: 120 * MIN })).toBe(at('09:30'));
  });

  it('reaches back to a stream gap that starts before the checkpoint', () => {
    expect(pollStart({ ...base, checkpointMs: at('10:25'), gapFromMs: at('10:20') })).toBe(at('10:18'));
    // A gap after the checkpoint changes nothing: the checkpoint already covers it.
    expect(pollStart({ ...base, checkpointMs: at('10:00'), gapFromMs: at('10:20') })).toBe(at('09:58'));
    expect(pollStart({ ...base, checkpointMs: null, gapFromMs: at('10:10') })).toBe(at('10:08'));
  });
});
