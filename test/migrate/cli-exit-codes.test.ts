import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/cli.ts';
import { freshSqlitePath } from '../helpers/databases.ts';
import { oneLineFailure, tinyDisk } from '../helpers/full-disk.ts';

const PORTABLE = join(import.meta.dirname, '../fixtures/migrations/portable');
const root = await mkdtemp(join(tmpdir(), 'byos-migrate-exit-'));
afterAll(() => rm(root, { recursive: true, force: true }));

/** One line on stderr, no stack trace. */
const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('migrate exit codes on failure', () => {
  it("migrate new: a sentence that does not apply to the folder's schema writes nothing and exits 1 with one line", async () => {
    const dir = join(root, 'empty');
    for (const extra of [[], ['--dry-run'], ['--dialect', 'sqlite']]) {
      const r = await runCliInProcess(['migrate', 'new', 'add a unique index on customers (email)', '--dir', dir, ...extra]);
      expect(r.code).toBe(1);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(
        /^byos: not written: "add a unique index on customers \(email\)" does not apply to the schema the migrations in .*empty imply: op 1 \(createIndex\): table customers does not exist\n$/,
      );
      expect(existsSync(dir)).toBe(false);
    }
    // The folder stays usable: once the table exists, the same sentence is written.
    expect((await runCliInProcess(['migrate', 'new', 'create table customers with id (integer) primary key, email (text)', '--dir', dir])).code).toBe(0);
    expect((await runCliInProcess(['migrate', 'new', 'add a unique index on customers (email)', '--dir', dir])).code).toBe(0);
    expect(await readdir(dir)).toHaveLength(2);
  });

  it('--dir naming a file, and --to naming no migration, are usage errors (exit 2)', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, '');
    const url = `sqlite:${await freshSqlitePath('exit')}`;
    for (const args of [
      ['migrate', 'new', 'create table t with id (integer) primary key', '--dir', file],
      ['migrate', 'lint', '--dir', file],
      ['migrate', 'up', '--url', url, '--dir', file],
      ['migrate', 'up', '--url', url, '--dir', PORTABLE, '--to', '9999'],
      ['migrate', 'down', '--url', url, '--dir', PORTABLE, '--to', 'abc'],
      ['migrate', 'plan', '--url', url, '--dir', PORTABLE, '--to', 'latest'],
    ]) {
      const r = await runCliInProcess(args);
      expect([r.code, args.join(' ')]).toEqual([2, args.join(' ')]);
      oneLine(r.stderr);
    }
  });
});

describe('migrate new on a full disk', () => {
  it('fails in one line and leaves no partial migration that would break the folder', async () => {
    const disk = await tinyDisk(64);
    const dir = join(disk, 'migrations');
    expect((await runCliInProcess(['migrate', 'new', 'create table customers with id (integer) primary key, email (text)', '--dir', dir])).code).toBe(0);
    await writeFile(join(disk, 'filler'), Buffer.alloc(60 * 1024)).catch(() => {}); // the disk is now (nearly) full
    await writeFile(join(disk, 'filler2'), Buffer.alloc(8 * 1024)).catch(() => {});
    const wide = `create table wide with id (integer) primary key, ${Array.from({ length: 300 }, (_, i) => `column_number_${i} (text)`).join(', ')}`;
    const r = await runCliInProcess(['migrate', 'new', wide, '--dir', dir]);
    expect(oneLineFailure(r)).toMatch(/cannot write .*0002_.*\.ts: the disk is full \(ENOSPC\)/);
    expect(await readdir(dir)).toEqual([expect.stringMatching(/^0001_/)]);
    // The folder still loads: the next sentence gets id 0002 once there is room.
    await rm(join(disk, 'filler'), { force: true });
    expect((await runCliInProcess(['migrate', 'new', 'add column note (text) to customers', '--dir', dir])).code).toBe(0);
  });
});
