import { decodeXlsxText } from '../export/cells.ts';
import { type CellValue, inBatches, type SourceRow, SourceError, splitHeader, type TabularSource } from './source.ts';
import { DEFAULT_ZIP_LIMITS, guardZip, ZipLimitError, type ZipLimits } from './zip-guard.ts';
import { XlsxCellLimitError } from './xlsx-cell-guard.ts';
import { openWorkbookReader } from './xlsx-workbook-reader.ts';

export interface XlsxReadOptions {
  /** Sheet to read; the first one when absent. */
  sheet?: string;
  header?: boolean;
  limits?: Partial<ZipLimits>;
}

/** Largest number of columns a sheet can have (Excel's XFD). */
const MAX_COLUMNS = 16_384;

/**
 * One cell as a plain value: a formula gives its cached result (the file is not recalculated), rich text its
 * text, a hyperlink its text, an error cell its code as text. Merged cells hold their value in the top-left cell
 * only; the others read as empty. Text is unescaped (`_x000D_` is a CR, as Excel reads it).
 */
export function plainCell(value: unknown, where: string): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return decodeXlsxText(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  const v = value as Record<string, unknown>;
  if ('formula' in v || 'sharedFormula' in v) {
    if (v.result === undefined || v.result === null)
      throw new SourceError(`${where} holds a formula without a saved result; open and save the file in Excel first`);
    return plainCell(v.result, where);
  }
  if ('richText' in v) return decodeXlsxText((v.richText as { text: string }[]).map((r) => r.text).join(''));
  if ('text' in v) return plainCell(v.text, where);
  if ('error' in v) return String(v.error);
  return JSON.stringify(v);
}

const FIXED_DECIMALS = /^(?:#,##)?0\.(0+)$/;

/**
 * A number cell shown with a fixed number of decimals (`0.00`) as the text it shows, when that text is the same
 * number: an export's 1.50 comes back as 1.50, not 1.5. A value the format rounds (1.899 shown as 1.90) stays a number.
 */
function shownNumber(value: number, numFmt: string | undefined): CellValue {
  const m = numFmt ? FIXED_DECIMALS.exec(numFmt) : null;
  if (!m || m[1]!.length > 20) return value;
  const text = value.toFixed(m[1]!.length);
  return Number(text) === value ? text : value;
}

/**
 * Opens an XLSX workbook with exceljs's streaming reader, after the zip guard has checked what it would inflate to.
 * Dates come back as exceljs builds them: the cell's wall-clock time as a UTC Date.
 */
export async function openXlsxSource(path: string, options: XlsxReadOptions = {}): Promise<TabularSource> {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
  const entries = await guardZip(path, limits).catch((error: Error) => {
    throw error instanceof ZipLimitError ? error : new SourceError(error.message);
  });
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) throw new SourceError(`${path} is not an XLSX workbook (no xl/workbook.xml inside)`);
  // exceljs loads only for workbooks: a CSV import does not pay for it. Read through the zip's central
  // directory, not exceljs's single streaming pass, which can lose xl/workbook.xml (exceljs #3064).
  const reader = await openWorkbookReader(
    path,
    { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' },
    limits.maxCellBytes,
  );
  const seen: string[] = [];
  let sheetName = '';
  /** The cell-size guard's error, with the sheet it was reading (none while the shared strings are read). */
  const tooLarge = (error: XlsxCellLimitError, sheet: string | null) =>
    new ZipLimitError(
      `${path}: ${error.sharedString ? `shared string ${error.sharedString} (text used by cells)` : `sheet "${sheet ?? '?'}" cell ${error.cell ?? '?'}`} holds more than ${error.limit} bytes, the limit for one cell`,
    );
  let reading: string | null = null;
  async function* records(): AsyncGenerator<SourceRow> {
    try {
      yield* sheetRecords();
    } catch (error) {
      throw error instanceof XlsxCellLimitError ? tooLarge(error, reading) : error;
    }
  }
  async function* sheetRecords(): AsyncGenerator<SourceRow> {
    for await (const worksheet of reader) {
      const name = (worksheet as unknown as { name: string }).name;
      reading = name;
      seen.push(name);
      if (sheetName || (options.sheet !== undefined && name !== options.sheet)) {
        for await (const _row of worksheet) {
          // a sheet not asked for is read through (the stream is sequential) and dropped
        }
        continue;
      }
      sheetName = name;
      for await (const row of worksheet) {
        if (row.number > limits.maxRows) throw new ZipLimitError(`${path}: sheet "${name}" has more than ${limits.maxRows} rows (limit)`);
        const values = row.values as unknown[];
        if (values.length - 1 > MAX_COLUMNS) throw new SourceError(`${path}: row ${row.number} of sheet "${name}" has more than ${MAX_COLUMNS} columns`);
        const cells: CellValue[] = [];
        for (let i = 1; i < values.length; i++) {
          const cell = plainCell(values[i], `${path}: sheet "${name}" row ${row.number} column ${i}`);
          cells.push(typeof cell === 'number' ? shownNumber(cell, row.getCell(i).numFmt) : cell);
        }
        if (cells.every((c) => c === null || c === '')) continue;
        yield { row: row.number, line: row.number, cells };
      }
    }
    if (!sheetName) {
      throw new SourceError(
        options.sheet !== undefined ? `${path} has no sheet named "${options.sheet}"; its sheets are: ${seen.join(', ') || 'none'}` : `${path} has no sheet`,
      );
    }
  }
  const iterator = inBatches(records());
  let split;
  try {
    split = await splitHeader(iterator, options.header ?? true, `${path} (sheet ${options.sheet ?? 'first'})`);
  } catch (error) {
    const e = error as Error;
    if (e instanceof SourceError || e instanceof ZipLimitError) throw e;
    throw new SourceError(`${path} cannot be read as a workbook: ${e.message}`);
  }
  return {
    format: 'xlsx',
    headers: split.headers,
    hasHeader: options.header ?? true,
    details: { sheet: sheetName },
    batches: split.batches,
    rows: split.rows,
    close: async () => {
      await iterator.return(undefined);
    },
  };
}
