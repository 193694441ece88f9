import type { Command } from 'commander';
import type { NeutralType } from '@byos/runtime';
import {
  type DateOrder,
  importFile,
  ImportMappingError,
  type ImportOptions,
  ImportRejectedError,
  type ImportReport,
  SourceError,
  TEXT_ENCODINGS,
  type TextEncodingName,
  ZipLimitError,
} from '@byos/runtime/import';
import { type ConnectionFlags, openDatabase, profileFromFlags, withConnectionOptions } from '../connection-options.ts';
import { createOutput, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Output, UsageError } from '../output.ts';
import { createProgress } from '../progress.ts';
import { jsonSafe, rowsPerSecond } from './export.ts';
import { TABLE_NAME_HELP, tableFlag } from '../table-flag.ts';

interface ImportFlags extends ConnectionFlags {
  table?: string;
  create?: boolean;
  type: string[];
  sheet?: string;
  map: string[];
  mapping?: string;
  dryRun?: boolean;
  onError: string;
  rejects?: string;
  dateFormat?: string;
  encoding?: string;
  delimiter?: string;
  header?: boolean;
  threshold?: string;
  json?: boolean;
}

/** `--map HEADER=COLUMN` (the last `=` splits, so a header may contain one); `--map HEADER=` leaves it out. */
export function parseMapFlags(values: readonly string[]): Record<string, string | null> {
  const map: Record<string, string | null> = {};
  for (const value of values) {
    const at = value.lastIndexOf('=');
    if (at <= 0) throw new UsageError(`--map ${value}: write HEADER=COLUMN (or HEADER= to leave the header out)`);
    const column = value.slice(at + 1);
    map[value.slice(0, at)] = column === '' ? null : column;
  }
  return map;
}

const SIMPLE_TYPES = [
  'boolean',
  'smallint',
  'integer',
  'bigint',
  'decimal',
  'real',
  'double',
  'text',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'uuid',
  'json',
  'binary',
] as const;
const TYPE_HELP = `${SIMPLE_TYPES.join(', ')}, decimal(P,S), varchar(N), char(N)`;

/** `--type COLUMN=TYPE` (the last `=` splits): a neutral type by name, or decimal(P,S), varchar(N), char(N). */
export function parseTypeFlags(values: readonly string[]): Record<string, NeutralType> {
  const types: Record<string, NeutralType> = {};
  for (const value of values) {
    const at = value.lastIndexOf('=');
    if (at <= 0) throw new UsageError(`--type ${value}: write COLUMN=TYPE, TYPE one of ${TYPE_HELP}`);
    const spelled = value
      .slice(at + 1)
      .trim()
      .toLowerCase();
    const sized = /^(decimal|numeric|varchar|char)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(spelled);
    let type: NeutralType | null = null;
    if ((SIMPLE_TYPES as readonly string[]).includes(spelled)) type = { kind: spelled as NeutralType['kind'] };
    else if (spelled === 'numeric') type = { kind: 'decimal' };
    else if (sized && (sized[1] === 'decimal' || sized[1] === 'numeric')) {
      const [precision, scale] = [Number(sized[2]), Number(sized[3] ?? 0)];
      if (precision >= 1 && precision <= 1000 && scale <= precision) type = { kind: 'decimal', precision, scale };
    } else if (sized && sized[3] === undefined && Number(sized[2]) >= 1) type = { kind: sized[1] as 'varchar' | 'char', length: Number(sized[2]) };
    if (!type) throw new UsageError(`--type ${value}: unknown type "${value.slice(at + 1)}"; use one of ${TYPE_HELP}`);
    types[value.slice(0, at)] = type;
  }
  return types;
}

