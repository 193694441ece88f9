import type { DialectName } from '../contracts/connection-profile.ts';
import type { ColumnDef, MigrationOp } from '../contracts/migration-op.ts';
import { type Column, type NeutralType, noNativeParts, type SchemaModel, type Table } from '../contracts/schema-model.ts';
import type { DialectCapabilities } from '../dialects/dialect.ts';
import { describeNeutralType } from '../schema/neutral.ts';
import { compareText } from '../util/collections.ts';
import { formatDefault } from './defaults.ts';

/** What the reducer needs to know about the dialect the model belongs to. */
export type ModelTraits = Pick<DialectCapabilities, 'enums'>;

/** The model of a database with nothing in it yet. */
export function emptyModel(dialect: DialectName, defaultSchema: string): SchemaModel {
  return { dialect, defaultSchema, tables: [], views: [], enums: [], domains: [], ...noNativeParts(defaultSchema) };
}

/**
 * The schema after `op`: a pure reducer over SchemaModel, used by `plan` (the schema each op compiles against),
 * by inverses (what a dropped column looked like) and by `drift` (the schema the applied migrations imply).
 * Refuses an op that cannot apply (a missing table, a duplicate column) with an error naming what is wrong.
 *
 * How an implied model differs from an introspected one, on parts the neutral comparison leaves out:
 * - `nativeType` is the neutral type's description (`varchar(40)`), and a default is spelled neutrally (see
 *   defaults.ts), not as the engine would;
 * - enums: every dialect's model keeps the declared enum in `enums` and its columns typed `enum`. On a dialect
 *   without native enums the column is stored as text with a CHECK on the values (the compiler writes that CHECK
 *   from the enum); the implied model gives it nativeType `text` and does NOT list that CHECK, since it is not a
 *   check the migrations declared. Its introspected model shows a text column, an extra CHECK and no enum, so
 *   compare the two with neutral option `nativeEnums: false` (an enum column reads as text, enum types are left out);
 * - a raw `sql` op leaves the model unchanged: what raw SQL does to the schema is not knowable without running it,
 *   so `drift` reports whatever schema change it made.
 */
export function applyOp(model: SchemaModel, op: MigrationOp, traits: ModelTraits): SchemaModel {
  const next = structuredClone(model);
  reduce(next, op, traits);
  return sortModel(next);
}

/** Folds applyOp over `ops`. */
export function applyOps(model: SchemaModel, ops: readonly MigrationOp[], traits: ModelTraits): SchemaModel {
  return ops.reduce((current, op) => applyOp(current, op, traits), model);
}

