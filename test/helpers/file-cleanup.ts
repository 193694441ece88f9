import { afterAll } from 'vitest';

const cleanups: (() => Promise<unknown>)[] = [];

// Registered when a test file first imports the helpers, so it belongs to the file. A hook registered from inside a
// running test (where the helpers are usually called) would be silently dropped, and its cleanup never run.
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** Runs `cleanup` when the current test file ends, newest first (a connection closes before its database drops). */
export function atFileEnd(cleanup: () => Promise<unknown>): void {
  cleanups.push(cleanup);
}
