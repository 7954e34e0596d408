import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure code (domain, signing, matching) with no I/O set-up; `db` gets a
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
    ],
  },
});
