import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './cli.ts';
import { atFileEnd } from './file-cleanup.ts';

const run = promisify(execFile);

/**
 * A scratch folder INSIDE the repository (so generated code resolves kysely, zod and @byos/runtime through the
 * workspace), type-checked with the project's own compiler options (strict and the rest); removed when the test
 * file ends.
 */
export async function scratchProject(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(REPO_ROOT, 'test', `.tmp-${prefix}-`));
  atFileEnd(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const { compilerOptions } = JSON.parse(await readFile(join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: object };
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, strict: true, noEmit: true }, include: ['*.ts'] }));
  return dir;
}

/** Type-checks a scratch project with the repository's TypeScript; resolves with tsc's output, rejects on errors. */
export async function typecheck(dir: string): Promise<void> {
  try {
    await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')]);
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}
