import type { ColumnDef, MigrationOp } from '../contracts/migration-op.ts';
import type { Column, SchemaModel, Table } from '../contracts/schema-model.ts';
import { describeNeutralType } from '../schema/neutral.ts';
import { classifyTypeChange } from './lint/type-change.ts';
import { applyOp, findEnum, type ModelTraits, requireColumn, requireTable, usesEnum } from './apply-op.ts';
import { parseDefault } from './defaults.ts';

/** What an inverse would destroy, so the runner can count it on a live database. */
export type Loss =
  | { kind: 'table'; table: string }
  | { kind: 'column'; table: string; column: string }
  | { kind: 'narrow'; table: string; column: string; from: string; to: string }
  | { kind: 'enum-value'; enum: string; value: string; columns: { table: string; column: string }[] };

export interface Inverse {
  /** The ops that undo the op, in order. */
  ops: MigrationOp[];
  /** In plain words, what running `ops` would lose; null when nothing. */
  lossy: string | null;
  /** The same, as data (for counting rows). */
  loss?: Loss;
}

/** An op with no inverse: a raw `sql` op with `down: null`, or a change the portable ops cannot express back. */
export class IrreversibleOpError extends Error {
  override name = 'IrreversibleOpError';
}

/**
 * The ops that undo `op`, computed from the schema just before it: a dropped column comes back with its type,
 * nullability, default, identity and the indexes and constraints the drop took with it; a dropped table with its
 * columns, keys, checks, foreign keys and indexes. An inverse that would destroy data (dropping what the op
 * created, narrowing a type back, taking an enum value out) is marked `lossy`, saying what it would lose.
 * Throws IrreversibleOpError when no inverse exists.
 */
