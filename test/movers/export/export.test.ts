import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { csvCell, exportQuery, exportTable, neutraliseFormula, restoreNeutralised } from '@byos/runtime/export';
import { importFile } from '@byos/runtime/import';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';

const dir = await mkdtemp(join(tmpdir(), 'byos-export-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const HOSTILE = [
  '=HYPERLINK("http://evil","x")',
  '+1+1',
  '-2+3',
  '@SUM(A1)',
  '\tlead',
  '\rcr',
  '\nlf',
  "'=already quoted",
  "''+twice",
  "'plain",
  'safe',
  '-',
  '',
];

describe('formula neutralising', () => {
  it('prefixes every trigger character, and the import takes exactly one prefix off', () => {
    expect(HOSTILE.map(neutraliseFormula)).toEqual([
      `'=HYPERLINK("http://evil","x")`,
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\tlead",
      "'\rcr",
      "'\nlf",
      "''=already quoted",
      "'''+twice",
      "'plain",
      'safe',
      "'-",
      '',
    ]);
    for (const text of HOSTILE) expect(restoreNeutralised(neutraliseFormula(text))).toBe(text);
    expect(csvCell(-5)).toBe('-5'); // numbers are numbers, not text
    expect(csvCell(new Uint8Array([1, 171]))).toBe('\\x01ab');
  });
});

for (const dialect of DIALECTS) {
  describe(`export (${dialect})`, async () => {
    const tenant = await freshTenantDb(dialect, `export_${dialect}`);
    await sql.raw(`create table notes (id integer primary key, body text, at ${dialect === 'postgres' ? 'timestamptz' : 'text'}, day date)`).execute(tenant.db);
    for (const [i, body] of HOSTILE.entries()) {
      await tenant.db
        .insertInto('notes')
        .values({ id: i + 1, body, at: i === 0 ? '2024-03-31 12:00:00+02' : null, day: i === 0 ? '2024-03-31' : null })
        .execute();
    }

    it('CSV: no cell a spreadsheet would run, ISO 8601 dates, and it imports back unchanged', async () => {
      const out = join(dir, `notes-${dialect}.csv`);
      const report = await exportTable(tenant, 'notes', { format: 'csv', out });
      expect(report).toMatchObject({ rows: HOSTILE.length, columns: ['id', 'body', 'at', 'day'] });
      const text = await readFile(out, 'utf8');
      const lines = text.split('\r\n');
      expect(lines[0]).toBe('id,body,at,day');
      expect(lines[1]).toBe(
        `1,"'=HYPERLINK(""http://evil"",""x"")",${dialect === 'postgres' ? '2024-03-31T10:00:00+00:00' : '2024-03-31 12:00:00+02'},2024-03-31`,
      );
      // every field that is text starts with something inert
      expect(text).not.toMatch(/(^|,|\r\n)"?[=+@-]/);
      await tenant.db.deleteFrom('notes').execute();
      await importFile(tenant, { file: out, table: 'notes' });
      const back = await tenant.db.selectFrom('notes').select('body').orderBy('id').execute();
      expect(back.map((r) => r.body ?? '')).toEqual(HOSTILE);
    });

    it('XLSX: text cells neutralised, numbers as numbers, dates as date cells', async () => {
      const out = join(dir, `notes-${dialect}.xlsx`);
      await exportTable(tenant, 'notes', { format: 'xlsx', out });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(out);
      const ws = wb.getWorksheet('notes')!;
      expect(ws.getRow(1).values).toEqual([undefined, 'id', 'body', 'at', 'day']);
      expect(ws.getCell('A2').value).toBe(1);
      expect(ws.getCell('B2').value).toBe(`'=HYPERLINK("http://evil","x")`);
      expect(ws.getCell('B3').value).toBe("'+1+1");
      if (dialect === 'postgres') expect(ws.getCell('D2').value).toEqual(new Date(Date.UTC(2024, 2, 31)));
    });

    it('headers are neutralised like values (CSV and XLSX) and an import maps them back to their columns', async () => {
      const names = ['=HYPERLINK("http://evil","x")', '@SUM(A1)', '-2+3', '+1', "'=quoted", 'plain'];
      const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
      await sql.raw(`create table heads (id integer primary key, ${names.map((n) => `${q(n)} text`).join(', ')})`).execute(tenant.db);
      await tenant.db
        .insertInto('heads')
        .values(Object.fromEntries([['id', 1], ...names.map((n, i) => [n, `v${i}`])]) as never)
        .execute();
      const csv = join(dir, `heads-${dialect}.csv`);
      await exportTable(tenant, 'heads', { format: 'csv', out: csv });
      expect((await readFile(csv, 'utf8')).split('\r\n')[0]).toBe(`id,"'=HYPERLINK(""http://evil"",""x"")","'@SUM(A1)","'-2+3","'+1","''=quoted",plain`);
      const xlsx = join(dir, `heads-${dialect}.xlsx`);
      await exportTable(tenant, 'heads', { format: 'xlsx', out: xlsx });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(xlsx);
      expect(wb.getWorksheet('heads')!.getRow(1).values).toEqual([
        undefined,
        'id',
        `'=HYPERLINK("http://evil","x")`,
        "'@SUM(A1)",
        "'-2+3",
        "'+1",
        "''=quoted",
        'plain',
      ]);
      for (const file of [csv, xlsx]) {
        await tenant.db.deleteFrom('heads').execute();
        const report = await importFile(tenant, { file, table: 'heads' });
        expect(report.mapping.map((m) => [m.header, m.column, m.method])).toEqual([['id', 'id', 'exact'], ...names.map((n) => [n, n, 'exact'])]);
        expect(await tenant.db.selectFrom('heads').selectAll().execute()).toEqual([Object.fromEntries([['id', 1], ...names.map((n, i) => [n, `v${i}`])])]);
      }
    });

    it('a rejects file is guarded too: its headers, reasons and text cells are inert', async () => {
      const input = join(dir, `hostile-${dialect}.csv`);
      await writeFile(input, 'id,"=cmd()"\n1,=HYPERLINK("http://evil")\nx,@SUM(A1)\n');
      await sql.raw('create table hostile (id integer primary key, "=cmd()" text)').execute(tenant.db);
      const rejects = join(dir, `hostile-${dialect}.rejects.csv`);
      await importFile(tenant, { file: input, table: 'hostile', onError: 'skip', rejectsFile: rejects });
      expect(await readFile(rejects, 'utf8')).toBe(`byos_row,byos_error,id,"'=cmd()"\n3,"id: ""x"" is not a number",x,"'@SUM(A1)"\n`);
    });

    it('a query with no rows still writes its header; the transform hook rewrites rows (masking plugs in there)', async () => {
      const out = join(dir, `empty-${dialect}.csv`);
      const empty = await exportQuery(tenant, 'select id, body from notes where id < 0', { format: 'csv', out });
      expect(empty.rows).toBe(0);
      expect(await readFile(out, 'utf8')).toBe('id,body\r\n');
      const masked = join(dir, `masked-${dialect}.csv`);
      await exportQuery(tenant, 'select id, body from notes where id = 11', {
        format: 'csv',
        out: masked,
        transform: (values, columns) => values.map((v, i) => (columns[i]!.name === 'body' ? '***' : v)),
      });
      expect(await readFile(masked, 'utf8')).toBe('id,body\r\n11,***\r\n');
    });
  });
}
