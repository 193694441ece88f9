import type { Command } from 'commander';
import { exportQuery, exportTable, type ExportOptions } from '@byos/runtime/export';
import { maskTransform } from '@byos/runtime/guard/masking';
import { type MaskFlags, maskerFromFlags, withMaskOptions } from '../mask-options.ts';
import { type ConnectionFlags, openDatabase, profileFromFlags, withConnectionOptions } from '../connection-options.ts';
import { createOutput, EXIT_OK, UsageError } from '../output.ts';
import { createProgress } from '../progress.ts';
import { TABLE_NAME_HELP, tableFlag } from '../table-flag.ts';

interface ExportFlags extends ConnectionFlags, MaskFlags {
  table?: string;
  query?: string;
  format?: string;
  out?: string;
  delimiter?: string;
  bom?: boolean;
  json?: boolean;
}

export function rowsPerSecond(rows: number, ms: number): string {
  return Math.round(rows / Math.max(ms / 1000, 0.001)).toLocaleString('en');
}

/** A value JSON can print: bigints as text, bytes as hex. */
export function jsonSafe<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `\\x${Buffer.from(v).toString('hex')}` : v)),
  );
}

export function registerExport(program: Command): void {
  withConnectionOptions(
    withMaskOptions(
      program
        .command('export')
        .description('export a table or a query to CSV or XLSX, streaming; cells a spreadsheet would run as formulas are neutralised')
        .option('--table <name>', `the table to export (ordered by its primary key): ${TABLE_NAME_HELP}`)
        .option('--query <sql>', 'a SELECT to export instead of a table')
        .option('--format <format>', 'csv or xlsx (default: from the --out extension)')
        .option('--out <file>', 'the file to write')
        .option('--delimiter <char>', 'CSV delimiter (default ,; "tab" for TSV)')
        .option('--bom', 'start the CSV with a UTF-8 byte-order mark (for Excel on Windows)')
        .option('--json', 'print the export report as JSON'),
    ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  byos export --url sqlite:./tenant.sqlite --table customers --out customers.xlsx\n  byos export --url postgres://… --query "select * from invoice where total > 10" --out big.csv\n  BYOS_MASK_KEY=… byos export --url … --table customers --mask customers.email=hash,customers.card=partial --out masked.csv',
    )
    .action(async (flags: ExportFlags) => {
      const out = createOutput(Boolean(flags.json));
      if (Boolean(flags.table) === Boolean(flags.query)) throw new UsageError('give exactly one of --table NAME or --query SQL');
      if (!flags.out) throw new UsageError('--out FILE is required');
      const format = (flags.format ?? (/\.xlsx$/i.test(flags.out) ? 'xlsx' : 'csv')).toLowerCase();
      if (format !== 'csv' && format !== 'xlsx') throw new UsageError(`--format must be csv or xlsx, got ${flags.format}`);
      const delimiter = flags.delimiter === 'tab' || flags.delimiter === '\\t' ? '\t' : flags.delimiter;
      if (delimiter !== undefined && delimiter.length !== 1) throw new UsageError('--delimiter must be one character (or "tab")');
      const table = flags.table === undefined ? undefined : tableFlag(flags.table);
      const masker = await maskerFromFlags(flags);
      const tenant = await openDatabase(await profileFromFlags(flags));
      const progress = createProgress({ total: 1, json: out.json });
      const started = performance.now();
      let last = 0;
      const options: ExportOptions = {
        format,
        out: flags.out,
        bom: Boolean(flags.bom),
        ...(delimiter ? { delimiter } : {}),
        ...(masker ? { transform: maskTransform(masker, table) } : {}),
        onProgress: (rows) => {
          const now = performance.now();
          if (now - last < 1000) return;
          last = now;
          progress.step(`${rows.toLocaleString('en')} rows written, ${rowsPerSecond(rows, now - started)} rows/s`);
        },
      };
      try {
        const report = table ? await exportTable(tenant, table, options) : await exportQuery(tenant, flags.query!, options);
        progress.done();
        out.info(`${report.rows} row(s), ${report.columns.length} column(s) written to ${report.out} (${report.format})`);
        out.result(report);
        process.exitCode = EXIT_OK;
      } finally {
        progress.done();
        await tenant.close();
      }
    });
}