export function invertOp(op: MigrationOp, before: SchemaModel): Inverse {
  const none = (ops: MigrationOp[]): Inverse => ({ ops, lossy: null });
  switch (op.op) {
    case 'createTable':
      return { ops: [{ op: 'dropTable', table: op.table }], lossy: `drops table ${op.table} and its rows`, loss: { kind: 'table', table: op.table } };
    case 'dropTable':
      return none(recreateTable(before, requireTable(before, op.table)));
    case 'renameTable':
      return none([{ op: 'renameTable', from: op.to, to: op.from }]);
    case 'addColumn':
      return {
        ops: [{ op: 'dropColumn', table: op.table, column: op.column.name }],
        lossy: `drops column ${op.table}.${op.column.name} and its values`,
        loss: { kind: 'column', table: op.table, column: op.column.name },
      };
    case 'dropColumn': {
      const table = requireTable(before, op.table);
      const column = requireColumn(table, op.column);
      if (table.primaryKey?.columns.includes(column.name))
        irreversible(`dropping ${op.table}.${op.column} drops the primary key, which no portable op adds back`);
      const involved = <T extends { columns: string[] }>(items: T[]) => items.filter((i) => i.columns.includes(column.name));
      return none([
        { op: 'addColumn', table: op.table, column: columnDef(before, table, column) },
        ...involved(table.indexes).map((i) => indexOp(table, i)),
        ...involved(table.uniques).map(
          (u): MigrationOp => ({ op: 'addUnique', table: op.table, unique: { name: named(u.name, table, 'unique'), columns: u.columns } }),
        ),
        ...involved(table.foreignKeys).map((fk): MigrationOp => ({ op: 'addForeignKey', table: op.table, foreignKey: foreignKeyDef(table, fk) })),
      ]);
    }
    case 'renameColumn':
      return none([{ op: 'renameColumn', table: op.table, from: op.to, to: op.from }]);
    case 'alterColumnType': {
      const column = requireColumn(requireTable(before, op.table), op.column);
      const back: MigrationOp = { op: 'alterColumnType', table: op.table, column: op.column, type: structuredClone(column.type) };
      if (classifyTypeChange(op.type, column.type) !== 'narrow') return none([back]);
      return {
        ops: [back],
        lossy: `narrows ${op.table}.${op.column} back from ${describeNeutralType(op.type)} to ${describeNeutralType(column.type)}: values that do not fit fail the change or are cut`,
        loss: { kind: 'narrow', table: op.table, column: op.column, from: describeNeutralType(op.type), to: describeNeutralType(column.type) },
      };
    }
    case 'setNullable': {
      const column = requireColumn(requireTable(before, op.table), op.column);
      return none([{ op: 'setNullable', table: op.table, column: op.column, nullable: column.nullable }]);
    }
    case 'setDefault': {
      const column = requireColumn(requireTable(before, op.table), op.column);
      return none([
        { op: 'setDefault', table: op.table, column: op.column, default: column.default === null ? null : parseDefault(column.default, before.dialect) },
      ]);
    }
    case 'createIndex':
      return none([{ op: 'dropIndex', table: op.table, name: op.name }]);
    case 'dropIndex': {
      const table = requireTable(before, op.table);
      const index = table.indexes.find((i) => i.name === op.name);
      if (!index) throw new Error(`index ${op.name} on ${op.table} does not exist`);
      return none([indexOp(table, index)]);
    }
    case 'addForeignKey':
      return none([{ op: 'dropForeignKey', table: op.table, name: op.foreignKey.name }]);
    case 'dropForeignKey': {
      const table = requireTable(before, op.table);
      const fk = table.foreignKeys.find((f) => f.name === op.name);
      if (!fk) throw new Error(`foreign key ${op.name} on ${op.table} does not exist`);
      return none([{ op: 'addForeignKey', table: op.table, foreignKey: foreignKeyDef(table, fk) }]);
    }
    case 'addCheck':
      return none([{ op: 'dropCheck', table: op.table, name: op.check.name }]);
    case 'dropCheck': {
      const check = requireTable(before, op.table).checks.find((c) => c.name === op.name);
      if (!check) throw new Error(`check ${op.name} on ${op.table} does not exist`);
      return none([{ op: 'addCheck', table: op.table, check: { name: op.name, expression: check.expression } }]);
    }
    case 'addUnique':
      return none([{ op: 'dropUnique', table: op.table, name: op.unique.name }]);
    case 'dropUnique': {
      const unique = requireTable(before, op.table).uniques.find((u) => u.name === op.name);
      if (!unique) throw new Error(`unique constraint ${op.name} on ${op.table} does not exist`);
      return none([{ op: 'addUnique', table: op.table, unique: { name: op.name, columns: unique.columns } }]);
    }
    case 'createEnum':
      return none([{ op: 'dropEnum', name: op.name }]);
    case 'dropEnum': {
      const found = findEnum(before, op.name);
      if (!found) throw new Error(`enum ${op.name} does not exist`);
      return none([{ op: 'createEnum', name: op.name, values: [...found.values] }]);
    }
    case 'addEnumValue':
      return removeEnumValue(op, before);
    case 'sql':
      if (op.down === null) irreversible('a raw SQL op with down: null');
      return none([{ op: 'sql', up: op.down, down: op.up }]);
  }
}

/**
 * The inverse of a list of ops applied in order from `before`: each op inverted against the schema just before
 * it, the inverses in reverse order. `lossy` lists every loss.
 */
export function invertOps(ops: readonly MigrationOp[], before: SchemaModel, traits: ModelTraits): { ops: MigrationOp[]; lossy: string[]; losses: Loss[] } {
  let model = before;
  const steps: Inverse[] = [];
  for (const op of ops) {
    steps.push(invertOp(op, model));
    model = applyOp(model, op, traits);
  }
  steps.reverse();
  return {
    ops: steps.flatMap((s) => s.ops),
    lossy: steps.flatMap((s) => (s.lossy === null ? [] : [s.lossy])),
    losses: steps.flatMap((s) => (s.loss ? [s.loss] : [])),
  };
}

function irreversible(why: string): never {
  throw new IrreversibleOpError(`no inverse: ${why}`);
}

/**
 * No engine removes an enum value in place, so the inverse rebuilds the enum: each column using it goes to text
 * (its default set aside, since a default cannot follow the type change), the enum is dropped and created with its
 * old values, and the columns go back to it with their defaults. Rows holding the new value make that fail.
 */
