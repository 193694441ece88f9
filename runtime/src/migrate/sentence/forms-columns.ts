import type { ColumnDefault } from '../../contracts/migration-op.ts';
import { addColumn } from './build.ts';
import type { ColumnPhrase, Modifiers } from './columns.ts';
import type { SentenceForm } from './forms.ts';
import type { Captures } from './match.ts';
import type { Resolver } from './schema.ts';
import type { ColRef, ColSet } from './slots.ts';
import type { TypeReading } from './types.ts';

const TO_TABLE = 'to|into|on|in|for|onto [table] {table:name} [table]';
const BE = '[should|must|will|shall|can|has|have|is|are|needs|need] [to] [be] [now|always]';

const col = (c: Captures, r: Resolver) =>
  r.column({ ...(c.col as ColRef), ...(c.table !== undefined && !(c.col as ColRef).table ? { table: c.table as string } : {}) });

/** Columns: add, drop, rename, change the type, required or optional, defaults. */
export const COLUMN_FORMS: SentenceForm[] = [
  {
    id: 'add-column',
    example: 'add a required column email (text) to customers',
    patterns: [
      `add|create|put [column|columns] {phrases:phrases} ${TO_TABLE} {post:tail}`,
      'add|create|put to|into|on [table] {table:name} [table] [:] [column|columns] {phrases:phrases}',
      `store|keep|record|track|save [column|columns] {phrases:phrases} ${TO_TABLE} {post:tail}`,
      'add|create [column|columns] {phrases:phrases}',
      `give {table:name} [table] [column|columns] {phrases:phrases}`,
      `{table:ktable} [table] ${BE} needs|need|gets|get|requires|require|having|have|has [column|columns] [:] {phrases:phrases}`,
      // `users: add a required column nickname text` (`users: new …` arrives as `users: add …`).
      '{table:ktable} [table] : add|create [column|columns] {phrases:phrases}',
      `{table:ktable} [table] should|must|will|shall|can|to get|have|has|store|keep|record|track [column|columns] {phrases:phrases}`,
    ],
    build: (c, r) =>
      (c.phrases as ColumnPhrase[]).flatMap((p) =>
        addColumn(c.table as string | undefined, p, (c.post as { type?: TypeReading; mods: Modifiers } | undefined) ?? { mods: {} }, r),
      ),
  },
  {
    id: 'drop-column',
    example: 'drop column fax from customers',
    patterns: [
      'drop [column|columns] {cs:colset}',
      '[column|columns] {cs:colset} [column|columns] [can|should|must|will|may|is|are] [now] [be] go|dropped',
      '[we|i] no longer needs [column|columns] {cs:colset}',
      `{table:ktable} [table] ${BE} no longer needs|need|has|uses|requires [column|columns] {cs:colset}`,
    ],
    build: (c, r) => {
      const cs = c.cs as ColSet;
      const { table, columns } = r.columns(cs.table ?? (c.table as string | undefined), cs.columns);
      return columns.map((column) => ({ op: 'dropColumn' as const, table, column }));
    },
  },
  {
    id: 'rename-column',
    example: 'rename column email in customers to mail',
    patterns: [
      'rename [column] {col:col} to|as|into|-> {to:name} [column]',
      'rename [column] {col:col} to|as|into {to:name} in|on|of|from|for [table] {table:name} [table]',
      `{col:col} ${BE} renamed|called to|as|into {to:name}`,
      `{col:col} ${BE} renamed|called {to:name}`,
      'change [column] {col:col} name to {to:name}',
      'change|rename column name [of] {col:col} to|into {to:name} [in|on|of|for [table] {table:name} [table]]',
      'call [column] {col:col} {to:name} [instead]',
    ],
    build: (c, r) => {
      const { table, column } = col(c, r);
      return [{ op: 'renameColumn', table, from: column, to: r.columns(table, [c.to as string], 'new').columns[0]! }];
    },
  },
  {
    id: 'alter-type',
    example: 'change the type of customers.name to varchar(120)',
    patterns: [
      'change|set|make [data] type of [column] {col:col} to|into|as {type:typed}',
      "change|set [column] {col:col} ['s] [data] type to|into|as {type:typed}",
      'change [column] {col:col} [set] [data] type {type:typed}',
      'change [column] {col:col} {type:typed} {mods:mods}',
      'change [column] {col:col} to|into [be] {type:typed}',
      'change [column] {col:col} [type] from {old:typed} to|into {type:typed}',
      'change [column] {col:col} [to|into] [be] {type:typed} in|on|of|for [table] {table:name}',
      'make [column] {col:col} [be] {type:typed} [instead [of {old:typed}]]',
      'set [column] {col:col} [to] {type:typed}',
      `{col:col} ${BE} {type:typed} [instead [of {old:typed}]]`,
      `{col:col} [data] type ${BE} {type:typed}`,
      'use|store {type:typed} for [column] {col:col}',
      'store [column] {col:col} as {type:typed}',
    ],
    build: (c, r) => {
      const { table, column } = col(c, r);
      // `modify column role varchar(50) not null default 'x'` (MySQL): the type and what else it says.
      const mods = (c.mods as Modifiers | undefined) ?? {};
      return [
        { op: 'alterColumnType', table, column, type: (c.type as TypeReading).type },
        ...(mods.nullable !== undefined ? [{ op: 'setNullable' as const, table, column, nullable: mods.nullable }] : []),
        ...(mods.default !== undefined ? [{ op: 'setDefault' as const, table, column, default: mods.default }] : []),
      ];
    },
  },
  {
    id: 'set-nullable',
    example: 'make customers.email required (or optional)',
    patterns: [
      'make|mark|set|let [column] {col:col} [to|as] {nullable:nullness}',
      `[column] {col:col} ${BE} {nullable:nullness}`,
      'make [column] {col:col} {nullable:nullness} in|on|of|for [table] {table:name}',
      'change [column] {col:col} set|to|make {nullable:nullness}',
      'change [column] {col:col} drop {dropped:required}',
      'drop {dropped:required} [constraint] from|on|of [column] {col:col}',
      'add|set {added:required} [constraint] to|on|for [column] {col:col}',
      '{nullable:allow} null|nulls|empty|optional [values] [in|for|on|to] [column] {col:col}',
      '{nullable:nullness} in|for|on [column] {col:col}',
      `[column] {col:col} ${BE} {nullable:allow} null|nulls|empty|optional [values]`,
      'require [value] [in|for|on] [column] {col:col}',
      '{nullable:disallow} null|nulls|empty|optional [values] in|for|on|to [column] {col:col}',
    ],
    build: (c, r) => {
      const { table, column } = col(c, r);
      const nullable = c.dropped !== undefined ? true : c.added !== undefined ? false : ((c.nullable as boolean | undefined) ?? false);
      return [{ op: 'setNullable', table, column, nullable }];
    },
  },
  {
    id: 'drop-default',
    example: 'drop the default of orders.status',
    patterns: [
      'drop|clear|unset default [from|of|on|for|in] [column] {col:col}',
      'drop [column] {col:col} default',
      'change [column] {col:col} drop default',
      'set|change|make default [of|for|on] [column] {col:col} to|as null|nothing|none|optional',
      'set [column] {col:col} default [to] null|nothing|none|optional',
      'no default for|on|in [column] {col:col}',
      `[column] {col:col} ${BE} [have|has] no default`,
      '[column] {col:col} should|must|will|shall|does not have default [anymore|any|more]',
    ],
    build: (c, r) => {
      const { table, column } = col(c, r);
      return [{ op: 'setDefault', table, column, default: null }];
    },
  },
  {
    id: 'set-default',
    example: "set the default of orders.status to 'new'",
    patterns: [
      'set|change|make default [for|of|on|in] [column] {col:col} to|as|= {value:value}',
      'set|add|use|put default {value:value} for|on|of|to|in [column] {col:col}',
      'set|change [column] {col:col} default [to|as|=] {value:value}',
      'change [column] {col:col} set default [to] {value:value}',
      `[column] {col:col} ${BE} [have|has] default [to|as|=] {value:value}`,
      'default [column] {col:col} to|as {value:value}',
      'make|let|have [column] {col:col} default [to] {value:value}',
      'give [column] {col:col} default [to|as] {value:value}',
      'make|use|set {value:value} [as] default [for|of|on|in] [column] {col:col}',
      `default [for|of|on|in] [column] {col:col} ${BE} {value:value}`,
      `{value:value} ${BE} default for|of|on|in [column] {col:col}`,
      'add default [of] {value:value} to|on|for [column] {col:col}',
    ],
    build: (c, r) => {
      const { table, column } = col(c, r);
      return [{ op: 'setDefault', table, column, default: c.value as ColumnDefault }];
    },
  },
];
