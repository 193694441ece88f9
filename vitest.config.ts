import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const ROOT = dirname(fileURLToPath(import.meta.url));
const WORKSPACE: Record<string, string> = {
  '@byos/runtime': 'runtime',
  '@byos/pulumi': 'pulumi',
  '@byos/policies': 'policies',
  byos: 'cli',
  '@byos/console': 'console',
};

/**
 * In the repository the packages resolve each other to their TypeScript sources: the "@byos/source" condition of each
 * package's exports map (installed, they resolve to dist/, which test/packaging checks from real tarballs). A
 * plugin rather than resolve.conditions because Vite's global-setup runner does not apply custom conditions.
 */
function workspaceSources(): Plugin {
  return {
    name: 'byos-workspace-sources',
    enforce: 'pre',
    resolveId(id) {
      const match = /^(@byos\/[^/]+|byos)(\/.*)?$/.exec(id);
      const folder = match && WORKSPACE[match[1]];
      if (!folder) return null;
      const exports = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')).exports as Record<string, Record<string, string> | string>;
      const subpath = `.${match[2] ?? ''}`;
      for (const [key, target] of Object.entries(exports)) {
        const source = typeof target === 'string' ? undefined : target['@byos/source'];
        if (!source) continue;
        const star = key.indexOf('*');
        if (star < 0 ? key === subpath : subpath.startsWith(key.slice(0, star)) && subpath.endsWith(key.slice(star + 1))) {
          const captured = star < 0 ? '' : subpath.slice(star, subpath.length - (key.length - star - 1));
          return join(ROOT, folder, source.replace('*', captured));
        }
      }
      return null;
    },
  };
}

export default defineConfig({
  plugins: [workspaceSources()],
  test: {
    // BYOS_CANARY=1: only the deliberately failing canary (see .ci/run), never part of a normal run.
    include: process.env.BYOS_CANARY === '1' ? ['test/canary/*.canary.ts'] : ['test/**/*.test.ts', 'runtime/test/**/*.test.ts'],
    globalSetup: ['test/setup/global-postgres.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: a few forks keep the machine responsive while tests share one Postgres server.
    pool: 'forks',
    maxWorkers: 3,
    typecheck: { enabled: false },
  },
});
