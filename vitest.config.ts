import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // BYOS_CANARY=1: only the deliberately failing canary (see .ci/run), never part of a normal run.
    include: process.env.BYOS_CANARY === '1' ? ['test/canary/*.canary.ts'] : ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-postgres.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: a few forks keep the machine responsive while tests share one Postgres server.
    pool: 'forks',
    maxWorkers: 3,
    typecheck: { enabled: false },
  },
});
