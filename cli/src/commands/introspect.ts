import type { Command } from 'commander';
import { describeNeutralType, formatTableName, introspect, type SchemaModel } from '@byos/runtime/core';
import { type ConnectionFlags, openDatabase, profileFromFlags, withConnectionOptions } from '../connection-options.ts';
import { createOutput, EXIT_OK } from '../output.ts';

export function registerIntrospect(program: Command): void {
  withConnectionOptions(
    program.command('introspect').description('read a live database into a dialect-neutral SchemaModel').option('--json', 'print the SchemaModel as JSON'),
  )
    .addHelpText('after', '\nExamples:\n  byos introspect --url sqlite:./tenant.sqlite --json\n  byos introspect --profile acme.profile.json')
    .action(async (flags: ConnectionFlags & { json?: boolean }) => {
      const out = createOutput(Boolean(flags.json));
      const tenant = await openDatabase(await profileFromFlags(flags));
      try {
        const model = await introspect(tenant);
        out.result(model);
        if (!out.json) out.info(summarize(model));
      } finally {
        await tenant.close();
      }
      process.exitCode = EXIT_OK;
    });
}

/**
 * A readable page: one block per table, then views, enums and domains. Tables, views, enums and domains are named
 * as every command takes them back (`--table`): bare in the default schema, else `schema.name`, a part quoted
 * ("a.b", doubled quotes) where it holds a dot or starts with a quote.
 */
export function summarize(model: SchemaModel): string {
  const lines = [
    `${model.dialect} database: ${model.tables.length} tables, ${model.views.length} views, ${model.enums.length} enums, ${model.domains.length} domains`,
  ];
  const qualify = (schema: string, name: string) => formatTableName({ schema, name }, model.defaultSchema);
  for (const table of model.tables) {
    lines.push('', `${qualify(table.schema, table.name)}${table.comment ? `  -- ${table.comment}` : ''}`);
    for (const c of table.columns) {
      const flags = [
        c.nullable ? '' : 'not null',
        c.identity ? `identity ${c.identity}` : '',
        c.generated ? `generated ${c.generated.kind}` : '',
        c.default !== null ? `default ${c.default}` : '',
      ].filter(Boolean);
      lines.push(`  ${c.name}  ${describeNeutralType(c.type)} (${c.nativeType})${flags.length ? `  ${flags.join(', ')}` : ''}`);
    }
    if (table.primaryKey) lines.push(`  primary key (${table.primaryKey.columns.join(', ')})`);
    for (const fk of table.foreignKeys) {
      lines.push(
        `  foreign key (${fk.columns.join(', ')}) -> ${qualify(fk.referencedSchema, fk.referencedTable)} (${fk.referencedColumns.join(', ')}) on delete ${fk.onDelete}`,
      );
    }
    for (const u of table.uniques) lines.push(`  unique (${u.columns.join(', ')})`);
    for (const i of table.indexes) lines.push(`  ${i.unique ? 'unique ' : ''}index ${i.name} (${i.columns.join(', ')})${i.where ? ` where ${i.where}` : ''}`);
    for (const ch of table.checks) lines.push(`  check ${ch.name ? `${ch.name} ` : ''}(${ch.expression})`);
  }
  for (const v of model.views)
    lines.push('', `view ${qualify(v.schema, v.name)}${v.materialized ? ' (materialized)' : ''}: ${v.columns.map((c) => c.name).join(', ')}`);
  for (const e of model.enums) lines.push(`enum ${qualify(e.schema, e.name)}: ${e.values.join(', ')}`);
  for (const d of model.domains) lines.push(`domain ${qualify(d.schema, d.name)}: ${d.nativeType}${d.checks.map((c) => ` check (${c.expression})`).join('')}`);
  return lines.join('\n');
}
