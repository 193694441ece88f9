import { createServer } from 'node:net';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('byos console on the command line', () => {
  it('byos demo ends by printing the console command for its folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'byos-console-cli-'));
    await chmod(dir, 0o755);
    try {
      const result = await runCli(['demo', '--quick', '--dir', dir]);
      expect(result.code).toBe(0);
      const last = result.stdout.trimEnd().split('\n').at(-1);
      expect(last).toContain(`npx byos console --demo ${dir}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has --help, and is listed by byos --help', async () => {
    const help = await runCli(['console', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--port <n>/);
    expect(help.stdout).toMatch(/token/);
    expect(help.stdout).toMatch(/127\.0\.0\.1/);
    const all = await runCli(['--help']);
    expect(all.stdout).toMatch(/^\s+console\b/m);
  });

  it('refuses --demo on a folder byos demo did not make, and writes nothing there (exit 2)', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'byos-console-nodemo-')), 'typo');
    try {
      const result = await runCli(['console', '--demo', dir, '--port', '0']);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(`byos: ${dir} holds no demo tenants: run \`byos demo --dir ${dir}\` first`);
      expect(existsSync(dir)).toBe(false);
    } finally {
      await rm(dirname(dir), { recursive: true, force: true });
    }
  });

  it('exits 2 on a bad port and 1, in one line, when the port is taken', async () => {
    const bad = await runCli(['console', '--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--port/);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const taken = await runCli(['console', '--port', String(port), '--tenants', tmpdir()]);
      expect(taken.code).toBe(1);
      expect(taken.stderr.trim()).toBe(`byos: port ${port} is in use: pick another with --port`);
    } finally {
      blocker.close();
    }
  });
});
