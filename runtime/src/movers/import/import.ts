import { access, readFile, stat } from 'node:fs/promises';
import { CompiledQuery } from 'kysely';
import type { NeutralType, Table } from '../../contracts/schema-model.ts';
import { driverValues } from '../../dialects/value-shape.ts';
import type { CreateRules } from './infer.ts';
import { formatTableName, type TableRef, toTableRef } from '../../schema/table-names.ts';
import { type BulkBatch, BulkRowError, type BulkValue } from '../../dialects/bulk-load.ts';
import type { Dialect } from '../../dialects/index.ts';
import type { TenantDb } from '../../connect.ts';
import type { TextEncodingName } from './encoding.ts';
import { resolveImportTarget, ImportTargetError } from './target.ts';
import { DEFAULT_MAPPING_THRESHOLD, mapHeaders, type MappingEntry, parseSavedMapping, savedMapping } from './mapping.ts';
import { openSource } from './open-source.ts';
import { csvRejectsWriter, type RejectsWriter, xlsxRejectsWriter } from './rejects.ts';
import type { CellValue, SourceRow, TabularSource } from './source.ts';
import type { DateOrder } from './values.ts';
import type { ZipLimits } from './zip-guard.ts';
import { type ConversionPlan, rowConverter } from './convert-row.ts';
import { RowUnpacker } from './packed-rows.ts';
import { asBuffer, parallelPays, rowThread } from './row-thread.ts';
import { openOutputFile } from '../output-file.ts';
import { ImportDatabaseError, ImportMappingError, ImportRejectedError, isImportError, stoppedError } from './errors.ts';

export { ImportDatabaseError, ImportMappingError, ImportRejectedError } from './errors.ts';

export interface ImportOptions {
  file: string;
  /**
   * The target table: text in the table-name syntax (schema/table-names.ts: `orders`, `app.orders`,
   * `"Odd ""Schema"" ü".t`, a name holding a dot quoted as `"a.b"`), or `{ schema?, name }`. No schema: the default one.
   */
  table: string | TableRef;
  /**
   * Create the table from the file (types inferred from the first `sampleRows` rows) through a createTable op. A
   * column becomes a number only when every sampled value reads back as written (no leading zero, within 2^53, the
   * scale kept); dates and booleans in their common spellings.
   */
  create?: boolean;
  /** With `create`: column types given by column name (as created), instead of inferred. */
  types?: Record<string, NeutralType>;
  sheet?: string;
  /** HEADER (or 1-based position) → column, or null to leave the header out. Wins over the mapping file. */
  map?: Record<string, string | null>;
  /** A saved mapping: read when the file exists, written with the settled mapping when it does not. */
  mappingFile?: string;
  dryRun?: boolean;
  /** `abort` (default): any rejected row fails the whole import. `skip`: load the good rows. */
  onError?: 'abort' | 'skip';
  rejectsFile?: string;
  dateFormat?: DateOrder;
  encoding?: TextEncodingName;
  delimiter?: string;
  header?: boolean;
  threshold?: number;
  previewRows?: number;
  sampleRows?: number;
  limits?: Partial<ZipLimits>;
  /** In-file uniqueness is checked for up to this many keys per constraint (memory bound); the database checks the rest. */
  uniqueKeyLimit?: number;
  onProgress?: (rowsRead: number) => void;
  /**
   * CSV into SQLite: a file of at least this many bytes is read, parsed and checked in a worker thread while this
   * thread inserts (default 32 MiB, with two cores or more; below that the worker's start-up costs more than the
   * overlap wins). Infinity: never; 0: always.
   */
  parallelAboveBytes?: number;
}

export interface RejectedRow {
  row: number;
  line: number;
  /** The column (as the file names it) at fault, or null for a row-level problem. */
  header: string | null;
  reason: string;
}