function importOptions(file: string, flags: ImportFlags): ImportOptions {
  if (!flags.table) throw new UsageError('--table is required');
  if (flags.onError !== 'abort' && flags.onError !== 'skip') throw new UsageError(`--on-error must be abort or skip, got ${flags.onError}`);
  const dateFormat = flags.dateFormat?.toUpperCase();
  if (dateFormat !== undefined && !['DMY', 'MDY', 'YMD'].includes(dateFormat))
    throw new UsageError(`--date-format must be DMY, MDY or YMD, got ${flags.dateFormat}`);
  if (flags.encoding !== undefined && !(TEXT_ENCODINGS as readonly string[]).includes(flags.encoding))
    throw new UsageError(`--encoding must be one of ${TEXT_ENCODINGS.join(', ')}`);
  const delimiter = flags.delimiter === '\\t' || flags.delimiter === 'tab' ? '\t' : flags.delimiter;
  if (delimiter !== undefined && delimiter.length !== 1) throw new UsageError('--delimiter must be one character (or "tab")');
  const threshold = flags.threshold === undefined ? undefined : Number(flags.threshold);
  if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) throw new UsageError('--threshold must be a number above 0 and at most 1');
  const types = parseTypeFlags(flags.type);
  if (flags.type.length && !flags.create) throw new UsageError('--type only applies with --create (an existing table has its types)');
  return {
    file,
    table: tableFlag(flags.table),
    ...(flags.type.length ? { types } : {}),
    create: Boolean(flags.create),
    map: parseMapFlags(flags.map),
    dryRun: Boolean(flags.dryRun),
    onError: flags.onError,
    ...(flags.sheet !== undefined ? { sheet: flags.sheet } : {}),
    ...(flags.mapping ? { mappingFile: flags.mapping } : {}),
    ...(flags.rejects ? { rejectsFile: flags.rejects } : {}),
    ...(dateFormat ? { dateFormat: dateFormat as DateOrder } : {}),
    ...(flags.encoding ? { encoding: flags.encoding as TextEncodingName } : {}),
    ...(delimiter ? { delimiter } : {}),
    ...(flags.header !== undefined ? { header: flags.header } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
  };
}

function describeReport(report: ImportReport, out: Output): void {
  const how = Object.entries(report.details)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(', ');
  out.info(`${report.file} (${report.format}${how ? `: ${how}` : ''}) → table ${report.table}`);
  out.info('mapping:');
  for (const m of report.mapping)
    out.info(
      `  ${JSON.stringify(m.header).padEnd(28)} → ${m.column === null ? '(left out)' : m.column.padEnd(24)} ${m.method} ${Math.round(m.confidence * 100)}%`,
    );
  if (report.dryRun && report.preview.length) {
    out.info(`first ${report.preview.length} row(s) as they would be stored:`);
    for (const row of report.preview) out.info(`  ${JSON.stringify(jsonSafe(row))}`);
  }
  for (const r of report.rejected.slice(0, 20)) out.info(`  rejected row ${r.row} (line ${r.line})${r.header ? `, column "${r.header}"` : ''}: ${r.reason}`);
  if (report.rowsRejected > 20) out.info(`  … and ${report.rowsRejected - 20} more${report.rejectsFile ? ` (all in ${report.rejectsFile})` : ''}`);
  for (const note of report.notes) out.info(`note: ${note}`);
  const verb = report.dryRun ? 'checked (dry run, nothing written)' : report.committed ? `loaded ${report.rowsLoaded}` : 'loaded nothing';
  out.info(`${report.rowsRead} row(s) read, ${verb}, ${report.rowsRejected} rejected${report.created ? `; table ${report.table} created` : ''}`);
  if (report.mappingFileWritten) out.info(`mapping saved to ${report.mappingFileWritten} (reuse it with --mapping)`);
}

