import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT, runCli, runCliInProcess } from '../helpers/cli.ts';
import { atFileEnd } from '../helpers/file-cleanup.ts';

// Issue 16, item 5: `byos init` scaffolds a project that the other commands accept as it stands, with no flags.

async function tempFolder(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `byos-init-${label}-`));
  atFileEnd(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function cliVersion(): Promise<string> {
  return (JSON.parse(await readFile(join(REPO_ROOT, 'cli/package.json'), 'utf8')) as { version: string }).version;
}

/** Every file under `dir`, relative, sorted (folders left out). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

const SQLITE_FILES = [
  '.env.example',
  '.github/workflows/byos.yml',
  '.gitignore',
  'Pulumi.yaml',
  'index.js',
  'migrations/0001_create_notes.sql',
  'migrations/README.md',
  'package.json',
  'profiles/dev.local-sqlite.json',
  'stacks/Pulumi.dev.yaml',
];

describe('byos init', () => {
  it('scaffolds a new folder in which byos plan, policy check --stack, migrate lint, migrate up and reconcile --profiles exit 0', async () => {
    const project = join(await tempFolder('sqlite'), 'my-app');
    const init = await runCli(['init', project, '--json']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const result = JSON.parse(init.stdout) as { dir: string; project: string; tenant: string; provider: string; created: string[]; kept: string[] };
    expect(result).toMatchObject({ dir: project, project: 'my-app', tenant: 'dev', provider: 'local-sqlite', kept: [] });
    expect([...result.created].sort()).toEqual(SQLITE_FILES);
    expect(await filesUnder(project)).toEqual(SQLITE_FILES);

    const plan = await runCli(['plan'], { cwd: project });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('dev: 1 change(s)\n  + provision a new local-sqlite database in local');

    const withMigrations = await runCli(['plan', '--migrations', 'migrations', '--json'], { cwd: project });
    expect(withMigrations.code).toBe(0);
    const planned = JSON.parse(withMigrations.stdout) as {
      problems: unknown[];
      tenants: { tenant: string; actions: { kind: string; pending?: string[] }[] }[];
    };
    expect(planned.problems).toEqual([]);
    expect(planned.tenants).toEqual([
      { tenant: 'dev', notes: [], actions: [expect.objectContaining({ kind: 'provision' }), { kind: 'migrate', pending: ['0001'] }] },
    ]);

    const policy = await runCli(['policy', 'check', '--stack', 'dev', '--json'], { cwd: project });
    expect(policy.code).toBe(0);
    expect(JSON.parse(policy.stdout)).toMatchObject({ tenant: 'dev', provider: 'local-sqlite', findings: [] });

    const lint = await runCli(['migrate', 'lint', '--dir', 'migrations'], { cwd: project });
    expect(lint.code).toBe(0);

    // The profile (which names its JSON Schema) reaches the tenant's SQLite file where the Pulumi program puts it.
    const up = await runCli(['migrate', 'up', '--profile', 'profiles/dev.local-sqlite.json', '--dir', 'migrations', '--json'], { cwd: project });
    expect(up.stderr).not.toContain('byos:');
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ ran: [{ id: '0001', name: 'create_notes' }] });
    expect(existsSync(join(project, '.byos/tenants/dev.sqlite'))).toBe(true);

    // With the profile given, reconcile takes the tenant as provisioned: no Pulumi CLI needed.
    const reconcile = await runCli(['reconcile', '--profiles', 'profiles', '--migrations', 'migrations', '--json'], { cwd: project });
    expect(reconcile.code).toBe(0);
    expect(JSON.parse(reconcile.stdout)).toMatchObject({ problems: [], tenants: [{ tenant: 'dev', status: 'ok' }] });
  });

  it('writes files that name what the installed packages provide: schemas, the program, versions, the workflow commands', async () => {
    const project = join(await tempFolder('content'), 'content');
    expect((await runCli(['init', project])).code).toBe(0);
    const version = await cliVersion();

    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(manifest.dependencies).toEqual({ '@byos/pulumi': `^${version}`, '@byos/runtime': `^${version}` });
    expect(manifest.devDependencies).toEqual({ '@byos/policies': `^${version}`, byos: `^${version}` });
    expect(manifest.engines).toEqual({ node: '>=22.14' });

    // Editors find the schemas once `npm install` has run: stand in for it with the repository's node_modules.
    await symlink(join(REPO_ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
    const stackFile = join(project, 'stacks/Pulumi.dev.yaml');
    const modeline = /^# yaml-language-server: \$schema=(\S+)\n/.exec(await readFile(stackFile, 'utf8'));
    expect(modeline?.[1]).toBe('../node_modules/@byos/runtime/schemas/tenant-stack.schema.json');
    expect(existsSync(resolve(dirname(stackFile), modeline![1]!))).toBe(true);
    const profileFile = join(project, 'profiles/dev.local-sqlite.json');
    const profile = JSON.parse(await readFile(profileFile, 'utf8')) as { $schema: string };
    expect(existsSync(resolve(dirname(profileFile), profile.$schema))).toBe(true);
    const runtimePackage = JSON.parse(await readFile(join(REPO_ROOT, 'runtime/package.json'), 'utf8')) as { exports: Record<string, unknown>; files: string[] };
    expect(runtimePackage.exports['./schemas/*']).toBe('./schemas/*');
    expect(runtimePackage.files).toContain('schemas');

    // The program is plain JavaScript importing the built program, so Node 22.12 runs it without type stripping.
    const pulumiYaml = parseYaml(await readFile(join(project, 'Pulumi.yaml'), 'utf8')) as {
      main: string;
      stackConfigDir: string;
      runtime: { options: { typescript: boolean } };
    };
    expect(pulumiYaml).toMatchObject({ main: 'index.js', stackConfigDir: 'stacks', runtime: { options: { typescript: false } } });
    const checked = spawnSync(process.execPath, ['--no-experimental-strip-types', '--check', join(project, 'index.js')], { encoding: 'utf8' });
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    expect(await readFile(join(project, 'index.js'), 'utf8')).toContain("export * from '@byos/pulumi/program';");
    const pulumiPackage = JSON.parse(await readFile(join(REPO_ROOT, 'pulumi/package.json'), 'utf8')) as { exports: Record<string, { default: string }> };
    expect(pulumiPackage.exports['./program']!.default).toBe('./dist/program.js');

    const workflow = parseYaml(await readFile(join(project, '.github/workflows/byos.yml'), 'utf8')) as {
      on: { pull_request: unknown };
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    expect(workflow.on.pull_request).toBeDefined();
    const runs = Object.values(workflow.jobs)
      .flatMap((job) => job.steps.map((step) => step.run ?? ''))
      .join('\n');
    expect(runs).toContain('npx byos policy check --stack "$tenant"');
    expect(runs).toContain('npx byos plan --migrations migrations');
    expect(await readFile(join(project, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
    expect(await readFile(join(project, '.env.example'), 'utf8')).toContain('BYOS_URL=sqlite:.byos/tenants/dev.sqlite');
  });

  it('--tenant and --provider local-postgres: a stack the plan and the policy gate accept, and no SQLite profile', async () => {
    const project = await tempFolder('postgres');
    const init = await runCli(['init', '--tenant', 'acme-dev', '--provider', 'local-postgres', '--json'], { cwd: project });
    expect(init.code).toBe(0);
    const created = (JSON.parse(init.stdout) as { created: string[] }).created;
    expect(created).toContain('stacks/Pulumi.acme-dev.yaml');
    expect(created.some((path) => path.startsWith('profiles/'))).toBe(false);
    const plan = await runCli(['plan'], { cwd: project });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('acme-dev: 1 change(s)\n  + provision a new local-postgres database in local');
    const policy = await runCli(['policy', 'check', '--stack', 'acme-dev'], { cwd: project });
    expect(policy.code).toBe(0);
    expect(policy.stdout).toContain('PASS');
  });

  it('refuses a folder that is not empty (exit 1, one line, nothing written), a file, a bad tenant id and a cloud provider', async () => {
    const busy = await tempFolder('busy');
    await writeFile(join(busy, 'notes.txt'), 'mine\n');
    const refused = await runCliInProcess(['init', busy]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `byos: ${busy} is not empty (1 entry): run byos init in an empty or new folder, or add --force to add only the missing files\n`,
    );
    expect(refused.stdout).toBe('');
    expect(await readdir(busy)).toEqual(['notes.txt']);

    const asJson = await runCliInProcess(['init', busy, '--json']);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout)).toEqual({ error: { code: 'failed', message: expect.stringContaining('is not empty'), exitCode: 1 } });
    expect(await readdir(busy)).toEqual(['notes.txt']);

    const file = join(busy, 'notes.txt');
    const notFolder = await runCliInProcess(['init', file]);
    expect(notFolder.code).toBe(1);
    expect(notFolder.stderr).toContain('exists and is not a folder');
    expect(await readFile(file, 'utf8')).toBe('mine\n');

    const fresh = join(busy, 'fresh');
    const badTenant = await runCliInProcess(['init', fresh, '--tenant', 'Acme_Dev']);
    expect(badTenant.code).toBe(2);
    expect(badTenant.stderr).toContain('--tenant "Acme_Dev" must be 3-63 lowercase letters');
    const cloud = await runCliInProcess(['init', fresh, '--provider', 'aws']);
    expect(cloud.code).toBe(2);
    expect(cloud.stderr).toContain('Allowed choices are local-sqlite, local-postgres');
    expect(existsSync(fresh)).toBe(false);
  });

  it('counts a folder holding only .git as empty; --force adds the missing files and never overwrites one', async () => {
    const repo = await tempFolder('git');
    await mkdir(join(repo, '.git'));
    expect((await runCliInProcess(['init', repo])).code).toBe(0);
    expect(existsSync(join(repo, 'stacks/Pulumi.dev.yaml'))).toBe(true);

    const existing = await tempFolder('force');
    const mine = '{ "name": "mine", "private": true }\n';
    await writeFile(join(existing, 'package.json'), mine);
    await mkdir(join(existing, 'stacks'));
    await writeFile(join(existing, 'stacks/Pulumi.dev.yaml'), '# my own\n');
    const forced = await runCliInProcess(['init', existing, '--force', '--json']);
    expect(forced.code).toBe(0);
    const result = JSON.parse(forced.stdout) as { created: string[]; kept: string[] };
    expect(result.kept).toEqual(['package.json', 'stacks/Pulumi.dev.yaml']);
    expect([...result.created, ...result.kept].sort()).toEqual(SQLITE_FILES);
    expect(await readFile(join(existing, 'package.json'), 'utf8')).toBe(mine);
    expect(await readFile(join(existing, 'stacks/Pulumi.dev.yaml'), 'utf8')).toBe('# my own\n');
  });

  it('--force never writes through a symbolic link out of the folder, nor stops half-way at a file where a folder goes', async () => {
    const base = await tempFolder('links');
    const outside = join(base, 'outside');
    await mkdir(outside);
    for (const link of ['stacks', '.byos']) {
      const project = join(base, `linked-${link.replace('.', '')}`);
      await mkdir(project);
      await symlink(outside, join(project, link), 'dir');
      const refused = await runCliInProcess(['init', project, '--force', '--json']);
      expect(refused.code, link).toBe(1);
      expect(JSON.parse(refused.stdout)).toEqual({
        error: {
          code: 'failed',
          message: `${join(project, link)} is a symbolic link: byos init writes only inside the project folder, never through a link`,
          exitCode: 1,
        },
      });
      expect(await readdir(outside), link).toEqual([]);
      expect(await readdir(project), link).toEqual([link]);
    }

    const blocked = join(base, 'blocked');
    await mkdir(blocked);
    await writeFile(join(blocked, 'migrations'), 'a file\n');
    const refused = await runCliInProcess(['init', blocked, '--force']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`byos: ${join(blocked, 'migrations')} is not a folder, and byos init puts files in it: move it, or init another folder\n`);
    expect(await readdir(blocked)).toEqual(['migrations']);
  });

  it('--help describes what it writes and its exit codes', async () => {
    const help = await runCliInProcess(['init', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: byos init \[options\] \[dir\]/);
    expect(help.stdout).toContain('.github/workflows/byos.yml');
    expect(help.stdout).toContain('Exit codes: 0 written, 1 refused');
  });
});