export interface ImportReport {
  file: string;
  /** The table, as reports print it: bare in the default schema, else `schema.table` (quoted where needed). */
  table: string;
  format: 'csv' | 'xlsx';
  details: Record<string, string | boolean>;
  mapping: MappingEntry[];
  created: boolean;
  dryRun: boolean;
  /** True when rows were written and committed. */
  committed: boolean;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Rows sent to the database as the file's own text (Postgres COPY … CSV); the others were encoded again. */
  rowsAsFileText: number;
  /** The first 100 rejected rows; all of them are in the rejects file. */
  rejected: RejectedRow[];
  rejectsFile: string | null;
  /** The first rows as they would be stored. */
  preview: Record<string, BulkValue>[];
  mappingFileWritten: string | null;
  notes: string[];
}

const MAX_REPORTED = 100;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Whether two table names (text or references) name the same table. */
function sameTable(a: string | TableRef, b: string | TableRef, defaultSchema: string): boolean {
  try {
    return formatTableName(toTableRef(a), defaultSchema) === formatTableName(toTableRef(b), defaultSchema);
  } catch {
    return false;
  }
}

function insertableColumns(table: Table): string[] {
  return table.columns.filter((c) => !c.generated).map((c) => c.name);
}

function checkDuplicateHeaders(headers: readonly string[], explicit: Record<string, string | null>): void {
  const positions = new Map<string, number[]>();
  headers.forEach((h, i) => positions.set(h, [...(positions.get(h) ?? []), i]));
  for (const [header, at] of positions) {
    if (at.length < 2 || at.every((i) => String(i + 1) in explicit)) continue;
    throw new ImportMappingError(
      `the header "${header}" appears ${at.length} times (columns ${at.map((i) => i + 1).join(', ')}); say which is which by position, e.g. --map ${at[0]! + 1}=COLUMN --map ${at[1]! + 1}=`,
      [],
    );
  }
}

/**
 * Imports a CSV/TSV or XLSX file into a table: sniff, map headers, validate every row against the SchemaModel,
 * stream the good rows through the dialect's bulk path in one transaction (Postgres: COPY into a staging table, one
 * INSERT … SELECT). All-or-nothing unless `onError: 'skip'`.
 */
