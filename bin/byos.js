#!/usr/bin/env node
// Entry point of the `byos` CLI. The CLI is TypeScript run by Node's own type stripping (Node >= 22.18 by
// default); on 22.12-22.17 it re-runs itself with the flag that turns stripping on.
import { spawnSync } from 'node:child_process';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

if (!process.features.typescript) {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', self, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
// Cache compiled code on disk between runs (in the OS temp folder): `byos` then starts in about half the time.
module.enableCompileCache?.();
(await import('../cli/heap.ts')).tuneHeapForStreaming();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
