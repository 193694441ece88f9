import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './cli.ts';
import { atFileEnd } from './file-cleanup.ts';

/** The workspace folder of each workspace package. */
const WORKSPACES: Record<string, string> = { '@byos/runtime': 'runtime', '@byos/pulumi': 'pulumi', '@byos/policies': 'policies', byos: 'cli' };

/**
 * Records every bare specifier the process asks for, before it is resolved, so that an import that fails (or
 * one a module catches) is on the list too. Synchronous hooks: they see import(), static imports and require().
 */
const RECORDER = `import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
const log = process.env.BYOS_RESOLUTION_LOG;
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (log && !/^(node:|file:|data:|\\.|\\/)/.test(specifier)) appendFileSync(log, specifier + '\\n');
    return nextResolve(specifier, context);
  },
});
`;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The bare specifiers the process asked for, each once, in order. */
  requested: string[];
}

export interface ProjectWithout {
  dir: string;
  /** Runs `node --conditions=@byos/source <args>` in the project, recording the specifiers it asks for. */
  run(args: readonly string[], env?: Record<string, string>): Promise<RunResult>;
}

/** `@pulumi/*` stands for every package of the scope. */
export const matchesPackage = (specifier: string, pattern: string) =>
  pattern.endsWith('/*') ? specifier.startsWith(pattern.slice(0, -1)) : specifier === pattern || specifier.startsWith(`${pattern}/`);

/**
 * A project folder outside the repository (in the OS temp folder) in which the packages `without` are really not
 * installed: a node_modules linking everything the repository has installed except them, and copies of the
 * workspace packages `copies` (their sources), which therefore resolve their imports from this folder, not from
 * the repository's node_modules. Removed when the test file ends.
 */
export async function projectWithout(without: readonly string[], copies: readonly (keyof typeof WORKSPACES)[]): Promise<ProjectWithout> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-without-'));
  atFileEnd(() => rm(dir, { recursive: true, force: true }));
  const modules = join(dir, 'node_modules');
  await mkdir(modules);
  const excluded = (name: string) => without.some((pattern) => matchesPackage(name, pattern));
  for (const name of copies) {
    const folder = WORKSPACES[name]!;
    await cp(join(REPO_ROOT, folder), join(dir, folder), { recursive: true, filter: (source) => !/[/\\](node_modules|dist)$/.test(source) });
  }
  const link = async (name: string) => {
    if (excluded(name)) return;
    const target = copies.includes(name) ? join(dir, WORKSPACES[name]!) : await realpath(join(REPO_ROOT, 'node_modules', name));
    await symlink(target, join(modules, name), 'dir');
  };
  for (const entry of await readdir(join(REPO_ROOT, 'node_modules'))) {
    if (entry.startsWith('.')) continue;
    if (!entry.startsWith('@')) {
      await link(entry);
      continue;
    }
    await mkdir(join(modules, entry));
    for (const child of await readdir(join(REPO_ROOT, 'node_modules', entry))) await link(`${entry}/${child}`);
  }
  const recorder = join(dir, 'record-resolution.mjs');
  await writeFile(recorder, RECORDER);
  let runs = 0;

  const run = (args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> => {
    const log = join(dir, `resolution-${++runs}.log`);
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--conditions=@byos/source', '--import', pathToFileURL(recorder).href, ...args], {
        cwd: dir,
        env: { ...process.env, ...env, BYOS_RESOLUTION_LOG: log },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', async (code) => {
        const requested = await readFile(log, 'utf8').catch(() => '');
        resolve({ code: code ?? -1, stdout, stderr, requested: [...new Set(requested.split('\n').filter(Boolean))] });
      });
    });
  };
  return { dir, run };
}
