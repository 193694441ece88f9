import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { stringify } from 'csv-stringify';
import { REJECT_ERROR_HEADER, REJECT_ROW_HEADER } from './mapping.ts';
import type { CellValue, SourceRow } from './source.ts';

/**
 * Where rejected rows go, in the input's own format: the row number and the reason first, then the row's cells as
 * read (all of them, even past the header's width), so the user can fix them and import the file again.
 */
export interface RejectsWriter {
  write(row: SourceRow, reason: string): Promise<void>;
  close(): Promise<void>;
}

export function csvRejectsWriter(path: string, headers: readonly string[], delimiter: string): RejectsWriter {
  const file: WriteStream = createWriteStream(path);
  const csv = stringify({ delimiter, quoted_match: /[\r\n]/ });
  csv.pipe(file);
  let started = false;
  const put = async (record: CellValue[]) => {
    if (!csv.write(record.map((c) => (c instanceof Date ? c.toISOString() : c)))) await once(csv, 'drain');
  };
  return {
    async write(row, reason) {
      if (!started) {
        started = true;
        await put([REJECT_ROW_HEADER, REJECT_ERROR_HEADER, ...headers]);
      }
      await put([row.row, reason, ...row.cells]);
    },
    async close() {
      if (!started) await put([REJECT_ROW_HEADER, REJECT_ERROR_HEADER, ...headers]);
      csv.end();
      await once(file, 'close');
    },
  };
}

export async function xlsxRejectsWriter(path: string, headers: readonly string[], sheet: string): Promise<RejectsWriter> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: false, useSharedStrings: false });
  const worksheet = workbook.addWorksheet(sheet || 'rejects');
  worksheet.addRow([REJECT_ROW_HEADER, REJECT_ERROR_HEADER, ...headers]).commit();
  return {
    async write(row, reason) {
      worksheet.addRow([row.row, reason, ...row.cells]).commit();
    },
    async close() {
      worksheet.commit();
      await workbook.commit();
    },
  };
}
