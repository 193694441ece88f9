import { createHash } from 'node:crypto';
import type { ColumnDefInput, MigrationOpInput } from '../../contracts/migration-op.ts';
import type { ColumnPhrase, Modifiers, TableBody } from './columns.ts';
import { findTable, type Resolver } from './schema.ts';
import type { Action, Target } from './slots.ts';
import type { TypeReading } from './types.ts';
import { SentenceError } from './tokens.ts';

/** The ops forms build, shared: a new table, a new column and what its modifiers add, foreign keys, derived names. */

export function createTable(written: string, body: TableBody, r: Resolver): MigrationOpInput {
  const table = r.table(written, 'new');
  const seen = new Set<string>();
  for (const p of body.columns) {
    if (seen.has(p.name)) throw new SentenceError(`column ${p.name} is listed twice in table ${table}`);
    seen.add(p.name);
  }
  const pk = body.primaryKey?.columns ?? body.columns.filter((p) => p.mods.primaryKey).map((p) => p.name);
  for (const name of pk) if (!seen.has(name)) throw new SentenceError(`primary key column ${name} is not a column of ${table}`);
  const columns = body.columns.map((p) => columnDef(p, r, pk.includes(p.name), true));
  r.creating({ name: table, columns: columns.map((c) => c.name), primaryKey: pk, indexes: [], foreignKeys: [], uniques: [], checks: [] });
  return {
    op: 'createTable',
    table,
    columns,
    ...(pk.length ? { primaryKey: { ...(body.primaryKey?.name ? { name: body.primaryKey.name } : {}), columns: pk } } : {}),
    uniques: [
      ...body.columns.filter((p) => p.mods.unique).map((p) => ({ name: derivedName(table, [p.name], 'key'), columns: [p.name] })),
      ...body.uniques.map((u) => ({ name: u.name ?? derivedName(table, u.columns, 'key'), columns: u.columns })),
    ],
    checks: [
      ...body.columns.filter((p) => p.mods.check).map((p) => ({ name: derivedName(table, [p.name], 'check'), expression: p.mods.check! })),
      ...body.checks.map((c) => ({ name: c.name ?? derivedName(table, [], 'check'), expression: c.expression })),
    ],
    foreignKeys: [
      ...body.columns.filter((p) => p.mods.references).map((p) => foreignKeyDef(table, [p.name], p.mods.references!, r)),
      ...body.foreignKeys.map((f) => foreignKeyDef(table, f.columns, { ...f.references, onDelete: f.onDelete, onUpdate: f.onUpdate }, r, f.name)),
    ],
  };
}

/** addColumn, and what its modifiers add: a unique constraint, an index, a foreign key. */
export function addColumn(written: string | undefined, given: ColumnPhrase, tail: { type?: TypeReading; mods: Modifiers }, r: Resolver): MigrationOpInput[] {
  if (given.type && tail.type) throw new SentenceError(`column ${given.name} is given two types`);
  const phrase = { ...given, type: given.type ?? tail.type };
  const mods = { ...phrase.mods, ...tail.mods };
  const { table, column } = r.column({ table: written ?? phrase.table, column: phrase.name }, 'new');
  if (mods.primaryKey)
    throw new SentenceError(`a primary key is declared when the table is created; ${table} already exists, so add ${column} as unique and required instead`);
  const ops: MigrationOpInput[] = [{ op: 'addColumn', table, column: columnDef({ ...phrase, name: column, mods }, r, false) }];
  if (mods.unique) ops.push({ op: 'addUnique', table, unique: { name: derivedName(table, [column], 'key'), columns: [column] } });
  if (mods.index) ops.push({ op: 'createIndex', table, name: derivedName(table, [column], 'idx'), columns: [column], unique: false });
  if (mods.references) ops.push({ op: 'addForeignKey', table, foreignKey: foreignKeyDef(table, [column], mods.references, r) });
  if (mods.check) ops.push({ op: 'addCheck', table, check: { name: derivedName(table, [column], 'check'), expression: mods.check } });
  return ops;
}

/** A column's definition; `listed`: it is one of a new table's columns (so a column, whatever its name). */
export function columnDef(p: ColumnPhrase, r: Resolver, inPrimaryKey: boolean, listed = false): ColumnDefInput {
  const identity = p.mods.identity || p.type?.identity;
  return {
    name: p.name,
    type: p.type?.type ?? r.guessType(p.name, listed || Object.keys(p.mods).length > 0),
    nullable: inPrimaryKey || p.mods.primaryKey || identity ? false : (p.mods.nullable ?? true),
    ...(p.mods.default ? { default: p.mods.default } : {}),
    ...(identity ? { identity: 'by-default' as const } : {}),
  };
}

/**
 * A foreign key. `references customers` means customers' primary key when the schema knows it (else `id`, the
 * convention); a target named in the singular (`customer`) is the table the schema has.
 */
export function foreignKeyDef(table: string, columns: string[], target: Target & { onDelete?: Action; onUpdate?: Action }, r: Resolver, name?: string) {
  const to = r.table(target.table, 'exists');
  const key = target.column !== undefined ? [r.columns(to, [target.column]).columns[0]!] : (findTable(r.schema, to)?.primaryKey ?? ['id']);
  return {
    name: name ?? derivedName(table, columns, 'fkey'),
    columns,
    references: { table: to, columns: key.length === columns.length ? key : ['id'] },
    ...(target.onDelete ? { onDelete: target.onDelete } : {}),
    ...(target.onUpdate ? { onUpdate: target.onUpdate } : {}),
  };
}

/** `customers_email_key`, cut with a short hash to stay within Postgres's 63 bytes. */
export function derivedName(table: string, columns: string[], suffix: string): string {
  const name = [table, ...columns, suffix].join('_');
  if (Buffer.byteLength(name) <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  let head = name;
  while (Buffer.byteLength(`${head}_${hash}_${suffix}`) > 63) head = head.slice(0, -1);
  return `${head}_${hash}_${suffix}`;
}