function reduce(m: SchemaModel, op: MigrationOp, traits: ModelTraits): void {
  switch (op.op) {
    case 'createTable': {
      if (findTable(m, op.table)) throw new Error(`table ${op.table} already exists`);
      const table: Table = {
        partitionBy: null,
        schema: m.defaultSchema,
        name: op.table,
        columns: [],
        primaryKey: null,
        foreignKeys: [],
        uniques: [],
        indexes: [],
        checks: op.checks.map((c) => ({ name: c.name, expression: c.expression })),
        comment: null,
      };
      for (const def of op.columns) {
        if (table.columns.some((c) => c.name === def.name)) throw new Error(`column ${op.table}.${def.name} is declared twice`);
        table.columns.push(toColumn(m, def, traits));
      }
      if (op.primaryKey) {
        requireColumns(table, op.primaryKey.columns);
        table.primaryKey = { name: op.primaryKey.name ?? null, columns: [...op.primaryKey.columns] };
        // Primary key columns are NOT NULL on every engine.
        for (const c of table.columns) if (op.primaryKey.columns.includes(c.name)) c.nullable = false;
      }
      m.tables.push(table);
      for (const u of op.uniques) addUnique(m, table, u);
      for (const fk of op.foreignKeys) addForeignKey(m, table, fk);
      return;
    }
    case 'dropTable': {
      const table = requireTable(m, op.table);
      for (const other of m.tables) {
        if (other === table) continue;
        const fk = other.foreignKeys.find((f) => f.referencedTable === table.name && f.referencedSchema === table.schema);
        if (fk) throw new Error(`table ${op.table} is referenced by foreign key ${fk.name ?? `(${fk.columns.join(', ')})`} of ${other.name}; drop that first`);
      }
      m.tables.splice(m.tables.indexOf(table), 1);
      return;
    }
    case 'renameTable': {
      const table = requireTable(m, op.from);
      if (findTable(m, op.to)) throw new Error(`cannot rename ${op.from} to ${op.to}: table ${op.to} already exists`);
      for (const t of m.tables)
        for (const fk of t.foreignKeys) if (fk.referencedTable === op.from && fk.referencedSchema === table.schema) fk.referencedTable = op.to;
      table.name = op.to;
      return;
    }
    case 'addColumn': {
      const table = requireTable(m, op.table);
      if (findColumn(table, op.column.name)) throw new Error(`column ${op.table}.${op.column.name} already exists`);
      table.columns.push(toColumn(m, op.column, traits));
      return;
    }
    case 'dropColumn': {
      const table = requireTable(m, op.table);
      const column = requireColumn(table, op.column);
      for (const other of m.tables) {
        const fk = other.foreignKeys.find(
          (f) => f.referencedTable === table.name && f.referencedColumns.includes(column.name) && !(other === table && f.columns.includes(column.name)),
        );
        if (fk)
          throw new Error(
            `column ${op.table}.${op.column} is referenced by foreign key ${fk.name ?? `(${fk.columns.join(', ')})`} of ${other.name}; drop that first`,
          );
      }
      if (table.columns.length === 1) throw new Error(`cannot drop ${op.table}.${op.column}: it is the table's only column (drop the table instead)`);
      // Engines drop the indexes and constraints built on a dropped column along with it.
      const without = <T extends { columns: string[] }>(items: T[]) => items.filter((i) => !i.columns.includes(column.name));
      table.indexes = without(table.indexes);
      table.uniques = without(table.uniques);
      table.foreignKeys = without(table.foreignKeys);
      if (table.primaryKey?.columns.includes(column.name)) table.primaryKey = null;
      table.columns.splice(table.columns.indexOf(column), 1);
      return;
    }
    case 'renameColumn': {
      const table = requireTable(m, op.table);
      const column = requireColumn(table, op.from);
      if (findColumn(table, op.to)) throw new Error(`cannot rename ${op.table}.${op.from} to ${op.to}: column ${op.to} already exists`);
      const rename = (names: string[]) => names.map((n) => (n === op.from ? op.to : n));
      column.name = op.to;
      if (table.primaryKey) table.primaryKey.columns = rename(table.primaryKey.columns);
      for (const u of table.uniques) u.columns = rename(u.columns);
      for (const i of table.indexes) i.columns = rename(i.columns);
      for (const fk of table.foreignKeys) fk.columns = rename(fk.columns);
      for (const t of m.tables)
        for (const fk of t.foreignKeys)
          if (fk.referencedTable === table.name && fk.referencedSchema === table.schema) fk.referencedColumns = rename(fk.referencedColumns);
      return;
    }
    case 'alterColumnType': {
      const column = requireColumn(requireTable(m, op.table), op.column);
      requireEnumOf(m, op.type);
      column.type = structuredClone(op.type);
      column.nativeType = nativeTypeOf(op.type, traits);
      return;
    }
    case 'setNullable': {
      const table = requireTable(m, op.table);
      const column = requireColumn(table, op.column);
      if (op.nullable && table.primaryKey?.columns.includes(column.name))
        throw new Error(`${op.table}.${op.column} is part of the primary key and cannot be nullable`);
      column.nullable = op.nullable;
      return;
    }
    case 'setDefault': {
      const column = requireColumn(requireTable(m, op.table), op.column);
      column.default = op.default === null ? null : formatDefault(op.default, m.dialect);
      return;
    }
    case 'createIndex': {
      const table = requireTable(m, op.table);
      requireColumns(table, op.columns);
      const clash = m.tables.find((t) => t.indexes.some((i) => i.name === op.name));
      if (clash) throw new Error(`an index named ${op.name} already exists (on ${clash.name})`);
      table.indexes.push({ name: op.name, columns: [...op.columns], unique: op.unique, where: op.where ?? null });
      return;
    }
    case 'dropIndex': {
      const table = requireTable(m, op.table);
      table.indexes.splice(indexOfNamed(table.indexes, op.name, `index ${op.name} on ${op.table}`), 1);
      return;
    }
    case 'addForeignKey':
      addForeignKey(m, requireTable(m, op.table), op.foreignKey);
      return;
    case 'dropForeignKey': {
      const table = requireTable(m, op.table);
      table.foreignKeys.splice(indexOfNamed(table.foreignKeys, op.name, `foreign key ${op.name} on ${op.table}`), 1);
      return;
    }
    case 'addCheck': {
      const table = requireTable(m, op.table);
      if (table.checks.some((c) => c.name === op.check.name)) throw new Error(`check ${op.check.name} already exists on ${op.table}`);
      table.checks.push({ name: op.check.name, expression: op.check.expression });
      return;
    }
    case 'dropCheck': {
      const table = requireTable(m, op.table);
      table.checks.splice(indexOfNamed(table.checks, op.name, `check ${op.name} on ${op.table}`), 1);
      return;
    }
    case 'addUnique':
      addUnique(m, requireTable(m, op.table), op.unique);
      return;
    case 'dropUnique': {
      const table = requireTable(m, op.table);
      table.uniques.splice(indexOfNamed(table.uniques, op.name, `unique constraint ${op.name} on ${op.table}`), 1);
      return;
    }
    case 'createEnum': {
      if (findEnum(m, op.name)) throw new Error(`enum ${op.name} already exists`);
      if (new Set(op.values).size !== op.values.length) throw new Error(`enum ${op.name} lists a value twice`);
      m.enums.push({ schema: m.defaultSchema, name: op.name, values: [...op.values] });
      return;
    }
    case 'dropEnum': {
      const found = requireEnum(m, op.name);
      for (const t of m.tables) {
        const user = t.columns.find((c) => usesEnum(c.type, op.name));
        if (user) throw new Error(`enum ${op.name} is used by ${t.name}.${user.name}; change or drop that column first`);
      }
      m.enums.splice(m.enums.indexOf(found), 1);
      return;
    }
    case 'addEnumValue': {
      const found = requireEnum(m, op.enum);
      if (found.values.includes(op.value)) throw new Error(`enum ${op.enum} already has the value ${op.value}`);
      if (op.before !== undefined && op.after !== undefined) throw new Error('give at most one of before and after');
      const anchor = op.before ?? op.after;
      if (anchor === undefined) {
        found.values.push(op.value);
        return;
      }
      const at = found.values.indexOf(anchor);
      if (at < 0) throw new Error(`enum ${op.enum} has no value ${anchor} to place ${op.value} ${op.before !== undefined ? 'before' : 'after'}`);
      found.values.splice(op.before !== undefined ? at : at + 1, 0, op.value);
      return;
    }
    case 'sql':
      return;
  }
}

