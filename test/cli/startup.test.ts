import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/src/commands/index.ts';
import { buildProgram, commandToLoad } from '../../cli/src/main.ts';
import { freshSqlitePath } from '../helpers/databases.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

// Issue 19: a run loads the modules of the command it runs alone; `byos --help` none of the heavy packages.

/** A module-loading hook in the child: on exit, the URLs of every module it loaded, on stderr after a marker. */
const RECORD_MODULES = `import { registerHooks } from 'node:module';
const seen = [];
registerHooks({ load(url, context, next) { seen.push(url); return next(url, context); } });
process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(seen) + '\\n'));`;

function loadedBy(args: string[], node: string[] = ['--conditions=@byos/source']): { status: number | null; stdout: string; loaded: string[] } {
  const result = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(RECORD_MODULES)}`, ...node, join(REPO_ROOT, 'cli/bin/byos.js'), ...args],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  const marker = result.stderr.lastIndexOf('\nLOADED ');
  expect(marker, result.stderr).toBeGreaterThan(-1);
  return { status: result.status, stdout: result.stdout, loaded: JSON.parse(result.stderr.slice(marker + 8)) as string[] };
}

const HEAVY = ['kysely', 'zod', 'yaml', 'better-sqlite3', 'pg'];
const packagesIn = (urls: string[]) => new Set(urls.flatMap((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
const commandModulesIn = (urls: string[]) => urls.flatMap((u) => /\/cli\/src\/commands\/([^/]+)\.ts$/.exec(u)?.[1] ?? []).sort();

describe('byos start-up', () => {
  it('`byos --help` loads no Kysely, zod, yaml or database driver, and no command module', () => {
    // As typed in a checkout: the bin adds the @byos/source condition itself.
    const { status, stdout, loaded } = loadedBy(['--help'], []);
    expect(loaded).toContain(`file://${REPO_ROOT}runtime/src/errors.ts`);
    expect(status).toBe(0);
    expect(stdout).toContain('introspect [options]');
    expect(loaded.length).toBeGreaterThan(5);
    expect([...packagesIn(loaded)].filter((p) => HEAVY.includes(p))).toEqual([]);
    expect(commandModulesIn(loaded)).toEqual(['index']);
  });

  it('a command loads its own module and no other command', async () => {
    const path = await freshSqlitePath('startup-introspect');
    const Database = (await import('better-sqlite3')).default;
    new Database(path).exec('create table t (id integer primary key)');
    const { status, stdout, loaded } = loadedBy(['introspect', '--url', `sqlite:${path}`]);
    expect(status).toBe(0);
    expect(stdout).toContain('sqlite database: 1 tables');
    expect(commandModulesIn(loaded)).toEqual(['index', 'introspect']);
    // It reads through @byos/runtime/core: the package root (movers, guard, migrations, router) stays unloaded.
    expect(loaded).not.toContain(`file://${REPO_ROOT}runtime/src/index.ts`);
    expect(packagesIn(loaded)).not.toContain('yaml');
    // The loader did see the heavy packages when they load: the check above is not vacuous.
    expect(packagesIn(loaded)).toContain('kysely');
  });

  it('the help of the listed-only program is exactly that of the program with every command loaded', async () => {
    const full = await buildProgram();
    expect((await buildProgram([])).helpInformation()).toBe(full.helpInformation());
    const help = new Help();
    expect(full.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: c.description() }))).toEqual(
      COMMANDS.map(({ name, term, description }) => ({ name, term, description })),
    );
  });

  it('finds the command to load past --dotenv and in `byos help NAME`, and none for a name that is no command', () => {
    const load = (...args: string[]) => commandToLoad(['node', 'byos', ...args]);
    expect(load('--help')).toEqual([]);
    expect(load()).toEqual([]);
    expect(load('introspect', '--url', 'sqlite:x')).toEqual(['introspect']);
    expect(load('--dotenv', 'copy', 'verify')).toEqual(['verify']);
    expect(load('--dotenv=x', 'migrate', 'new')).toEqual(['migrate']);
    expect(load('help', 'switch')).toEqual(['switch']);
    expect(load('-h', 'kit')).toEqual(['kit']);
    expect(load('instrospect')).toEqual([]);
  });
});
