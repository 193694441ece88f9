import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@byos/runtime';
import { parseMapFlags } from '../../../cli/src/commands/import.ts';
import { demoImportExport } from '../../../cli/src/demo/import-export.ts';
import { runCliInProcess } from '../../helpers/cli.ts';
import { freshSqlitePath } from '../../helpers/databases.ts';

const dir = await mkdtemp(join(tmpdir(), 'byos-import-cli-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('byos import / byos export', async () => {
  const db = await freshSqlitePath('cli');
  const url = `sqlite:${db}`;
  const csv = join(dir, 'people.csv');
  await writeFile(csv, 'Full Name,E-mail,Age\nAnn,a@x.org,31\nBob,b@x.org,forty\n');

  it('--map parsing: the last = splits, an empty column leaves the header out, no = is a usage error', () => {
    expect(parseMapFlags(['a=b=c', 'Notes='])).toEqual({ 'a=b': 'c', Notes: null });
    expect(() => parseMapFlags(['oops'])).toThrow('--map oops: write HEADER=COLUMN');
  });

  it('creates, rejects with reasons (exit 1), and --on-error skip loads the rest; --json is one document', async () => {
    const failed = await runCliInProcess(['import', csv, '--url', url, '--table', 'people', '--create', '--json']);
    expect(failed.code).toBe(0); // --create infers Age as text from "forty": nothing to reject
    const report = JSON.parse(failed.stdout);
    expect(report).toMatchObject({ created: true, rowsLoaded: 2, committed: true });

    const typed = join(dir, 'typed.csv');
    await writeFile(typed, 'name,age\nCy,7\nDi,old\n');
    const tenant = await connect(url);
    await tenant.db.schema
      .createTable('kids')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('age', 'integer')
      .execute();
    await tenant.close();
    const abort = await runCliInProcess(['import', typed, '--url', url, '--table', 'kids']);
    expect(abort.code).toBe(1);
    expect(abort.stdout).toContain('rejected row 3 (line 3), column "age": "old" is not a number');
    expect(abort.stderr).toContain('1 row(s) rejected, nothing imported (the table is unchanged)');
    const skip = await runCliInProcess(['import', typed, '--url', url, '--table', 'kids', '--on-error', 'skip', '--json']);
    expect(skip.code).toBe(1);
    expect(JSON.parse(skip.stdout)).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
  });

  it('headers that need --map exit 2 and are named', async () => {
    const odd = join(dir, 'odd.csv');
    await writeFile(odd, 'Kid Nm,Years\nEd,3\n');
    const result = await runCliInProcess(['import', odd, '--url', url, '--table', 'kids']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"Kid Nm" (column 1)');
    const mapped = await runCliInProcess(['import', odd, '--url', url, '--table', 'kids', '--map', 'Kid Nm=name', '--map', 'Years=age', '--dry-run']);
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toContain('{"name":"Ed","age":3}');
  });

  it('exports a table to CSV and a query to XLSX', async () => {
    const out = join(dir, 'kids.csv');
    const result = await runCliInProcess(['export', '--url', url, '--table', 'kids', '--out', out]);
    expect(result.code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('name,age\r\nCy,7\r\n');
    const xlsx = await runCliInProcess(['export', '--url', url, '--query', 'select count(*) as n from kids', '--out', join(dir, 'n.xlsx'), '--json']);
    expect(JSON.parse(xlsx.stdout)).toMatchObject({ rows: 1, format: 'xlsx', columns: ['n'] });
  });

  it('demoImportExport: customers CSV into the tenant and back out', async () => {
    const tenant = await connect(url);
    try {
      const demo = await demoImportExport(tenant, join(dir, 'demo'));
      expect(demo.imported).toMatchObject({ committed: true, rowsLoaded: 8, rowsRejected: 1 });
      expect(demo.imported.rejected[0]).toMatchObject({ row: 10, header: 'Joined', reason: '"31/02/2024" is not a real calendar date' });
      expect(demo.imported.mapping.map((m) => m.column)).toEqual(['customer_id', 'first_name', 'last_name', 'country', 'joined', 'balance', 'tier']);
      expect(demo.exported.map((e) => e.rows)).toEqual([8, 8]);
      const back = await readFile(demo.exported[0]!.out, 'utf8');
      expect(back.split('\r\n')[0]).toBe('customer_id,first_name,last_name,country,joined,balance,tier');
      expect(back).toContain('3,Zoë,Lefèvre,France,2024-03-03,3703.5,gold');
    } finally {
      await tenant.close();
    }
  });
});
