import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEnvSyntax, dotenvArgument, loadEnvFile } from '../../cli/src/env-file.ts';
import { copyChinookSqlite } from '../../cli/src/demo/chinook.ts';
import { REPO_ROOT, runCli } from '../helpers/cli.ts';
import { freshSqlitePath } from '../helpers/databases.ts';
import { atFileEnd } from '../helpers/file-cleanup.ts';

// Issue 16, item 5: `byos --version` is the installed package's version; `.env` in the current folder (or --dotenv
// FILE) supplies variables such as BYOS_URL without overriding the shell's, and a malformed one is a one-line error
// that shows no value from it; each package.json's `engines` is what its entry points need.

async function tempFolder(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `byos-dotenv-${label}-`));
  atFileEnd(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A SQLite database holding one table, `name`: which database a command reached shows in its introspection. */
async function databaseWithTable(name: string): Promise<string> {
  const path = await freshSqlitePath(name);
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path);
  db.exec(`create table ${name} (id integer primary key)`);
  db.close();
  return path;
}

function tableNames(stdout: string): string[] {
  return (JSON.parse(stdout) as { tables: { name: string }[] }).tables.map((t) => t.name);
}

describe('byos --version', () => {
  it('prints the version of cli/package.json and exits 0', async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'cli/package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });
});

describe('engines', () => {
  const manifest = async (folder: string) =>
    JSON.parse(await readFile(join(REPO_ROOT, folder, 'package.json'), 'utf8')) as {
      engines: { node: string };
      main?: string;
      exports: Record<string, unknown>;
    };

  it('the published packages run plain JavaScript from dist/ on Node 22.12 (the CLI 22.14, for better-sqlite3 13); the repository, which runs TypeScript, needs 22.18', async () => {
    for (const folder of ['runtime', 'cli', 'pulumi', 'policies']) {
      const pkg = await manifest(folder);
      expect(pkg.engines, folder).toEqual({ node: folder === 'cli' ? '>=22.14' : '>=22.12' });
      // What Node loads when installed (no "@byos/source" condition) is JavaScript or JSON, never TypeScript.
      for (const [subpath, target] of Object.entries(pkg.exports)) {
        const loaded = typeof target === 'string' ? target : (target as { default: string }).default;
        expect(loaded, `${folder} ${subpath}`).toMatch(/^\.\/(dist\/.*\.js|package\.json|schemas\/\*)$/);
      }
    }
    expect((await manifest('policies')).main).toBe('dist/index.js');
    // The CLI's own check at start agrees with its engines.
    expect(await readFile(join(REPO_ROOT, 'cli/bin/byos.js'), 'utf8')).toContain('byos needs Node.js 22.14 or newer');

    // Pulumi runs the repository's program as TypeScript with no ts-node: Node must strip types by default (22.18+).
    expect((await manifest('.')).engines).toEqual({ node: '>=22.18' });
    const pulumiYaml = await readFile(join(REPO_ROOT, 'Pulumi.yaml'), 'utf8');
    expect(pulumiYaml).toMatch(/^main: index\.ts$/m);
    expect(pulumiYaml).toMatch(/^ {4}typescript: false$/m);
  });
});

describe('.env', () => {
  it('BYOS_URL from .env in the current folder stands for --url; a variable set in the shell wins over the file', async () => {
    const fromFile = await databaseWithTable('from_dotenv');
    const fromShell = await databaseWithTable('from_shell');
    const dir = await tempFolder('cwd');
    await writeFile(join(dir, '.env'), `# the tenant of this folder\nexport BYOS_URL="sqlite:${fromFile}"\n`);
    const viaFile = await runCli(['introspect', '--json'], { cwd: dir });
    expect(viaFile.stderr).toBe('');
    expect(viaFile.code).toBe(0);
    expect(tableNames(viaFile.stdout)).toEqual(['from_dotenv']);

    const shellWins = await runCli(['introspect', '--json'], { cwd: dir, env: { BYOS_URL: `sqlite:${fromShell}` } });
    expect(shellWins.code).toBe(0);
    expect(tableNames(shellWins.stdout)).toEqual(['from_shell']);
  });

  it('--dotenv FILE reads another file instead; a missing one is exit 2 naming it', async () => {
    const chinook = await freshSqlitePath('dotenv_chinook');
    await copyChinookSqlite(chinook);
    const dir = await tempFolder('flag');
    await writeFile(join(dir, 'staging.env'), `BYOS_URL=sqlite:${chinook}\n`);
    // Where the option goes: before or after the command, `--dotenv FILE` or `--dotenv=FILE`.
    for (const args of [
      ['--dotenv', 'staging.env', 'introspect', '--json'],
      ['introspect', '--json', '--dotenv=staging.env'],
    ]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(tableNames(result.stdout)).toHaveLength(11);
    }
    const missing = await runCli(['introspect', '--dotenv', 'missing.env'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('byos: cannot read missing.env: ENOENT\n');
  });

  it('a malformed .env is a one-line error (exit 2) naming the file and line, and never shows a value from it', async () => {
    const dir = await tempFolder('malformed');
    const secret = 'hunter2-pw';
    await writeFile(join(dir, '.env'), `BYOS_FROM_URL=sqlite:a.sqlite\npostgres://app:${secret}@db.internal/app?sslmode=require\n`);
    const pasted = await runCli(['introspect', '--json'], { cwd: dir });
    expect(pasted.code).toBe(2);
    expect(pasted.stderr).toBe('byos: .env:2: the text before = is not a variable name (letters, digits and _, not starting with a digit)\n');
    expect(JSON.parse(pasted.stdout)).toMatchObject({ error: { code: 'invalid-input', exitCode: 2 } });
    expect(pasted.stdout + pasted.stderr).not.toContain(secret);

    await writeFile(join(dir, '.env'), `BYOS_URL="postgres://app:${secret}@db/app\n`);
    const unclosed = await runCli(['plan'], { cwd: dir });
    expect(unclosed.code).toBe(2);
    expect(unclosed.stderr).toBe('byos: .env:1: the quoted value of BYOS_URL is never closed\n');
    expect(unclosed.stdout + unclosed.stderr).not.toContain(secret);
  });

  it('loadEnvFile sets only unset names and reads what Node reads (export, quotes, comments, multi-line values)', async () => {
    const dir = await tempFolder('unit');
    const file = join(dir, '.env');
    await writeFile(
      file,
      ['# comment', '', 'export A=1', 'B = "two words" # trailing comment', "C='single'", 'D="line one', 'line two"', 'KEPT=from-file', ''].join('\n'),
    );
    const env: NodeJS.ProcessEnv = { KEPT: 'from-shell' };
    expect(loadEnvFile(file, { explicit: true, env })).toEqual(['A', 'B', 'C', 'D']);
    expect(env).toEqual({ KEPT: 'from-shell', A: '1', B: 'two words', C: 'single', D: 'line one\nline two' });
    // No .env in the folder and none asked for: nothing happens.
    expect(loadEnvFile(join(dir, 'absent.env'), { explicit: false, env })).toEqual([]);
    expect(() => loadEnvFile(join(dir, 'absent.env'), { explicit: true, env })).toThrow(/cannot read .*absent\.env: ENOENT/);
    expect(() => loadEnvFile(dir, { explicit: true, env })).toThrow(/is not a file/);
  });

  it('a .env saved with a BOM sets its first variable under its own name', async () => {
    const dir = await tempFolder('bom');
    const file = join(dir, '.env');
    await writeFile(file, '\uFEFFBYOS_URL=sqlite:bom.sqlite\r\nOTHER=2\r\n');
    const env: NodeJS.ProcessEnv = {};
    expect(loadEnvFile(file, { explicit: false, env })).toEqual(['BYOS_URL', 'OTHER']);
    expect(env).toEqual({ BYOS_URL: 'sqlite:bom.sqlite', OTHER: '2' });
  });

  it('a folder named .env (a Python virtualenv) is skipped, not an error; named with --dotenv it is one', async () => {
    const dir = await tempFolder('venv');
    await mkdir(join(dir, '.env', 'bin'), { recursive: true });
    const version = await runCli(['--version'], { cwd: dir });
    expect(version.stderr).toBe('');
    expect(version.code).toBe(0);
    const named = await runCli(['--dotenv', '.env', '--version'], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toBe('byos: .env is not a file\n');
  });

  it('checkEnvSyntax refuses lines Node would skip or misread', () => {
    expect(() => checkEnvSyntax('just words\n', '.env')).toThrow('.env:1: not a KEY=value line');
    expect(() => checkEnvSyntax('A=1\n=2\n', '.env')).toThrow('.env:2: not a KEY=value line');
    expect(() => checkEnvSyntax('1ABC=2\n', '.env')).toThrow('.env:1: the text before = is not a variable name');
    expect(() => checkEnvSyntax("A='open\nB=2\n", '.env')).toThrow('.env:1: the quoted value of A is never closed');
    expect(() => checkEnvSyntax('\uFEFFA=1\r\nB="x"\r\n', '.env')).not.toThrow();
    // Node ends a quoted value at the next quote: `"pa"ss"` would be `pa`, and an unclosed quote would take B and C.
    expect(() => checkEnvSyntax('PASS="pa"ss"\n', '.env')).toThrow(".env:1: text follows the closing quote of PASS's value");
    expect(() => checkEnvSyntax('PASS="pa\\"ss"\n', '.env')).toThrow(".env:1: text follows the closing quote of PASS's value");
    expect(() => checkEnvSyntax('A="open\nB=2\nC="3"\n', '.env')).toThrow(".env:1: text follows the closing quote of A's value");
    expect(() => checkEnvSyntax('A="x" # note\nB=\'it"s\'\nC=""\nD="one\ntwo" #c\n', '.env')).not.toThrow();
  });

  it('dotenvArgument finds --dotenv before or after the command, and not after --', () => {
    expect(dotenvArgument(['node', 'byos', '--dotenv', 'a.env', 'plan'])).toBe('a.env');
    expect(dotenvArgument(['node', 'byos', 'plan', '--dotenv=b.env'])).toBe('b.env');
    expect(dotenvArgument(['node', 'byos', 'plan', '--dotenv'])).toBe('');
    expect(dotenvArgument(['node', 'byos', 'plan', '--', '--dotenv', 'c.env'])).toBeUndefined();
    expect(dotenvArgument(['node', 'byos', 'plan'])).toBeUndefined();
  });
});
