import { createHash } from 'node:crypto';
import type { ColumnDefInput, MigrationOpInput } from '../../contracts/migration-op.ts';
import type { NeutralType } from '../../contracts/schema-model.ts';
import type { Captures } from './match.ts';
import type { Action, ColumnPhrase, Modifiers } from './slots.ts';
import { SentenceError } from './tokens.ts';

/** One thing the builder understands: its phrasings (see match.ts for the pattern syntax) and the ops it makes. */
export interface SentenceForm {
  id: string;
  /** Shown in the "closest forms" list. */
  example: string;
  patterns: string[];
  build(c: Captures): MigrationOpInput[];
}

type Ref = { table: string; column: string };
type Target = { table: string; column?: string };

const OF = 'in|on|of|from';
const TO_TABLE = 'to|on|in|into [the] [table]';

export const FORMS: SentenceForm[] = [
  {
    id: 'create-table',
    example: 'create table customers with id (integer) primary key, email (text) required',
    patterns: [
      'create|make|add [a|an|the] [new] table [called|named] {table:name} with [the] [columns|column|fields] {columns:columns}',
      'create|make|add [a|an] [new] {table:name} table with [the] [columns|column|fields] {columns:columns}',
      'create|make [a|an] [new] table [called|named] {table:name} {columns:columns}',
      'new table {table:name} with [columns] {columns:columns}',
    ],
    build: (c) => [createTable(c.table as string, c.columns as ColumnPhrase[])],
  },
  {
    id: 'drop-table',
    example: 'drop table legacy_orders',
    patterns: ['drop|remove|delete [the] table {table:name}'],
    build: (c) => [{ op: 'dropTable', table: c.table as string }],
  },
  {
    id: 'rename-table',
    example: 'rename table customers to clients',
    patterns: ['rename [the] table {from:name} to {to:name}', 'rename {from:name} to {to:name}'],
    build: (c) => [{ op: 'renameTable', from: c.from as string, to: c.to as string }],
  },
  {
    id: 'add-column',
    example: 'add a required column email (text) to customers',
    patterns: [
      `add [a|an|the] [new] {pre:mods} column|field {column:name} {type:typed} {mods:mods} ${TO_TABLE} {table:name} [table] {post:mods}`,
      'add [a|an|the] [new] {pre:mods} [column|field] {ref:ref} {type:typed} {mods:mods}',
      `add [a|an] [new] {pre:mods} {column:name} {type:typed} {mods:mods} ${TO_TABLE} {table:name} [table] {post:mods}`,
      'give {table:name} [a|an] [new] {pre:mods} column|field {column:name} {type:typed} {mods:mods}',
    ],
    build: (c) => {
      const ref = (c.ref as Ref | undefined) ?? { table: c.table as string, column: c.column as string };
      return addColumn(ref, c.type as NeutralType, { ...(c.pre as Modifiers), ...(c.mods as Modifiers), ...((c.post as Modifiers | undefined) ?? {}) });
    },
  },
  {
    id: 'drop-column',
    example: 'drop column fax from customers',
    patterns: [
      `drop|remove|delete [the] column|field {column:name} ${OF} [the] [table] {table:name} [table]`,
      `drop|remove|delete [the] {column:name} column|field ${OF} [the] [table] {table:name} [table]`,
      'drop|remove|delete [the] [column|field] {ref:ref}',
    ],
    build: (c) => {
      const ref = refOf(c);
      return [{ op: 'dropColumn', table: ref.table, column: ref.column }];
    },
  },
  {
    id: 'rename-column',
    example: 'rename column email in customers to mail',
    patterns: [`rename [the] column|field {from:name} ${OF} [the] [table] {table:name} to {to:name}`, 'rename [the] [column|field] {ref:ref} to {to:name}'],
    build: (c) => {
      const ref = (c.ref as Ref | undefined) ?? { table: c.table as string, column: c.from as string };
      return [{ op: 'renameColumn', table: ref.table, from: ref.column, to: c.to as string }];
    },
  },
  {
    id: 'set-nullable',
    example: 'make customers.email required (or optional)',
    patterns: [
      'make [the] [column|field] {ref:ref} {nullable:nullness}',
      `make [the] [column|field] {column:name} ${OF} [the] [table] {table:name} {nullable:nullness}`,
      '{ref:ref} should|must|is|will [be] [now] {nullable:nullness}',
      'set {ref:ref} [to] {nullable:nullness}',
      '{nullable:allow} null|nulls|empty [values] in {ref:ref}',
      '{nullable:require} [a] [value] [in|for] {ref:ref}',
    ],
    build: (c) => {
      const ref = refOf(c);
      return [{ op: 'setNullable', table: ref.table, column: ref.column, nullable: c.nullable as boolean }];
    },
  },
  {
    id: 'alter-type',
    example: 'change the type of customers.name to varchar(120)',
    patterns: [
      'change|alter|convert|set [the] [data] type of [the] [column|field] {ref:ref} to {type:typed}',
      `change|alter|convert|set [the] [data] type of [the] column|field {column:name} ${OF} [the] [table] {table:name} to {type:typed}`,
      'change|alter|convert [the] [column|field] {ref:ref} to|into {type:typed}',
      `change|alter|convert [the] column|field {column:name} ${OF} [the] [table] {table:name} to|into {type:typed}`,
      'make {ref:ref} {type:typed}',
    ],
    build: (c) => {
      const ref = refOf(c);
      return [{ op: 'alterColumnType', table: ref.table, column: ref.column, type: c.type as NeutralType }];
    },
  },
  {
    id: 'drop-default',
    example: 'drop the default of orders.status',
    patterns: [
      'drop|remove|delete|clear [the] default [value] of|from|on|for [the] [column|field] {ref:ref}',
      'set [the] default [value] of|for|on [the] [column|field] {ref:ref} to null|nothing|none',
    ],
    build: (c) => {
      const ref = refOf(c);
      return [{ op: 'setDefault', table: ref.table, column: ref.column, default: null }];
    },
  },
  {
    id: 'set-default',
    example: "set the default of orders.status to 'new'",
    patterns: [
      'set [the] default [value] of|for|on [the] [column|field] {ref:ref} to {value:value}',
      'set {ref:ref} default [to] {value:value}',
      '{ref:ref} defaults|default to {value:value}',
      'default {ref:ref} to {value:value}',
      'make {ref:ref} default to {value:value}',
    ],
    build: (c) => {
      const ref = refOf(c);
      return [{ op: 'setDefault', table: ref.table, column: ref.column, default: c.value as ColumnDefInput['default'] & object }];
    },
  },
  {
    id: 'add-index',
    example: 'add a unique index on customers (email)',
    patterns: [
      'add|create [a|an|the] [new] {unique:unique} index [named|called] {name:name} on [the] [table] {table:name} {cols:cols}',
      'add|create [a|an|the] [new] {unique:unique} index [named|called] {name:name} on {ref:ref}',
      'add|create [a|an|the] [new] {unique:unique} index on [the] [table] {table:name} {cols:cols}',
      'add|create [a|an|the] [new] {unique:unique} index on {ref:ref}',
      `add|create [a|an|the] [new] {unique:unique} index on [the] [column|columns] {cols:cols} ${OF} [the] [table] {table:name}`,
      'index {ref:ref}',
    ],
    build: (c) => {
      const { table, columns } = columnsOf(c);
      const unique = c.unique as boolean;
      return [{ op: 'createIndex', table, name: (c.name as string | undefined) ?? derivedName(table, columns, 'idx'), columns, unique }];
    },
  },
  {
    id: 'drop-index',
    example: 'drop index customers_email_idx on customers',
    patterns: ['drop|remove|delete [the] index {name:name} on|from|of [the] [table] {table:name}', 'drop|remove|delete [the] index {ref:ref}', 'drop|remove|delete [the] index {name:name}'],
    build: (c) => {
      const ref = c.ref as Ref | undefined;
      const table = ref?.table ?? (c.table as string | undefined);
      const name = ref?.column ?? (c.name as string);
      if (!table) throw new SentenceError(`say which table index ${name} is on: drop index ${name} on <table>`);
      return [{ op: 'dropIndex', table, name }];
    },
  },
  {
    id: 'add-unique',
    example: 'add a unique constraint on customers (email)',
    patterns: [
      'add [a|an|the] unique constraint [named|called] {name:name} on [the] [table] {table:name} {cols:cols}',
      'add [a|an|the] unique constraint [named|called] {name:name} on {ref:ref}',
      'add [a|an|the] unique constraint on [the] [table] {table:name} {cols:cols}',
      'add [a|an|the] unique constraint on {ref:ref}',
      'make {ref:ref} unique',
      '{ref:ref} should|must [be] unique',
      `make [the] [column|columns] {cols:cols} ${OF} [the] [table] {table:name} unique [together]`,
    ],
    build: (c) => {
      const { table, columns } = columnsOf(c);
      return [{ op: 'addUnique', table, unique: { name: (c.name as string | undefined) ?? derivedName(table, columns, 'key'), columns } }];
    },
  },
  {
    id: 'add-foreign-key',
    example: 'orders.customer_id references customers (or customers.id)',
    patterns: [
      '{ref:ref} references|referencing {target:target} [on delete {action:action}]',
      '{ref:ref} refers|points|belongs to {target:target} [on delete {action:action}]',
      'add [a|an|the] foreign key [named|called {name:name}] [from|on] {ref:ref} references|referencing|to {target:target} [on delete {action:action}]',
      'link {ref:ref} to {target:target} [on delete {action:action}]',
    ],
    build: (c) => {
      const ref = c.ref as Ref;
      return [foreignKey(ref, c.target as Target, c.action as Action | undefined, c.name as string | undefined)];
    },
  },
];

