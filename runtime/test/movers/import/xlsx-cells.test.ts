import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connect } from '../../../src/index.ts';
import { openSource, ZipLimitError } from '../../../src/movers/import/index.ts';
import { runCli } from '../../../../test/helpers/cli.ts';
import { freshSqlitePath } from '../../../../test/helpers/databases.ts';
import { oneLineFailure } from '../../../../test/helpers/full-disk.ts';
import type { ZipLimits } from '../../../src/movers/import/zip-guard.ts';

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
      expect(
        got.rows.filter((r) => String(r[1]).includes('\ufffd')),
        `shared strings: ${shared}`,
      ).toEqual([]);
      expect(got.rows).toEqual(rows);
    }
  });

  it('_xHHHH_ escapes are read as Excel reads them; a number shown with fixed decimals keeps them', async () => {
    const path = await workbook(
      'escapes.xlsx',
      [
        ['a', 'b'],
        ['line_x000D_break', 1.5],
        ['_x005F_x0041_ literal', 3],
      ],
      { shared: true, numFmt: { B2: '0.00', B3: '#,##0.000' } },
    );
    expect((await readAll(path)).rows).toEqual([
      ['line\rbreak', '1.50'],
      ['_x0041_ literal', '3.000'],
    ]);
  });
});

/** Text that does not compress (so the zip guard's ratio check lets it through and the cell cap is what stops it). */
const incompressible = (bytes: number) =>
  randomBytes(Math.ceil((bytes * 3) / 4))
    .toString('base64')
    .slice(0, bytes);

describe('XLSX cell size cap (as a CSV record is capped)', () => {
  const rows = (big: unknown) => [
    ['id', 'note'],
    [1, 'small'],
    [2, big],
    [3, 'after'],
  ];

  it('an inline-string cell past the cap is refused naming its sheet and cell, before the parser holds it', async () => {
    const path = await workbook('inline-big.xlsx', rows(incompressible(5000)));
    const error = await readAll(path, { maxCellBytes: 4096 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZipLimitError);
    expect((error as Error).message).toBe(`${path}: sheet "Data" cell B3 holds more than 4096 bytes, the limit for one cell`);
    expect((await readAll(path, { maxCellBytes: 8192 })).rows).toHaveLength(3);
  });

  it('a shared string past the cap is refused by its position, rich text runs counted together', async () => {
    const plain = await workbook('shared-big.xlsx', rows(incompressible(5000)), { shared: true });
    await expect(readAll(plain, { maxCellBytes: 4096 })).rejects.toThrow(
      `${plain}: shared string 4 (text used by cells) holds more than 4096 bytes, the limit for one cell`,
    );
    // ten runs of 1,000 characters: each under the cap, the cell over it
    const runs = { richText: Array.from({ length: 10 }, () => ({ text: incompressible(1000) })) };
    const rich = await workbook('shared-rich.xlsx', rows(runs), { shared: true });
    await expect(readAll(rich, { maxCellBytes: 4096 })).rejects.toThrow(/shared string \d+ \(text used by cells\) holds more than 4096 bytes/);
  });

  it('the default cap (8 MiB) through the CLI: one line, exit 1, the table unchanged', async () => {
    const path = await workbook('default-cap.xlsx', rows(incompressible(8 * 1024 * 1024 + 1000)));
    const db = await freshSqlitePath('xlsx_cap');
    const tenant = await connect(`sqlite:${db}`);
    await tenant.db.schema
      .createTable('notes')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('note', 'text')
      .execute();
    await tenant.close();
    const line = oneLineFailure(await runCli(['import', path, '--url', `sqlite:${db}`, '--table', 'notes']));
    expect(line).toBe(`byos: ${path}: sheet "Data" cell B3 holds more than 8388608 bytes, the limit for one cell`);
    const again = await connect(`sqlite:${db}`);
    expect(await again.db.selectFrom('notes').selectAll().execute()).toEqual([]);
    await again.close();
  });
});
