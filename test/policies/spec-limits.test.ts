import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

// Issue 15: `policy check --spec` reads files of bounded size with bounded lists, says which path is wrong when it
// is a folder, and refuses unknown YAML tags with the file, line and column instead of printing raw YAMLWarnings.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-spec-limits-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = 'tenant: acme-sg\nprovider: aws\nregion: ap-southeast-1\nresidency: SG\ncompliance: [pdpa]\nbackup:\n  retentionDays: 14\n';

function cidrs(count: number): string {
  const lines = ['network:', '  publicAccess: true', '  allowedCidrs:'];
  for (let i = 0; i < count; i++) lines.push(`    - 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`);
  return `${HEADER}${lines.join('\n')}\n`;
}

describe('policy check --spec on hostile files', () => {
  it('a folder is a usage error naming it (exit 2)', async () => {
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    const result = await runCli(['policy', 'check', '--spec', folder, '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(folder);
    expect(result.stderr).toContain('is a directory');
    expect(result.stderr).not.toContain('EISDIR');
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'invalid-input', exitCode: 2 });
  });

  it('an unknown YAML tag is an error naming file, line and column, with no raw YAMLWarning', async () => {
    const file = join(dir, 'tagged.yaml');
    await writeFile(file, `${HEADER}network:\n  publicAccess: !evil yes\n`);
    const result = await runCli(['policy', 'check', '--spec', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('YAMLWarning');
    expect(result.stderr).not.toContain('--trace-warnings');
    expect(result.stderr).toContain(`${file}:9:17`);
    expect(result.stderr).toContain('!evil');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a file over the size limit is refused before it is parsed', async () => {
    const file = join(dir, 'huge.yaml');
    await writeFile(file, `${HEADER}# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const result = await runCli(['policy', 'check', '--spec', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${file.replace(/[/.]/g, '\\$&')} is [\\d,]+ bytes; a spec file may hold at most 1,048,576`));
  });

  it('an allow-list longer than the limit is refused naming the field and the limit; one at the limit passes', async () => {
    const over = join(dir, 'many-cidrs.yaml');
    await writeFile(over, cidrs(1001));
    const refused = await runCli(['policy', 'check', '--spec', over]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/network\.allowedCidrs: .*at most 1000/);
    const at = join(dir, 'limit-cidrs.yaml');
    await writeFile(at, cidrs(1000));
    const accepted = await runCli(['policy', 'check', '--spec', at, '--json']);
    expect(accepted.stderr).toBe('');
    expect([0, 1]).toContain(accepted.code);
    expect(JSON.parse(accepted.stdout).tenant).toBe('acme-sg');
  });
});
