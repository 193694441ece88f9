import type { MigrationOp } from '../../../contracts/migration-op.ts';
import type { SchemaModel, Table } from '../../../contracts/schema-model.ts';
import type { CompiledStatement } from '../../migration-dialect.ts';
import { foldIdentifier, tokenize } from '../sql-text.ts';
import { rebuildTable } from './rebuild.ts';
import { splitSqliteStatements } from './split.ts';
import { enumCheck, enumValues, quoteIdent, quoteList, quoteLiteral, sqliteDefault, sqliteType, tableIn } from './sql-text.ts';
import { createTableSql, foreignKeyShape, shapeColumn, shapeOf, type TableShape } from './table-shape.ts';

/** Does SQL text (a CHECK, an index predicate, a generated expression) name `column`? */
function mentions(text: string | null, column: string): boolean {
  if (!text) return false;
  const folded = foldIdentifier(column);
  return tokenize(text).some((t) => (t.kind === 'word' || t.kind === 'quoted') && foldIdentifier(t.value) === folded);
}

const sameName = (a: string, b: string) => foldIdentifier(a) === foldIdentifier(b);

/** Removes the constraint named `name` from `list`, or fails naming what was looked for. */
function without<T extends { name: string | null }>(list: T[], name: string, what: string, table: string): T[] {
  if (!list.some((item) => item.name === name)) throw new Error(`table "${table}" has no ${what} named "${name}"`);
  return list.filter((item) => item.name !== name);
}

/** The column named `name` of a shape, or an error. */
function columnOf(shape: TableShape, name: string) {
  const column = shape.columns.find((c) => c.name === name);
  if (!column) throw new Error(`table "${shape.name}" has no column "${name}"`);
  return column;
}

/**
 * The SQLite DDL for one op. ALTER TABLE where SQLite has it (rename table and column, add a column with a constant
 * default, drop a column nothing else uses); the table rebuild (rebuild.ts) for everything else, built from the
 * table's definition in `before`.
 */
