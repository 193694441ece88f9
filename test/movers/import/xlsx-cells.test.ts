import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { openSource } from '../../../runtime/src/movers/import/index.ts';
import type { ZipLimits } from '../../../runtime/src/movers/import/zip-guard.ts';

const dir = await mkdtemp(join(tmpdir(), 'byos-xlsx-cells-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A workbook written by exceljs's streaming writer (inline strings) or its in-memory one (shared strings). */
async function workbook(name: string, rows: unknown[][], options: { shared?: boolean; numFmt?: Record<string, string> } = {}): Promise<string> {
  const path = join(dir, name);
  if (options.shared) {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Data');
    for (const row of rows) ws.addRow(row);
    for (const [cell, fmt] of Object.entries(options.numFmt ?? {})) ws.getCell(cell).numFmt = fmt;
    await wb.xlsx.writeFile(path);
    return path;
  }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('Data');
  for (const row of rows) ws.addRow(row).commit();
  ws.commit();
  await wb.commit();
  return path;
}

async function readAll(path: string, limits?: Partial<ZipLimits>) {
  const source = await openSource(path, limits ? { limits } : {});
  const rows: unknown[][] = [];
  try {
    for await (const row of source.rows) rows.push(row.cells);
  } finally {
    await source.close();
  }
  return { headers: source.headers, rows };
}

describe('XLSX cell text', () => {
  it('a character split between two inflated chunks is read whole (exceljs alone reads two U+FFFD)', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [i, `${i} ${'日本語é'.repeat(1 + (i % 7))}`]);
    for (const shared of [false, true]) {
      const got = await readAll(await workbook(`cjk-${shared}.xlsx`, [['n', 'text'], ...rows], { shared }));
      expect(got.rows.filter((r) => String(r[1]).includes('\ufffd')), `shared strings: ${shared}`).toEqual([]);
      expect(got.rows).toEqual(rows);
    }
  });

  it('_xHHHH_ escapes are read as Excel reads them; a number shown with fixed decimals keeps them', async () => {
    const path = await workbook('escapes.xlsx', [['a', 'b'], ['line_x000D_break', 1.5], ['_x005F_x0041_ literal', 3]], { shared: true, numFmt: { B2: '0.00', B3: '#,##0.000' } });
    expect((await readAll(path)).rows).toEqual([
      ['line\rbreak', '1.50'],
      ['_x0041_ literal', '3.000'],
    ]);
  });
});
