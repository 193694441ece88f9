import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify';
import { CompiledQuery, sql } from 'kysely';
import type { TenantDb } from '../../connect.ts';
import type { BulkValue, StreamedColumn } from '../../dialects/bulk-load.ts';
import { loadDialect } from '../../dialects/index.ts';
import { findTable, type TableRef, toTableRef } from '../../schema/table-names.ts';
import { csvCell, xlsxCell } from './cells.ts';

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

export interface ExportReport {
  out: string;
  format: 'csv' | 'xlsx';
  columns: string[];
  rows: number;
}

interface RowWriter {
  header(columns: readonly StreamedColumn[]): Promise<void>;
  row(values: readonly BulkValue[], columns: readonly StreamedColumn[]): Promise<void>;
  close(): Promise<void>;
}

function csvWriter(options: ExportOptions): RowWriter {
  const file = createWriteStream(options.out);
  // A lone CR or LF in a field is quoted too: readers that accept any line ending would otherwise split the record.
  const csv = stringify({ delimiter: options.delimiter ?? ',', record_delimiter: '\r\n', bom: Boolean(options.bom), quoted_match: /[\r\n]/ });
  csv.pipe(file);
  const put = async (record: string[]) => {
    if (!csv.write(record)) await once(csv, 'drain');
  };
  return {
    header: (columns) => put(columns.map((c) => c.name)),
    row: (values) => put(values.map(csvCell)),
    async close() {
      csv.end();
      await once(file, 'close');
    },
  };
}

async function xlsxWriter(options: ExportOptions): Promise<RowWriter> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: options.out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet((options.sheet ?? 'export').replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'export');
  return {
    async header(columns) {
      sheet.addRow(columns.map((c) => c.name)).commit();
    },
    async row(values, columns) {
      const cells = values.map((v, i) => xlsxCell(v, columns[i]!));
      const row = sheet.addRow(cells.map((c) => c.value));
      cells.forEach((c, i) => {
        if (c.numFmt) row.getCell(i + 1).numFmt = c.numFmt;
      });
      row.commit();
    },
    async close() {
      sheet.commit();
      await workbook.commit();
    },
  };
}

/**
 * Streams a query's rows into a CSV or XLSX file: rows are read in batches (a cursor on Postgres) and written as
 * they come, so memory stays flat whatever the size. Text that a spreadsheet would run as a formula is neutralised.
 */
export async function exportRows(tenant: TenantDb, query: CompiledQuery, options: ExportOptions): Promise<ExportReport> {
  const { bulk } = await loadDialect(tenant.dialect);
  const writer = options.format === 'xlsx' ? await xlsxWriter(options) : csvWriter(options);
  let columns: readonly StreamedColumn[] = [];
  let rows = 0;
  let started = false;
  try {
    for await (const batch of bulk.stream(tenant, query, options.batchRows ?? 2000)) {
      if (!started) {
        columns = batch.columns;
        await writer.header(columns);
        started = true;
      }
      for (const values of batch.rows) {
        await writer.row(options.transform ? options.transform(values, columns) : values, columns);
        rows++;
      }
      options.onProgress?.(rows);
    }
  } finally {
    await writer.close();
  }
  return { out: options.out, format: options.format, columns: columns.map((c) => c.name), rows };
}

/**
 * Exports a whole table, ordered by its primary key when it has one (so two exports of the same data are equal).
 * `table` is text in the table-name syntax (schema/table-names.ts: `orders`, `app.orders`, `"a.b"`) or
 * `{ schema?, name }`; no schema means the default schema. Names are quoted identifiers, never SQL text.
 */
export async function exportTable(tenant: TenantDb, table: string | TableRef, options: ExportOptions): Promise<ExportReport> {
  const dialect = await loadDialect(tenant.dialect);
  const model = await dialect.introspect(tenant.db);
  const found = findTable(model, toTableRef(table));
  const order = (found.primaryKey?.columns ?? []).map((c) => sql.id(c));
  const query = sql`select * from ${sql.id(found.schema, found.name)}${order.length ? sql` order by ${sql.join(order)}` : sql``}`;
  return exportRows(tenant, query.compile(tenant.db), { sheet: found.name, ...options });
}

/** Exports the rows of the user's own SQL text: one statement that only reads, else refused before it runs (bulk.stream). */
export function exportQuery(tenant: TenantDb, sqlText: string, options: ExportOptions): Promise<ExportReport> {
  return exportRows(tenant, CompiledQuery.raw(sqlText), options);
}
