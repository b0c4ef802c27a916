import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The CLI runs from dist/ as users run it: built first when a source changed.
    globalSetup: ['tests/support/build-once.ts'],
    // better-sqlite3 is a native addon: separate processes keep it out of worker threads.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