/** The column a ColumnDef declares, as the implied model shows it. */
export function toColumn(m: SchemaModel, def: ColumnDef, traits: ModelTraits): Column {
  requireEnumOf(m, def.type);
  return {
    name: def.name,
    type: structuredClone(def.type),
    nativeType: nativeTypeOf(def.type, traits),
    nullable: def.nullable && def.identity === undefined,
    default: def.default === undefined ? null : formatDefault(def.default, m.dialect),
    identity: def.identity ?? null,
    generated: null,
    comment: null,
  };
}

function nativeTypeOf(type: NeutralType, traits: ModelTraits): string {
  return type.kind === 'enum' && !traits.enums ? 'text' : describeNeutralType(type);
}

function addUnique(_m: SchemaModel, table: Table, unique: { name: string; columns: string[] }): void {
  requireColumns(table, unique.columns);
  if (table.uniques.some((u) => u.name === unique.name)) throw new Error(`unique constraint ${unique.name} already exists on ${table.name}`);
  table.uniques.push({ name: unique.name, columns: [...unique.columns] });
}

function addForeignKey(m: SchemaModel, table: Table, fk: Extract<MigrationOp, { op: 'addForeignKey' }>['foreignKey']): void {
  requireColumns(table, fk.columns);
  const target = requireTable(m, fk.references.table);
  requireColumns(target, fk.references.columns);
  if (fk.columns.length !== fk.references.columns.length)
    throw new Error(`foreign key ${fk.name} has ${fk.columns.length} columns but references ${fk.references.columns.length}`);
  if (table.foreignKeys.some((f) => f.name === fk.name)) throw new Error(`foreign key ${fk.name} already exists on ${table.name}`);
  table.foreignKeys.push({
    name: fk.name,
    columns: [...fk.columns],
    referencedSchema: target.schema,
    referencedTable: target.name,
    referencedColumns: [...fk.references.columns],
    onDelete: fk.onDelete,
    onUpdate: fk.onUpdate,
  });
}