export async function importFile(tenant: TenantDb, options: ImportOptions): Promise<ImportReport> {
  // The file first: a zip bomb or an unreadable file is refused before the database is touched.
  const source = await openSource(options.file, {
    ...(options.encoding ? { encoding: options.encoding } : {}),
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    ...(options.header !== undefined ? { header: options.header } : {}),
    ...(options.sheet !== undefined ? { sheet: options.sheet } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  try {
    return await importFromSource(tenant, tenant.dialect, source, options);
  } finally {
    await source.close();
  }
}

async function importFromSource(tenant: TenantDb, dialect: Dialect, source: TabularSource, options: ImportOptions): Promise<ImportReport> {
  const model = await dialect.introspect(tenant.db);
  const notes: string[] = [];
  let explicit: Record<string, string | null> = {};
  const mappingFileExists = options.mappingFile ? await exists(options.mappingFile) : false;
  if (options.mappingFile && mappingFileExists) {
    const saved = parseSavedMapping(await readFile(options.mappingFile, 'utf8'), options.mappingFile);
    if (!sameTable(saved.table, options.table, model.defaultSchema)) notes.push(`mapping file ${options.mappingFile} was saved for table ${saved.table}`);
    explicit = { ...saved.map };
  }
  explicit = { ...explicit, ...options.map };
  const headers = source.headers;
  checkDuplicateHeaders(headers, explicit);

  const rules: CreateRules = {
    identifierProblem: dialect.migrations.identifierProblem,
    keepsNumberText: driverValues(dialect.name).keepsNumberText,
    ...(options.types ? { types: options.types } : {}),
  };
  if (options.types && !options.create) throw new ImportMappingError('--type only applies with --create (an existing table has its types)', []);
  const target = await resolveImportTarget(
    model,
    options.table,
    options.create ? { sampleRows: options.sampleRows ?? 1000, headers, explicit, rules } : null,
    source.batches,
  ).catch((error: unknown) => {
    throw error instanceof ImportTargetError ? new ImportMappingError(error.message, []) : error;
  });
  const { table, createOp, batches } = target;
  notes.push(...target.notes);

  const columns = insertableColumns(table);
  const mapped = mapHeaders(headers, columns, explicit, options.threshold ?? DEFAULT_MAPPING_THRESHOLD);
  if (mapped.problems.length) throw new ImportMappingError(mapped.problems.join('\n'), mapped.entries);
  if (mapped.undecided.length) {
    const list = mapped.undecided.map(
      (e) =>
        `  "${e.header}" (column ${e.index + 1})${e.column && e.confidence >= 0.5 ? `: best guess ${e.column} at ${Math.round(e.confidence * 100)}%` : ': no likely column'}`,
    );
    throw new ImportMappingError(`these headers need --map HEADER=COLUMN (or --map HEADER= to leave one out):\n${list.join('\n')}`, [
      ...mapped.entries.filter((e) => e.column !== null),
      ...mapped.undecided,
    ]);
  }
  const active = mapped.entries.filter((e) => e.column !== null);
  if (active.length === 0) throw new ImportMappingError('no header maps to a column of the table', mapped.entries);
  const targetColumns = active.map((e) => e.column!);
  const missing = table.columns.filter((c) => !c.nullable && c.default === null && !c.identity && !c.generated && !targetColumns.includes(c.name));
  if (missing.length) {
    throw new ImportMappingError(
      `no header maps to the required column(s) ${missing.map((c) => `"${c.name}"`).join(', ')} (NOT NULL without a default)`,
      mapped.entries,
    );
  }
  let mappingFileWritten: string | null = null;
  if (options.mappingFile && !mappingFileExists) {
    const file = await openOutputFile(options.mappingFile);
    try {
      await file.write(`${JSON.stringify(savedMapping(target.display, mapped.entries), null, 2)}\n`);
      await file.commit();
    } finally {
      await file.discard();
    }
    mappingFileWritten = options.mappingFile;
  }

  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const conversion: ConversionPlan = {
    table,
    model,
    active: active.map((e) => ({ index: e.index, header: e.header, column: e.column! })),
    width: headers.length,
    format: source.format,
    ...(options.dateFormat ? { dateOrder: options.dateFormat } : {}),
    ...(options.uniqueKeyLimit !== undefined ? { uniqueKeyLimit: options.uniqueKeyLimit } : {}),
  };
  const convertRow = rowConverter(conversion);
  const unique = convertRow.unique;
  const rejectsWriter: RejectsWriter | null = options.rejectsFile
    ? source.format === 'xlsx'
      ? await xlsxRejectsWriter(options.rejectsFile, headers, String(source.details.sheet ?? 'rejects'))
      : await csvRejectsWriter(options.rejectsFile, headers, String(source.details.delimiter ?? ','))
    : null;

  const report: ImportReport = {
    file: options.file,
    table: target.display,
    format: source.format,
    details: source.details,
    mapping: mapped.entries,
    created: false,
    dryRun: Boolean(options.dryRun),
    committed: false,
    rowsRead: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
    rowsAsFileText: 0,
    rejected: [],
    rejectsFile: options.rejectsFile ?? null,
    preview: [],
    mappingFileWritten,
    notes,
  };
  const abort = (options.onError ?? 'abort') === 'abort';
  const previewRows = options.previewRows ?? 10;
  const width = headers.length;

  const reject = async (row: SourceRow, header: string | null, reason: string) => {
    report.rowsRejected++;
    if (report.rejected.length < MAX_REPORTED) report.rejected.push({ row: row.row, line: row.line, header, reason });
    await rejectsWriter?.write(row, header ? `${header}: ${reason}` : reason);
  };

  // The file's own text can go to the server when every header feeds its column in file order and the dialect
  // reads CSV in the file's format; a batch is sent as is when each of its cells reads back as the validated
  // value, else re-encoded.
  const csvText = dialect.bulk.csvText;
  const matchers =
    source.csv && csvText?.accepts(source.csv) && active.length === width && active.every((e, i) => e.index === i)
      ? active.map((e) => csvText.cellMatcher(byName.get(e.column!)!.type.kind))
      : null;
  const rawText = (cells: readonly CellValue[], values: readonly BulkValue[]) => {
    if (cells.length !== width) return false;
    for (let i = 0; i < width; i++) if (!matchers![i]!((cells[i] as string | null) ?? '', values[i]!)) return false;
    return true;
  };
  /** Load position → file row, as runs of consecutive rows (a rejected row starts a new run). */
  const loadedRuns: { at: number; row: number }[] = [];
  let loadedCount = 0;
  const note = (row: number) => {
    const last = loadedRuns[loadedRuns.length - 1];
    if (!last || last.row + (loadedCount - last.at) !== row) loadedRuns.push({ at: loadedCount, row });
    loadedCount++;
  };
  const stopped = () => abort && report.rowsRejected > 0;

  /**
   * The good rows, batch by batch: as the file's CSV text while every cell of the batch reads back as its value
   * (the values then live only in one scratch row), else as values.
   */
  async function* converted(): AsyncGenerator<BulkBatch> {
    let rowsSinceProgress = 0;
    const scratch: BulkValue[] = new Array(active.length);
    for await (const batch of batches) {
      let asText = batch.csv !== null && matchers !== null;
      let out: BulkValue[][] = [];
      let sent = 0;
      // From row `at` on the batch goes as values: convert the rows before it (all good while it was text) again.
      const leaveText = (at: number) => {
        asText = false;
        if (!stopped()) out = batch.rows.slice(0, at).map((r) => convertRow(r, undefined, false) as BulkValue[]);
      };
      for (let at = 0; at < batch.rows.length; at++) {
        const row = batch.rows[at]!;
        report.rowsRead++;
        const values = convertRow(row, asText ? scratch : undefined);
        if (!Array.isArray(values)) {
          if (asText) leaveText(at);
          await reject(row, values.header, values.reason);
          continue;
        }
        if (report.preview.length < previewRows) report.preview.push(Object.fromEntries(targetColumns.map((c, i) => [c, values[i]!])));
        // After the first rejection an all-or-nothing import stops sending rows but reads on, to report every bad row.
        if (stopped()) continue;
        note(row.row);
        sent++;
        if (asText && rawText(row.cells, values)) continue;
        if (asText) leaveText(at); // this row needs encoding, so the whole batch does
        out.push(values === scratch ? [...values] : values);
      }
      if (sent && !stopped()) {
        if (asText) report.rowsAsFileText += sent;
        yield asText ? { csvText: batch.csv!, rowCount: sent } : out;
      }
      rowsSinceProgress += batch.rows.length;
      if (rowsSinceProgress >= 2000) {
        options.onProgress?.(report.rowsRead);
        rowsSinceProgress = 0;
      }
    }
    options.onProgress?.(report.rowsRead);
  }

  // A large CSV into SQLite: a worker thread reads, parses and converts while this thread inserts (row-thread.ts).
  // The same rows, rejects, preview and progress, in the same order; small files do without its start-up.
  let threadSaturated = false;
  const threaded =
    !options.dryRun &&
    source.format === 'csv' &&
    dialect.name === 'sqlite' &&
    !matchers &&
    (options.parallelAboveBytes !== undefined ? (await stat(options.file)).size >= options.parallelAboveBytes : await parallelPays(options.file));
  async function* threadedRows(): AsyncGenerator<BulkBatch> {
    let rowsSinceProgress = 0;
    const d = source.details;
    const read = { encoding: d.encoding as TextEncodingName, delimiter: String(d.delimiter), quote: String(d.quote), header: Boolean(d.header) };
    const plan = { file: options.file, read, headers, plan: conversion, abort, previewRows, ahead: 4, rowsPerMessage: 4000 };
    for await (const message of rowThread(plan, (saturated) => (threadSaturated = saturated))) {
      const unpack = message.packed && new RowUnpacker(message.packed);
      let at = 0;
      // Part by part, as converted() goes batch by batch: rejects, preview, rows, then progress.
      for (const part of message.parts) {
        for (const { row, header, reason } of part.rejects) await reject(row, header, reason);
        for (const values of part.preview) {
          if (report.preview.length < previewRows) report.preview.push(Object.fromEntries(targetColumns.map((c, i) => [c, asBuffer(values[i]!)])));
        }
        report.rowsRead += part.rows;
        for (let end = at + part.loaded; at < end; at++) note(message.loaded[at]!);
        if (part.loaded && !stopped()) yield { flat: unpack!.next(part.loaded, targetColumns.length), rowCount: part.loaded };
        rowsSinceProgress += part.rows;
        if (rowsSinceProgress >= 2000) {
          options.onProgress?.(report.rowsRead);
          rowsSinceProgress = 0;
        }
      }
    }
    options.onProgress?.(report.rowsRead);
  }

  /** The file row behind a load position, for an error the database raised on it. */
  const fileRow = (index: number) => {
    let lo = 0;
    let hi = loadedRuns.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (loadedRuns[mid]!.at <= index) lo = mid;
      else hi = mid - 1;
    }
    const run = loadedRuns[lo];
    return run ? run.row + (index - run.at) : null;
  };

  try {
    if (options.dryRun) {
      for await (const _batch of converted()) {
        // validation only
      }
      report.rowsLoaded = 0;
      report.rowsAsFileText = 0;
      if (createOp) notes.push(`would create table ${target.display} (${createOp.columns.map((c) => `${c.name} ${c.type.kind}`).join(', ')})`);
      await rejectsWriter?.commit();
      return report;
    }
    // The op names its table unqualified (ops live in the default schema); the session runs it in the target's schema.
    const statements = createOp ? dialect.migrations.compile(createOp, model).map((s) => CompiledQuery.raw(s.sql)) : [];
    let committing = false;
    const loaded = await dialect.bulk
      .inTransaction(
        tenant,
        async (session) => {
          if (statements.length) await session.executeInSchema(target.ref.schema, statements);
          const count = await session
            .load(target.ref, targetColumns, threaded ? threadedRows() : converted(), matchers ? { csv: source.csv! } : {})
            .catch((error: unknown) => {
              if (!(error instanceof BulkRowError)) throw error;
              const row = fileRow(error.index);
              throw new ImportDatabaseError(
                `the database refused row ${row ?? '?'} of ${options.file}: ${error.message}; nothing was imported (the table is unchanged)`,
                row,
                { cause: error },
              );
            });
          // The rejects file is in place before the rows commit: a disk that fills under it fails the import, rather
          // than leaving rows loaded and their rejected neighbours unrecorded.
          await rejectsWriter?.commit();
          if (stopped()) throw new ImportRejectedError({ ...report, rowsLoaded: 0 });
          committing = true;
          return count;
        },
        { oneLargeLoad: true },
      )
      .catch((error: unknown) => {
        throw isImportError(error) ? error : stoppedError(error, options.file, target.display, report.rowsRead, committing);
      });
    report.rowsLoaded = loaded;
    report.committed = true;
    // Ids given by the file: the next generated id must follow the largest one loaded, not collide with it.
    const identities = table.columns.filter((c) => c.identity && targetColumns.includes(c.name)).map((c) => c.name);
    if (identities.length && loaded > 0) await dialect.copy.resetIdentity(tenant, target.ref, identities);
    report.created = Boolean(createOp);
    if (unique.saturated || threadSaturated)
      notes.push('uniqueness within the file was checked for the first keys only (memory bound); the database checked the rest');
    return report;
  } finally {
    // After a commit this is a no-op; after a failure it removes the partial file.
    await rejectsWriter?.discard();
  }
}