function refOf(c: Captures): Ref {
  return (c.ref as Ref | undefined) ?? { table: c.table as string, column: c.column as string };
}

function columnsOf(c: Captures): { table: string; columns: string[] } {
  const ref = c.ref as Ref | undefined;
  return ref ? { table: ref.table, columns: [ref.column] } : { table: c.table as string, columns: c.cols as string[] };
}

function createTable(table: string, phrases: ColumnPhrase[]): MigrationOpInput {
  const seen = new Set<string>();
  for (const p of phrases) {
    if (seen.has(p.name)) throw new SentenceError(`column ${p.name} is listed twice in table ${table}`);
    seen.add(p.name);
  }
  const pk = phrases.filter((p) => p.mods.primaryKey).map((p) => p.name);
  return {
    op: 'createTable',
    table,
    columns: phrases.map((p) => columnDef(p.name, p.type, p.mods)),
    ...(pk.length ? { primaryKey: { columns: pk } } : {}),
    uniques: phrases.filter((p) => p.mods.unique).map((p) => ({ name: derivedName(table, [p.name], 'key'), columns: [p.name] })),
    foreignKeys: phrases.filter((p) => p.mods.references).map((p) => foreignKeyDef({ table, column: p.name }, p.mods.references!, p.mods.references!.onDelete)),
  };
}

