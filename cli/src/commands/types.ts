import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { generateTypes, introspect } from '@byos/runtime';
import { type ConnectionFlags, openDatabase, profileFromFlags, withConnectionOptions } from '../connection-options.ts';
import { createOutput, EXIT_FAILURE, EXIT_OK, UsageError } from '../output.ts';

interface TypesFlags extends ConnectionFlags {
  out: string;
  zod?: boolean;
  kysely?: boolean;
  camelCase?: boolean;
  include?: string[];
  exclude?: string[];
  bigint?: 'string' | 'number' | 'bigint';
  decimal?: 'string' | 'number';
  enumConstants: boolean;
  check?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerTypes(program: Command): void {
  withConnectionOptions(
    program.command('types').description('generate TypeScript row/insert/update types, Zod schemas and the Kysely DB interface from a live database'),
  )
    .requiredOption('--out <file>', 'file to write (or to compare with --check)')
    .option('--zod', 'also emit Zod schemas for every Row and Insert')
    .option('--kysely', 'also emit the Kysely DB interface')
    .option('--camel-case', 'camelCase keys (for Kysely CamelCasePlugin)')
    .option(
      '--include <glob>',
      'only tables/views whose qualified name matches (repeatable): table in the default schema, schema.table elsewhere; * any characters, ? one',
      collect,
    )
    .option('--exclude <glob>', 'leave out tables/views matching (repeatable)', collect)
    .option('--bigint <as>', 'how the app reads 64-bit integers: string (pg default), number, or bigint (pg type parser, better-sqlite3 safeIntegers)')
    .option('--decimal <as>', 'how the app reads exact decimals: string (pg default) or number (a pg type parser)')
    .option('--no-enum-constants', 'enums as union types only, without the `<Enum>Values` runtime constants')
    .option('--check', 'do not write: exit 1 when the file on disk differs from what would be generated')
    .option('--json', 'print a JSON summary')
    .addHelpText(
      'after',
      '\nExamples:\n  byos types --url sqlite:./tenant.sqlite --out src/db.ts --zod --kysely\n  byos types --profile acme.json --out src/db.ts --kysely --check   # in CI',
    )
    .action(async (flags: TypesFlags) => {
      if (flags.bigint && !['string', 'number', 'bigint'].includes(flags.bigint))
        throw new UsageError(`--bigint must be string, number or bigint, not "${flags.bigint}"`);
      if (flags.decimal && !['string', 'number'].includes(flags.decimal)) throw new UsageError(`--decimal must be string or number, not "${flags.decimal}"`);
      const out = createOutput(Boolean(flags.json));
      const tenant = await openDatabase(await profileFromFlags(flags));
      let model;
      try {
        model = await introspect(tenant);
      } finally {
        await tenant.close();
      }
      const text = generateTypes(model, {
        zod: flags.zod,
        kysely: flags.kysely,
        camelCase: flags.camelCase,
        include: flags.include,
        exclude: flags.exclude,
        bigintAs: flags.bigint,
        decimalAs: flags.decimal,
        enumConstants: flags.enumConstants,
      });
      if (flags.check) {
        const current = await readFile(flags.out, 'utf8').catch(() => null);
        const fresh = current === text;
        out.result({ file: flags.out, upToDate: fresh });
        out.info(fresh ? `${flags.out} is up to date` : `${flags.out} is stale: run byos types without --check to regenerate it`);
        process.exitCode = fresh ? EXIT_OK : EXIT_FAILURE;
        return;
      }
      await writeFile(flags.out, text);
      out.result({ file: flags.out, bytes: Buffer.byteLength(text), tables: model.tables.length, views: model.views.length });
      out.info(`wrote ${flags.out} (${model.tables.length} tables, ${model.views.length} views)`);
      process.exitCode = EXIT_OK;
    });
}
