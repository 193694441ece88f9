import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantDb } from '../../../src/connect.ts';
import { batchRows } from '../../../src/dialects/bulk-load.ts';
import { ImportDatabaseError, type ImportOptions, ImportRejectedError, importFile, SourceError } from '../../../src/movers/import/index.ts';
import { freshTenantDb } from '../../../../test/helpers/databases.ts';

// The worker thread path (row-thread.ts) forced with parallelAboveBytes: 0, against the same import in one thread
// (Infinity): the same report, rejects, preview, progress, errors and table, on every row.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-import-parallel-'));
});

const TABLE =
  "create table items (id integer primary key, code text unique, amount numeric(10,2) check (amount >= 0), day date, ok boolean, data blob, kind text check (kind in ('a', 'b')))";

/** ~6000 rows over several worker messages; `bad` rows break a rule the validation knows. */
function csv(rows: number, bad: (i: number) => string | null = () => null): string {
  let text = 'id,code,amount,day,ok,data,kind\n';
  for (let i = 1; i <= rows; i++) {
    const line =
      bad(i) ??
      `${i},"c ${i}, x",${(i % 1000) / 4},2024-02-${String((i % 28) + 1).padStart(2, '0')},${i % 2 ? 'yes' : 'no'},\\x${(i % 256).toString(16).padStart(2, '0')}ff,${i % 3 ? 'a' : 'b'}`;
    text += `${line}\n`;
  }
  return text;
}

async function both(name: string, content: string | Buffer, options: Partial<ImportOptions> = {}, setup?: (tenant: TenantDb) => Promise<void>) {
  const path = join(dir, `${name}.csv`);
  await writeFile(path, content);
  const results = [];
  for (const parallelAboveBytes of [Infinity, 0]) {
    const tenant = await freshTenantDb('sqlite', `${name}-${parallelAboveBytes}`);
    await sql.raw(TABLE).execute(tenant.db);
    await setup?.(tenant);
    const progress: number[] = [];
    // Threads of this process while the import runs (Linux): the worker's shows, proving the path was taken.
    let threads = 0;
    const countThreads = () => {
      if (process.platform === 'linux') threads = Math.max(threads, readdirSync('/proc/self/task').length);
    };
    const rejectsFile = join(dir, `${name}.rejects.csv`); // the same name: messages name it
    const outcome = await importFile(tenant, {
      file: path,
      table: 'items',
      rejectsFile,
      onProgress: (n) => {
        countThreads();
        progress.push(n);
      },
      ...options,
      parallelAboveBytes,
    }).then(
      (report) => ({ report }),
      (error: Error) => ({ error }),
    );
    const rows = (await sql`select * from items order by id`.execute(tenant.db)).rows;
    const rejects = await readFile(rejectsFile, 'utf8').catch(() => null);
    results.push({ outcome, progress, rows, rejects, threads });
  }
  const [one, two] = results as [(typeof results)[0], (typeof results)[0]];
  if (process.platform === 'linux') expect(two.threads).toBeGreaterThan(one.threads);
  return [
    { ...one, threads: 0 },
    { ...two, threads: 0 },
  ] as const;
}

describe('CSV import into SQLite through the worker thread', () => {
  it('loads the same rows, rejects the same ones (row, line, column, reason, rejects file), same preview and progress', async () => {
    const bad = (i: number) => (i === 17 ? '17,dup,1,2024-01-01,yes,,a' : i === 4000 ? '4000,dup,1,2024-01-01,yes,,c' : i === 5001 ? '5001,z,-1,,,,' : null);
    const [one, two] = await both(
      'skip',
      csv(6000, (i) => (i === 3 ? '3,dup,1,2024-01-01,yes,,a' : bad(i))),
      { onError: 'skip', previewRows: 3 },
    );
    expect('report' in two.outcome).toBe(true);
    expect(two).toEqual(one);
    if (!('report' in two.outcome)) return;
    const report = two.outcome.report;
    expect([report.rowsRead, report.rowsLoaded, report.rowsRejected, report.committed]).toEqual([6000, 5997, 3, true]);
    expect(report.rejected.map((r) => [r.row, r.line, r.header])).toEqual([
      [18, 18, null],
      [4001, 4001, 'kind'],
      [5002, 5002, 'amount'],
    ]);
    expect(report.preview[0]).toEqual({ id: 1, code: 'c 1, x', amount: '0.25', day: '2024-02-02', ok: true, data: Buffer.from([1, 0xff]), kind: 'a' });
    expect(Buffer.isBuffer(report.preview[0]!.data)).toBe(true);
    expect(two.rows).toHaveLength(5997);
    expect(two.progress.length).toBeGreaterThan(1);
  });

  it('all-or-nothing: the first rejected row stops the load, every bad row is still reported, the table stays empty', async () => {
    const [one, two] = await both(
      'abort',
      csv(6000, (i) => (i === 2500 || i === 5999 ? `${i},x${i},-5,,,,` : null)),
    );
    expect(two).toEqual(one);
    const error = (two.outcome as { error: Error }).error;
    expect(error).toBeInstanceOf(ImportRejectedError);
    expect((error as ImportRejectedError).report.rejected.map((r) => r.row)).toEqual([2501, 6000]);
    expect(two.rows).toEqual([]);
  });

  it('a row the database refuses is named by its file row, nothing is loaded', async () => {
    const [one, two] = await both('refused', csv(6000), {}, async (tenant) => {
      await sql.raw("insert into items (id, code) values (100000, 'c 4321, x')").execute(tenant.db);
    });
    expect(two).toEqual(one);
    const error = (two.outcome as { error: Error }).error;
    expect(error).toBeInstanceOf(ImportDatabaseError);
    expect((error as ImportDatabaseError).row).toBe(4322);
    expect(two.rows).toHaveLength(1);
  });

  it('a file error in the worker is the same SourceError (an invalid UTF-8 byte past the sniffed sample)', async () => {
    const text = Buffer.from(csv(6000, (i) => (i === 1 ? '1,é,1,,,,' : null))); // UTF-8 settled by the sample
    const at = text.length - 100;
    text[at] = 0xff;
    const [one, two] = await both('bad-byte', text);
    expect(two).toEqual(one);
    expect((two.outcome as { error: Error }).error).toBeInstanceOf(SourceError);
    expect((two.outcome as { error: Error }).error.message).toMatch(/ is not valid UTF-8 at byte \d+ \(row \d+\), though the rest reads as UTF-8/);
  });

  it('a flat batch reads as rows on the loaders that take rows', () => {
    expect(batchRows({ flat: [1, 'a', null, 2, 'b', true], rowCount: 2 })).toEqual([
      [1, 'a', null],
      [2, 'b', true],
    ]);
    expect(batchRows({ flat: [], rowCount: 0 })).toEqual([]);
  });
});
