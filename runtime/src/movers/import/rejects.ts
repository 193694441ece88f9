import { stringify } from 'csv-stringify/sync';
import { CSV_QUOTED, encodeXlsxText, neutraliseFormula, restoreNeutralised } from '../export/cells.ts';
import { openOutputFile } from '../output-file.ts';
import { loadOptionalPeer } from '../../util/optional-peer.ts';
import { REJECT_ERROR_HEADER, REJECT_ROW_HEADER } from './mapping.ts';
import type { CellValue, SourceRow } from './source.ts';

/**
 * Where rejected rows go, in the input's own format: the row number and the reason first, then the row's cells as
 * read (all of them, even past the header's width), so the user can fix them and import the file again. Text is
 * guarded against formulas as an export's is (a hostile input file stays inert in the spreadsheet that opens its
 * rejects), and the file appears only when `commit` succeeds (written beside it, then renamed).
 */
export interface RejectsWriter {
  write(row: SourceRow, reason: string): Promise<void>;
  /** Finishes the file and puts it in place; a write error (disk full) is raised here at the latest. */
  commit(): Promise<void>;
  /** Drops the file (the import failed); a no-op after commit. */
  discard(): Promise<void>;
}

/** A text cell as the file shows it: the value it stands for (an input's `'=x` is `=x`), guarded again. */
const guarded = (cell: CellValue): CellValue => (typeof cell === 'string' ? neutraliseFormula(restoreNeutralised(cell)) : cell);

export async function csvRejectsWriter(path: string, headers: readonly string[], delimiter: string): Promise<RejectsWriter> {
  const file = await openOutputFile(path);
  const put = (record: CellValue[]) =>
    file.write(stringify([record.map((c) => (c instanceof Date ? c.toISOString() : c))], { delimiter, quoted_match: CSV_QUOTED }));
  let started = false;
  const header = () => {
    started = true;
    return put([REJECT_ROW_HEADER, REJECT_ERROR_HEADER, ...headers.map(neutraliseFormula)]);
  };
  return {
    async write(row, reason) {
      if (!started) await header();
      await put([row.row, neutraliseFormula(reason), ...row.cells.map(guarded)]);
    },
    async commit() {
      if (!started) await header();
      await file.commit();
    },
    discard: () => file.discard(),
  };
}

export async function xlsxRejectsWriter(path: string, headers: readonly string[], sheet: string): Promise<RejectsWriter> {
  const { default: ExcelJS } = await loadOptionalPeer('exceljs', 'writing an .xlsx rejects file', () => import('exceljs'));
  const file = await openOutputFile(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: file.stream, useStyles: false, useSharedStrings: false });
  const worksheet = workbook.addWorksheet(sheet || 'rejects');
  const text = (cell: CellValue) => (typeof cell === 'string' ? encodeXlsxText(cell) : cell);
  worksheet.addRow([REJECT_ROW_HEADER, REJECT_ERROR_HEADER, ...headers.map((h) => text(neutraliseFormula(h)))]).commit();
  return {
    async write(row, reason) {
      worksheet.addRow([row.row, text(neutraliseFormula(reason)), ...row.cells.map((c) => text(guarded(c)))]).commit();
      file.check();
    },
    async commit() {
      worksheet.commit();
      await file.race(workbook.commit());
      await file.commit();
    },
    discard: () => file.discard(),
  };
}