export function registerImport(program: Command): void {
  withConnectionOptions(
    program
      .command('import')
      .description('import a CSV/TSV or XLSX file into a table: headers mapped, rows validated, loaded in one transaction')
      .argument('<file>', 'the CSV, TSV or XLSX file')
      .option('--table <name>', `target table: ${TABLE_NAME_HELP}`)
      .option(
        '--create',
        'create the table from the file (column types inferred from the first 1,000 rows; numbers only when every value reads back as written), in the schema --table names',
      )
      .option(
        '--type <column=type>',
        `with --create: the type of a column instead of the inferred one (${TYPE_HELP}; repeatable)`,
        (v: string, all: string[]) => [...all, v],
        [],
      )
      .option('--sheet <name>', 'XLSX: the sheet to read (default: the first)')
      .option(
        '--map <header=column>',
        'map a header (or 1-based position) to a column; HEADER= leaves it out (repeatable)',
        (v: string, all: string[]) => [...all, v],
        [],
      )
      .option('--mapping <file>', 'saved mapping: read when it exists, written with the settled mapping when it does not')
      .option('--dry-run', 'show the mapping, the first rows as they would be stored, and every rejected row; write nothing')
      .option('--on-error <mode>', 'abort: any bad row fails the whole import (default); skip: load the good rows', 'abort')
      .option('--rejects <file>', 'write rejected rows (with row number and reason) to this file, in the input format')
      .option('--date-format <order>', 'DMY, MDY or YMD, for dates like 03/04/2024')
      .option('--encoding <name>', `text encoding (${TEXT_ENCODINGS.join(', ')}); sniffed by default`)
      .option('--delimiter <char>', 'CSV delimiter (sniffed by default); "tab" for TSV')
      .option('--header', 'the first row is a header (sniffed by default)')
      .option('--no-header', 'the first row is data; map columns by position (--map 1=col)')
      .option('--threshold <0..1>', 'lowest confidence an automatic header match may have (default 0.8)')
      .option('--json', 'print the import report as JSON'),
  )
    .addHelpText(
      'after',
      '\nExit codes: 0 imported, 1 rows rejected or the import failed, 2 usage (including headers that need --map).\n' +
        'Examples:\n  byos import customers.csv --url sqlite:./tenant.sqlite --table customers --dry-run\n' +
        '  byos import people.xlsx --sheet Staff --url postgres://… --table staff --map "Full name=name" --rejects bad.xlsx',
    )
    .action(async (file: string, flags: ImportFlags) => {
      const out = createOutput(Boolean(flags.json));
      const options = importOptions(file, flags);
      // Only --create may start a new SQLite file: importing into a table needs the database that holds it.
      const tenant = await openDatabase(await profileFromFlags(flags), { create: Boolean(flags.create) });
      const progress = createProgress({ total: 1, json: out.json });
      const started = performance.now();
      let last = 0;
      options.onProgress = (rows) => {
        const now = performance.now();
        if (now - last < 1000) return;
        last = now;
        progress.step(`${rows.toLocaleString('en')} rows read, ${rowsPerSecond(rows, now - started)} rows/s`);
      };
      try {
        const report = await importFile(tenant, options);
        progress.done();
        describeReport(report, out);
        out.result(jsonSafe(report));
        process.exitCode = report.rowsRejected > 0 ? EXIT_FAILURE : EXIT_OK;
      } catch (error) {
        progress.done();
        if (error instanceof ImportRejectedError) {
          describeReport(error.report, out);
          out.result(jsonSafe({ ...error.report, error: error.message }));
          out.warn(`byos: ${error.message}`);
          process.exitCode = EXIT_FAILURE;
          return;
        }
        if (error instanceof ImportMappingError) {
          out.result({ error: error.message, mapping: error.mapping });
          out.warn(`byos: ${error.message}`);
          process.exitCode = EXIT_USAGE;
          return;
        }
        if (error instanceof SourceError || error instanceof ZipLimitError) {
          out.result({ error: error.message });
          out.warn(`byos: ${error.message}`);
          process.exitCode = EXIT_FAILURE;
          return;
        }
        throw error;
      } finally {
        await tenant.close();
      }
    });
}
