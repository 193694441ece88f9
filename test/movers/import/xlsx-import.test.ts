import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { guardZip, importFile, ImportRejectedError, openSource, ZipLimitError } from '@byos/runtime/import';
import { DIALECTS, freshTenantDb } from '../../helpers/databases.ts';

const dir = await mkdtemp(join(tmpdir(), 'byos-xlsx-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function workbook(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

/** A zip with one entry; `declared` lets the directory lie about the entry's inflated size. */
function zipWith(name: string, data: Buffer, declared = data.length): Buffer {
  const compressed = deflateRawSync(data);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const dirStart = 30 + nameBytes.length + compressed.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + nameBytes.length, 12);
  eocd.writeUInt32LE(dirStart, 16);
  return Buffer.concat([local, nameBytes, compressed, central, nameBytes, eocd]);
}

describe('zip-bomb guard', () => {
  const zeros = Buffer.alloc(20 * 1024 * 1024);

  it('refuses an entry whose declared ratio is past the limit, before inflating anything', async () => {
    const path = join(dir, 'bomb.xlsx');
    await writeFile(path, zipWith('xl/worksheets/sheet1.xml', zeros));
    await expect(guardZip(path)).rejects.toThrow(/inflates \d+× \(limit 200×; zip bomb\?\)/);
    await expect(importFile({} as never, { file: path, table: 'x' })).rejects.toBeInstanceOf(ZipLimitError);
  });

  it('refuses a total past the size limit', async () => {
    const path = join(dir, 'big.xlsx');
    await writeFile(path, zipWith('xl/worksheets/sheet1.xml', zeros));
    await expect(guardZip(path, { maxUncompressedBytes: 1024 * 1024, maxRatio: 1e9, maxEntries: 10, maxRows: 10 })).rejects.toThrow(
      /would inflate to more than 1048576 bytes/,
    );
  });

  it('catches a directory that lies about the inflated size by counting what inflates', async () => {
    const path = join(dir, 'liar.xlsx');
    await writeFile(path, zipWith('xl/worksheets/sheet1.xml', zeros, 1000));
    await expect(guardZip(path)).rejects.toThrow(/inflates past its declared 1000 bytes/);
  });

  it('refuses a sheet with more rows than the limit while streaming', async () => {
    const path = await workbook('rows.xlsx', (wb) => {
      const ws = wb.addWorksheet('Data');
      ws.addRow(['n']);
      for (let i = 0; i < 50; i++) ws.addRow([i]);
    });
    // Refused as soon as the reader passes the limit (here while reading the first batch, at open).
    const read = async () => {
      const source = await openSource(path, { limits: { maxRows: 20 } });
      for await (const _row of source.rows) {
        // drain
      }
    };
    await expect(read()).rejects.toThrow(/more than 20 rows/);
  });

  it('a file that is not a zip, named .xlsx, is refused by name', async () => {
    const path = join(dir, 'fake.xlsx');
    await writeFile(path, 'a,b\n1,2\n');
    await expect(openSource(path)).rejects.toThrow('fake.xlsx is named .xlsx but is not a zip workbook');
  });
});

for (const dialect of DIALECTS) {
  describe(`XLSX import (${dialect})`, async () => {
    const tenant = await freshTenantDb(dialect, `xlsx_${dialect}`);
    await sql
      .raw(
        'create table events (id integer primary key, title text not null, happened date, at timestamp, amount numeric(10,2), score double precision, ok boolean)',
      )
      .execute(tenant.db);
    const path = await workbook(`events-${dialect}.xlsx`, (wb) => {
      const notes = wb.addWorksheet('Notes');
      notes.addRow(['this sheet is not the data']);
      const ws = wb.addWorksheet('Events');
      ws.addRow(['Id', 'Title', 'Happened', 'At', 'Amount', 'Score', 'OK']);
      ws.addRow([1, 'launch', new Date(Date.UTC(2024, 2, 31)), new Date(Date.UTC(2024, 2, 31, 13, 45, 30)), 1234.5, 0.25, true]);
      ws.addRow([2, { richText: [{ text: 'rich ' }, { text: 'text' }] }, '2024-04-01', '2024-04-01 08:00', { formula: 'E2*2', result: 2469 }, 3, 'yes']);
      ws.addRow([3, 'merged down', new Date(Date.UTC(2024, 4, 1)), null, 7, null, false]);
      ws.addRow([4, 'under the merge', null, null, 8, null, null]);
      ws.mergeCells('C4:C5');
      ws.addRow([]);
      ws.addRow([5, '=1+1 as text', null, null, null, null, null]);
    });

    it('reads the named sheet: date cells, numbers, rich text, formula results, merged cells (value in the first cell only), empty rows skipped', async () => {
      const report = await importFile(tenant, { file: path, table: 'events', sheet: 'Events' });
      expect(report.details).toEqual({ sheet: 'Events' });
      expect(report.rowsLoaded).toBe(5);
      const rows = (
        await sql<
          Record<string, unknown>
        >`select id, title, cast(happened as text) as happened, cast("at" as text) as at, cast(amount as text) as amount, score, ok from events order by id`.execute(
          tenant.db,
        )
      ).rows;
      expect(rows.map((r) => r.title)).toEqual(['launch', 'rich text', 'merged down', 'under the merge', '=1+1 as text']);
      expect(rows.map((r) => r.happened)).toEqual(['2024-03-31', '2024-04-01', '2024-05-01', null, null]);
      expect(rows.map((r) => r.at)).toEqual(['2024-03-31 13:45:30', '2024-04-01 08:00:00', null, null, null]);
      expect(rows.map((r) => (r.amount === null ? null : Number(r.amount)))).toEqual([1234.5, 2469, 7, 8, null]);
      expect(rows.map((r) => r.score)).toEqual([0.25, 3, null, null, null]);
      expect(rows.map((r) => (r.ok === null ? null : Boolean(r.ok)))).toEqual([true, true, false, null, null]);
    });

    it('a missing sheet is named with the sheets there are', async () => {
      await expect(importFile(tenant, { file: path, table: 'events', sheet: 'Nope' })).rejects.toThrow(
        /has no sheet named "Nope"; its sheets are: Notes, Events/,
      );
    });

    it('a formula with no saved result is refused with its row and column; the rejects file is an XLSX', async () => {
      const bad = await workbook(`bad-${dialect}.xlsx`, (wb) => {
        const ws = wb.addWorksheet('Events');
        ws.addRow(['id', 'title', 'amount']);
        ws.addRow([10, 'fine', 1]);
        ws.addRow([11, 'not a number', 'lots']);
      });
      const rejects = join(dir, `bad-${dialect}.rejects.xlsx`);
      const failure = await importFile(tenant, { file: bad, table: 'events', rejectsFile: rejects }).catch((e) => e);
      expect(failure).toBeInstanceOf(ImportRejectedError);
      expect(failure.report.rejected).toEqual([{ row: 3, line: 3, header: 'amount', reason: '"lots" is not a number' }]);
      const back = new ExcelJS.Workbook();
      await back.xlsx.readFile(rejects);
      expect(back.worksheets[0]!.getRow(2).values).toEqual([undefined, 3, 'amount: "lots" is not a number', 11, 'not a number', 'lots']);
      const noResult = await workbook(`formula-${dialect}.xlsx`, (wb) => {
        const ws = wb.addWorksheet('S');
        ws.addRow(['id', 'title']);
        ws.addRow([20, { formula: 'A1&"x"' }]);
      });
      await expect(importFile(tenant, { file: noResult, table: 'events' })).rejects.toThrow(/row 2 column 2 holds a formula without a saved result/);
    });
  });
}
