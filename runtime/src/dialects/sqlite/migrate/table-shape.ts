import { isDeepStrictEqual } from 'node:util';
import type { ColumnDef, ForeignKeyDef } from '../../../contracts/migration-op.ts';
import type { SchemaModel, Table } from '../../../contracts/schema-model.ts';
import { sqliteNeutralType } from '../types.ts';
import { enumCheck, enumValues, quoteIdent, quoteList, sqliteDefault, sqliteType } from './sql-text.ts';

/** One column of a table about to be created, everything already SQL text except the name. */
export interface ShapeColumn {
  name: string;
  declared: string;
  nullable: boolean;
  /** Default SQL text, or null. */
  default: string | null;
  /** The rowid alias (INTEGER PRIMARY KEY). */
  identity: boolean;
  generated: { kind: 'stored' | 'virtual'; expression: string } | null;
  /** An enum column's allowed values (a column CHECK). */
  enumValues: string[] | null;
  /** How to fill it from the old table in a rebuild: an SQL expression over its columns, or null for its default. */
  source: string | null;
}

type Named<T> = T & { name: string | null };

/** A table definition SQLite can create: built from a SchemaModel table or from a createTable op. */
export interface TableShape {
  name: string;
  columns: ShapeColumn[];
  primaryKey: Named<{ columns: string[] }> | null;
  uniques: Named<{ columns: string[] }>[];
  checks: Named<{ expression: string }>[];
  foreignKeys: Named<{ columns: string[]; table: string; referencedColumns: string[]; onDelete: string; onUpdate: string }>[];
}

/** A declared type SQLite reported, kept when it is a plain type name that reads back as the model's type. */
const PLAIN_TYPE = /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/;

/** A literal SQLite accepts after DEFAULT as is; anything else is an expression it reported without its parentheses. */
const LITERAL_DEFAULT =
  /^('([^']|'')*'|[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|0x[0-9a-f]+|x'[0-9a-f]*'|null|true|false|current_time|current_date|current_timestamp)$/i;

/** A default as PRAGMA table_info reports it (`1+2` for `DEFAULT (1+2)`), made writable again. */
export const reportedDefault = (text: string) => (LITERAL_DEFAULT.test(text.trim()) ? text : `(${text})`);

/** The shape of an existing table, every column copied as itself. */
export function shapeOf(table: Table, before: SchemaModel): TableShape {
  const where = `table "${table.name}"`;
  return {
    name: table.name,
    columns: table.columns.map((c) => {
      const isEnum = c.type.kind === 'enum';
      // A column declared without a type (legal in SQLite) stays without one.
      const keepNative = !isEnum && (c.nativeType === '' || PLAIN_TYPE.test(c.nativeType)) && isDeepStrictEqual(sqliteNeutralType(c.nativeType), c.type);
      return {
        name: c.name,
        declared: keepNative ? c.nativeType : sqliteType(c.type, `${where}, column ${c.name}`),
        nullable: c.nullable,
        default: c.default === null ? null : reportedDefault(c.default),
        identity: c.identity !== null,
        generated: c.generated,
        enumValues: isEnum ? enumValues(before, c.type.enumName, `${where}, column ${c.name}`) : null,
        source: c.generated ? null : quoteIdent(c.name),
      };
    }),
    primaryKey: table.primaryKey,
    uniques: table.uniques.map((u) => ({ ...u })),
    checks: table.checks.map((c) => ({ ...c })),
    foreignKeys: table.foreignKeys.map((f) => ({
      name: f.name,
      columns: f.columns,
      table: f.referencedTable,
      referencedColumns: f.referencedColumns,
      onDelete: f.onDelete,
      onUpdate: f.onUpdate,
    })),
  };
}

/** A column from an op's definition. */
export function shapeColumn(column: ColumnDef, before: SchemaModel, where: string): ShapeColumn {
  const at = `${where}, column ${column.name}`;
  return {
    name: column.name,
    declared: sqliteType(column.type, at),
    nullable: column.nullable,
    default: column.default ? sqliteDefault(column.default, at).sql : null,
    identity: column.identity !== undefined,
    generated: null,
    enumValues: column.type.kind === 'enum' ? enumValues(before, column.type.enumName, at) : null,
    source: null,
  };
}

export const foreignKeyShape = (fk: ForeignKeyDef): TableShape['foreignKeys'][number] => ({
  name: fk.name,
  columns: fk.columns,
  table: fk.references.table,
  referencedColumns: fk.references.columns,
  onDelete: fk.onDelete,
  onUpdate: fk.onUpdate,
});

const constraintName = (name: string | null) => (name === null ? '' : `CONSTRAINT ${quoteIdent(name)} `);

/**
 * CREATE TABLE for a shape. An identity column must be the single-column primary key and is declared exactly
 * INTEGER (the rowid alias); any other lone integer key is declared INT so it does not become one by accident.
 */
export function createTableSql(shape: TableShape, as: string = shape.name): string {
  const pk = shape.primaryKey?.columns ?? [];
  const lines = shape.columns.map((c) => {
    let declared = c.declared;
    const soleKey = pk.length === 1 && pk[0] === c.name;
    if (c.identity) {
      if (!soleKey || !/^(INTEGER|BIGINT|SMALLINT|INT)$/i.test(declared)) {
        throw new Error(`table "${shape.name}", column ${c.name}: on SQLite only a single-column integer primary key can be an identity (the rowid)`);
      }
      declared = 'INTEGER';
    } else if (soleKey && declared.toUpperCase() === 'INTEGER') {
      declared = 'INT';
    }
    const parts = declared ? [quoteIdent(c.name), declared] : [quoteIdent(c.name)];
    if (!c.nullable) parts.push('NOT NULL');
    if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
    if (c.generated) parts.push(`GENERATED ALWAYS AS (${c.generated.expression}) ${c.generated.kind === 'stored' ? 'STORED' : 'VIRTUAL'}`);
    if (c.enumValues) parts.push(enumCheck(c.name, c.enumValues));
    return parts.join(' ');
  });
  if (shape.primaryKey) lines.push(`${constraintName(shape.primaryKey.name)}PRIMARY KEY (${quoteList(shape.primaryKey.columns)})`);
  for (const u of shape.uniques) lines.push(`${constraintName(u.name)}UNIQUE (${quoteList(u.columns)})`);
  for (const c of shape.checks) lines.push(`${constraintName(c.name)}CHECK (${c.expression})`);
  for (const f of shape.foreignKeys) {
    lines.push(
      `${constraintName(f.name)}FOREIGN KEY (${quoteList(f.columns)}) REFERENCES ${quoteIdent(f.table)} (${quoteList(f.referencedColumns)})` +
        ` ON DELETE ${f.onDelete.toUpperCase()} ON UPDATE ${f.onUpdate.toUpperCase()}`,
    );
  }
  return `CREATE TABLE ${quoteIdent(as)} (\n  ${lines.join(',\n  ')}\n)`;
}
