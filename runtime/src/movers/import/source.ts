/** A cell as a source hands it over: CSV gives text, XLSX typed values (dates as UTC wall-clock Dates). */
export type CellValue = string | number | boolean | Date | null;

export interface SourceRow {
  /** Row number in the file as a spreadsheet counts it (the header is row 1). */
  row: number;
  /** CSV: the line the record ends on (a quoted field may span lines). XLSX: same as `row`. */
  line: number;
  cells: CellValue[];
}

/** An input file opened for reading: its headers and a one-pass stream of rows. */
export interface TabularSource {
  format: 'csv' | 'xlsx';
  /** Header texts; a file without a header gets `column 1`, `column 2`, … */
  headers: string[];
  hasHeader: boolean;
  /** How the file was read (encoding, delimiter, sheet), for the report. */
  details: Record<string, string | boolean>;
  rows: AsyncIterable<SourceRow>;
  /** Stops reading early and releases the file. */
  close(): Promise<void>;
}

/** Input the user must fix: the message names the file and the line or row. */
export class SourceError extends Error {
  override name = 'SourceError';
}

/**
 * Takes the first row of a row stream as the header (or synthesises names), and hands back the rest.
 */
export async function splitHeader(
  iterator: AsyncIterator<SourceRow>,
  hasHeader: boolean,
  source: string,
): Promise<{ headers: string[]; rows: AsyncIterable<SourceRow> }> {
  const first = await iterator.next();
  if (first.done) throw new SourceError(`${source} is empty: there is no header and no row`);
  const width = first.value.cells.length;
  const headers = hasHeader ? first.value.cells.map((c, i) => (c === null || c === '' ? `column ${i + 1}` : cellText(c).trim())) : Array.from({ length: width }, (_, i) => `column ${i + 1}`);
  // No wrapping generator: one async hop per row is what a row costs.
  let pending: SourceRow | null = hasHeader ? null : first.value;
  const rows: AsyncIterable<SourceRow> = {
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
  return { headers, rows };
}

export function cellText(value: CellValue): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
