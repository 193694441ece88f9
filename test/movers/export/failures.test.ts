import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { runCli } from '../../helpers/cli.ts';
import { freshPostgresDatabase, freshSqlitePath } from '../../helpers/databases.ts';
import { oneLineFailure, tinyDisk } from '../../helpers/full-disk.ts';
import { sqlOn } from '../../helpers/sql.ts';

// Every failure of `byos export` is one line naming what failed, exit 1, and the file that was there before is
// still there, byte for byte, with no partial or temporary file beside it. Run as a user would (node bin/byos.js).

const dir = await mkdtemp(join(tmpdir(), 'byos-export-fail-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const OLD = 'the previous export\r\n1,2,3\r\n';

/** A folder holding only `name` with the old content. */
async function previous(folder: string, name: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, name);
  await writeFile(path, OLD);
  return path;
}

async function expectUntouched(path: string): Promise<void> {
  expect(await readFile(path, 'utf8')).toBe(OLD);
  expect(await readdir(join(path, '..'))).toEqual([path.split('/').pop()]);
}

describe('byos export failures', async () => {
  const pg = await freshPostgresDatabase('export_fail');
  await sqlOn(pg, `create table big (id integer primary key, body text); insert into big select i, repeat('x', 40) || i from generate_series(1, 5000) i`);
  const sqlite = `sqlite:${await freshSqlitePath('export_fail')}`;
  await (await connect(sqlite)).close(); // the database file exists

  for (const format of ['csv', 'xlsx']) {
    it(`${format}: a query error after some rows are written leaves the previous file as it was`, async () => {
      const out = await previous(join(dir, `query-error-${format}`), `out.${format}`);
      // Division by zero at row 4,000: by then two batches of 2,000 rows have been written.
      const result = await runCli(['export', '--url', pg, '--query', 'select i, 1 / (4000 - i) as r from generate_series(1, 5000) i', '--out', out]);
      expect(oneLineFailure(result)).toMatch(/division by zero/);
      await expectUntouched(out);
    });

    it(`${format}: the server ending the session mid-export is one line, and the previous file stays`, async () => {
      const out = await previous(join(dir, `killed-${format}`), `out.${format}`);
      const kill = 'select i, case when i = 4000 then pg_terminate_backend(pg_backend_pid())::int else i end as r from generate_series(1, 5000) i';
      const result = await runCli(['export', '--url', pg, '--query', kill, '--out', out]);
      expect(oneLineFailure(result)).toMatch(/terminat|connection/i);
      await expectUntouched(out);
    });

    it(`${format}: --out in a missing folder, or naming a folder, is one line naming it`, async () => {
      const missing = join(dir, 'no-such-folder', `out.${format}`);
      expect(oneLineFailure(await runCli(['export', '--url', pg, '--table', 'big', '--out', missing]))).toBe(
        `byos: cannot write ${missing}: its folder does not exist (ENOENT)`,
      );
      const folder = join(dir, `a-folder.${format}`);
      await mkdir(folder);
      expect(oneLineFailure(await runCli(['export', '--url', pg, '--table', 'big', '--format', format, '--out', folder]))).toBe(
        `byos: cannot write ${folder}: it is a folder (EISDIR)`,
      );
    });
  }

  it('a full disk fails the export with one line, and the previous file stays (CSV and XLSX)', async () => {
    const disk = await tinyDisk(64);
    for (const format of ['csv', 'xlsx']) {
      const out = await previous(disk, `out.${format}`);
      const line = oneLineFailure(await runCli(['export', '--url', pg, '--table', 'big', '--out', out]));
      expect(line).toBe(`byos: cannot write ${out}: the disk is full (ENOSPC)`);
      await expectUntouched(out);
      await rm(out);
    }
  });

  it('a successful export replaces the previous file, keeping its permission bits, with nothing left beside it', async () => {
    const out = await previous(join(dir, 'replaced'), 'out.csv');
    await chmod(out, 0o600);
    const result = await runCli(['export', '--url', pg, '--query', 'select 1 as a', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('a\r\n1\r\n');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'replaced'))).toEqual(['out.csv']);
  });

  it('SQLite: a query error mid-export leaves the previous file', async () => {
    const out = await previous(join(dir, 'sqlite'), 'out.csv');
    // abs() of the smallest integer overflows at row 3,000, after a batch of 2,000 rows is written
    const query =
      'with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000) select i, case when i = 3000 then abs(-9223372036854775808) else i end as r from n';
    expect(oneLineFailure(await runCli(['export', '--url', sqlite, '--query', query, '--out', out]))).toMatch(/integer overflow/);
    await expectUntouched(out);
  });
});
