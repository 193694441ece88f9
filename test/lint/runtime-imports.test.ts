import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

const run = promisify(execFile);
const BIOME = join(REPO_ROOT, 'node_modules/.bin/biome');

/**
 * The lint rule that keeps everything outside runtime/ on the runtime's public API (biome.json's
 * noRestrictedImports override): the repository's own biome.json, applied to a few files laid out as in the repo.
 */
describe('lint: nothing outside runtime/ imports runtime/src', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'byos-lint-'));
    const config = JSON.parse(await readFile(join(REPO_ROOT, 'biome.json'), 'utf8')) as Record<string, unknown>;
    delete config.$schema;
    await writeFile(join(dir, 'biome.json'), JSON.stringify(config));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function lint(files: Record<string, string>): Promise<{ code: number; output: string }> {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    try {
      const { stdout, stderr } = await run(BIOME, ['lint', '--vcs-enabled=false', '--max-diagnostics=50', ...Object.keys(files)], { cwd: dir });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
      return { code, output: stdout + stderr };
    }
  }

  it('fails on a static or dynamic import of runtime/src from the CLI, the Pulumi side or a test', async () => {
    const result = await lint({
      'cli/src/commands/static.ts': "import { connect } from '../../../runtime/src/index.ts';\nexport const c = connect;\n",
      'pulumi/components/dynamic.ts': "export const load = () => import('../../runtime/src/movers/copy/index.ts');\n",
      'test/movers/deep.test.ts': "import type { SchemaModel } from '../../runtime/src/contracts/schema-model.ts';\nexport type M = SchemaModel;\n",
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('cli/src/commands/static.ts');
    expect(result.output).toContain('pulumi/components/dynamic.ts');
    expect(result.output).toContain('test/movers/deep.test.ts');
    expect(result.output).toContain('import @byos/runtime or one of its subpaths');
  });

  it('passes the package name and its subpaths, and runtime/ reaching into its own src', async () => {
    const result = await lint({
      'cli/src/commands/ok.ts':
        "import { connect } from '@byos/runtime';\nimport { copyDatabase } from '@byos/runtime/copy';\nexport const c = [connect, copyDatabase];\n",
      'runtime/test/internal.test.ts': "import { connect } from '../src/index.ts';\nexport const c = connect;\n",
    });
    expect(result.output).not.toContain('noRestrictedImports');
    expect(result.code).toBe(0);
  });
});
