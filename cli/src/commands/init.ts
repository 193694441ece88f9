import { lstat, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { TenantId } from '@byos/runtime';
import { cliPackage } from '../package-info.ts';
import { createOutput, EXIT_OK, UsageError } from '../output.ts';
import { LOCAL_PROVIDERS, type LocalProvider, localSqliteFile, profileFile, projectName, scaffoldFiles } from './init-templates.ts';

interface InitFlags {
  tenant: string;
  provider: LocalProvider;
  force?: boolean;
  json?: boolean;
}

export interface InitResult {
  dir: string;
  project: string;
  tenant: string;
  provider: LocalProvider;
  /** Files written, relative to `dir`. */
  created: string[];
  /** Files left as they were because they already existed (only with --force). */
  kept: string[];
}

/** Entries a folder may hold and still count as empty: `git init` first, then `byos init`. */
const IGNORED_ENTRIES = new Set(['.git']);

const HELP = `
Writes a new project into DIR (default: the current folder), which must be empty or not exist yet:

  package.json                 byos, @byos/pulumi, @byos/policies, @byos/runtime; scripts plan, policy, migrate
  Pulumi.yaml, index.js        the Pulumi project; its program (plain JavaScript) is the one @byos/pulumi ships
  stacks/Pulumi.<tenant>.yaml  one local tenant's TenantSpec under byos:tenant (no cloud account)
  profiles/<tenant>.local-sqlite.json   its connection profile (local-sqlite only)
  migrations/                  a first SQL migration and a README
  .github/workflows/byos.yml   the policy gate and byos plan on pull requests
  .env.example, .gitignore

The stack file and profile name their JSON Schema (in node_modules/@byos/runtime/schemas after npm install), so
editors check and complete them. In the new folder, \`byos plan\` and \`byos policy check --stack <tenant>\` run as is.
A folder that is not empty (a .git folder aside) is refused unless --force, which adds only the missing files:
existing files are never overwritten, and a symbolic link in the way (stacks -> elsewhere) is refused, not followed.

Exit codes: 0 written, 1 refused (folder not empty, not a folder, or a link or file where a folder goes), 2 usage.

Examples:
  byos init my-app
  byos init --tenant acme-dev --provider local-postgres
  byos init . --force --json`;

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('scaffold a project: a local tenant stack, the Pulumi program, migrations, a GitHub workflow, package.json, .env.example')
    .argument('[dir]', 'folder to create the project in (empty or new)', '.')
    .option('--tenant <name>', 'id of the first tenant (3-63 lowercase letters, digits or dashes)', 'dev')
    .addOption(new Option('--provider <provider>', 'where the first tenant lives, on this machine').choices(LOCAL_PROVIDERS).default('local-sqlite'))
    .option('--force', 'write into a folder that is not empty: add the missing files, keep every existing one')
    .option('--json', 'print the result (dir, created, kept) as JSON')
    .addHelpText('after', HELP)
    .action(async (dir: string, flags: InitFlags) => {
      const out = createOutput(Boolean(flags.json));
      const result = await initProject(dir, flags);
      out.result(result);
      if (!out.json) out.info(formatInit(result));
      process.exitCode = EXIT_OK;
    });
}

export async function initProject(dir: string, flags: Omit<InitFlags, 'json'>): Promise<InitResult> {
  const tenant = TenantId.safeParse(flags.tenant);
  if (!tenant.success) throw new UsageError(`--tenant ${JSON.stringify(flags.tenant)} ${tenant.error.issues[0]?.message ?? 'is not a tenant id'}`);
  const root = resolve(dir);
  const entries = await folderEntries(root, dir);
  if (entries.length && !flags.force) {
    throw new Error(
      `${dir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}): run byos init in an empty or new folder, or add --force to add only the missing files`,
    );
  }
  const project = projectName(basename(root));
  const files = scaffoldFiles({ project, tenant: flags.tenant, provider: flags.provider, version: cliPackage().version });
  const sqliteFolder = flags.provider === 'local-sqlite' ? dirname(localSqliteFile(flags.tenant)) : undefined;
  await checkFoldersOnTheWay(root, dir, [...files.map((file) => dirname(file.path)), ...(sqliteFolder ? [sqliteFolder] : [])]);
  const created: string[] = [];
  const kept: string[] = [];
  for (const file of files) {
    const target = join(root, file.path);
    await mkdir(dirname(target), { recursive: true });
    try {
      // 'wx': created here or not at all, so an existing file is never replaced, even one made since the check.
      await writeFile(target, file.text, { flag: 'wx' });
      created.push(file.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      kept.push(file.path);
    }
  }
  // The SQLite file's folder: SQLite creates the file on first use (migrate up), not the folders above it.
  if (sqliteFolder) await mkdir(join(root, sqliteFolder), { recursive: true });
  return { dir: root, project, tenant: flags.tenant, provider: flags.provider, created, kept };
}

/** What the folder holds that would count against "empty"; [] when it does not exist yet. A file there is refused. */
async function folderEntries(root: string, given: string): Promise<string[]> {
  try {
    if (!(await stat(root)).isDirectory()) throw new Error(`${given} exists and is not a folder: give byos init a folder that is empty or does not exist yet`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return (await readdir(root)).filter((name) => !IGNORED_ENTRIES.has(name));
}

/**
 * Before anything is written: each folder a file goes in (`stacks`, `.github/workflows`, …) must be missing or a real
 * folder. A symbolic link there would take --force's writes outside the project; a file there would stop it half-way.
 */
async function checkFoldersOnTheWay(root: string, given: string, folders: string[]): Promise<void> {
  const checked = new Set<string>();
  for (const folder of folders) {
    const parts = folder.split('/').filter((part) => part !== '.');
    for (let i = 1; i <= parts.length; i++) {
      const relative = parts.slice(0, i).join('/');
      if (checked.has(relative)) continue;
      checked.add(relative);
      const shown = join(given, relative);
      let stats: Awaited<ReturnType<typeof lstat>>;
      try {
        stats = await lstat(join(root, relative));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') break;
        throw error;
      }
      if (stats.isSymbolicLink()) throw new Error(`${shown} is a symbolic link: byos init writes only inside the project folder, never through a link`);
      if (!stats.isDirectory()) throw new Error(`${shown} is not a folder, and byos init puts files in it: move it, or init another folder`);
    }
  }
}

function formatInit(result: InitResult): string {
  const lines = [`byos project ${result.project} in ${result.dir}`];
  for (const path of result.created) lines.push(`  + ${path}`);
  for (const path of result.kept) lines.push(`  = ${path} (exists, kept)`);
  const migrate = result.provider === 'local-sqlite' ? `byos migrate up --profile ${profileFile(result.tenant, result.provider)} --dir migrations` : undefined;
  lines.push(
    'next:',
    '  npm install',
    '  npx byos plan --migrations migrations',
    `  npx byos policy check --stack ${result.tenant}`,
    ...(migrate ? [`  npx ${migrate}`] : []),
  );
  return lines.join('\n');
}