function addColumn(ref: Ref, type: NeutralType, mods: Modifiers): MigrationOpInput[] {
  if (mods.primaryKey) throw new SentenceError(`a primary key is declared when the table is created; ${ref.table} already exists, so add ${ref.column} as unique and required instead`);
  const ops: MigrationOpInput[] = [{ op: 'addColumn', table: ref.table, column: columnDef(ref.column, type, mods) }];
  if (mods.unique) ops.push({ op: 'addUnique', table: ref.table, unique: { name: derivedName(ref.table, [ref.column], 'key'), columns: [ref.column] } });
  if (mods.references) ops.push(foreignKey(ref, mods.references, mods.references.onDelete));
  return ops;
}

function columnDef(name: string, type: NeutralType, mods: Modifiers): ColumnDefInput {
  return {
    name,
    type,
    nullable: mods.primaryKey || mods.identity ? false : (mods.nullable ?? true),
    ...(mods.default ? { default: mods.default } : {}),
    ...(mods.identity ? { identity: 'by-default' as const } : {}),
  };
}

function foreignKeyDef(ref: Ref, target: Target, onDelete: Action | undefined, name?: string) {
  return {
    name: name ?? derivedName(ref.table, [ref.column], 'fkey'),
    columns: [ref.column],
    // "references customers" means its key; `id` is the convention this builder assumes (say customers.code otherwise).
    references: { table: target.table, columns: [target.column ?? 'id'] },
    ...(onDelete ? { onDelete } : {}),
  };
}

function foreignKey(ref: Ref, target: Target, onDelete: Action | undefined, name?: string): MigrationOpInput {
  return { op: 'addForeignKey', table: ref.table, foreignKey: foreignKeyDef(ref, target, onDelete, name) };
}

/** `customers_email_key`, cut with a short hash to stay within Postgres's 63 bytes. */
export function derivedName(table: string, columns: string[], suffix: string): string {
  const name = `${table}_${columns.join('_')}_${suffix}`;
  if (Buffer.byteLength(name) <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  let head = name;
  while (Buffer.byteLength(`${head}_${hash}_${suffix}`) > 63) head = head.slice(0, -1);
  return `${head}_${hash}_${suffix}`;
}
