import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, WORKSPACES, type Workspace } from './npm-project.ts';

/**
 * The published packages' manifests, from the sources (no build needed): what each declares, what each ships, and
 * that every package its code imports is one it declares — in a workspace every package of the root's node_modules
 * resolves, so an undeclared import works in the repository and fails only for a user (test/packaging/tarballs
 * checks the installed packages themselves).
 */

interface Manifest {
  name: string;
  version: string;
  license?: string;
  engines?: { node?: string };
  files?: string[];
  keywords?: string[];
  repository?: { type: string; url: string; directory?: string };
  bin?: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifest = (workspace: Workspace) => JSON.parse(readFileSync(join(REPO_ROOT, workspace, 'package.json'), 'utf8')) as Manifest;
const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const ALL = Object.keys(WORKSPACES) as Workspace[];

/** The TypeScript and JavaScript files a workspace publishes: its build's include list, and its bin scripts. */
function publishedSources(workspace: Workspace): string[] {
  const base = join(REPO_ROOT, workspace);
  const config = ts.readConfigFile(join(base, 'tsconfig.build.json'), ts.sys.readFile).config as { include: string[] };
  const files: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      if (/(^|\/)(node_modules|dist)$/.test(path)) return;
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else if (/\.(ts|js|mjs)$/.test(path) && !path.endsWith('.d.ts')) files.push(path);
  };
  for (const pattern of config.include) {
    if (pattern.startsWith('*')) for (const entry of readdirSync(base)) entry.endsWith(pattern.slice(1)) ? walk(join(base, entry)) : undefined;
    else walk(join(base, pattern));
  }
  for (const bin of Object.values(manifest(workspace).bin ?? {})) files.push(join(base, bin));
  return files;
}

/** The package part of a bare specifier (`@scope/name/sub` → `@scope/name`), or undefined for a relative one. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every package a file imports: static and type imports, re-exports, `import('…')` with a literal, `require`. */
function importedPackages(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => packageOf(f.fileName)).filter((p): p is string => p !== undefined);
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('package manifests', () => {
  it.each(ALL)('%s: named, licensed, described and shipping only dist/ and its docs', (workspace) => {
    const m = manifest(workspace);
    expect(m.name).toBe(WORKSPACES[workspace]);
    expect(m.version).toBe(root.version);
    expect(m.license).toBe('MIT');
    expect(m.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'LICENSE']));
    expect(m.files!.filter((f) => /(^|\/)(src|test)(\/|$)|\.ts$/.test(f))).toEqual([]);
    expect(m.repository).toEqual({ type: 'git', url: root.repository!.url, directory: workspace });
    expect(m.keywords?.length).toBeGreaterThan(2);
  });

  it.each(ALL)('%s: every exports target other than "@byos/source" lies in dist/', (workspace) => {
    for (const [subpath, target] of Object.entries(manifest(workspace).exports)) {
      if (typeof target === 'string') {
        // Files shipped as they are: the manifest itself and the JSON Schemas.
        expect(target, subpath).toBe(subpath === './schemas/*' ? './schemas/*' : './package.json');
        continue;
      }
      expect(Object.keys(target), subpath).toEqual(['@byos/source', 'types', 'default']);
      expect(target.types, subpath).toMatch(/^\.\/dist\/.+\.d\.ts$/);
      expect(target.default, subpath).toMatch(/^\.\/dist\/.+\.js$/);
    }
  });

  it.each(ALL)("%s: has its own README.md, and LICENSE identical to the repository's", (workspace) => {
    const readme = readFileSync(join(REPO_ROOT, workspace, 'README.md'), 'utf8');
    expect(readme).toMatch(new RegExp(`^# ${WORKSPACES[workspace].replace('/', '\\/')}\\b`));
    expect(readFileSync(join(REPO_ROOT, workspace, 'LICENSE'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8'));
  });

  it("the runtime's README documents every subpath of its exports map and every optional peer", () => {
    const m = manifest('runtime');
    const readme = readFileSync(join(REPO_ROOT, 'runtime', 'README.md'), 'utf8');
    const subpaths = Object.keys(m.exports)
      .filter((s) => s !== './package.json')
      .map((s) => `@byos/runtime${s.slice(1)}`.replace('/*', '/'));
    expect(subpaths.filter((s) => !readme.includes(`\`${s}`))).toEqual([]);
    const optional = Object.keys(m.peerDependencies ?? {}).filter((p) => m.peerDependenciesMeta?.[p]?.optional);
    expect(optional.filter((p) => !readme.includes(`\`${p}\``))).toEqual([]);
  });

  it("the CLI's README names every command", async () => {
    const { buildProgram } = await import('../../cli/src/main.ts');
    const readme = readFileSync(join(REPO_ROOT, 'cli', 'README.md'), 'utf8');
    const commands = (await buildProgram()).commands.map((c) => c.name());
    expect(commands.length).toBeGreaterThan(10);
    expect(commands.filter((c) => !readme.includes(`byos ${c}`))).toEqual([]);
  });
});

describe('declared imports', () => {
  it.each(ALL)('%s: every package its published code imports is a dependency, a peer dependency or a Node builtin', (workspace) => {
    const m = manifest(workspace);
    const declared = new Set([m.name, ...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]);
    const files = publishedSources(workspace);
    expect(files.length).toBeGreaterThan(3);
    const undeclared = files.flatMap((file) =>
      importedPackages(file)
        .filter((p) => !declared.has(p) && !BUILTINS.has(p))
        .map((p) => `${relative(REPO_ROOT, file)}: ${p}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('the runtime declares no dependency it does not import (each one is install weight for every user)', () => {
    const used = new Set(publishedSources('runtime').flatMap(importedPackages));
    expect(Object.keys(manifest('runtime').dependencies ?? {}).filter((d) => !used.has(d))).toEqual([]);
    expect(manifest('runtime').dependencies).toHaveProperty('yaml');
  });

  it('the scan sees static, type-only, re-exported and dynamic imports, and not text that only looks like one', () => {
    const source = [
      "import a from 'alpha';",
      "import type { B } from '@scope/beta/sub';",
      "export { c } from 'gamma';",
      "const d = await import('delta');",
      "const text = `import { x } from 'not-an-import'`;",
      "import e from './relative.ts';",
    ].join('\n');
    const info = ts.preProcessFile(source, true, true);
    expect(info.importedFiles.map((f) => packageOf(f.fileName)).filter(Boolean)).toEqual(['alpha', '@scope/beta', 'gamma', 'delta']);
  });
});
