import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-postgres.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: a few forks keep the machine responsive while tests share one Postgres server.
    pool: 'forks',
    maxWorkers: 3,
    typecheck: { enabled: false },
  },
});
