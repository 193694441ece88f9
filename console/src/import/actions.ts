import { join } from 'node:path';
import { formatTableName, introspect, parseTableName, type TenantDb } from '@byos/runtime';
import { exportTable } from '@byos/runtime/export';
import { createMasker, MASK_KINDS, type MaskKind, maskTransform } from '@byos/runtime/guard/masking';
import {
  type DateOrder,
  DEFAULT_MAPPING_THRESHOLD,
  importFile,
  ImportMappingError,
  type ImportOptions,
  ImportRejectedError,
  type ImportReport,
  type MappingEntry,
  openSource,
  savedMapping,
  TEXT_ENCODINGS,
  type TextEncodingName,
} from '@byos/runtime/import';
import type { ConsoleContext } from '../context.ts';
import type { JobEvent } from '../jobs.ts';
import { downloadFolder, findUpload, readRememberedMapping, rememberMapping, type Upload } from './files.ts';

export interface TableInfo {
  /** The table-name syntax the runtime reads (bare in the default schema). */
  name: string;
  columns: { name: string; type: string; nullable: boolean; insertable: boolean }[];
}

/** The tenant's tables, from the same introspection the import validates against. */
export async function listTables(ctx: ConsoleContext, tenant: string): Promise<TableInfo[]> {
  return ctx.withTenant(tenant, async (db) => {
    const model = await introspect(db);
    return model.tables.map((t) => ({
      name: formatTableName(t, model.defaultSchema),
      columns: t.columns.map((c) => ({ name: c.name, type: c.type.kind, nullable: c.nullable, insertable: !c.generated })),
    }));
  });
}

/** How to read the file, as the user settled it on the page (each optional: sniffed when absent). */
export interface ReadSettings {
  delimiter?: string;
  header?: boolean;
  encoding?: string;
  sheet?: string;
  dateFormat?: string;
}

export interface ImportRequest {
  tenant: string;
  table: string;
  upload: string;
  settings?: ReadSettings;
  /** Header → column (null: left out), as chosen in the mapping selects; absent: the remembered mapping. */
  map?: Record<string, string | null>;
}

function readOptions(settings: ReadSettings = {}): Partial<ImportOptions> {
  const delimiter = settings.delimiter === 'tab' || settings.delimiter === '\\t' ? '\t' : settings.delimiter || undefined;
  if (delimiter !== undefined && delimiter.length !== 1) throw new Error('the delimiter must be one character (or "tab")');
  if (settings.encoding && !(TEXT_ENCODINGS as readonly string[]).includes(settings.encoding))
    throw new Error(`the encoding must be one of ${TEXT_ENCODINGS.join(', ')}`);
  const dateFormat = settings.dateFormat?.toUpperCase();
  if (dateFormat && !['DMY', 'MDY', 'YMD'].includes(dateFormat)) throw new Error('the date format must be DMY, MDY or YMD');
  return {
    ...(delimiter ? { delimiter } : {}),
    ...(typeof settings.header === 'boolean' ? { header: settings.header } : {}),
    ...(settings.encoding ? { encoding: settings.encoding as TextEncodingName } : {}),
    ...(settings.sheet ? { sheet: settings.sheet } : {}),
    ...(dateFormat ? { dateFormat: dateFormat as DateOrder } : {}),
  };
}

/** The explicit mapping to run with: the page's choices, else the remembered one (only headers this file has). */
async function explicitMap(ctx: ConsoleContext, request: ImportRequest, upload: Upload, read: Partial<ImportOptions>) {
  if (request.map) return { map: request.map, remembered: false };
  const saved = await readRememberedMapping(ctx.options.workDir, request.tenant, request.table);
  if (!saved) return { map: {}, remembered: false };
  const source = await openSource(upload.path, read);
  const headers = new Set(source.headers);
  await source.close();
  return { map: Object.fromEntries(Object.entries(saved.map).filter(([header]) => headers.has(header))), remembered: true };
}

/** A server path in a runtime message becomes the file's name: the page knows the file by its name. */
function plain(message: string, upload: Upload): string {
  return (message.split('\n')[0] ?? message).split(upload.path).join(upload.name);
}

/** A stored value as the page shows it. */
function shown(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function mappingJson(entries: readonly MappingEntry[]) {
  return entries.map((e) => ({ header: e.header, index: e.index, column: e.column, confidence: e.confidence, method: e.method }));
}

/**
 * The runtime's dry run on the uploaded file: how it was read, the mapping with confidences, the first rows as they
 * would be stored and every rejected row with its reason. A mapping the runtime will not settle comes back with the
 * problem, so the page lets the user settle it.
 */
export async function previewImport(ctx: ConsoleContext, request: ImportRequest) {
  const upload = await findUpload(ctx.options.workDir, request.upload);
  const read = readOptions(request.settings);
  let remembered = false;
  try {
    const explicit = await explicitMap(ctx, request, upload, read);
    remembered = explicit.remembered;
    const map = explicit.map;
    const report = await ctx.withTenant(request.tenant, (db) =>
      importFile(db, { file: upload.path, table: request.table, ...read, map, dryRun: true, onError: 'skip', previewRows: 10 }),
    );
    return { ...summary(report, upload), remembered, problem: null };
  } catch (error) {
    if (!(error instanceof ImportMappingError) || error.mapping.length === 0) throw new Error(plain((error as Error).message, upload));
    // The runtime would not guess these: the page asks for them (the CLI's message names --map flags).
    const mapping = mappingJson(error.mapping).map((m) => ({ ...m, undecided: m.method !== 'explicit' && m.confidence < DEFAULT_MAPPING_THRESHOLD }));
    const undecided = mapping.filter((m) => m.undecided).map((m) => `"${m.header}"`);
    const source = await openSource(upload.path, read);
    await source.close();
    return {
      file: upload.name,
      format: source.format,
      details: source.details,
      mapping,
      remembered,
      problem: undecided.length
        ? `choose a table column (or leave out) for ${undecided.join(', ')}: no column matches well enough to guess`
        : plain(error.message, upload),
    };
  }
}

function summary(report: ImportReport, upload: Upload) {
  return {
    file: upload.name,
    format: report.format,
    details: report.details,
    mapping: mappingJson(report.mapping),
    preview: report.preview.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, shown(v)]))),
    rejected: report.rejected,
    rowsRead: report.rowsRead,
    rowsRejected: report.rowsRejected,
    notes: report.notes,
  };
}

