import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { openXlsxSource } from '../../../src/movers/import/xlsx-source.ts';

// exceljs issue #3064: exceljs's streaming reader reads the zip in one pass, and exceljs's writer stores
// xl/workbook.xml last; about 1 read in 100 (more under load) the pass ends before that entry is delivered and the
// read fails with "Cannot read properties of undefined (reading 'sheets')". openXlsxSource reads through the zip's
// central directory instead (xlsx-workbook-reader.ts), so every read must come back the same.

const dir = await mkdtemp(join(tmpdir(), 'byos-xlsx-race-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const cities = ['Oslo', 'Lima', 'Pune', 'Kyiv'];
const sheets: Record<string, (string | number)[][]> = {
  People: [['id', 'name', 'city'], ...Array.from({ length: 40 }, (_, i) => [i + 1, `person ${i % 9}`, cities[i % 4]!])],
  Orders: [['order', 'city', 'amount'], ...Array.from({ length: 25 }, (_, i) => [`o-${i % 5}`, cities[(i + 1) % 4]!, i * 2.5])],
  Notes: [['note'], ...Array.from({ length: 5 }, (_, i) => [`note ${i % 2}`])],
};

/** Several sheets of repeated text, so exceljs writes them through xl/sharedStrings.xml (stored after the sheets). */
async function writeWorkbook(): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  const path = join(dir, 'race.xlsx');
  await wb.xlsx.writeFile(path);
  return path;
}

async function readSheet(path: string, sheet?: string): Promise<{ sheet: unknown; headers: string[]; rows: unknown[][] }> {
  const source = await openXlsxSource(path, sheet === undefined ? {} : { sheet });
  try {
    const rows: unknown[][] = [];
    for await (const row of source.rows) rows.push(row.cells);
    return { sheet: source.details.sheet, headers: source.headers, rows };
  } finally {
    await source.close();
  }
}

describe('XLSX read race (exceljs #3064)', () => {
  it('reads an exceljs-written workbook 300 times with the same headers and rows every time', async () => {
    const path = await writeWorkbook();
    const [header, ...rows] = sheets.People!;
    const expected = { sheet: 'People', headers: header, rows };
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      try {
        expect(await readSheet(path)).toEqual(expected);
      } catch (error) {
        failures.push(`read ${i + 1}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('finds every sheet by name, in workbook order', async () => {
    const path = await writeWorkbook();
    for (const [name, [header, ...rows]] of Object.entries(sheets)) {
      expect(await readSheet(path, name)).toEqual({ sheet: name, headers: header, rows });
    }
    await expect(readSheet(path, 'Missing')).rejects.toThrow(/has no sheet named "Missing"; its sheets are: People, Orders, Notes/);
  });

  it.skipIf(process.platform !== 'linux')('leaves no file open when a source is closed before its rows are read', async () => {
    const path = await writeWorkbook();
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) {
      const source = await openXlsxSource(path, { sheet: 'Orders' });
      await source.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(open()).toBeLessThanOrEqual(before);
  });
});
