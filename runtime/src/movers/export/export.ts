import { stringify } from 'csv-stringify/sync';
import type ExcelJSModule from 'exceljs';
import { CompiledQuery, sql } from 'kysely';
import type { TenantDb } from '../../connect.ts';
import type { BulkValue, StreamedColumn } from '../../dialects/bulk-load.ts';
import { findTable, type TableRef, toTableRef } from '../../schema/table-names.ts';
import { openOutputFile, type OutputFile, OutputFileError } from '../output-file.ts';
import { InputError } from '../../util/document-file.ts';
import { loadOptionalPeer } from '../../util/optional-peer.ts';
import { CSV_QUOTED, csvCell, headerCell, xlsxCell, xlsxHeaderCell } from './cells.ts';
import { failureText } from '../../errors.ts';

/** Rewrites one row before it is written (column masking plugs in here); returns values in the same column order. */
export type RowTransform = (values: BulkValue[], columns: readonly StreamedColumn[]) => BulkValue[];

export interface ExportOptions {
  format: 'csv' | 'xlsx';
  out: string;
  /** CSV field delimiter; `,` by default. */
  delimiter?: string;
  /** Start the CSV with a UTF-8 BOM (Excel on Windows then reads it as UTF-8). */
  bom?: boolean;
  /** XLSX sheet name; the table name or `export`. */
  sheet?: string;
  batchRows?: number;
  transform?: RowTransform;
  onProgress?: (rows: number) => void;
}

/** The rows stopped coming (a query error, the server gone); the file at the target is as it was. */
export class ExportError extends Error {
  override name = 'ExportError';
}

export interface ExportReport {
  out: string;
  format: 'csv' | 'xlsx';
  columns: string[];
  rows: number;
}

interface RowWriter {
  header(columns: readonly StreamedColumn[]): Promise<void>;
  rows(rows: readonly (readonly BulkValue[])[], columns: readonly StreamedColumn[]): Promise<void>;
  /** Writes the end of the file and puts it in place of the target. */
  commit(): Promise<void>;
  /** Drops what was written; the target is as it was. */
  discard(): Promise<void>;
}

/** A delimiter the file could not be read back with: the quote, a line break, a letter or digit a value may hold. */
function assertUsableDelimiter(delimiter: string | undefined): void {
  if (delimiter === undefined) return;
  if (delimiter.length !== 1 || /["\r\n\p{L}\p{N}]/u.test(delimiter)) {
    throw new InputError(
      `CSV delimiter ${JSON.stringify(delimiter)} cannot be read back: use one character that is not a quote, a line break, a letter or a digit (, ; tab |)`,
    );
  }
}

function csvWriter(file: OutputFile, options: ExportOptions): RowWriter {
  const format = { delimiter: options.delimiter ?? ',', record_delimiter: '\r\n', quoted_match: CSV_QUOTED };
  let first = true;
  const put = (records: (string | null)[][]) => {
    const text = stringify(records, { ...format, bom: first && Boolean(options.bom) });
    first = false;
    return file.write(text);
  };
  return {
    header: (columns) => put([columns.map((c) => headerCell(c.name))]),
    rows: (rows) => put(rows.map((values) => values.map(csvCell))),
    commit: () => file.commit(),
    discard: () => file.discard(),
  };
}

function xlsxWriter(ExcelJS: typeof ExcelJSModule, file: OutputFile, options: ExportOptions): RowWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: file.stream, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet((options.sheet ?? 'export').replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'export');
  return {
    async header(columns) {
      sheet.addRow(columns.map((c) => xlsxHeaderCell(c.name))).commit();
    },
    async rows(rows, columns) {
      for (const values of rows) {
        const cells = values.map((v, i) => xlsxCell(v, columns[i]!));
        const row = sheet.addRow(cells.map((c) => c.value));
        cells.forEach((c, i) => {
          if (c.numFmt) row.getCell(i + 1).numFmt = c.numFmt;
        });
        row.commit();
      }
      // exceljs buffers what the file stream has not taken: a failed disk stops the export here, not at the end.
      file.check();
    },
    async commit() {
      sheet.commit();
      await file.race(workbook.commit());
      await file.commit();
    },
    discard: () => file.discard(),
  };
}

/**
 * Streams a query's rows into a CSV or XLSX file: rows are read in batches (a cursor on Postgres) and written as
 * they come, so memory stays flat whatever the size. Text that a spreadsheet would run as a formula is neutralised,
 * headers included. The file is written beside the target and renamed over it at the end: an export that fails
 * (the server goes away, the disk fills) leaves the previous file as it was and no partial file.
 */
export async function exportRows(tenant: TenantDb, query: CompiledQuery, options: ExportOptions): Promise<ExportReport> {
  const { bulk } = tenant.dialect;
  assertUsableDelimiter(options.delimiter);
  // Before the output file is opened: a missing exceljs is reported as itself, nothing written.
  const excel = options.format === 'xlsx' ? (await loadOptionalPeer('exceljs', 'writing .xlsx files', () => import('exceljs'))).default : null;
  const file = await openOutputFile(options.out);
  let columns: readonly StreamedColumn[] = [];
  let rows = 0;
  let writer: RowWriter | null = null;
  try {
    writer = excel ? xlsxWriter(excel, file, options) : csvWriter(file, options);
    let started = false;
    for await (const batch of bulk.stream(tenant, query, options.batchRows ?? 2000)) {
      if (!started) {
        columns = batch.columns;
        await writer.header(columns);
        started = true;
      }
      await writer.rows(options.transform ? batch.rows.map((values) => options.transform!(values, columns)) : batch.rows, columns);
      rows += batch.rows.length;
      options.onProgress?.(rows);
    }
    await writer.commit();
  } catch (error) {
    await (writer ?? file).discard();
    if (error instanceof OutputFileError) throw error;
    throw new ExportError(`the export to ${options.out} stopped after ${rows} row(s): ${failureText(error)}; ${options.out} is as it was`, {
      cause: error,
    });
  }
  return { out: options.out, format: options.format, columns: columns.map((c) => c.name), rows };
}

/**
 * Exports a whole table, ordered by its primary key when it has one (so two exports of the same data are equal).
 * `table` is text in the table-name syntax (schema/table-names.ts: `orders`, `app.orders`, `"a.b"`) or
 * `{ schema?, name }`; no schema means the default schema. Names are quoted identifiers, never SQL text.
 */
export async function exportTable(tenant: TenantDb, table: string | TableRef, options: ExportOptions): Promise<ExportReport> {
  const model = await tenant.dialect.introspect(tenant.db);
  const found = findTable(model, toTableRef(table));
  const order = (found.primaryKey?.columns ?? []).map((c) => sql.id(c));
  const query = sql`select * from ${sql.id(found.schema, found.name)}${order.length ? sql` order by ${sql.join(order)}` : sql``}`;
  return exportRows(tenant, query.compile(tenant.db), { sheet: found.name, ...options });
}

/** Exports the rows of the user's own SQL text: one statement that only reads, else refused before it runs (bulk.stream). */
export function exportQuery(tenant: TenantDb, sqlText: string, options: ExportOptions): Promise<ExportReport> {
  return exportRows(tenant, CompiledQuery.raw(sqlText), options);
}
