import type { MappingEntry } from './mapping.ts';
import type { ImportReport } from './import.ts';
import { SourceError } from './source.ts';
import { ZipLimitError } from './zip-guard.ts';
import { OutputFileError } from '../output-file.ts';
import { failureText } from '../../errors.ts';

/** The mapping needs the user: headers it would not guess, or explicit mappings that do not fit. */
export class ImportMappingError extends Error {
  override name = 'ImportMappingError';
  readonly mapping: MappingEntry[];
  constructor(message: string, mapping: MappingEntry[]) {
    super(message);
    this.mapping = mapping;
  }
}

/** An all-or-nothing import found rejected rows: nothing was written. */
export class ImportRejectedError extends Error {
  override name = 'ImportRejectedError';
  readonly report: ImportReport;
  constructor(report: ImportReport) {
    const first = report.rejected[0];
    super(
      `${report.rowsRejected} row(s) rejected, nothing imported (the table is unchanged)` +
        (first ? `; first: row ${first.row}${first.header ? `, column "${first.header}"` : ''}: ${first.reason}` : '') +
        (report.rejectsFile ? `; all rejected rows are in ${report.rejectsFile}` : '; use --rejects FILE to get them, or --on-error skip to load the rest'),
    );
    this.report = report;
  }
}

/** The database refused a row the file's validation let through (a key already in the table, a foreign key). */
export class ImportDatabaseError extends Error {
  override name = 'ImportDatabaseError';
  readonly row: number | null;
  constructor(message: string, row: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.row = row;
  }
}

/** Errors that already say what happened to the file or the table. */
export function isImportError(error: unknown): boolean {
  return (
    error instanceof ImportRejectedError ||
    error instanceof ImportDatabaseError ||
    error instanceof ImportMappingError ||
    error instanceof SourceError ||
    error instanceof ZipLimitError ||
    error instanceof OutputFileError
  );
}

/**
 * Anything else that stops the load (the server gone, the connection reset) as one line saying how far it got and
 * what became of the table: unchanged when the transaction had not reached its COMMIT, unknown when COMMIT failed.
 */
export function stoppedError(error: unknown, file: string, table: string, rowsRead: number, committing: boolean): ImportDatabaseError {
  const message = failureText(error);
  const outcome = committing
    ? `the COMMIT did not answer, so whether the rows were stored is unknown: look at table ${table}`
    : 'nothing was imported (the table is unchanged)';
  return new ImportDatabaseError(`the import of ${file} into ${table} stopped after ${rowsRead} row(s) read: ${message}; ${outcome}`, null, { cause: error });
}