function removeEnumValue(op: Extract<MigrationOp, { op: 'addEnumValue' }>, before: SchemaModel): Inverse {
  const found = findEnum(before, op.enum);
  if (!found) throw new Error(`enum ${op.enum} does not exist`);
  const users = before.tables.flatMap((t) => t.columns.filter((c) => usesEnum(c.type, op.enum)).map((c) => ({ table: t, column: c })));
  const arrays = users.find((u) => u.column.type.kind !== 'enum');
  if (arrays) irreversible(`${arrays.table.name}.${arrays.column.name} is an array of enum ${op.enum}; remove the value by hand`);
  const ops: MigrationOp[] = [];
  for (const { table, column } of users) {
    if (column.default !== null) ops.push({ op: 'setDefault', table: table.name, column: column.name, default: null });
    ops.push({ op: 'alterColumnType', table: table.name, column: column.name, type: { kind: 'text' } });
  }
  ops.push({ op: 'dropEnum', name: op.enum }, { op: 'createEnum', name: op.enum, values: [...found.values] });
  for (const { table, column } of users) {
    ops.push({ op: 'alterColumnType', table: table.name, column: column.name, type: structuredClone(column.type) });
    if (column.default !== null) ops.push({ op: 'setDefault', table: table.name, column: column.name, default: parseDefault(column.default, before.dialect) });
  }
  const columns = users.map((u) => ({ table: u.table.name, column: u.column.name }));
  const where = columns.length ? ` (rows of ${columns.map((c) => `${c.table}.${c.column}`).join(', ')} holding it stop the change)` : '';
  return { ops, lossy: `removes value ${op.value} from enum ${op.enum}${where}`, loss: { kind: 'enum-value', enum: op.enum, value: op.value, columns } };
}

/** A column as an op declares it, read back from a model. */
function columnDef(model: SchemaModel, table: Table, column: Column): ColumnDef {
  if (column.generated) irreversible(`${table.name}.${column.name} is a generated column, which no portable op creates`);
  return {
    name: column.name,
    type: structuredClone(column.type),
    nullable: column.nullable,
    ...(column.default === null ? {} : { default: parseDefault(column.default, model.dialect) }),
    ...(column.identity === null ? {} : { identity: column.identity }),
  };
}

/** createTable with the table's columns, keys, checks and foreign keys, then its indexes. */
function recreateTable(model: SchemaModel, table: Table): MigrationOp[] {
  return [
    {
      op: 'createTable',
      table: table.name,
      columns: table.columns.map((c) => columnDef(model, table, c)),
      ...(table.primaryKey
        ? { primaryKey: { ...(table.primaryKey.name === null ? {} : { name: table.primaryKey.name }), columns: [...table.primaryKey.columns] } }
        : {}),
      uniques: table.uniques.map((u) => ({ name: named(u.name, table, 'unique constraint'), columns: [...u.columns] })),
      checks: table.checks.map((c) => ({ name: named(c.name, table, 'check'), expression: c.expression })),
      foreignKeys: table.foreignKeys.map((fk) => foreignKeyDef(table, fk)),
    },
    ...table.indexes.map((i) => indexOp(table, i)),
  ];
}

function named(name: string | null, table: Table, what: string): string {
  if (name === null) irreversible(`a ${what} of ${table.name} has no name, and the ops that add one back need it`);
  return name;
}

function indexOp(table: Table, index: Table['indexes'][number]): MigrationOp {
  const expression = index.columns.find((c) => c.startsWith('('));
  if (expression) irreversible(`index ${index.name} on ${table.name} has an expression part ${expression}, which createIndex cannot express`);
  return {
    op: 'createIndex',
    table: table.name,
    name: index.name,
    columns: [...index.columns],
    unique: index.unique,
    ...(index.where === null ? {} : { where: index.where }),
  };
}

function foreignKeyDef(table: Table, fk: Table['foreignKeys'][number]) {
  return {
    name: named(fk.name, table, 'foreign key'),
    columns: [...fk.columns],
    references: { table: fk.referencedTable, columns: [...fk.referencedColumns] },
    onDelete: fk.onDelete,
    onUpdate: fk.onUpdate,
  };
}
