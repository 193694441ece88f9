import type { Command } from 'commander';
import type { TenantDb } from '@byos/runtime';
import { verifyDatabases } from '@byos/runtime/verify';
import { openDatabase, profileFromArgument, requiredUrlFlag, URL_ENV, urlOrProfileOption } from '../connection-options.ts';
import { LIMITS, wholeNumber } from '../options.ts';
import { createOutput, EXIT_FAILURE, EXIT_OK } from '../output.ts';
import { acceptedLossKinds, commaList } from './copy.ts';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'compare two databases: every schema object (same engine: definitions of tables, keys, indexes, functions, triggers, policies, grants, sequences; across engines the neutral schema), then table by table row counts, checksums per key range, sampled rows',
    )
    .addOption(urlOrProfileOption('--from <url>', 'source database URL or profile file', URL_ENV.from))
    .addOption(urlOrProfileOption('--to <url>', 'target database URL or profile file', URL_ENV.to))
    .option('--tables <names>', 'comma-separated tables (default: all of the source)')
    .option('--sample <n>', 'rows per table compared value by value', wholeNumber('--sample', 0, LIMITS.sample), 20)
    .option('--no-schema', 'compare the rows only')
    .option('--schemas <names>', 'same engine: only these schemas, comma-separated (as given to byos copy)')
    .option('--exclude-schemas <names>', 'same engine: every schema but these, comma-separated')
    .option('--accept-loss <kinds>', 'between engines: kinds of object the copy was allowed to leave behind (as given to byos copy)')
    .option('--json', 'print the verification report as JSON')
    .addHelpText('after', '\nExample:\n  byos verify --from sqlite:./tenant.sqlite --to postgres://app@127.0.0.1/tenant')
    .action(
      async (flags: {
        from?: string;
        to?: string;
        tables?: string;
        sample: number;
        schema?: boolean;
        acceptLoss?: string;
        schemas?: string;
        excludeSchemas?: string;
        json?: boolean;
      }) => {
        const out = createOutput(Boolean(flags.json));
        const sample = flags.sample;
        const tables = flags.tables
          ? flags.tables
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean)
          : undefined;
        const fromFlag = requiredUrlFlag(flags.from, '--from', URL_ENV.from);
        const toFlag = requiredUrlFlag(flags.to, '--to', URL_ENV.to);
        const [fromProfile, toProfile] = [await profileFromArgument(fromFlag, '--from'), await profileFromArgument(toFlag, '--to')];
        const acceptLoss = await acceptedLossKinds(flags.acceptLoss, [fromProfile.dialect, toProfile.dialect]);
        const from = await openDatabase(fromProfile);
        let to: TenantDb;
        try {
          to = await openDatabase(toProfile);
        } catch (error) {
          await from.close();
          throw error;
        }
        try {
          const report = await verifyDatabases({
            from,
            to,
            tables,
            sample,
            schema: flags.schema,
            acceptLoss,
            schemas: commaList(flags.schemas),
            excludeSchemas: commaList(flags.excludeSchemas),
          });
          out.result(report);
          if (!out.json) {
            for (const t of report.tables)
              out.info(
                `${t.table.padEnd(28)} ${String(t.sourceRows).padStart(10)} / ${String(t.targetRows).padEnd(10)} ${t.equal ? 'equal' : 'DIFFERENT'}  ${t.sourceChecksum}${t.equal ? '' : ` vs ${t.targetChecksum}`}`,
              );
            if (report.schema)
              out.info(
                `schema: ${report.schema.compared} ${report.schema.mode === 'native' ? 'objects compared by definition' : 'tables and views compared on the neutral schema'}`,
              );
            for (const f of report.findings) out.info(`${f.severity} ${f.rule} ${f.subject}: ${f.message}`);
            out.info(report.equal ? 'equal' : 'NOT equal');
          }
          process.exitCode = report.equal ? EXIT_OK : EXIT_FAILURE;
        } finally {
          await from.close();
          await to.close();
        }
      },
    );
}