/**
 * Starts the load as a job: the runtime's import in one transaction, progress as rows are read, the rejected rows
 * written to a downloadable rejects file. On success the mapping is remembered for the next file into that table.
 */
export async function startImport(ctx: ConsoleContext, request: ImportRequest & { onError?: string; expectedRows?: number }) {
  const upload = await findUpload(ctx.options.workDir, request.upload);
  const read = readOptions(request.settings);
  const onError = request.onError === 'skip' ? 'skip' : 'abort';
  const { map } = await explicitMap(ctx, request, upload, read);
  const total = typeof request.expectedRows === 'number' && request.expectedRows > 0 ? request.expectedRows : null;
  const downloads = await downloadFolder(ctx.options.workDir, 'rejects');
  const rejectsName = upload.name.replace(/(\.[^.]*)?$/, (ext) => `.rejects${/\.xlsx$/i.test(ext) ? '.xlsx' : ext || '.csv'}`);
  const rejectsFile = join(downloads.folder, rejectsName);
  return ctx.jobs.start('import', request.tenant, async (emit: (event: Omit<JobEvent, 'type'>) => void) => {
    emit({ rows: 0, total, message: `reading ${upload.name}` });
    const options: ImportOptions = {
      file: upload.path,
      table: request.table,
      ...read,
      map,
      onError,
      rejectsFile,
      onProgress: (rows) => emit({ rows, total, message: `${rows.toLocaleString('en')} rows read` }),
    };
    let report: ImportReport;
    try {
      report = await ctx.withTenant(request.tenant, (db: TenantDb) => importFile(db, options));
    } catch (error) {
      if (!(error instanceof ImportRejectedError)) throw new Error(plain((error as Error).message, upload));
      report = error.report;
    }
    if (report.committed) await rememberMapping(ctx.options.workDir, request.tenant, request.table, savedMapping(request.table, report.mapping));
    return {
      table: report.table,
      committed: report.committed,
      rowsRead: report.rowsRead,
      rowsLoaded: report.committed ? report.rowsLoaded : 0,
      rowsRejected: report.rowsRejected,
      rejects: report.rowsRejected > 0 ? downloads.link(rejectsName) : null,
      message: report.committed
        ? `${report.rowsLoaded} row(s) loaded into ${report.table}, ${report.rowsRejected} rejected`
        : `nothing loaded: ${report.rowsRejected} row(s) rejected and every row must load (the table is unchanged)`,
    };
  });
}

export interface ExportRequest {
  tenant: string;
  table: string;
  format?: string;
  bom?: boolean;
  /** Column → mask kind; columns not named are exported as they are. */
  mask?: Record<string, string>;
}

/** The runtime's table export, masked as asked, into `<workDir>/downloads/exports/…`; returns the link. */
export async function exportToDownload(ctx: ConsoleContext, request: ExportRequest) {
  const format = request.format === 'xlsx' ? 'xlsx' : 'csv';
  const rules: Record<string, MaskKind> = {};
  const tables = await listTables(ctx, request.tenant);
  const table = tables.find((t) => t.name === request.table);
  if (!table) throw new Error(`tenant ${request.tenant} has no table ${request.table}`);
  // Rules as --mask spells them: [schema.]table.column, names unquoted.
  const ref = parseTableName(request.table);
  const ruleTable = ref.schema ? `${ref.schema}.${ref.name}` : ref.name;
  for (const [column, kind] of Object.entries(request.mask ?? {})) {
    if (!kind) continue;
    if (!(MASK_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown mask kind ${kind} (one of ${MASK_KINDS.join(', ')})`);
    if (!table.columns.some((c) => c.name === column)) throw new Error(`table ${request.table} has no column ${column}`);
    rules[`${ruleTable}.${column}`] = kind as MaskKind;
  }
  let masker: ReturnType<typeof createMasker> | undefined;
  if (Object.keys(rules).length) {
    const key = process.env.BYOS_MASK_KEY;
    try {
      masker = createMasker({ rules, ...(key ? { key } : {}) });
    } catch (error) {
      const message = (error as Error).message;
      throw new Error(/need a masking key/.test(message) ? `${message}: start byos console with BYOS_MASK_KEY set` : message);
    }
  }
  const downloads = await downloadFolder(ctx.options.workDir, 'exports');
  const name = `${request.table.replace(/[^\w.-]/g, '_')}.${format}`;
  const report = await ctx.withTenant(request.tenant, (db) =>
    exportTable(db, ref, {
      format,
      out: join(downloads.folder, name),
      bom: Boolean(request.bom),
      ...(masker ? { transform: maskTransform(masker, ref) } : {}),
    }),
  );
  return { rows: report.rows, columns: report.columns.length, format, masked: Object.keys(rules), download: downloads.link(name) };
}
