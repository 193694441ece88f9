import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A real, tiny file system (a 64 KiB tmpfs) that fills up: writes past its size fail with ENOSPC, as on a full disk.
 * Needs root (mount); call it inside a test: unmounted when that test ends.
 */
export async function tinyDisk(kib = 64): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'byos-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`the full-disk tests mount a ${kib} KiB tmpfs and need root: ${(error as Error).message}`);
  }
  // Called inside a test: an afterAll registered there would never run and leave the mount behind.
  onTestFinished(async () => {
    execFileSync('umount', [dir], { stdio: 'pipe' });
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/**
 * A CLI failure as the user must see it: exit 1 and one line on stderr naming the problem, no stack trace (progress
 * lines, `• 2,000 rows written…`, printed before the failure aside).
 */
export function oneLineFailure(result: { code: number; stderr: string }): string {
  const lines = result.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('• '));
  if (
    result.code !== 1 ||
    lines.length !== 1 ||
    !lines[0]!.startsWith('byos: ') ||
    /\bat .+:\d+:\d+|Unhandled|node:internal|top-level await/.test(result.stderr)
  ) {
    throw new Error(`expected exit 1 and one "byos: …" line on stderr, got exit ${result.code} and: ${JSON.stringify(result.stderr)}`);
  }
  return lines[0]!;
}
