#!/usr/bin/env node
// Entry point of the `byos` CLI. The CLI is TypeScript run by Node's own type stripping (Node >= 22.18 by
// default); on 22.12-22.17 it re-runs itself with the flag that turns stripping on.
import { spawnSync } from 'node:child_process';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `byos needs Node.js 22.12 or newer; this is ${process.version} (${process.execPath}).\n` +
      'In a checkout of byos, `source scripts/node24.sh` puts Node 24 from the npm registry first on PATH; then run the command again.\n',
  );
  process.exit(1);
}
if (!process.features.typescript) {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', self, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
// A reader that stops early (`byos … | head`) closes the pipe: stop quietly, as Unix tools do, instead of a stack
// trace from the next write.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
// Cache compiled code on disk between runs (in the OS temp folder): `byos` then starts in about half the time.
module.enableCompileCache?.();
(await import('../cli/heap.ts')).tuneHeapForStreaming();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