export function findTable(m: SchemaModel, name: string): Table | undefined {
  return m.tables.find((t) => t.schema === m.defaultSchema && t.name === name);
}

export function requireTable(m: SchemaModel, name: string): Table {
  const table = findTable(m, name);
  if (!table) throw new Error(`table ${name} does not exist`);
  return table;
}

export function findColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

export function requireColumn(table: Table, name: string): Column {
  const column = findColumn(table, name);
  if (!column) throw new Error(`column ${table.name}.${name} does not exist`);
  return column;
}

function requireColumns(table: Table, names: string[]): void {
  for (const name of names) requireColumn(table, name);
}

export function findEnum(m: SchemaModel, name: string) {
  return m.enums.find((e) => e.schema === m.defaultSchema && e.name === name);
}

function requireEnum(m: SchemaModel, name: string) {
  const found = findEnum(m, name);
  if (!found) throw new Error(`enum ${name} does not exist`);
  return found;
}

function requireEnumOf(m: SchemaModel, type: NeutralType): void {
  if (type.kind === 'enum') {
    if (!type.enumName) throw new Error('an enum column must name its enum (type.enumName)');
    requireEnum(m, type.enumName);
  }
  if (type.kind === 'array' && type.element) requireEnumOf(m, type.element);
}

export function usesEnum(type: NeutralType, name: string): boolean {
  return (type.kind === 'enum' && type.enumName === name) || (type.kind === 'array' && type.element !== undefined && usesEnum(type.element, name));
}

function indexOfNamed(items: { name: string | null }[], name: string, what: string): number {
  const at = items.findIndex((i) => i.name === name);
  if (at < 0) throw new Error(`${what} does not exist`);
  return at;
}

/** The order introspection gives: tables and enums by schema then name, constraints and indexes by name then columns. */
export function sortModel(m: SchemaModel): SchemaModel {
  const byName = <T extends { name: string | null }>(items: T[], columns?: (i: T) => string[]) =>
    items.sort((a, b) => compareText(a.name ?? '', b.name ?? '') || (columns ? compareText(columns(a).join('\0'), columns(b).join('\0')) : 0));
  for (const t of m.tables) {
    byName(t.foreignKeys, (f) => f.columns);
    byName(t.uniques, (u) => u.columns);
    byName(t.indexes, (i) => i.columns);
    byName(t.checks);
  }
  m.tables.sort((a, b) => compareText(a.schema, b.schema) || compareText(a.name, b.name));
  m.enums.sort((a, b) => compareText(a.schema, b.schema) || compareText(a.name, b.name));
  return m;
}
