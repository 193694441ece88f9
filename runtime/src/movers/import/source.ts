import type { CsvFormat } from '../../dialects/bulk-load.ts';
import { restoreNeutralised } from '../export/cells.ts';

/**
 * A cell as a source hands it over: CSV gives text, XLSX typed values (dates as UTC wall-clock Dates). Null is an
 * empty cell (CSV: an empty field; XLSX: no cell), the empty string a cell holding empty text (CSV: `""`).
 */
export type CellValue = string | number | boolean | Date | null;

export interface SourceRow {
  /** Row number in the file as a spreadsheet counts it (the header is row 1). */
  row: number;
  /** CSV: the line the record ends on (a quoted field may span lines). XLSX: same as `row`. */
  line: number;
  cells: CellValue[];
}

/**
 * Rows read together. `csv` is their exact text when the file is CSV read by the fast parser (so a COPY can take
 * it as is, in `TabularSource.csv`'s format), null otherwise.
 */
export interface SourceBatch {
  rows: SourceRow[];
  csv: string | null;
}

/** An input file opened for reading: its headers and a one-pass stream of rows (read `batches` or `rows`, once). */
export interface TabularSource {
  format: 'csv' | 'xlsx';
  /** Header texts; a file without a header gets `column 1`, `column 2`, … */
  headers: string[];
  hasHeader: boolean;
  /** How the file was read (encoding, delimiter, sheet), for the report. */
  details: Record<string, string | boolean>;
  batches: AsyncIterable<SourceBatch>;
  rows: AsyncIterable<SourceRow>;
  /** CSV only: how the file writes fields and lines (what a batch's `csv` text needs to be read). */
  csv?: CsvFormat;
  /** Stops reading early and releases the file. */
  close(): Promise<void>;
}

/** Input the user must fix: the message names the file and the line or row. */
export class SourceError extends Error {
  override name = 'SourceError';
}

/**
 * Takes the first row of a batch stream as the header (or synthesises names) and hands back the rest, as batches
 * and as rows. `headerLineEnd` finds where the header's text ends in the first batch's `csv` (-1: it cannot tell,
 * and that batch goes without its text).
 */
export async function splitHeader(
  iterator: AsyncIterator<SourceBatch>,
  hasHeader: boolean,
  source: string,
  headerLineEnd: (csv: string, header: SourceRow) => number = () => -1,
): Promise<{ headers: string[]; batches: AsyncIterable<SourceBatch>; rows: AsyncIterable<SourceRow> }> {
  const first = await iterator.next();
  if (first.done || first.value.rows.length === 0) throw new SourceError(`${source} is empty: there is no header and no row`);
  const top = first.value.rows[0]!;
  const width = top.cells.length;
  // A header neutralised against formulas (an export's `'=cost`) names the column it was written for.
  const headers = hasHeader
    ? top.cells.map((c, i) => (c === null || c === '' ? `column ${i + 1}` : restoreNeutralised(cellText(c).trim())))
    : Array.from({ length: width }, (_, i) => `column ${i + 1}`);
  let pending: SourceBatch | null = first.value;
  if (hasHeader) {
    const csv = first.value.csv;
    const end = csv === null ? -1 : headerLineEnd(csv, top);
    pending = { rows: first.value.rows.slice(1), csv: end < 0 ? null : csv!.slice(end) };
  }
  const batches: AsyncIterable<SourceBatch> = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        if (!pending) return iterator.next();
        const value = pending;
        pending = null;
        return Promise.resolve({ done: false, value });
      },
      return: async (value?: unknown) => (await iterator.return?.(value)) ?? { done: true, value: undefined },
    }),
  };
  const rows: AsyncIterable<SourceRow> = {
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches) yield* batch.rows;
    },
  };
  return { headers, batches, rows };
}

/** Groups a row stream into batches (sources without raw text). */
export async function* inBatches(rows: AsyncIterable<SourceRow>, size = 1000): AsyncGenerator<SourceBatch> {
  let batch: SourceRow[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield { rows: batch, csv: null };
      batch = [];
    }
  }
  if (batch.length) yield { rows: batch, csv: null };
}

export function cellText(value: CellValue): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
