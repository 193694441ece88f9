import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile, ImportMappingError, ImportRejectedError } from '@byos/runtime/import';
import type { TenantDb } from '@byos/runtime';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'byos-import-'));
});
async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** A stable digest of a table's rows, to show a failed import left it exactly as it was. */
async function checksum(tenant: TenantDb, table: string): Promise<string> {
  const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1`.execute(tenant.db);
  return JSON.stringify(rows.rows);
}

for (const dialect of DIALECTS) {
  describe(`CSV import (${dialect})`, async () => {
    const tenant = await freshTenantDb(dialect, `csv_${dialect}`);
    const bool = dialect === 'postgres' ? 'boolean' : 'boolean';
    await sql
      .raw(
        `create table customers (id integer primary key, name varchar(20) not null, email text unique, active ${bool}, joined date, balance numeric(10,2), status text check (status in ('new', 'gold', 'lapsed')))`,
      )
      .execute(tenant.db);
    const rows = async () => (await sql<Record<string, unknown>>`select * from customers order by id`.execute(tenant.db)).rows;

    it('RFC 4180: commas, quotes and newlines inside quotes, CRLF, BOM, multibyte UTF-8; mapping by normalised header and synonym', async () => {
      const path = await file(
        `rfc-${dialect}.csv`,
        '\uFEFFID,Name,E-mail,Active,Joined,Balance,Status\r\n1,"Smith, Jo","jo@x.org",yes,2024-03-31,"1,234.50",gold\r\n2,"Say ""hi""\nthere",,no,31/12/2023,7,New\r\n3,Zoë 😀,z@x.org,1,,,\r\n',
      );
      const report = await importFile(tenant, { file: path, table: 'customers' });
      expect(report.committed).toBe(true);
      expect(report.rowsLoaded).toBe(3);
      expect(report.details).toMatchObject({ encoding: 'utf-8', bom: true, delimiter: ',', header: true });
      expect(report.mapping.map((m) => [m.header, m.column, m.method])).toEqual([
        ['ID', 'id', 'normalised'],
        ['Name', 'name', 'normalised'],
        ['E-mail', 'email', 'normalised'],
        ['Active', 'active', 'normalised'],
        ['Joined', 'joined', 'normalised'],
        ['Balance', 'balance', 'normalised'],
        ['Status', 'status', 'normalised'],
      ]);
      const got = await rows();
      expect(got.map((r) => r.name)).toEqual(['Smith, Jo', 'Say "hi"\nthere', 'Zoë 😀']);
      expect(got.map((r) => r.email)).toEqual(['jo@x.org', null, 'z@x.org']);
      expect(got.map((r) => Boolean(r.active))).toEqual([true, false, true]);
      expect(got.map((r) => (r.joined instanceof Date ? r.joined.toISOString().slice(0, 10) : r.joined))).toEqual(['2024-03-31', '2023-12-31', null]);
      expect(got.map((r) => (r.balance === null ? null : Number(r.balance)))).toEqual([1234.5, 7, null]);
      expect(got.map((r) => r.status)).toEqual(['gold', 'new', null]);
    });

    it('all-or-nothing: type errors, short and long rows, not null, length, enum and in-file duplicates are reported by row and column, and the table is unchanged', async () => {
      const before = await checksum(tenant, 'customers');
      const path = await file(
        `bad-${dialect}.csv`,
        [
          'id;name;email;active;joined;balance;status',
          '10;Ann;a@x;true;2024-01-02;1;new',
          '11;Bob;b@x;maybe;2024-01-02;1;new',
          '12;Cy;c@x;true;2024-02-30;1;new',
          '13;;d@x;true;2024-01-02;1;new',
          '14;Dee;e@x;true;2024-01-02;abc;new',
          '15;Eve;f@x;true;2024-01-02;1;platinum',
          '16;Fay;g@x;true',
          '17;Gus;h@x;true;2024-01-02;1;new;extra',
          '10;Hal;i@x;true;2024-01-02;1;new',
          '18;Ivy Ivy Ivy Ivy Ivy Ivy;j@x;true;2024-01-02;1;new',
          '19;Jo;k@x;true;2024-01-02;1;new',
          '20;Kay;k@x;true;2024-01-02;1;new',
        ].join('\n'),
      );
      const rejects = join(dir, `bad-${dialect}.rejects.csv`);
      const failure = await importFile(tenant, { file: path, table: 'customers', rejectsFile: rejects }).catch((e) => e);
      expect(failure).toBeInstanceOf(ImportRejectedError);
      const report = (failure as ImportRejectedError).report;
      expect(report.rejected.map((r) => [r.row, r.header, r.reason])).toEqual([
        [3, 'active', '"maybe" is not a yes/no value (use true/false, yes/no or 1/0)'],
        [4, 'joined', '"2024-02-30" is not a real calendar date'],
        [5, 'name', 'a value is required (the column is NOT NULL)'],
        [6, 'balance', '"abc" is not a number'],
        [7, 'status', '"platinum" is not one of "new", "gold", "lapsed"'],
        [8, null, 'the row has 4 cells but the header has 7'],
        [9, null, 'the row has 8 cells but the header has 7'],
        [10, null, 'duplicate primary key (id): 10 appears earlier in the file'],
        [11, 'name', '23 characters, more than the 20 the column holds'],
        [13, null, 'duplicate unique (email): same value as row 12'],
      ]);
      expect(await checksum(tenant, 'customers')).toBe(before);
      const rejectsText = await readFile(rejects, 'utf8');
      expect(rejectsText.split('\n')[0]).toBe('byos_row;byos_error;id;name;email;active;joined;balance;status');
      expect(rejectsText).toContain('3;"active: ""maybe"" is not a yes/no value');
      // the rejects file imports again once fixed (its extra columns are ignored)
      const fixed = await file(`fixed-${dialect}.csv`, rejectsText.split('\n').slice(0, 2).join('\n').replace(';maybe;', ';true;'));
      const again = await importFile(tenant, { file: fixed, table: 'customers' });
      expect(again.rowsLoaded).toBe(1);
    });

    it('--on-error skip loads the good rows and reports the rest', async () => {
      const path = await file(`skip-${dialect}.csv`, 'id,name\n20,Ok\n21,\n22,Fine\n');
      const report = await importFile(tenant, { file: path, table: 'customers', onError: 'skip' });
      expect([report.rowsRead, report.rowsLoaded, report.rowsRejected]).toEqual([3, 2, 1]);
      expect(report.rejected[0]).toMatchObject({ row: 3, header: 'name' });
    });

    it('refuses to guess below the threshold and names the headers that need --map; --map settles it and the mapping file is saved and reused', async () => {
      const path = await file(`fuzzy-${dialect}.csv`, 'Identifier,Customer Nm,Mail Address,Notes\n30,Kim,k@x.org,hello\n');
      const failure = await importFile(tenant, { file: path, table: 'customers' }).catch((e) => e);
      expect(failure).toBeInstanceOf(ImportMappingError);
      expect(failure.message).toContain('"Customer Nm" (column 2)');
      expect(failure.message).toContain('"Notes" (column 4): no likely column');
      const mappingFile = join(dir, `mapping-${dialect}.json`);
      const report = await importFile(tenant, {
        file: path,
        table: 'customers',
        map: { 'Customer Nm': 'name', 'Mail Address': 'email', Notes: null },
        mappingFile,
        dryRun: true,
      });
      expect(report.mapping.map((m) => [m.header, m.column, m.method])).toEqual([
        ['Identifier', 'id', 'synonym'],
        ['Customer Nm', 'name', 'explicit'],
        ['Mail Address', 'email', 'explicit'],
        ['Notes', null, 'explicit'],
      ]);
      expect(report.preview).toEqual([{ id: 30, name: 'Kim', email: 'k@x.org' }]);
      expect(report.committed).toBe(false);
      expect(JSON.parse(await readFile(mappingFile, 'utf8'))).toEqual({
        version: 1,
        table: 'customers',
        map: { Identifier: 'id', 'Customer Nm': 'name', 'Mail Address': 'email', Notes: null },
      });
      const reused = await importFile(tenant, { file: path, table: 'customers', mappingFile });
      expect(reused.rowsLoaded).toBe(1);
      expect((await rows()).find((r) => r.id === 30)?.name).toBe('Kim');
    });

    it('ids given by the file move the identity counter past them', async () => {
      const identity = dialect === 'postgres' ? 'integer generated by default as identity primary key' : 'integer primary key';
      await sql.raw(`create table tickets (id ${identity}, title text)`).execute(tenant.db);
      const path = await file(`tickets-${dialect}.csv`, 'id,title\n7,a\n8,b\n');
      await importFile(tenant, { file: path, table: 'tickets' });
      const next = await tenant.db.insertInto('tickets').values({ title: 'new' }).returning('id').executeTakeFirstOrThrow();
      expect(next.id).toBe(9);
    });

    it('hostile headers only ever become quoted identifiers', async () => {
      await sql.raw(`create table "x; drop table customers; --" (id integer primary key, """; drop table x; --" text)`).execute(tenant.db);
      const path = await file(`hostile-${dialect}.csv`, 'id,"""; drop table x; --"\n1,boom\n');
      const report = await importFile(tenant, { file: path, table: 'x; drop table customers; --' });
      expect(report.rowsLoaded).toBe(1);
      expect(report.mapping[1]).toMatchObject({ column: '"; drop table x; --', method: 'exact' });
      expect((await rows()).length).toBeGreaterThan(0); // customers is still there
    });
  });
}
