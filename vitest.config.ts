import { defineConfig } from 'vitest/config';

// Three projects (`e2e`: the browser tests, below): `unit` is pure code (domain, signing, matching) with no I/O set-up; `db` gets a
// migrated template database (see test/setup/global-db.ts) and clones a fresh database per file.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Simulated months and signed-order tables are CPU-bound; 2 busy cores need room.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'db',
          include: ['test/db/**/*.test.ts', 'test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/setup/global-db.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The dashboard in Debian's Chromium (playwright-core) against the whole platform on a
        // fresh database; web/dist is (re)built first when web/ changed since the last build.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/setup/global-db.ts', 'test/e2e/setup/build-web.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
