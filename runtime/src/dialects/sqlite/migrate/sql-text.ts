import type { ColumnDefault } from '../../../contracts/migration-op.ts';
import type { NeutralType, SchemaModel, Table } from '../../../contracts/schema-model.ts';

/** `"name"`, with any `"` inside doubled: every name from an op reaches SQL this way. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `'text'`, quotes doubled. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export const quoteList = (names: readonly string[]) => names.map(quoteIdent).join(', ');

/**
 * The declared type for a neutral one: the inverse of sqliteNeutralType, so introspecting the column gives the same
 * NeutralType back, except where SQLite has no such type (docs/migration-dialects.md):
 * - `real` is declared REAL, which reads back as `double` (SQLite's REAL is always 8 bytes);
 * - `money` is DECIMAL(19,4), `interval` TEXT (ISO 8601), `network` TEXT, `xml` TEXT, `array` JSON (a JSON array);
 * - time precision is not kept (SQLite stores temporal values as text);
 * - `enum` is TEXT with a CHECK on the values (see enumCheck).
 */
export function sqliteType(type: NeutralType, where: string): string {
  const length = type.length === undefined ? '' : `(${type.length})`;
  switch (type.kind) {
    case 'boolean':
      return 'BOOLEAN';
    case 'smallint':
      return 'SMALLINT';
    case 'integer':
      return 'INTEGER';
    case 'bigint':
      return 'BIGINT';
    case 'decimal':
      if (type.precision === undefined) return 'DECIMAL';
      return type.scale === undefined ? `DECIMAL(${type.precision})` : `DECIMAL(${type.precision},${type.scale})`;
    case 'real':
      return 'REAL';
    case 'double':
      return 'DOUBLE';
    case 'money':
      return 'DECIMAL(19,4)';
    case 'char':
      return `CHAR${length}`;
    case 'varchar':
      return `VARCHAR${length}`;
    case 'text':
      return 'TEXT';
    case 'uuid':
      return 'UUID';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'timestamptz':
      return 'TIMESTAMPTZ';
    case 'interval':
      return 'TEXT';
    case 'json':
      return 'JSON';
    case 'binary':
      return `BLOB${length}`;
    case 'enum':
      return 'TEXT';
    case 'array':
      return 'JSON';
    case 'xml':
      return 'TEXT';
    case 'network':
      return 'TEXT';
    case 'unknown':
      throw new Error(`${where}: type kind "unknown" has no SQLite spelling; use a sql op for native types`);
  }
}

/** The values of enum `name`: SQLite has no enum types, so they come from the model the migrations imply. */
export function enumValues(before: SchemaModel, name: string | undefined, where: string): string[] {
  if (!name) throw new Error(`${where}: an enum type needs enumName`);
  const found = before.enums.find((e) => e.name === name && (e.schema === before.defaultSchema || e.schema === ''));
  if (!found) {
    throw new Error(
      `${where}: enum "${name}" is not in the schema model; SQLite has no enum types, so the model passed to compile ` +
        'must be the one the earlier migrations imply (with the createEnum applied)',
    );
  }
  return found.values;
}

/** A column-level CHECK holding an enum column to its values. */
export const enumCheck = (column: string, values: readonly string[]) => `CHECK (${quoteIdent(column)} IN (${values.map(quoteLiteral).join(', ')}))`;

/** A random version 4 UUID as a SQLite expression (SQLite has no UUID function). */
const UUID_V4 =
  "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || " +
  "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))";

/**
 * A default as SQLite writes it. Only `value` defaults are constants, which ALTER TABLE ADD COLUMN accepts; the
 * others are expressions (CURRENT_TIMESTAMP, a parenthesised expression), which force a table rebuild there.
 */
export function sqliteDefault(value: ColumnDefault, where: string): { sql: string; constant: boolean } {
  switch (value.kind) {
    case 'value':
      if (typeof value.value === 'boolean') return { sql: value.value ? 'TRUE' : 'FALSE', constant: true };
      if (typeof value.value === 'number') {
        if (!Number.isFinite(value.value)) throw new Error(`${where}: default ${value.value} is not a finite number`);
        return { sql: String(value.value), constant: true };
      }
      return { sql: quoteLiteral(value.value), constant: true };
    case 'now':
      return { sql: 'CURRENT_TIMESTAMP', constant: false };
    case 'uuid':
      return { sql: UUID_V4, constant: false };
    case 'sql':
      if (!value.sql.sqlite) throw new Error(`${where}: the sql default has no sqlite text`);
      return { sql: `(${value.sql.sqlite})`, constant: false };
  }
}

/** The table named `name` in `before`, or an error naming the op. */
export function tableIn(before: SchemaModel, name: string, where: string): Table {
  const table = before.tables.find((t) => t.name === name);
  if (!table) throw new Error(`${where}: table "${name}" does not exist`);
  return table;
}
