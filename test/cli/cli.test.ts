import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { SchemaModel } from '@byos/runtime';
import { copyChinookSqlite } from '../../cli/src/demo/chinook.ts';
import { buildProgram } from '../../cli/src/main.ts';
import { freshSqlitePath } from '../helpers/databases.ts';
import { REPO_ROOT, runCli } from '../helpers/cli.ts';

/** Every command and sub-command of the program, as argv prefixes. */
async function allCommandPaths(): Promise<string[][]> {
  const paths: string[][] = [[]];
  const walk = (command: Awaited<ReturnType<typeof buildProgram>>, prefix: string[]) => {
    for (const sub of command.commands) {
      paths.push([...prefix, sub.name()]);
      walk(sub, [...prefix, sub.name()]);
    }
  };
  walk(await buildProgram(), []);
  return paths;
}

const COMMAND_PATHS = await allCommandPaths();

describe('byos CLI', () => {
  it.concurrent.each(COMMAND_PATHS.map((p) => [p.join(' ') || '(root)', p]))('%s --help exits 0 and prints usage', async (_label, path) => {
    const result = await runCli([...(path as string[]), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: byos/);
  });

  it('on a Node older than 22.14, says which Node it needs and how to get it, and exits 1', () => {
    // Node reports an old version to the CLI (the machine's own Node may well be new enough).
    const pretend =
      "Object.defineProperty(process,'versions',{value:{...process.versions,node:'20.19.0'}});Object.defineProperty(process,'version',{value:'v20.19.0'});";
    const result = spawnSync(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(pretend)}`, '--conditions=@byos/source', join(REPO_ROOT, 'cli/bin/byos.js'), 'demo'],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('byos needs Node.js 22.14 or newer; this is v20.19.0');
    expect(result.stderr).toContain('source scripts/node24.sh');
    expect(result.stderr).not.toContain('bad option');
  });

  it('exits 2 on an unknown option and on a missing connection', async () => {
    const unknown = await runCli(['introspect', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const missing = await runCli(['introspect']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('give exactly one of --url URL or --profile FILE');
    const both = await runCli(['introspect', '--url', 'sqlite:x', '--profile', 'y.json']);
    expect(both.code).toBe(2);
  });

  it('introspect --url sqlite:PATH --json prints the SchemaModel', async () => {
    const path = await freshSqlitePath('cli-chinook');
    await copyChinookSqlite(path);
    const result = await runCli(['introspect', '--url', `sqlite:${path}`, '--json']);
    expect(result.code).toBe(0);
    const model = SchemaModel.parse(JSON.parse(result.stdout));
    expect(model.tables).toHaveLength(11);
    expect(model.tables.find((t) => t.name === 'InvoiceLine')?.foreignKeys.map((f) => f.referencedTable)).toEqual(['Invoice', 'Track']);
  });

  it('a failed connection exits 1 without printing the password', async () => {
    const result = await runCli(['introspect', '--url', 'postgres://alice:Sup3r-Secret-pw@127.0.0.1:1/tenant']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^byos: cannot connect to local-postgres database 127\.0\.0\.1:1\/tenant/);
    expect(result.stderr).not.toContain('Sup3r-Secret-pw');
    expect(result.stdout + result.stderr).not.toContain('alice:');
  });

  it('an invalid profile file exits 2 naming the file and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'byos-cli-'));
    afterAll(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'bad.profile.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, JSON.stringify({ provider: 'aws', dialect: 'postgres', database: 'x', port: 99999 })));
    const result = await runCli(['introspect', '--profile', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/port: /);
  });

  it('demo builds both Chinook tenants on the embedded default, runs every capability on them, and finds them equal', { timeout: 300_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'byos-demo-'));
    await chmod(dir, 0o755);
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const first = await runCli(['demo', '--dir', dir, '--json']);
    expect(first.stderr).not.toMatch(/password/i);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    // Chinook's 11 tables and the migrations' track rating table on both; the imported customers on SQLite only.
    expect(report.tenants.map((t: { tenant: string; tables: number }) => [t.tenant, t.tables])).toEqual([
      ['demo-sqlite', 13],
      ['demo-postgres', 12],
    ]);
    // The dialect prints as its name (the tenant handle carries the dialect object).
    expect(report.tenants.map((t: { provider: string; dialect: unknown }) => [t.provider, t.dialect])).toEqual([
      ['local-sqlite', 'sqlite'],
      ['local-postgres', 'postgres'],
    ]);
    expect(report.tenants[0].rows).toBe(report.tenants[1].rows + 8);
    expect(report.tenants[0].rowsByTable.Track).toBe(3503);
    expect(report.neutralEqual).toBe(true);
    // The capabilities, each on the real tenants.
    const { features } = report;
    expect(features.migrations.map((m: { applied: string[]; drift: string[] }) => [m.applied.length, m.drift])).toEqual([
      [4, []],
      [4, []],
    ]);
    expect(features.importExport).toMatchObject({ rowsLoaded: 8, rowsRejected: 1, exported: [{ rows: 8 }, { rows: 8 }] });
    expect(features.pii.personal).toEqual(expect.arrayContaining(['customer.email', 'employee.email']));
    expect(features.encryption.auditIntact).toBe(true);
    // Every write made through the router during the switch landed on Postgres: Chinook's 25 genres plus the writes.
    expect(features.switch.writes).toBeGreaterThan(0);
    expect(features.switch.genresOnTarget).toBe(25 + features.switch.writes);
    expect(features.switch.checksumsVerified).toBe(11);
    // The generated password sits only in its 0600 file; the saved profile refers to it.
    const passwordFile = join(dir, 'postgres.password');
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    const password = (await readFile(passwordFile, 'utf8')).trim();
    expect(password.length).toBeGreaterThanOrEqual(20);
    const savedProfile = await readFile(report.tenants[1].profile, 'utf8');
    expect(JSON.parse(savedProfile).passwordRef).toBe(`file:${passwordFile}`);
    expect(savedProfile + first.stdout + first.stderr).not.toContain(password);
    // Not a terminal: progress comes as plain step lines on stderr, no bar.
    expect(first.stderr).toContain('• loading Chinook into demo-postgres');
    expect(first.stderr).not.toContain('\x1B');
    // Idempotent: a second run reuses both tenants and reports the same.
    const second = await runCli(['demo', '--dir', dir, '--json']);
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout);
    expect(again.tenants.map((t: { rowsByTable: Record<string, number> }) => t.rowsByTable.Track ?? t.rowsByTable.track)).toEqual([3503, 3503]);
    expect(again.neutralEqual).toBe(true);
    expect(again.features.migrations.map((m: { applied: string[]; drift: string[] }) => [m.applied, m.drift])).toEqual([
      [[], []],
      [[], []],
    ]);
    // …and the same tenants as the first run: nothing the first run left is counted twice or reported as drift.
    const summary = (r: { tenants: { tables: number; rowsByTable: object }[] }) => r.tenants.map((t) => [t.tables, t.rowsByTable]);
    expect(summary(again)).toEqual(summary(report));
    expect(second.stderr).toContain('• reusing demo-postgres (Chinook already loaded)');
    expect(second.stderr).not.toContain('loading Chinook');
  });
});
