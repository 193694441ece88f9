import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BenchRow, median } from './run.ts';

const ROUNDS = 15;
const REPO = fileURLToPath(new URL('../', import.meta.url));
const GOAL = { help: 150, firstQuery: 250 };
const MARKER = 'BYOS_BENCH_FIRST_QUERY';

/**
 * Preloaded into the timed `byos introspect`: when better-sqlite3's native addon loads, wraps its Database's
 * prepare and exec to print a marker on stderr at the first SQL statement (a pragma counts). The parent clocks
 * from spawn to the marker, so "time to first query" is the start-up a user waits through, measured from outside,
 * with no instrumentation in BYOS itself.
 */
const FIRST_QUERY_PRELOAD = `const dlopen = process.dlopen;
let seen = false;
process.dlopen = function (module, filename, ...rest) {
  const result = dlopen.call(this, module, filename, ...rest);
  const addon = module.exports;
  const proto = addon?.Statement && addon.initialize ? addon.Database?.prototype : undefined;
  for (const name of proto ? ['prepare', 'exec'] : []) {
    const original = proto[name];
    proto[name] = function (...args) {
      if (!seen) (seen = true), process.stderr.write('\\n${MARKER}\\n');
      return original.apply(this, args);
    };
  }
  return result;
};`;

/** Milliseconds from spawn to exit, or to the first-query marker on stderr when `untilMarker`. */
function timeRun(args: string[], untilMarker = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let end: number | undefined;
    let stderr = '';
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (untilMarker && end === undefined && stderr.includes(MARKER)) end = performance.now();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const at = untilMarker ? end : performance.now();
      if (code !== 0 || at === undefined)
        reject(new Error(`node ${args.join(' ')} exited ${code}${untilMarker && at === undefined ? ' before any query' : ''}: ${stderr}`));
      else resolve(at - start);
    });
  });
}

/**
 * The installed form: byos with bin/ and dist/ (no src/, so the bin runs dist) in a node_modules whose other
 * entries link to the repository's, @byos/runtime among them (resolved to its dist/, without the source condition).
 */
function installedLayout(): { bin: string; dir: string } | undefined {
  if (!existsSync(join(REPO, 'cli/dist/main.js')) || !existsSync(join(REPO, 'runtime/dist/index.js'))) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'byos-bench-startup-'));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry !== 'byos' && entry !== '.bin') symlinkSync(join(REPO, 'node_modules', entry), join(modules, entry));
  }
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(REPO, 'cli', part), join(modules, 'byos', part), { recursive: true });
  return { bin: join(modules, 'byos/bin/byos.js'), dir };
}

/**
 * Start-up: `byos --help` (wall time to exit) and `byos introspect` on a one-table SQLite file (time from spawn to
 * its first SQL statement), each against `node -e 0` (the floor: a Node start and exit) in alternated rounds,
 * medians. In a checkout the bin runs the TypeScript sources; `--conditions=@byos/source` is passed (a second row
 * shows the bin as typed, which adds the condition itself). The installed form (dist/) is measured
 * too when built (`npm run build -w runtime -w cli`).
 */
export default async function startupBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'byos-bench-startup-db-'));
  const sqlite = join(dir, 'small.sqlite');
  new Database(sqlite).exec('create table customers (id integer primary key, name text not null, email text unique)').close();
  const installed = installedLayout();
  const preload = ['--import', `data:text/javascript,${encodeURIComponent(FIRST_QUERY_PRELOAD)}`];
  const source = ['--conditions=@byos/source', join(REPO, 'cli/bin/byos.js')];
  const introspect = ['introspect', '--url', `sqlite:${sqlite}`];
  const runs: Record<string, { args: string[]; untilMarker?: boolean }> = {
    floor: { args: ['-e', '0'] },
    help: { args: [...source, '--help'] },
    helpAsTyped: { args: [join(REPO, 'cli/bin/byos.js'), '--help'] },
    firstQuery: { args: [...preload, ...source, ...introspect], untilMarker: true },
    ...(installed
      ? { helpInstalled: { args: [installed.bin, '--help'] }, firstQueryInstalled: { args: [...preload, installed.bin, ...introspect], untilMarker: true } }
      : {}),
  };
  const samples = Object.fromEntries(Object.keys(runs).map((k) => [k, [] as number[]]));
  try {
    // Two warm-up rounds fill Node's compile cache (the bin enables it) and the OS file cache.
    for (let round = -2; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(runs)) {
        const ms = await timeRun(run.args, run.untilMarker);
        if (round >= 0) samples[name]!.push(ms);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (installed) rmSync(installed.dir, { recursive: true, force: true });
  }
  const floor = median(samples.floor!);
  const row = (name: string, key: string, goal: number, note: string): BenchRow => ({
    name,
    byos: median(samples[key]!),
    alternative: floor,
    against: 'node -e 0',
    unit: 'ms',
    better: 'lower',
    note: `goal ≤ ${goal} ms, ${median(samples[key]!) <= goal ? 'met' : 'NOT met'}; ${note}; median of ${ROUNDS} alternated rounds`,
  });
  return [
    row('byos --help (sources)', 'help', GOAL.help, 'checkout, node --conditions=@byos/source cli/bin/byos.js'),
    row('byos --help (sources, as typed)', 'helpAsTyped', GOAL.help, 'checkout, node cli/bin/byos.js: the condition by a resolve hook'),
    row(
      'byos introspect → first query (sources)',
      'firstQuery',
      GOAL.firstQuery,
      'spawn to the first SQL statement, one-table SQLite file; loads Kysely, zod and the driver, which a query needs',
    ),
    ...(installed
      ? [
          row('byos --help (installed, dist)', 'helpInstalled', GOAL.help, 'bin + dist in node_modules/byos'),
          row('byos introspect → first query (installed)', 'firstQueryInstalled', GOAL.firstQuery, 'spawn to the first SQL statement'),
        ]
      : []),
  ];
}
