import { createHash } from 'node:crypto';
import type { ColumnDef, ColumnDefault, ForeignKeyDef } from '../../../contracts/migration-op.ts';
import type { NeutralType, SchemaModel, Table } from '../../../contracts/schema-model.ts';

/** `[name]`, with any `]` inside doubled: every name from an op reaches T-SQL this way. */
export function quoteIdent(name: string): string {
  return `[${name.replace(/]/g, ']]')}]`;
}

/** `N'text'` (Unicode), quotes doubled. */
export function quoteLiteral(text: string): string {
  return `N'${text.replace(/'/g, "''")}'`;
}

export const quoteList = (names: readonly string[]) => names.map(quoteIdent).join(', ');

/** `[dbo].[table]`: ops name tables in the default schema. */
export const qualified = (table: string) => `${quoteIdent('dbo')}.${quoteIdent(table)}`;

/** SQL Server names are at most 128 characters; a longer derived name keeps a prefix and a hash. */
export function derivedName(name: string): string {
  if (name.length <= 128) return name;
  return `${name.slice(0, 111)}_${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

/** The name BYOS gives a column's default constraint, so it can be found and replaced later. */
export const defaultConstraintName = (table: string, column: string) => derivedName(`DF_${table}_${column}`);
/** The name of the CHECK that holds an enum column to its values. */
export const enumCheckName = (table: string, column: string) => derivedName(`CK_${table}_${column}_enum`);

/** nvarchar holds 4000 characters, varbinary 8000 bytes; above that only `max`. */
const MAX_NVARCHAR = 4000;
const MAX_VARBINARY = 8000;
/** Enum values are stored as text of at most this many characters. */
export const ENUM_LENGTH = 255;

/**
 * The T-SQL type for a neutral one: the inverse of mssqlNeutralType, so introspecting the column gives the same
 * NeutralType back, except where SQL Server has no such type (docs/migration-dialects.md): `enum` is nvarchar(255) with a
 * CHECK, `array` JSON text (`json`), `interval` nvarchar(64) (ISO 8601), `network` nvarchar(45), and a varchar or
 * char longer than 4000 becomes nvarchar(max) (`text`). Text is always Unicode (nvarchar, nchar).
 */
export function mssqlType(type: NeutralType, where: string): string {
  const p = type.precision === undefined ? '' : `(${Math.min(type.precision, 7)})`;
  switch (type.kind) {
    case 'boolean':
      return 'bit';
    case 'smallint':
      return 'smallint';
    case 'integer':
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'decimal':
      return `decimal(${type.precision ?? 18},${type.scale ?? 0})`;
    case 'real':
      return 'real';
    case 'double':
      return 'float';
    case 'money':
      return 'money';
    case 'char':
      return type.length === undefined ? 'nchar(1)' : type.length > MAX_NVARCHAR ? 'nvarchar(max)' : `nchar(${type.length})`;
    case 'varchar':
      return type.length === undefined || type.length > MAX_NVARCHAR ? 'nvarchar(max)' : `nvarchar(${type.length})`;
    case 'text':
      return 'nvarchar(max)';
    case 'uuid':
      return 'uniqueidentifier';
    case 'date':
      return 'date';
    case 'time':
      return `time${p}`;
    case 'timestamp':
      return `datetime2${p}`;
    case 'timestamptz':
      return `datetimeoffset${p}`;
    case 'interval':
      return 'nvarchar(64)';
    case 'json':
      return 'json';
    case 'binary':
      return type.length === undefined || type.length > MAX_VARBINARY ? 'varbinary(max)' : `varbinary(${type.length})`;
    case 'enum':
      return `nvarchar(${ENUM_LENGTH})`;
    case 'array':
      return 'json';
    case 'xml':
      return 'xml';
    case 'network':
      return 'nvarchar(45)';
    case 'unknown':
      throw new Error(`${where}: type kind "unknown" has no SQL Server spelling; use a sql op for native types`);
  }
}

/** A native type as the introspector spells it (`nvarchar(160)`, `decimal(10,2)`), safe to write back. */
const PLAIN_NATIVE = /^[a-z][a-z0-9]*(\((\d+|max)(,\d+)?\))?$/i;

/** The column's type as declared now: its native spelling when the model has one, else the neutral mapping. */
export function currentType(column: { type: NeutralType; nativeType: string }, where: string): string {
  return PLAIN_NATIVE.test(column.nativeType) ? column.nativeType : mssqlType(column.type, where);
}

/** The values of enum `name`: SQL Server has no enum types, so they come from the model the migrations imply. */
export function enumValues(before: SchemaModel, name: string | undefined, where: string): string[] {
  if (!name) throw new Error(`${where}: an enum type needs enumName`);
  const found = before.enums.find((e) => e.name === name && (e.schema === before.defaultSchema || e.schema === ''));
  if (!found) {
    throw new Error(
      `${where}: enum "${name}" is not in the schema model; SQL Server has no enum types, so the model passed to compile ` +
        'must be the one the earlier migrations imply (with the createEnum applied)',
    );
  }
  const long = found.values.find((v) => v.length > ENUM_LENGTH);
  if (long !== undefined) throw new Error(`${where}: enum value ${quoteLiteral(long)} is longer than ${ENUM_LENGTH} characters`);
  return found.values;
}

export const enumCheck = (table: string, column: string, values: readonly string[]) =>
  `CONSTRAINT ${quoteIdent(enumCheckName(table, column))} CHECK (${quoteIdent(column)} IN (${values.map(quoteLiteral).join(', ')}))`;

/** A default as T-SQL: literals quoted (bit for booleans), `now` SYSDATETIMEOFFSET(), `uuid` NEWID(). */
export function mssqlDefault(value: ColumnDefault, where: string): string {
  switch (value.kind) {
    case 'value':
      if (typeof value.value === 'boolean') return value.value ? '1' : '0';
      if (typeof value.value === 'number') {
        if (!Number.isFinite(value.value)) throw new Error(`${where}: default ${value.value} is not a finite number`);
        return String(value.value);
      }
      return quoteLiteral(value.value);
    case 'now':
      return 'SYSDATETIMEOFFSET()';
    case 'uuid':
      return 'NEWID()';
    case 'sql':
      if (!value.sql.mssql) throw new Error(`${where}: the sql default has no mssql text`);
      return `(${value.sql.mssql})`;
  }
}

export function columnDefinition(table: string, column: ColumnDef, before: SchemaModel, where: string): string {
  const at = `${where}, column ${column.name}`;
  const parts = [quoteIdent(column.name), mssqlType(column.type, at)];
  if (column.identity) parts.push('IDENTITY(1,1)');
  parts.push(column.nullable ? 'NULL' : 'NOT NULL');
  if (column.default) parts.push(`CONSTRAINT ${quoteIdent(defaultConstraintName(table, column.name))} DEFAULT ${mssqlDefault(column.default, at)}`);
  if (column.type.kind === 'enum') parts.push(enumCheck(table, column.name, enumValues(before, column.type.enumName, at)));
  return parts.join(' ');
}

const ACTION: Record<ForeignKeyDef['onDelete'], string> = {
  // SQL Server has no RESTRICT: NO ACTION is checked at the end of the statement, which is as strict here.
  'no action': 'NO ACTION',
  restrict: 'NO ACTION',
  cascade: 'CASCADE',
  'set null': 'SET NULL',
  'set default': 'SET DEFAULT',
};

export function foreignKeyClause(fk: ForeignKeyDef): string {
  return (
    `CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${quoteList(fk.columns)}) REFERENCES ${qualified(fk.references.table)} (${quoteList(fk.references.columns)})` +
    ` ON DELETE ${ACTION[fk.onDelete]} ON UPDATE ${ACTION[fk.onUpdate]}`
  );
}

export function tableIn(before: SchemaModel, name: string, where: string): Table {
  const table = before.tables.find((t) => t.schema === before.defaultSchema && t.name === name);
  if (!table) throw new Error(`${where}: table "${name}" does not exist`);
  return table;
}
