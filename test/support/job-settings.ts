// Job settings for tests: every schedule an hour unless a test says otherwise, no warm-up.
import type { JobSettings } from '../../src/jobs/catalog.ts';

export function testJobSettings(overrides: Partial<JobSettings> = {}): JobSettings {
  const hour = 3_600_000;
  return {
    markMs: hour,
    resolutionMs: hour,
    maintenanceMs: hour,
    discoveryMs: hour,
    backfillMs: hour,
    copyabilityMs: hour,
    metricsMs: hour,
    followersMs: hour,
    sizingMs: hour,
    telegramMs: hour,
    tracking: true,
    analytics: true,
    sizing: true,
    telegram: false,
    warmup: { intervalMs: 15_000, minTraders: 0, forMs: 0 },
    ...overrides,
  };
}
