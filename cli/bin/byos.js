#!/usr/bin/env node
// Entry point of the `byos` CLI. Installed, it runs the built JavaScript in dist/. In a checkout of the repository
// it runs the TypeScript sources (src/) through Node's type stripping, with the packages it imports resolved to
// their sources too (the "@byos/source" export condition: a resolve hook, or re-running itself once with the flags
// where Node lacks type stripping or module.registerHooks).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
// 22.14: the first Node with Node-API 10, which better-sqlite3 13 needs (on 22.12-22.13 it crashes as a database opens).
if (major < 22 || (major === 22 && minor < 14)) {
  process.stderr.write(
    `byos needs Node.js 22.14 or newer; this is ${process.version} (${process.execPath}).\n` +
      'In a checkout of byos, `source scripts/node24.sh` puts Node 24 from the npm registry first on PATH; then run the command again.\n',
  );
  process.exit(1);
}
const checkout = existsSync(fileURLToPath(new URL('../src/main.ts', import.meta.url)));
if (checkout) {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const flags = [];
  if (!given.includes('--conditions=@byos/source')) {
    // The condition through an in-thread resolve hook where Node has one: a second Node start (the re-run below)
    // doubles the start-up of every command.
    if (process.features.typescript && module.registerHooks) {
      module.registerHooks({ resolve: (specifier, context, next) => next(specifier, { ...context, conditions: [...context.conditions, '@byos/source'] }) });
    } else flags.push('--conditions=@byos/source');
  }
  if (!process.features.typescript) flags.push('--experimental-strip-types', '--no-warnings');
  if (flags.length > 0) {
    const self = fileURLToPath(import.meta.url);
    const result = spawnSync(process.execPath, [...process.execArgv, ...flags, self, ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(result.status ?? 1);
  }
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
const code = checkout ? '../src/' : '../dist/';
(await import(`${code}heap${checkout ? '.ts' : '.js'}`)).tuneHeapForStreaming();
const { main } = await import(`${code}main${checkout ? '.ts' : '.js'}`);
process.exitCode = await main(process.argv);