export function compileSqlite(op: MigrationOp, before: SchemaModel): CompiledStatement[] {
  const where = `${op.op} op`;
  const rebuild = (name: string, change: (shape: TableShape, table: Table) => void, dropIndexes?: string[]) => {
    const table = tableIn(before, name, where);
    const shape = shapeOf(table, before);
    change(shape, table);
    return rebuildTable(shape, { dropIndexes });
  };
  switch (op.op) {
    case 'createTable': {
      const shape: TableShape = {
        name: op.table,
        columns: op.columns.map((c) => shapeColumn(c, before, `${where} on "${op.table}"`)),
        primaryKey: op.primaryKey ? { name: op.primaryKey.name ?? null, columns: op.primaryKey.columns } : null,
        uniques: op.uniques.map((u) => ({ ...u })),
        checks: op.checks.map((c) => ({ ...c })),
        foreignKeys: op.foreignKeys.map(foreignKeyShape),
      };
      return [{ sql: createTableSql(shape) }];
    }
    case 'dropTable':
      return [{ sql: `DROP TABLE ${quoteIdent(op.table)}` }];
    case 'renameTable':
      // Since 3.26 the rename also rewrites other tables' foreign keys, triggers and views that name the table.
      return [{ sql: `ALTER TABLE ${quoteIdent(op.from)} RENAME TO ${quoteIdent(op.to)}` }];
    case 'addColumn': {
      const c = op.column;
      const at = `${where} on "${op.table}", column ${c.name}`;
      const defaultSql = c.default ? sqliteDefault(c.default, at) : null;
      // ADD COLUMN takes no identity, no NOT NULL without a default, and only a constant default.
      if (!c.identity && (c.nullable || defaultSql) && (!defaultSql || defaultSql.constant)) {
        const parts = [quoteIdent(c.name), sqliteType(c.type, at)];
        if (!c.nullable) parts.push('NOT NULL');
        if (defaultSql) parts.push(`DEFAULT ${defaultSql.sql}`);
        if (c.type.kind === 'enum') parts.push(enumCheck(c.name, enumValues(before, c.type.enumName, at)));
        return [{ sql: `ALTER TABLE ${quoteIdent(op.table)} ADD COLUMN ${parts.join(' ')}` }];
      }
      return rebuild(op.table, (shape) => shape.columns.push(shapeColumn(c, before, `${where} on "${op.table}"`)));
    }
    case 'dropColumn': {
      const table = tableIn(before, op.table, where);
      const named = (cols: string[]) => cols.some((c) => sameName(c, op.column));
      const indexes = table.indexes.filter(
        (i) => named(i.columns) || i.columns.some((c) => c.startsWith('(') && mentions(c, op.column)) || mentions(i.where, op.column),
      );
      const used =
        indexes.length > 0 ||
        named(table.primaryKey?.columns ?? []) ||
        table.uniques.some((u) => named(u.columns)) ||
        table.foreignKeys.some((f) => named(f.columns)) ||
        table.checks.some((c) => mentions(c.expression, op.column)) ||
        table.columns.some((c) => mentions(c.generated?.expression ?? null, op.column));
      if (!used) return [{ sql: `ALTER TABLE ${quoteIdent(op.table)} DROP COLUMN ${quoteIdent(op.column)}` }];
      // As Postgres does: indexes and constraints over the column go with it.
      return rebuild(
        op.table,
        (shape) => {
          columnOf(shape, op.column);
          shape.columns = shape.columns.filter((c) => c.name !== op.column);
          if (shape.primaryKey && named(shape.primaryKey.columns)) shape.primaryKey = null;
          shape.uniques = shape.uniques.filter((u) => !named(u.columns));
          shape.foreignKeys = shape.foreignKeys.filter((f) => !named(f.columns));
          shape.checks = shape.checks.filter((c) => !mentions(c.expression, op.column));
        },
        indexes.map((i) => i.name),
      );
    }
    case 'renameColumn':
      return [{ sql: `ALTER TABLE ${quoteIdent(op.table)} RENAME COLUMN ${quoteIdent(op.from)} TO ${quoteIdent(op.to)}` }];
    case 'alterColumnType':
      return rebuild(op.table, (shape) => {
        const column = columnOf(shape, op.column);
        const at = `${where} on "${op.table}", column ${op.column}`;
        column.declared = sqliteType(op.type, at);
        column.enumValues = op.type.kind === 'enum' ? enumValues(before, op.type.enumName, at) : null;
        if (op.using?.sqlite) column.source = `(${op.using.sqlite})`;
      });
    case 'setNullable':
      return rebuild(op.table, (shape) => {
        columnOf(shape, op.column).nullable = op.nullable;
      });
    case 'setDefault':
      return rebuild(op.table, (shape) => {
        columnOf(shape, op.column).default = op.default === null ? null : sqliteDefault(op.default, `${where} on "${op.table}", column ${op.column}`).sql;
      });
    case 'createIndex':
      return [
        {
          sql:
            `CREATE ${op.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(op.name)} ON ${quoteIdent(op.table)} (${quoteList(op.columns)})` +
            (op.where ? ` WHERE ${op.where}` : ''),
        },
      ];
    case 'dropIndex':
      return [{ sql: `DROP INDEX ${quoteIdent(op.name)}` }];
    case 'addForeignKey':
      return rebuild(op.table, (shape) => shape.foreignKeys.push(foreignKeyShape(op.foreignKey)));
    case 'dropForeignKey':
      return rebuild(op.table, (shape) => (shape.foreignKeys = without(shape.foreignKeys, op.name, 'foreign key', op.table)));
    case 'addCheck':
      return rebuild(op.table, (shape) => shape.checks.push({ ...op.check }));
    case 'dropCheck':
      return rebuild(op.table, (shape) => (shape.checks = without(shape.checks, op.name, 'check', op.table)));
    case 'addUnique':
      return rebuild(op.table, (shape) => shape.uniques.push({ ...op.unique }));
    case 'dropUnique':
      return rebuild(op.table, (shape) => (shape.uniques = without(shape.uniques, op.name, 'unique constraint', op.table)));
    case 'createEnum':
      // No enum types: the values live in the model, and each column of the enum gets a CHECK on them.
      return [];
    case 'dropEnum': {
      const user = before.tables.flatMap((t) =>
        t.columns.filter((c) => c.type.kind === 'enum' && c.type.enumName === op.name).map((c) => `"${t.name}"."${c.name}"`),
      );
      if (user.length) throw new Error(`${where}: enum "${op.name}" is still used by ${user.join(', ')}`);
      return [];
    }
    case 'addEnumValue':
      return addEnumValue(op, before);
    case 'sql': {
      if (!op.up.sqlite) throw new Error(`${where}: no sqlite text in up (this migration cannot run on sqlite)`);
      const statements = splitSqliteStatements(op.up.sqlite);
      if (!statements.length) throw new Error(`${where}: the sqlite text holds no statement`);
      return statements.map((text) => ({ sql: text }));
    }
  }
}

/** Rebuilds every table with a column of the enum, its CHECK widened to the new list of values. */
function addEnumValue(op: Extract<MigrationOp, { op: 'addEnumValue' }>, before: SchemaModel): CompiledStatement[] {
  const where = `addEnumValue op on enum "${op.enum}"`;
  const values = [...enumValues(before, op.enum, where)];
  if (values.includes(op.value)) throw new Error(`${where}: the enum already has the value ${quoteLiteral(op.value)}`);
  if (op.before !== undefined && op.after !== undefined) throw new Error(`${where}: give before or after, not both`);
  const anchor = op.before ?? op.after;
  const at = anchor === undefined ? values.length : values.indexOf(anchor);
  if (at < 0) throw new Error(`${where}: the enum has no value ${quoteLiteral(anchor ?? '')} to place the new one next to`);
  values.splice(anchor === undefined ? at : op.before !== undefined ? at : at + 1, 0, op.value);
  const after: SchemaModel = { ...before, enums: before.enums.map((e) => (e.name === op.enum ? { ...e, values } : e)) };
  return before.tables
    .filter((t) => t.columns.some((c) => c.type.kind === 'enum' && c.type.enumName === op.enum))
    .flatMap((t) => rebuildTable(shapeOf(t, after)));
}
