import { expect, inject, it } from 'vitest';

// CI's canary (.ci/run): a test that must fail. The run that contains it has to exit non-zero, with the embedded
// PostgreSQL of the global setup loaded; if it exits 0, the suite's exit code is being lost and CI stops.
// Kept outside the normal glob: vitest.config.ts adds it only when BYOS_CANARY=1.
it('fails on purpose, with the test server reachable', () => {
  expect(inject('pgAdminUrl')).toMatch(/^postgres:\/\//);
  expect(1).toBe(2);
});
